"""The V.250 command-line splitter of the simulator."""

from __future__ import annotations

import pytest

from modem.sim.commandline import Argument, Command, CommandLineError, parse, strip_prefix


def test_prefix_is_found_in_either_case_and_after_noise() -> None:
    assert strip_prefix("AT+CSQ") == "+CSQ"
    assert strip_prefix("at+csq") == "+csq"
    assert strip_prefix("\n\xffAT") == ""
    assert strip_prefix("hello") is None


def test_basic_commands_run_together() -> None:
    assert parse("E0V1") == [Command("E", "action", "0"), Command("V", "action", "1")]
    assert parse("Z") == [Command("Z", "action", "")]
    assert parse("&F") == [Command("&F", "action", "")]
    assert parse("S7?") == [Command("S7", "read")]
    assert parse("S0=2") == [Command("S0", "set", "2")]


def test_extended_forms() -> None:
    assert parse("+CGMI") == [Command("+CGMI", "action")]
    assert parse("+CMGF?") == [Command("+CMGF", "read")]
    assert parse("+CNMI=?") == [Command("+CNMI", "test")]
    assert parse("^ICCID?") == [Command("^ICCID", "read")]
    (cnmi,) = parse("+cnmi=2,1,,1")
    assert cnmi.name == "+CNMI" and cnmi.kind == "set"
    assert [a.text for a in cnmi.args] == ["2", "1", None, "1"]


def test_quoted_strings_keep_commas_and_semicolons() -> None:
    commands = parse('+CUSD=1,"*100#;,x",15;+CPIN="1234"')
    assert commands[0].args == (Argument("1"), Argument("*100#;,x", True), Argument("15"))
    assert commands[1].args == (Argument("1234", True),)
    assert commands[1].arg(1) == Argument(None)


def test_several_extended_commands() -> None:
    names = [c.name for c in parse("+CMGF=0;+CNMI=2,1,0,0,0;+CPMS?")]
    assert names == ["+CMGF", "+CNMI", "+CPMS"]


@pytest.mark.parametrize("body", ['+CPIN="12', "+", "&", "S", "=", "+CSQ?x"])
def test_syntax_errors(body: str) -> None:
    with pytest.raises(CommandLineError):
        parse(body)


def test_argument_numbers() -> None:
    assert Argument("12").as_int() == 12
    assert Argument(None).as_int(5) == 5
    with pytest.raises(ValueError):
        Argument("ab").as_int()
    with pytest.raises(ValueError):
        Argument("12", quoted=True).as_int()
