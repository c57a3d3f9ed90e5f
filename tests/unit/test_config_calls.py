"""The calls and credit keys (issue 13): per modem in [defaults] and [[modem]], the [calls]
reply, and every refusal naming its key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from appliance.config import ConfigError, load_config, machine
from appliance.config.calls import CallsConfig


@pytest.fixture(autouse=True)
def no_system_file(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "SYSTEM_PATH", tmp_path / "etc" / "smsrelay.toml")


def load_text(tmp_path: Path, text: str):
    path = tmp_path / "smsrelay.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ={"HOME": str(tmp_path)})


def test_defaults_hang_up_with_ath_query_no_credit_and_send_no_reply(tmp_path):
    config = load_text(tmp_path, "")
    modem = config.defaults
    assert (modem.hangup_calls, modem.hangup_command) == (True, "ATH")
    assert (modem.credit_code, modem.credit_every, modem.credit_low) == (
        None, timedelta(hours=12), None
    )  # fmt: skip
    assert config.calls == CallsConfig(reply=None)


def test_a_modem_starts_from_the_defaults_and_overrides_what_it_sets(tmp_path):
    config = load_text(
        tmp_path,
        """
[defaults]
credit_code = "*123#"
credit_low = 5
hangup_command = "at+chup"

[[modem]]
port = "/dev/gsm/orange"
credit_every = "6h"

[[modem]]
port = "/dev/gsm/free"
credit_code = "#100#"
credit_every = false
credit_low = 2.5
hangup_calls = false

[calls]
reply = "Ce numéro ne prend pas d'appels : écrivez-nous par SMS."
""",
    )
    orange, free = config.modems
    assert (orange.credit_code, orange.credit_every, orange.credit_low) == (
        "*123#", timedelta(hours=6), 5.0
    )  # fmt: skip
    assert orange.hangup_command == "AT+CHUP" and orange.hangup_calls
    assert (free.credit_code, free.credit_every, free.credit_low) == ("#100#", None, 2.5)
    assert not free.hangup_calls
    assert config.modem_for("/dev/ttyUSB9").credit_code == "*123#"  # a discovered modem
    assert config.calls.reply == "Ce numéro ne prend pas d'appels : écrivez-nous par SMS."


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[defaults]\ncredit_code = "123"', "defaults.credit_code", 'like "*123#"'),
        ('[defaults]\ncredit_code = "*123#; AT+CFUN=0"', "defaults.credit_code", "USSD code"),
        ("[defaults]\ncredit_code = 123", "defaults.credit_code", "the number 123"),
        ('[defaults]\ncredit_every = "1m"', "defaults.credit_every", "too often"),
        ('[defaults]\ncredit_every = "soon"', "defaults.credit_every", "not a duration"),
        ('[defaults]\ncredit_low = "5 EUR"', "defaults.credit_low", "an amount"),
        ("[defaults]\ncredit_low = -1", "defaults.credit_low", "an amount"),
        ('[defaults]\nhangup_command = "ATA"', "defaults.hangup_command", '"ATH" or "AT+CHUP"'),
        ('[defaults]\nhangup_calls = "yes"', "defaults.hangup_calls", "true or false"),
        ('[[modem]]\nport = "/dev/x"\ncredit_low = true', "modem[1].credit_low", "an amount"),
        ('[calls]\nreply = ""', "calls.reply", "a text in quotes"),
        ('[calls]\nreplies = "x"', "calls.replies", "did you mean 'reply'"),
        ('reply = "x"', "reply", "belongs in the [calls] table"),
    ],
)
def test_refusals_name_the_key(tmp_path, text: str, key: str, words: str):
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    assert caught.value.key == key
    assert words in caught.value.why
