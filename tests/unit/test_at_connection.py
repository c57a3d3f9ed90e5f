"""AtConnection on exact bytes: framing, echo, prompt, finals, URCs, garbage, cancel, bounds."""

from __future__ import annotations

import pytest

from modem.at import (
    MAX_LINE_BYTES,
    AtConnection,
    Command,
    CommandFailed,
    Event,
    Final,
    Garbage,
    Prompt,
    Response,
    Urc,
)
from modem.errors import LocalProtocolError, RemoteProtocolError

CSQ = Command("AT+CSQ", ("+CSQ:",))
CREG = Command("AT+CREG?", ("+CREG:",))
CGSN = Command("AT+CGSN", bare=True)
OK = Final("OK", None, "OK")
# dreamfabric.com's SMS-SUBMIT example: "hellohello" to +46708251358, 23 TPDU octets.
SUBMIT = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
CMGS = Command("AT+CMGS=23", ("+CMGS:",), pdu=SUBMIT)
# ModemManager test_parse_cds: a status report PDU, 24 TPDU octets.
REPORT = "07914356060013F1065A098136395339F6219011700463802190117004638030"
# garronej/at-messages-parser tests: an SMS-DELIVER read from a Huawei dongle, 26 TPDU octets.
DELIVER = "07913306092011F0040B913336766883F5000061216212807140074A351A8D56AB01"


def events_of(connection: AtConnection) -> list[Event]:
    events = []
    while (event := connection.next_event()) is not None:
        events.append(event)
    return events


def run(command: Command | None, *chunks: bytes) -> list[Event]:
    connection = AtConnection()
    if command is not None:
        connection.send(command)
    for chunk in chunks:
        connection.receive_data(chunk)
    return events_of(connection)


# --- framing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\r\n+CSQ: 17,99\r\n\r\nOK\r\n",  # V.250 framing
        b"+CSQ: 17,99\r\nOK\r\n",  # no leading CR LF
        b"\n+CSQ: 17,99\n\nOK\n",  # LF only
        b"\r+CSQ: 17,99\rOK\r",  # CR only
        b"\n\r+CSQ: 17,99\n\r\n\rOK\n\r",  # LF CR
        b"\r\r\n+CSQ: 17,99\r\n\n\r\r\nOK\r\n",  # mixed, and empty lines
        b"\r\n  +CSQ: 17,99  \r\n\r\n\tOK\t\r\n",  # blanks around lines are not part of them
    ],
)
def test_lines_end_in_cr_lf_or_crlf_in_any_mix(data: bytes) -> None:
    assert run(CSQ, data) == [Response(CSQ, ("+CSQ: 17,99",), OK)]


def test_a_line_is_complete_only_at_its_end() -> None:
    connection = AtConnection()
    connection.send(CSQ)
    connection.receive_data(b"\r\n+CSQ: 17,99\r\n\r\nO")
    assert connection.next_event() is None
    connection.receive_data(b"")
    assert connection.next_event() is None
    connection.receive_data(b"K")
    assert connection.next_event() is None
    connection.receive_data(b"\r")
    assert events_of(connection) == [Response(CSQ, ("+CSQ: 17,99",), OK)]


def test_nothing_received_nothing_out() -> None:
    connection = AtConnection()
    connection.receive_data(b"")
    connection.receive_data(b"\r\n\r\n")
    assert connection.next_event() is None


# --- echo ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n",  # ATE1: the command, CR only, then the answer
        b"\r\n+CSQ: 17,99\r\n\r\nOK\r\n",  # ATE0
        b'\r\n+CMTI: "SM",3\r\nAT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n',  # a URC before the echo
    ],
)
def test_the_echo_of_the_pending_command_is_dropped(data: bytes) -> None:
    events = run(CSQ, data)
    assert events[-1] == Response(CSQ, ("+CSQ: 17,99",), OK)
    assert all(not (isinstance(e, Urc) and e.line == "AT+CSQ") for e in events)


