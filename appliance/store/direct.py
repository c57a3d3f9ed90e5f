"""The CLI's quick path to a SQLite store: ``smsrelay send``, ``status`` and ``messages`` through
Python's ``sqlite3`` alone, in a few milliseconds instead of the 0.5-0.8 s of importing
SQLAlchemy and sqlmodel (docs/benchmarks.md, "CLI start-up"; seconds on a Raspberry Pi 3).

``DirectStore`` has the few methods of ``Store`` those commands call, with the same names,
arguments and results (rows with the models' attribute names), so the commands, ``outbox`` and
``views`` run unchanged on either. It never decides anything itself:

- a message is queued by ``admission.queue_all``, the code ``Store.enqueue_all`` runs: the same
  row, the same rules of consent; only the three statements it needs are written here in SQL;
- the connection is set up as ``engine``'s (``sqlite_file``: pragmas, ``BEGIN IMMEDIATE``).

``open_direct`` takes this path only for a ``sqlite:///`` file that exists at the schema
revision of the code; anything else (PostgreSQL, a first start, a database to migrate) returns
None and the caller opens the full ``Store``, which creates and migrates.
``tests/appliance/test_direct_store.py`` proves both paths write identical rows and read the
same results.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from appliance.states import Status

from . import sqlite_file
from .kinds import CAPPED_KINDS, MAX_ID
from .sim_records import SimCounts, SimCredit, SimLabel

if TYPE_CHECKING:  # imported when a message is queued: ``status`` and ``messages`` need neither
    from .admission import ConsentRules, ContactConsent, NewMessage
    from .destinations import SenderRules

_SQLITE_FILE = re.compile(r"sqlite:///([^?#%]+)")  # as config.loading.parse_url reads it
_CAPPED = sorted(CAPPED_KINDS)
_WHEN = "coalesce(sent_at, sending_at, due_at)"
_CREDIT_COLUMNS = (
    "credit_answer, credit_amount, credit_currency, credit_checked_at, credit_error, "
    "credit_low, credit_asked_at"
)


def _bool(value: bytes) -> bool:
    return value not in (b"0", b"")


# Declared column types read as SQLAlchemy reads them (``PARSE_DECLTYPES``: by column type).
# Process-wide, but only connections opened with ``detect_types`` use them (SQLAlchemy's don't).
sqlite3.register_converter("DATETIME", sqlite_file.read_time)
sqlite3.register_converter("BOOLEAN", _bool)


def open_direct(url: str) -> DirectStore | None:
    """The quick store for a SQLite file at the current schema revision, else None."""
    simple = _SQLITE_FILE.fullmatch(url)
    if simple is None or simple.group(1) == ":memory:" or not os.path.isfile(simple.group(1)):
        return None
    try:
        connection = sqlite3.connect(
            simple.group(1), detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        sqlite_file.configure(connection)
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != sqlite_file.head_revision():
            connection.close()
            return None
    except sqlite3.Error:
        connection.close()
        return None
    return DirectStore(connection)


def _rows(cursor: sqlite3.Cursor) -> list[SimpleNamespace]:
    """Rows as objects with the columns' names (as the models have them)."""
    names = [column[0] for column in cursor.description]
    return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in cursor]


