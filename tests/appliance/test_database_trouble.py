"""A database in trouble: the store's words for it (``store.outage``), the daemon's note, its
one way of keeping a write until it passes (``database_trouble.kept``), and what ``smsrelay
status`` says (issues 14 and 15; the daemon's behaviour is tests/chaos/test_disk_faults.py and
tests/nodes/test_database_away.py).

The errors are SQLite's own: a database capped by ``max_page_count`` fills as a full disk does
(``SQLITE_FULL``), one opened read-only refuses writes (``SQLITE_READONLY``), one whose file
another connection holds is locked (``SQLITE_BUSY``).
"""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from appliance.cli import main
from appliance.database_trouble import DatabaseTrouble, kept
from appliance.status import explain_database
from appliance.store import Outage, outage_of
from appliance.trouble_note import NOTE, NOTE_SIZE, read_trouble

FULL = Outage("refuses writes", "the disk is full (database or disk is full)")
AWAY = Outage("unavailable", "the database cannot be reached (connection refused)")


def failing_write(url: str, *setup: str) -> OperationalError:
    engine = create_engine(url)
    try:
        with pytest.raises(OperationalError) as raised, engine.begin() as connection:
            for statement in setup:
                connection.exec_driver_sql(statement)
            connection.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "x" * 3000}] * 50)
        return raised.value
    finally:
        engine.dispose()


def test_a_full_disk_a_read_only_database_and_a_locked_one_are_outages_in_words(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
    full = outage_of(failing_write(f"sqlite:///{path}", "PRAGMA max_page_count = 3"))
    assert full.kind == "refuses writes"
    assert full.words.startswith("the disk is full (database or disk is full)")
    read_only = outage_of(failing_write(f"sqlite:///file:{path}?mode=ro&uri=true"))
    assert read_only.kind == "refuses writes"
    assert read_only.words.startswith("the database refuses writes (read-only)")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    locked = outage_of(failing_write(f"sqlite:///{path}?timeout=0"))
    holder.close()
    assert locked == Outage("unavailable", "the database cannot be reached (database is locked)")
    raw = failing_write(f"sqlite:///{path}", "PRAGMA max_page_count = 3")
    assert outage_of(raw.orig) == outage_of(raw)  # the driver's error alone too
    engine = create_engine(f"sqlite:///{path}")
    with pytest.raises(OperationalError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table"))
    engine.dispose()
    assert outage_of(raised.value) is None  # a bug stays a bug, though SQLAlchemy calls it
    assert outage_of(ValueError("x")) is None  # an OperationalError


def test_the_note_says_why_until_it_passes(tmp_path, caplog):
    trouble = DatabaseTrouble(tmp_path)
    assert (tmp_path / NOTE).stat().st_size == NOTE_SIZE  # made whole, overwritten in place
    assert read_trouble(tmp_path) is None
    trouble.met(FULL)
    trouble.met(FULL)
    assert read_trouble(tmp_path) == FULL
    assert (tmp_path / NOTE).stat().st_size == NOTE_SIZE
    said = [r.message for r in caplog.records if FULL.words in r.message]
    assert len(said) == 1, "said once, not at every attempt"
    trouble.passed("unavailable")  # a read answered: a full disk still reads
    assert read_trouble(tmp_path) == FULL
    trouble.passed()  # a write committed
    assert read_trouble(tmp_path) is None
    trouble.met(AWAY)
    assert read_trouble(tmp_path) == AWAY
    trouble.passed("unavailable")
    assert read_trouble(tmp_path) is None
    trouble.met(Outage("refuses writes", "x" * 5000))
    assert read_trouble(tmp_path) == Outage("refuses writes", "x" * (NOTE_SIZE - 15))
    trouble.close()
    assert read_trouble(tmp_path) is None


def test_a_kept_write_is_tried_again_until_it_passes_and_a_bug_is_not(tmp_path, caplog):
    trouble, stopping = DatabaseTrouble(tmp_path), threading.Event()
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
    refusal = failing_write(f"sqlite:///{path}", "PRAGMA max_page_count = 3")
    tries = []

    def write() -> str:
        tries.append(read_trouble(tmp_path))
        if len(tries) < 3:
            raise refusal
        return "written"

    assert kept(write, "the outcome of message 7", trouble, stopping) == "written"
    assert [t and t.kind for t in tries] == [None, "refuses writes", "refuses writes"]
    assert read_trouble(tmp_path) is None, "the write that passed ends the trouble"
    assert "the outcome of message 7 recorded" in caplog.text
    with pytest.raises(ZeroDivisionError):
        kept(lambda: 1 / 0, "a bug", trouble, stopping)
    stopping.set()
    with pytest.raises(OperationalError):
        kept(lambda: (_ for _ in ()).throw(refusal), "a report", trouble, stopping)
    assert "stopped while the database was in trouble: a report was not recorded" in caplog.text
    trouble.close()


def test_smsrelay_status_says_why_nothing_leaves(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "smsrelay.toml"
    config.write_text(
        f'[appliance]\ndatabase = "sqlite:///{tmp_path}/smsrelay.db"\ndata_dir = "{data}"\n'
        "[discovery]\nauto = false\n",
        encoding="utf-8",
    )
    trouble = DatabaseTrouble(data)
    trouble.met(FULL)
    result = CliRunner().invoke(main, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "why: no message leaves while the database refuses writes: the disk is full" in (
        result.output
    )
    result = CliRunner().invoke(main, ["status", "--config", str(config), "--json"])
    assert json.loads(result.output)["database_trouble"] == {
        "kind": "refuses writes",
        "reason": "the disk is full (database or disk is full)",
    }
    trouble.met(AWAY)
    result = CliRunner().invoke(main, ["status", "--config", str(config)])
    assert "why: no message leaves while the database cannot be reached: " in result.output
    trouble.close()
    assert explain_database(None) is None
