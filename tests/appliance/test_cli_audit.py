"""What an audit found in the command line (issue 14): tracebacks on odd input, a command that
never ended, terminal escapes printed raw, and sends that should have been refused. Each test here
failed before its fix.
"""

from __future__ import annotations

import subprocess
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