def test_echo_may_be_turned_on_and_off_at_any_time() -> None:
    connection = AtConnection()
    script = [
        (Command("ATE1"), b"\r\nOK\r\n"),  # echo off when sent, on afterwards
        (CSQ, b"AT+CSQ\r\r\n+CSQ: 5,99\r\n\r\nOK\r\n"),
        (Command("ATE0"), b"ATE0\r\r\nOK\r\n"),  # echoed: echo was still on
        (CSQ, b"\r\n+CSQ: 6,99\r\n\r\nOK\r\n"),
        (Command("ATZ"), b"\r\nOK\r\n"),  # a reset turns echo back on
        (CSQ, b"AT+CSQ\r\r\n+CSQ: 7,99\r\n\r\nOK\r\n"),
    ]
    finals = []
    for command, reply in script:
        connection.send(command)
        connection.receive_data(reply)
        finals.extend(events_of(connection))
    assert [e.lines for e in finals if isinstance(e, Response)] == [
        (),
        ("+CSQ: 5,99",),
        (),
        ("+CSQ: 6,99",),
        (),
        ("+CSQ: 7,99",),
    ]


def test_an_echo_in_other_letter_case_is_still_the_echo() -> None:
    command = Command("at+csq", ("+CSQ:",))
    assert run(command, b"at+csq\r\r\n+CSQ: 1,99\r\n\r\nOK\r\n") == [
        Response(command, ("+CSQ: 1,99",), OK)
    ]


# --- the prompt ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", [b"\r\n> ", b"\r\n>", b"> ", b"AT+CMGS=23\r\r\n> "])
def test_the_prompt_is_an_event_as_soon_as_it_arrives(prompt: bytes) -> None:
    assert run(CMGS, prompt) == [Prompt(CMGS)]


def test_the_prompt_split_from_its_space() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b"\r\n>")
    assert events_of(connection) == [Prompt(CMGS)]
    connection.receive_data(b" ")
    assert connection.send_pdu() == SUBMIT.encode() + b"\x1a"
    connection.receive_data(b"\r\n+CMGS: 12\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CMGS, ("+CMGS: 12",), OK)]


@pytest.mark.parametrize(
    "after_prompt",
    [
        SUBMIT.encode() + b"\x1a\r\n+CMGS: 12\r\n\r\nOK\r\n",  # ATE1 echoes the PDU and Ctrl-Z
        SUBMIT.encode() + b"\r\n+CMGS: 12\r\n\r\nOK\r\n",  # ... or the PDU alone
        SUBMIT.lower().encode() + b"\r\n\r\n+CMGS: 12\r\n\r\nOK\r\n",
        b"\r\n+CMGS: 12\r\n\r\nOK\r\n",  # ATE0
    ],
)
def test_the_echo_of_the_pdu_is_dropped(after_prompt: bytes) -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b"AT+CMGS=23\r\r\n> ")
    assert events_of(connection) == [Prompt(CMGS)]
    connection.send_pdu()
    connection.receive_data(after_prompt)
    assert events_of(connection) == [Response(CMGS, ("+CMGS: 12",), OK)]


def test_a_prompt_is_only_a_prompt_for_a_command_with_a_pdu() -> None:
    assert run(CSQ, b"\r\n> \r\nOK\r\n") == [Urc(">", ">"), Response(CSQ, (), OK)]


def test_send_pdu_is_refused_out_of_turn() -> None:
    connection = AtConnection()
    with pytest.raises(LocalProtocolError):
        connection.send_pdu()
    connection.send(CSQ)
    with pytest.raises(LocalProtocolError):
        connection.send_pdu()  # AT+CSQ has no PDU
    connection.cancel()
    connection.send(CMGS)
    with pytest.raises(LocalProtocolError):
        connection.send_pdu()  # no prompt yet
    connection.receive_data(b"\r\n> ")
    connection.send_pdu()
    with pytest.raises(LocalProtocolError):
        connection.send_pdu()  # once only


