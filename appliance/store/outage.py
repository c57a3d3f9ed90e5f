"""Telling a database that cannot be reached from a bug (issue 15).

A node sharing PostgreSQL over a network meets what a local SQLite file never does: the server
restarting, a failover, a cable. Callers outside the store must not import SQLAlchemy, so they
ask here: ``is_outage`` is true for the errors of a connection lost or refused (they pass: try
again later), false for a bug or a constraint (they do not); ``outage_words`` says it in one line.
SQLite's "database is locked" past the busy timeout counts too: another process holds the file.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached (or answered too late)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)


def outage_words(error: BaseException) -> str:
    """The driver's first line ("connection refused", "terminating connection ..."), not
    SQLAlchemy's wrapper with its SQL."""
    reason = getattr(error, "orig", None) or error
    lines = str(reason).strip().splitlines()
    return lines[0] if lines else type(reason).__name__
