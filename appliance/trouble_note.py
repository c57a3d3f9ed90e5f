"""The database-trouble note read: what the daemon said of its database's trouble (the note
``<data_dir>/database-trouble``, written by ``database_trouble.DatabaseTrouble``), or what the
file system of a SQLite database shows.

Apart from the daemon's side (its lock, its log, ``kept``) so that ``smsrelay status``, which
reads the note, imports neither ``logging`` nor ``threading`` (docs/benchmarks.md, "CLI
start-up").
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from .store.outage import REFUSES_WRITES, UNAVAILABLE, Outage

NOTE = "database-trouble"
NOTE_SIZE = 1024
_SQLITE_FILE = re.compile(r"sqlite:///([^?#%]+)")  # as config.loading.parse_url reads it
_KINDS = (REFUSES_WRITES, UNAVAILABLE)


def database_folder(database_url: str) -> Path | None:
    """The folder of a SQLite database file (None for PostgreSQL), read without SQLAlchemy:
    ``smsrelay status`` takes the CLI's quick path (``store.direct``)."""
    found = _SQLITE_FILE.fullmatch(database_url)
    return Path(found.group(1)).expanduser().parent if found else None


def read_trouble(data_dir: Path, database_folder: Path | None = None) -> Outage | None:
    """The database's trouble, if the daemon said so or the file system of ``database_folder``
    (SQLite's; None for PostgreSQL) shows it refuses writes."""
    with contextlib.suppress(OSError):
        text = (data_dir / NOTE).read_bytes()[:NOTE_SIZE].decode("utf-8", "replace").strip()
        kind, _, words = text.partition("\n")
        if kind in _KINDS:
            return Outage(kind, words.strip())
    if database_folder is None:
        return None
    try:
        stats = os.statvfs(database_folder)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return Outage(REFUSES_WRITES, f"the file system of {database_folder} is read-only")
    if stats.f_bavail == 0:
        return Outage(REFUSES_WRITES, f"the disk of {database_folder} is full")
    return None


def trouble_json(outage: Outage | None) -> dict | None:
    """``status --json``'s ``database_trouble``: null, or its kind and reason."""
    return {"kind": outage.kind, "reason": outage.words} if outage else None