def test_a_cmti_before_the_prompt_and_after_the_pdu() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b'\r\n+CMTI: "SM",3\r\n\r\n> ')
    assert events_of(connection) == [Urc("+CMTI", '+CMTI: "SM",3'), Prompt(CMGS)]
    connection.send_pdu()
    connection.receive_data(b'\r\n+CMTI: "SM",4\r\n\r\n+CMGS: 12\r\n\r\nOK\r\n')
    assert events_of(connection) == [
        Urc("+CMTI", '+CMTI: "SM",4'),
        Response(CMGS, ("+CMGS: 12",), OK),
    ]


def test_a_cmt_between_the_prompt_and_the_cmgs_answer() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b"\r\n> ")
    connection.send_pdu()
    connection.receive_data(b"\r\n+CMT: ,26\r\n" + DELIVER.encode() + b"\r\n")
    connection.receive_data(b"\r\n+CMGS: 12\r\n\r\nOK\r\n")
    assert events_of(connection) == [
        Prompt(CMGS),
        Urc("+CMT", "+CMT: ,26", DELIVER),
        Response(CMGS, ("+CMGS: 12",), OK),
    ]


# --- final result codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "final"),
    [
        (b"OK", Final("OK", None, "OK")),
        (b"ERROR", Final("ERROR", None, "ERROR")),
        (b"+CME ERROR: 10", Final("CME", 10, "10")),
        (b"+CME ERROR: SIM PIN required", Final("CME", None, "SIM PIN required")),
        (b"+CMS ERROR: 500", Final("CMS", 500, "500")),
        (
            b"+CMS ERROR: SMS service of ME reserved",
            Final("CMS", None, "SMS service of ME reserved"),
        ),
        (b"+CME ERROR:3", Final("CME", 3, "3")),
        (b"COMMAND NOT SUPPORT", Final("ERROR", None, "COMMAND NOT SUPPORT")),
        (b"TOO MANY PARAMETERS", Final("ERROR", None, "TOO MANY PARAMETERS")),
    ],
)
def test_final_result_codes_end_the_pending_command(line: bytes, final: Final) -> None:
    assert run(CSQ, b"\r\n" + line + b"\r\n") == [Response(CSQ, (), final)]
    assert final.ok == (final.kind == "OK")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (b"NO CARRIER", "NO CARRIER"),
        (b"BUSY", "BUSY"),
        (b"NO ANSWER", "NO ANSWER"),
        (b"NO DIALTONE", "NO DIALTONE"),
        (b"CONNECT", "CONNECT"),
        (b"CONNECT 9600", "CONNECT"),
    ],
)
def test_call_progress_codes_end_a_dial_command(line: bytes, kind: str) -> None:
    dial = Command("ATD+33612345678;")
    [response] = run(dial, b"\r\n" + line + b"\r\n")
    assert isinstance(response, Response) and response.final.kind == kind


def test_a_caller_hanging_up_does_not_end_an_sms_send() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b"\r\nRING\r\n\r\nNO CARRIER\r\n\r\n> ")
    connection.send_pdu()
    connection.receive_data(b"\r\n+CMGS: 12\r\n\r\nOK\r\n")
    assert events_of(connection) == [
        Urc("RING", "RING"),
        Urc("NO CARRIER", "NO CARRIER"),
        Prompt(CMGS),
        Response(CMGS, ("+CMGS: 12",), OK),
    ]


def test_a_huawei_error_run_into_the_next_line_is_not_a_final() -> None:
    # garronej/at-messages-parser "CNUM" test: Huawei prints "+CME ERROR: 25" with no line end.
    cnum = Command("AT+CNUM", ("+CNUM:",))
    events = run(cnum, b'\r\n+CME ERROR: 25+CNUM: "","+33671651906",145\r\n\r\nOK\r\n')
    assert events[-1] == Response(cnum, (), OK)


# --- answers and unsolicited codes --------------------------------------------------------------


def test_a_line_with_the_pending_prefix_is_the_answer_even_if_it_can_be_unsolicited() -> None:
    assert run(CREG, b"\r\n+CREG: 2,1\r\n\r\nOK\r\n") == [Response(CREG, ("+CREG: 2,1",), OK)]


