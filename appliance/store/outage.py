"""Why the database takes no write for now, in words: the one test every caller asks (issues 14
and 15).

Two troubles pass on their own and are no bug, so the daemon meets both the same way: it keeps
what it must record (a send's outcome, a delivery report) in memory and writes it again once the
database takes it (``appliance.worker.recording``, ``appliance.reports``), takes no new work
meanwhile, says why once (``appliance.database_trouble``: the log, ``/healthz``, ``smsrelay
status``, the panel), and goes on by itself:

- **the database refuses writes** (``REFUSES_WRITES``): a full disk, a file system the kernel
  turned read-only after an SD card error, a folder whose write permission went. It still reads.
  SQLite's result codes (https://www.sqlite.org/rescode.html): ``SQLITE_FULL`` (13),
  ``SQLITE_READONLY`` (8, with its extended codes), ``SQLITE_IOERR`` (10: the unix VFS gives
  ``SQLITE_IOERR_WRITE`` for ``EROFS``, ``EIO``, ``EFBIG``...), ``SQLITE_CANTOPEN`` (14: a WAL
  or journal that cannot be created). PostgreSQL's SQLSTATEs: ``53100`` (disk full) and
  ``25006`` (read-only transaction: a standby, a read-only server);
- **the database cannot be reached** (``UNAVAILABLE``): a PostgreSQL server restarting, a
  failover, a network cut (the driver's ``OperationalError``/``InterfaceError``, or a connection
  SQLAlchemy invalidated), or SQLite's ``SQLITE_BUSY``/``SQLITE_LOCKED`` past the busy timeout
  (another process holds the file).

Anything else (a bug, a constraint, SQLite's "no such table") is no outage: ``outage_of`` gives
None and the caller lets it fly. Callers outside the store must not import SQLAlchemy, so they
ask here; SQLAlchemy is imported when an error is looked at, not with this module, so that the
CLI's quick path (``views``, ``database_trouble``) may name ``Outage`` without loading it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

REFUSES_WRITES = "refuses writes"
UNAVAILABLE = "unavailable"  # the word /healthz has always said for a database it cannot read

SQLITE_REFUSALS = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the database refuses writes (read-only)",
    sqlite3.SQLITE_IOERR: "the disk refuses writes (I/O error: read-only or failing?)",
    sqlite3.SQLITE_CANTOPEN: "the database refuses writes (a file it needs cannot be created)",
}
SQLITE_HELD = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
POSTGRES_REFUSALS = {
    "53100": "the database server's disk is full",
    "25006": "the database server refuses writes (read-only)",
}


@dataclass(frozen=True)
class Outage:
    """A trouble of the database that passes: its ``kind`` (``REFUSES_WRITES`` or
    ``UNAVAILABLE``, the values of ``/healthz``'s ``database``) and ``words`` for people: what
    an operator acts on first ("the disk is full"), the driver's own message in brackets."""

    kind: str
    words: str

    def __str__(self) -> str:
        return self.words


def outage_of(error: BaseException) -> Outage | None:
    """The outage ``error`` says the database is in, or None for a bug (which must fly)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        code = code & 0xFF if isinstance(code, int) else None
        if code in SQLITE_REFUSALS:
            return Outage(REFUSES_WRITES, f"{SQLITE_REFUSALS[code]} ({original})")
        if code in SQLITE_HELD:
            return Outage(UNAVAILABLE, f"the database cannot be reached ({original})")
        return None
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if isinstance(state, str) and state in POSTGRES_REFUSALS:
        return Outage(REFUSES_WRITES, f"{POSTGRES_REFUSALS[state]} ({_first_line(original)})")
    if (isinstance(error, DBAPIError) and error.connection_invalidated) or isinstance(
        error, OperationalError | InterfaceError
    ):
        return Outage(UNAVAILABLE, f"the database cannot be reached ({_first_line(original)})")
    return None


def _first_line(error: BaseException) -> str:
    """The driver's first line ("connection refused", "terminating connection ..."), not
    SQLAlchemy's wrapper with its SQL."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
