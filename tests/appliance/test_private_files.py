"""The database and the data folder are private whatever the umask (issue 14): they hold the
panel's password hashes, webhook secrets and everyone's numbers. Failed before the fix: SQLite made
its files 0644 in a 0755 folder under the default umask.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.daemon import Daemon, Simulation
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

from .conftest import FAST_TUNING


@pytest.fixture
def umask() -> Iterator:
    """``umask(value)`` for the test; the old one back after."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_database(path: Path) -> Store:
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    store = Store(engine)
    store.modems()  # a connection is open: the WAL and its index exist
    return store


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o000])
def test_a_new_database_is_private_under_a_lax_umask(tmp_path, umask, mask):
    umask(mask)
    folder = tmp_path / "data" / "smsrelay"
    store = open_database(folder / "smsrelay.db")
    try:
        assert mode(folder) == 0o700
        for name in ("smsrelay.db", "smsrelay.db-wal", "smsrelay.db-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        store.engine.dispose()


def test_a_umask_that_keeps_others_out_keeps_its_group(tmp_path, umask):
    """The systemd unit's UMask=0007 lets group smsrelay use the CLI: that choice is kept."""
    umask(0o007)
    folder = tmp_path / "state"
    store = open_database(folder / "smsrelay.db")
    try:
        assert mode(folder) == 0o770
        assert mode(folder / "smsrelay.db") == 0o660
    finally:
        store.engine.dispose()


def test_the_daemon_says_at_start_what_others_can_read(config, umask, caplog):
    umask(0o022)
    config = dataclasses.replace(config, auto_discovery=False)
    data = config.data_dir
    data.mkdir(parents=True)
    os.chmod(data, 0o755)
    database = data / "smsrelay.db"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    daemon = Daemon(config, simulation=Simulation(modems=0), tuning=FAST_TUNING)
    with caplog.at_level(logging.WARNING, logger="appliance"):
        daemon.start()
    daemon.stop()
    said = "\n".join(r.getMessage() for r in caplog.records)
    assert f"{data} is open to other users (mode 0755): chmod o-rwx {data}\n" in said
    assert f"{database} is open to other users (mode 0644): chmod o-rwx {database}\n" in said
