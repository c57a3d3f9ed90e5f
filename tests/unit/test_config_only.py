"""``load_config(only=...)``: a quick command (``send``, ``status``, ``messages``) reads only the
optional tables it uses, for a script's start-up time; the daemon and the panel read the whole
file, so a mistake anywhere is still refused when the appliance starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import ConfigError, load_config
from appliance.config.loading import OPTIONAL
from appliance.config.model import Unread

BROKEN_ALERTS = """\
[appliance]
database = "sqlite:////tmp/x/smsrelay.db"
timezone = "Europe/Paris"

[contacts]
cap_messages = 3

[alerts]
cap_percent = "lots"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "smsrelay.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_whole_load_refuses_a_mistake_in_any_table(tmp_path):
    with pytest.raises(ConfigError, match=r"alerts\.cap_percent"):
        load_config(write(tmp_path, BROKEN_ALERTS))


def test_a_quick_load_reads_only_what_it_names(tmp_path):
    config = load_config(write(tmp_path, BROKEN_ALERTS), only=("contacts", "security"))
    assert config.consent.cap_messages == 3
    assert config.security.premium_rate is False
    for name in ("alerts", "smtp", "mail", "imap", "calls", "retention"):
        assert isinstance(getattr(config, name), Unread), name


def test_using_an_unread_table_says_which_and_why(tmp_path):
    config = load_config(write(tmp_path, BROKEN_ALERTS), only=())
    with pytest.raises(RuntimeError, match=r"\[alerts\] was not read.*\.sms_to"):
        _ = config.alerts.sms_to
    with pytest.raises(RuntimeError, match=r"\[contacts\] was not read"):
        _ = config.consent.cap_messages


def test_the_file_s_shape_is_always_checked(tmp_path):
    """A misspelt table or key of a table the command does not read is still refused: the
    file's shape costs nothing to check."""
    misspelt = write(tmp_path, '[alert]\nsms_to = "+33612345678"\n')
    with pytest.raises(ConfigError, match="unknown table"):
        load_config(misspelt, only=())
    with pytest.raises(ConfigError, match=r"alerts\.sms_too"):
        load_config(write(tmp_path, '[alerts]\nsms_too = "x"\n'), only=())


def test_the_region_is_checked_against_phonenumbers_when_numbers_are_read(tmp_path):
    path = write(tmp_path, '[appliance]\nregion = "ZZ"\n')
    assert load_config(path, only=()).region == "ZZ"  # two letters: status reads no number
    with pytest.raises(ConfigError, match=r"appliance\.region: 'ZZ' is not a country code"):
        load_config(path, only=("numbers",))
    with pytest.raises(ConfigError, match=r"appliance\.region"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"appliance\.region: 'F1'"):
        load_config(write(tmp_path, '[appliance]\nregion = "F1"\n'), only=())


def test_every_table_read_gives_the_same_config_as_the_whole_load(tmp_path):
    path = write(tmp_path, BROKEN_ALERTS.replace('"lots"', "75"))
    assert load_config(path, only=OPTIONAL) == load_config(path)


def test_an_unknown_table_name_in_only_is_a_mistake_of_the_code(tmp_path):
    with pytest.raises(ValueError, match="alert"):
        load_config(write(tmp_path, ""), only=("alert",))
