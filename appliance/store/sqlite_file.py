"""A SQLite database file as every connection to it must see it, for both drivers.

SQLAlchemy's engine (``engine``) and the CLI's quick path (``direct``, Python's ``sqlite3``
alone) set up their connections the same way, from here: the pragmas (``engine``'s docstring says
why each), ``BEGIN IMMEDIATE`` waiting in steps of at most 1 ms, and the schema revision the code
expects. The values are stored as SQLAlchemy stores them on SQLite (``UtcDateTime``: UTC text
with microseconds; booleans as 0/1), so a row written by one driver reads the same in the other.

Pure standard library: importing it costs the CLI nothing.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_PRAGMAS = (
    "busy_timeout=5000",
    "journal_mode=WAL",
    "synchronous=FULL",  # see engine: never NORMAL
    "foreign_keys=ON",
    "secure_delete=ON",
)


def head_revision() -> str:
    """The newest revision, read from the scripts' ``revision``/``down_revision`` lines."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision = re.search(r'^revision\s*=\s*"([^"]+)"', text, re.M)
        parent = re.search(r'^down_revision\s*=\s*"([^"]+)"', text, re.M)
        if revision:
            revisions.add(revision.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def configure(connection: sqlite3.Connection) -> None:
    """The pragmas every connection to the file sets (``SQLITE_PRAGMAS``)."""
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")


def begin_immediate(connection: sqlite3.Connection, mode: str = "IMMEDIATE") -> None:
    """``BEGIN IMMEDIATE``, trying again every 0.1-1 ms while another process holds the write
    lock, for as long as the connection's busy timeout allows (``engine._begin_writing`` says
    why SQLite's own busy handler waits too long between its tries)."""
    patience_ms = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + patience_ms / 1000
        pause = 0.0001
        while True:
            try:
                connection.execute(f"BEGIN {mode}")
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.001)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {patience_ms}")


def stored_time(when: datetime) -> str:
    """An aware datetime as SQLAlchemy's SQLite ``DATETIME`` stores it (``UtcDateTime``)."""
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: the store keeps aware UTC times only")
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_time(value: str | bytes | None) -> datetime | None:
    """A stored ``DATETIME`` as an aware UTC datetime (as ``UtcDateTime`` returns it)."""
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else value
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def stored(value: object) -> object:
    """A Python value as SQLAlchemy binds it on SQLite: times as text, enums as their value."""
    if isinstance(value, datetime):
        return stored_time(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return str(value)  # a StrEnum member as its plain value
    return value