def test_a_known_urc_during_another_command_is_a_urc() -> None:
    assert run(CSQ, b"\r\n+CREG: 1\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n") == [
        Urc("+CREG", "+CREG: 1"),
        Response(CSQ, ("+CSQ: 20,99",), OK),
    ]


def test_vendor_noise_never_breaks_the_pending_command() -> None:
    data = b"\r\n^DSFLOWRPT:0000003D,00,00\r\n\r\n+FOO: 1\r\nwhatever\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
    assert run(CSQ, data) == [
        Urc("^DSFLOWRPT", "^DSFLOWRPT:0000003D,00,00"),
        Urc("+FOO", "+FOO: 1"),
        Urc("whatever", "whatever"),
        Response(CSQ, ("+CSQ: 20,99",), OK),
    ]


def test_a_bare_command_takes_unknown_lines_but_not_known_urcs() -> None:
    assert run(CGSN, b"\r\n^RSSI:18\r\n352215049114778\r\n\r\nOK\r\n") == [
        Urc("^RSSI", "^RSSI:18"),
        Response(CGSN, ("352215049114778",), OK),
    ]


def test_with_nothing_pending_every_line_is_a_urc() -> None:
    assert run(None, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n\r\nCall Ready\r\n") == [
        Urc("+CSQ", "+CSQ: 20,99"),
        Urc("OK", "OK"),
        Urc("Call Ready", "Call Ready"),
    ]


def test_cusd_before_the_ok_is_the_answer_and_after_it_a_urc() -> None:
    cusd = Command('AT+CUSD=1,"*100#",15', ("+CUSD:",))
    before = b'\r\n+CUSD: 0,"Solde: 5,00 EUR",15\r\n\r\nOK\r\n'
    after = b'\r\nOK\r\n\r\n+CUSD: 0,"Solde: 5,00 EUR",15\r\n'
    line = '+CUSD: 0,"Solde: 5,00 EUR",15'
    assert run(cusd, before) == [Response(cusd, (line,), OK)]
    assert run(cusd, after) == [Response(cusd, (), OK), Urc("+CUSD", line)]


def test_a_cusd_text_broken_over_lines_is_gathered() -> None:
    cusd = Command('AT+CUSD=1,"*100#",15', ("+CUSD:",))
    data = b'\r\nOK\r\n\r\n+CUSD: 1,"Menu:\r\n1. Solde\r\n2. Options",15\r\n'
    assert run(cusd, data) == [
        Response(cusd, (), OK),
        Urc("+CUSD", '+CUSD: 1,"Menu:\n1. Solde\n2. Options",15'),
    ]


def test_an_unclosed_cusd_quote_gives_up_at_the_final_result() -> None:
    cusd = Command('AT+CUSD=1,"*100#",15', ("+CUSD:",))
    assert run(cusd, b'\r\n+CUSD: 0,"broken\r\nOK\r\n') == [
        Response(cusd, ('+CUSD: 0,"broken',), OK)
    ]


# --- PDUs on the next line ----------------------------------------------------------------------


def test_cmt_with_its_pdu_in_a_later_chunk() -> None:
    connection = AtConnection()
    connection.receive_data(b"\r\n+CMT: ,26\r\n")
    assert connection.next_event() is None
    connection.receive_data(DELIVER[:10].encode())
    assert connection.next_event() is None
    connection.receive_data(DELIVER[10:].encode() + b"\r\n")
    assert events_of(connection) == [Urc("+CMT", "+CMT: ,26", DELIVER)]


def test_cmt_while_a_command_is_pending() -> None:
    data = b'\r\n+CMT: "",26\r\n' + DELIVER.encode() + b"\r\n\r\n+CSQ: 3,99\r\n\r\nOK\r\n"
    assert run(CSQ, data) == [
        Urc("+CMT", '+CMT: "",26', DELIVER),
        Response(CSQ, ("+CSQ: 3,99",), OK),
    ]


def test_cds_and_cbm_carry_their_pdu_too() -> None:
    data = b"\r\n+CDS: 24\r\n" + REPORT.encode() + b"\r\n\r\n+CBM: 88\r\n0011\r\n"
    assert run(None, data) == [Urc("+CDS", "+CDS: 24", REPORT), Urc("+CBM", "+CBM: 88", "0011")]