class DirectStore:
    """The methods of ``Store`` that ``send``, ``status`` and ``messages`` call (see above)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def close(self) -> None:
        self.connection.close()

    # --- queueing (``Queueing``) ---------------------------------------------------------------

    def enqueue_all(
        self,
        news: Sequence[NewMessage],
        now: datetime,
        rules: ConsentRules | None = None,
        sender: SenderRules | None = None,
    ) -> list[SimpleNamespace]:
        """Queue every message of ``news`` in one transaction, or none: ``admission.queue_all``
        as ``Store.enqueue_all`` runs it."""
        from .admission import queue_all

        sqlite_file.begin_immediate(self.connection)
        try:
            rows = queue_all(_Lookups(self.connection), news, now, rules, sender)
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")
        return [SimpleNamespace(**row) for row in rows]

    def get(self, message_id: int) -> SimpleNamespace | None:
        if not 1 <= message_id <= MAX_ID:
            return None
        found = _rows(self.connection.execute("SELECT * FROM message WHERE id = ?", (message_id,)))
        return found[0] if found else None

    def messages(
        self, *, status: str | None = None, recipient: str | None = None, limit: int = 50
    ) -> list[SimpleNamespace]:
        """Newest first, as ``OutboundMessages.messages``."""
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if recipient:
            where.append("recipient = ?")
            params.append(recipient)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        query = f"SELECT * FROM message{clause} ORDER BY id DESC LIMIT ?"
        return _rows(self.connection.execute(query, (*params, limit)))

    # --- the fleet (``Fleet``, ``Credit``) -----------------------------------------------------

    def modem(self, imei: str) -> SimpleNamespace | None:
        found = _rows(self.connection.execute("SELECT * FROM modem WHERE imei = ?", (imei,)))
        return found[0] if found else None

    def modems(self) -> list[SimpleNamespace]:
        return _rows(self.connection.execute("SELECT * FROM modem ORDER BY imei"))

    def nodes(self) -> list[SimpleNamespace]:
        """None on SQLite: one node, no registry (issue 15; ``node_registry``)."""
        return []

    def sending_by_modem(self) -> dict[str, int]:
        rows = self.connection.execute(
            "SELECT modem_imei, id FROM message WHERE status = ?", (Status.SENDING.value,)
        )
        return {imei: message_id for imei, message_id in rows if imei and message_id}

    def sim_counts(self, iccid: str) -> SimCounts | None:
        row = self.connection.execute(
            "SELECT day, sent_day, month, sent_month FROM sim WHERE iccid = ?", (iccid,)
        ).fetchone()
        return SimCounts(*row) if row is not None else None

    def sim_labels(self) -> dict[str, SimLabel]:
        rows = self.connection.execute("SELECT iccid, name, msisdn, number FROM sim")
        return {iccid: SimLabel(*rest) for iccid, *rest in rows}

    def token_named(self, name: str) -> SimpleNamespace | None:
        """The newest token of that name that is not revoked (``SenderLimits.token_named``)."""
        found = _rows(
            self.connection.execute(
                "SELECT * FROM api_token WHERE name = ? AND NOT revoked ORDER BY id DESC LIMIT 1",
                (name,),
            )
        )
        return found[0] if found else None

    def credits(self) -> dict[str, SimCredit]:
        rows = self.connection.execute(f"SELECT iccid, {_CREDIT_COLUMNS} FROM sim")
        return {iccid: SimCredit(*rest) for iccid, *rest in rows}

    # --- the counts by status (``tally``) ------------------------------------------------------

    @property
    def tally(self) -> DirectStore:
        return self

    def counts(self) -> dict[str, int]:
        """Every status, exact: what ``Tally.counts`` answers a process that asks once (its
        first snapshot), counted the same way (each status on the index, the most common one
        as the total minus the others)."""
        self.connection.execute("BEGIN DEFERRED")  # one snapshot for every count
        try:
            counts = {
                status.value: self.connection.execute(
                    "SELECT count(*) FROM message WHERE status = ?", (status.value,)
                ).fetchone()[0]
                for status in Status
                if status != Status.DELIVERED
            }
            total = self.connection.execute("SELECT count(*) FROM message").fetchone()[0]
        finally:
            self.connection.execute("COMMIT")
        counts[Status.DELIVERED.value] = total - sum(counts.values())
        return {status.value: counts[status.value] for status in Status}


class _Lookups:
    """``admission.queue_all``'s reads and INSERT on this connection (``Lookups``)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        from .admission import COUNTED, ContactConsent

        self.connection = connection
        self.consent = ContactConsent
        self.counted = COUNTED
        # the times the cap counts (consent.COUNTED_TIMES)
        self.counted_sql = (
            f"SELECT {_WHEN} FROM message WHERE recipient = ? "
            f"AND kind IN ({', '.join('?' * len(_CAPPED))}) "
            f"AND status IN ({', '.join('?' * len(COUNTED))}) "
            f"AND id != 0 AND ? < {_WHEN} ORDER BY {_WHEN}"
        )

    def contact(self, number: str) -> ContactConsent | None:
        row = self.connection.execute(
            "SELECT id, opted_in_at, opted_out_at, opt_out_how FROM contact WHERE number = ?",
            (number,),
        ).fetchone()
        return self.consent(*row) if row is not None else None

    def counted_times(self, number: str, since: datetime) -> list[datetime]:
        params = (number, *_CAPPED, *self.counted, sqlite_file.stored_time(since))
        rows = self.connection.execute(self.counted_sql, [sqlite_file.stored(p) for p in params])
        return [sqlite_file.read_time(when) for (when,) in rows]  # type: ignore[misc]

    def token_usage(self, token_id: int, since: datetime) -> tuple[int, int]:
        """(The writer's lock, BEGIN IMMEDIATE, already keeps two counts apart.)"""
        row = self.connection.execute(
            "SELECT count(*), coalesce(sum(parts), 0) FROM message "
            "WHERE token_id = ? AND created_at >= ?",
            (token_id, sqlite_file.stored_time(since)),
        ).fetchone()
        return int(row[0]), int(row[1])

    def insert(self, values: dict[str, Any]) -> int:
        columns = list(values)
        cursor = self.connection.execute(
            f"INSERT INTO message ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [sqlite_file.stored(values[column]) for column in columns],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid
