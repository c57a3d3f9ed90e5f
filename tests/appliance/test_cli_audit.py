"""What an audit found in the command line (issue 14): tracebacks on odd input, a command that
never ended, terminal escapes printed raw, and sends that should have been refused. Each test here
failed before its fix.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

from .test_cli import run, write_config

NUMBER = "+33612345678"


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