def test_a_text_mode_cds_has_no_second_line() -> None:
    line = '+CDS: 6,46,"+33612345678",145,"24/01/01,10:00:00+04","24/01/01,10:00:05+04",0'
    assert run(None, b"\r\n" + line.encode() + b"\r\n\r\nRING\r\n") == [
        Urc("+CDS", line),
        Urc("RING", "RING"),
    ]


def test_a_text_mode_cmt_takes_its_text_line() -> None:
    header = '+CMT: "+33612345678",,"24/01/01,10:00:00+04"'
    data = b"\r\n" + header.encode() + b"\r\nOui, je viens\r\n"
    assert run(None, data) == [Urc("+CMT", header, "Oui, je viens")]


def test_a_pdu_header_whose_pdu_never_comes() -> None:
    assert run(CSQ, b"\r\n+CMT: ,26\r\n\r\n+CSQ: 3,99\r\n\r\nOK\r\n") == [
        Urc("+CMT", "+CMT: ,26"),
        Response(CSQ, ("+CSQ: 3,99",), OK),
    ]


def test_pdu_lines_belong_to_the_answer() -> None:
    cmgl = Command("AT+CMGL=4", ("+CMGL:",), pdu_lines=True)
    data = b"\r\n+CMGL: 1,0,,26\r\n" + DELIVER.encode() + b"\r\n\r\nOK\r\n"
    assert run(cmgl, data) == [Response(cmgl, ("+CMGL: 1,0,,26", DELIVER), OK)]


def test_an_info_line_without_its_pdu_line_still_ends_at_the_final() -> None:
    cmgr = Command("AT+CMGR=5", ("+CMGR:",), pdu_lines=True)
    assert run(cmgr, b"\r\n+CMGR: 0,,0\r\n\r\nOK\r\n") == [Response(cmgr, ("+CMGR: 0,,0",), OK)]


# --- garbage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("garbage", "reason"),
    [
        (b"+CSQ: 1\xff\xfe,99", "invalid UTF-8"),
        (b"\x00\x00\x00", "control character U+0000"),
        (b"\xff" * 40, "invalid UTF-8"),
        (b"+CSQ: \x1a", "control character U+001A"),
    ],
)
def test_garbage_fails_the_pending_command_only(garbage: bytes, reason: str) -> None:
    connection = AtConnection()
    connection.send(CSQ)
    connection.receive_data(b"\r\n" + garbage + b"\r\n\r\nOK\r\n")
    [failed] = events_of(connection)
    assert isinstance(failed, CommandFailed) and failed.command == CSQ
    assert isinstance(failed.error, RemoteProtocolError)
    assert reason in str(failed.error) and repr(garbage[:8])[2:-1] in str(failed.error)
    assert connection.pending is None
    # The next command works.
    connection.send(CSQ)
    connection.receive_data(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CSQ, ("+CSQ: 20,99",), OK)]


def test_garbage_with_nothing_pending_is_a_garbage_event() -> None:
    events = run(None, b"\r\n\xff\xff\x00\r\n\r\nRDY\r\n")
    assert isinstance(events[0], Garbage) and events[0].data == b"\xff\xff\x00"
    assert events[1:] == [Urc("RDY", "RDY")]


def test_the_rest_of_a_failed_answer_is_dropped_and_later_garbage_is_garbage() -> None:
    events = run(CSQ, b'\r\n\x00\r\n+CSQ: 1,99\r\n\xff\r\nOK\r\n\r\n+CMTI: "SM",1\r\n')
    assert [type(e) for e in events] == [CommandFailed, Garbage, Urc]


def test_a_modem_that_never_ends_its_line_is_bounded() -> None:
    connection = AtConnection()
    connection.send(CSQ)
    chunk = b"\xaa" * 4096
    for _ in range(256):  # 1 MiB without a line end
        connection.receive_data(chunk)
        assert len(connection._buffer) <= MAX_LINE_BYTES
    [failed] = events_of(connection)
    assert isinstance(failed, CommandFailed)
    assert f"no line end within {MAX_LINE_BYTES} bytes" in str(failed.error)
    # The rest of the runaway line is skipped; the next line is read.
    connection.receive_data(b"\xaa\xaa\r\n\r\nRING\r\n")
    assert events_of(connection) == [Urc("RING", "RING")]


