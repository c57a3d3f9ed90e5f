"""What an audit found in the command line (issue 14): tracebacks on odd input, a command that
never ended, terminal escapes printed raw, and sends that should have been refused. Each test here
failed before its fix.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

from .test_cli import run, write_config

NUMBER = "+33612345678"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)


@pytest.fixture
def config_path(tmp_path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def store(config_path) -> Iterator[Store]:
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


# --- ids no message can have ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["cancel", "retry"])
@pytest.mark.parametrize("huge", ["99999999999999999999", "2147483648", "0", "-5"])
def test_an_id_no_message_can_have_is_no_message(config_path, store, command, huge):
    result = run(config_path, command, "--", huge)
    assert result.exit_code == 1, result.output
    assert result.stdout == f"{huge}: no message {huge}\n"


# --- a PostgreSQL URL without its driver ---------------------------------------------------------


@pytest.fixture
def without_psycopg(monkeypatch):
    """As on a machine where the ``postgres`` extra was not installed: ``import psycopg`` fails."""
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.parametrize("command", [["status"], ["messages"], ["serve"]])
def test_a_postgresql_url_without_its_driver_says_what_to_install(
    tmp_path, without_psycopg, command
):
    config_path = tmp_path / "smsrelay.toml"
    config_path.write_text(
        '[appliance]\ndatabase = "postgresql+psycopg://smsrelay@db.invalid/smsrelay"\n'
        f'data_dir = "{tmp_path}/data"\n[discovery]\nauto = false\n',
        encoding="utf-8",
    )
    result = run(config_path, *command)
    assert result.exit_code == 1
    assert "psycopg" in result.stderr and "pip install" in result.stderr
    assert "Traceback" not in result.output


# --- install under a root that is not there ------------------------------------------------------


def test_install_under_a_missing_root_ends_at_once_saying_so(tmp_path):
    missing = tmp_path / "nonexistent"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "appliance", "install", "--root", str(missing)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("smsrelay install --root MISSING never ended")
    assert done.returncode == 2
    assert str(missing) in done.stderr and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    assert not missing.exists()


def test_installing_under_a_missing_root_is_refused_by_the_library_too(tmp_path):
    """``appliance.install`` itself stops at the file system's root instead of looping."""
    from appliance.install import InstallError, Target, install

    with pytest.raises(InstallError, match="does not exist"):
        install(
            Target(root=tmp_path / "nonexistent", system=False),
            executable=Path("/opt/smsrelay/bin/smsrelay"),
            run=lambda command: 0,
            say=lambda line: None,
        )


# --- terminal escapes in what others wrote -------------------------------------------------------

# An OSC that retitles the terminal (and, in some terminals, writes files or opens links), colours,
# a CSI as one C1 byte, a carriage return that overprints the line, and a right-to-left override.
HOSTILE = "\x1b]0;pwned\x07Hi \x1b[31mred\x1b[0m \x9b2J\rfake\u202etxt.exe\x7f"
SHOWN = r"\x1b]0;pwned\x07Hi \x1b[31mred\x1b[0m \x9b2J\rfake\u202etxt.exe\x7f"


@pytest.fixture
def hostile_rows(store):
    from appliance.store.schema import Inbound, Message

    with store.session() as session:
        session.add(Inbound(sender=NUMBER, text=HOSTILE, received_at=T0, dedupe_key="x"))
        session.add(Message(recipient=NUMBER, text=HOSTILE, created_at=T0, due_at=T0))
        session.commit()


@pytest.mark.parametrize("command", ["inbox", "messages"])
def test_control_characters_are_shown_escaped(config_path, hostile_rows, command):
    result = run(config_path, command)
    assert result.exit_code == 0
    assert SHOWN in result.stdout
    assert not any(ch in result.stdout for ch in "\x1b\x07\x9b\r\u202e\x7f")
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("command", ["inbox", "messages"])
@pytest.mark.parametrize("terminal", [False, True])
def test_json_keeps_the_exact_text(config_path, hostile_rows, command, terminal, monkeypatch):
    from appliance.cli import terminal as output

    monkeypatch.setattr(output, "is_a_terminal", lambda: terminal)
    result = run(config_path, command, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["text"] == HOSTILE
    if terminal:  # the same JSON value, its controls written as \\u escapes
        assert not any(ch in result.stdout for ch in "\x1b\x07\x9b\r\u202e\x7f")


# --- sends that should have been refused ---------------------------------------------------------


def send(config_path: Path, *args: str):
    return run(config_path, "send", *args)


@pytest.mark.parametrize("text", [" ", "        ", "\n\t \n", "\u00a0\u2003"])
def test_a_text_of_spaces_only_is_refused(config_path, store, text):
    result = send(config_path, NUMBER, text)
    assert result.exit_code == 2
    assert result.stderr == "error: text: is blank (only spaces or line breaks)\n"
    assert sum(store.counts().values()) == 0


def test_a_truncated_national_number_is_not_taken_for_a_short_code(config_path, store):
    result = send(config_path, "06 12 34", "Rappel")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: to: ") and "'06 12 34'" in result.stderr
    assert "too short" in result.stderr
    assert sum(store.counts().values()) == 0


@pytest.mark.parametrize(
    ("number", "what"),
    [
        ("36180", "a short code"),
        ("81212", "a short code"),
        ("+33 8 99 12 34 56", "a premium-rate number"),
        ("0899123456", "a premium-rate number"),
        ("+44 871 234 5678", "a premium-rate number"),
    ],
)
def test_short_codes_and_premium_numbers_are_refused_unless_allowed(
    config_path, store, number, what
):
    result = send(config_path, number, "VOTE 3")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: to: ") and what in result.stderr
    assert "[security]" in result.stderr  # says which setting allows it
    assert sum(store.counts().values()) == 0


def test_the_config_allows_named_short_codes_and_premium_numbers(tmp_path):
    config_path = write_config(
        tmp_path, '\n[security]\nshort_codes = ["36180"]\npremium_rate = true\n'
    )
    assert send(config_path, "36180", "SOLDE").exit_code == 0
    assert send(config_path, "+33 8 99 12 34 56", "VOTE 3").exit_code == 0
    refused = send(config_path, "81212", "VOTE 3")
    assert refused.exit_code == 2 and "a short code" in refused.stderr


@pytest.mark.parametrize("when", ["4764-01-01T00:00", "+999999d", "+400d"])
def test_a_send_time_years_ahead_is_refused(config_path, store, when):
    result = send(config_path, NUMBER, "Rappel", "--at", when)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: send_at: ")
    assert sum(store.counts().values()) == 0


def test_a_send_time_within_a_year_is_taken(config_path, store):
    assert send(config_path, NUMBER, "Rappel", "--at", "+300d").exit_code == 0


def test_a_modem_never_seen_is_refused_at_once(config_path, store):
    result = send(config_path, NUMBER, "Rappel", "--modem", "861234567890123")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: modem: ") and "861234567890123" in result.stderr
    assert sum(store.counts().values()) == 0
    store.upsert_modem("861234567890123", state="absent")  # seen once: it may come back
    assert send(config_path, NUMBER, "Rappel", "--modem", "861234567890123").exit_code == 0