def test_a_runaway_line_with_nothing_pending_is_garbage_kept_short() -> None:
    connection = AtConnection()
    connection.receive_data(b"x" * (MAX_LINE_BYTES + 1))
    [garbage] = events_of(connection)
    assert isinstance(garbage, Garbage) and len(garbage.data) == 1024


# --- cancel and abort ---------------------------------------------------------------------------


def test_cancel_then_the_late_reply_is_dropped_quietly() -> None:
    connection = AtConnection()
    connection.send(CSQ)
    connection.cancel()
    assert connection.pending is None
    connection.receive_data(b'AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\n+CMTI: "SM",2\r\n\r\nOK\r\n')
    assert events_of(connection) == [Urc("+CMTI", '+CMTI: "SM",2')]
    connection.send(CREG)
    connection.receive_data(b"\r\n+CREG: 0,1\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CREG, ("+CREG: 0,1",), OK)]


def test_cancel_of_a_bare_command_drops_its_late_digits() -> None:
    connection = AtConnection()
    connection.send(CGSN)
    connection.cancel()
    connection.receive_data(b"\r\n352215049114778\r\n\r\n^RSSI:9\r\n\r\nOK\r\n\r\nOK\r\n")
    # The second OK comes after the late final: nothing is pending any more, so it is a URC.
    assert events_of(connection) == [Urc("^RSSI", "^RSSI:9"), Urc("OK", "OK")]


def test_abort_leaves_a_stuck_prompt() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.receive_data(b"\r\n> ")
    assert events_of(connection) == [Prompt(CMGS)]
    assert connection.abort() == b"\x1b"
    assert connection.pending is None
    connection.receive_data(b"\x1b\r\n\r\nOK\r\n")  # the modem echoes ESC and answers OK
    assert connection.next_event() is None
    connection.send(CSQ)
    connection.receive_data(b"\r\n+CSQ: 9,99\r\n\r\nOK\r\n")
    assert events_of(connection) == [Response(CSQ, ("+CSQ: 9,99",), OK)]


def test_a_prompt_that_comes_after_cancel_is_swallowed() -> None:
    connection = AtConnection()
    connection.send(CMGS)
    connection.cancel()
    connection.receive_data(b"\r\n> ")
    assert connection.next_event() is None


# --- misuse -------------------------------------------------------------------------------------


def test_one_command_at_a_time() -> None:
    connection = AtConnection()
    assert connection.send(CSQ) == b"AT+CSQ\r"
    assert connection.pending == CSQ
    with pytest.raises(LocalProtocolError):
        connection.send(CREG)


@pytest.mark.parametrize(
    "command",
    [
        Command(""),
        Command("AT+CSQ\r"),
        Command("AT\nAT"),
        Command('AT+COPS=1,0,"Télé"'),
        Command("AT+CMGS=1", pdu="ABC"),
        Command("AT+CMGS=1", pdu="XYZW"),
        Command("AT+CMGS=1", pdu=""),
    ],
)
def test_commands_that_would_break_the_framing_are_refused(command: Command) -> None:
    connection = AtConnection()
    with pytest.raises(LocalProtocolError):
        connection.send(command)
    assert connection.pending is None


def test_an_error_code_too_long_for_int_is_kept_as_text() -> None:
    digits = "9" * 5000
    [response] = run(CSQ, f"\r\n+CME ERROR: {digits}\r\n".encode())
    assert response == Response(CSQ, (), Final("CME", None, digits))


def test_a_send_refused_before_the_prompt() -> None:
    # TS 27.005 §3.5.1: the modem may refuse AT+CMGS outright; no prompt, no PDU.
    assert run(CMGS, b"\r\n+CMS ERROR: 500\r\n") == [Response(CMGS, (), Final("CMS", 500, "500"))]
