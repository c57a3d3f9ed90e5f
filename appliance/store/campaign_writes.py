"""The writes of a campaign's expansion, as plain SQL handed to the driver's ``executemany``.

The reason is ``contact_writes``'s: through SQLAlchemy's own ``executemany`` each row is a dict
checked and converted one value at a time, which at 100,000 recipients cost more than SQLite's
own work. Here the rows are tuples, the times (the same for the whole batch) are converted once
by the very processor ``UtcDateTime`` uses, so what is stored is what the models would store.

The messages go in by multi-row ``INSERT ... VALUES (...), (...)``, ``ROWS`` at a time, not one
statement a row: on SQLite each statement that fires the text search index's trigger
(migration 0004) makes FTS5 write its pending terms out as a new segment, and a segment a
message was 110 µs of the 130 µs each message cost; by 1,000 it is a few µs.

The recipient rows of the queued messages are written by one ``INSERT ... SELECT`` from the
messages just written (by campaign and time, ids above the largest before the batch, inside
the batch's transaction), so no id has to come back to Python.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from sqlalchemy import Connection, Dialect

from .contact_writes import _PLACEHOLDERS, _processor
from .schema import Message

MESSAGE_COLUMNS = (
    "recipient", "text", "status", "priority", "rank", "parts", "encoding", "report", "source",
    "kind", "strict", "contact_id", "campaign_id", "want_group", "attempts", "parts_sent",
    "part_refs", "created_at", "due_at", "expires_at",
)  # fmt: skip
_INSERT_MESSAGE = f"INSERT INTO message ({', '.join(MESSAGE_COLUMNS)})"
RECIPIENT_COLUMNS = (
    "campaign_id", "step_key", "contact_id", "number", "message_id", "skipped", "created_at",
)  # fmt: skip


ROWS = 1000  # messages a statement: 20,000 parameters, under SQLite's 32,766


@dataclass(frozen=True)
class ExpansionStatements:
    """The expansion's SQL for one dialect."""

    message_values: str  # one row's "(?, ?, ...)"
    insert_skipped: str
    link_queued: str  # the recipient rows of the messages just queued
    set_code: str  # a recipient's unique code, once its row is linked
    last_message: str
    when: object  # an aware datetime as ``UtcDateTime`` binds it (a callable)

    def run(self, connection: Connection, sql: str, rows: list[tuple]) -> None:
        if rows:  # an empty list would make SQLAlchemy run the statement once, bare
            connection.exec_driver_sql(sql, rows)

    def insert_messages(self, connection: Connection, rows: list[tuple]) -> None:
        """The messages ``rows`` (in ``MESSAGE_COLUMNS`` order), ``ROWS`` a statement."""
        for start in range(0, len(rows), ROWS):
            chunk = rows[start : start + ROWS]
            values = ", ".join([self.message_values] * len(chunk))
            flat = tuple(itertools.chain.from_iterable(chunk))
            connection.exec_driver_sql(f"{_INSERT_MESSAGE} VALUES {values}", flat)


@functools.lru_cache(maxsize=8)
def statements_for(dialect: Dialect) -> ExpansionStatements:
    mark = _PLACEHOLDERS[dialect.paramstyle]

    def marks(count: int) -> str:
        return ", ".join([mark] * count)

    recipient = ", ".join(RECIPIENT_COLUMNS)
    return ExpansionStatements(
        message_values=f"({marks(len(MESSAGE_COLUMNS))})",
        insert_skipped=(
            f"INSERT INTO campaign_recipient ({recipient}) VALUES ({marks(len(RECIPIENT_COLUMNS))})"
        ),
        link_queued=(
            f"INSERT INTO campaign_recipient ({recipient}) "
            f"SELECT campaign_id, {mark}, contact_id, recipient, id, NULL, {mark} FROM message "
            # by the id range only: the expressions keep SQLite off the indexes on campaign_id
            # and created_at, which hold every message of the campaign so far
            f"WHERE id > {mark} AND campaign_id + 0 = {mark} "
            f"AND coalesce(created_at, created_at) = {mark}"
        ),
        set_code=(
            f"UPDATE campaign_recipient SET code = {mark} "
            f"WHERE campaign_id = {mark} AND step_key = {mark} AND contact_id = {mark}"
        ),
        last_message="SELECT coalesce(max(id), 0) FROM message",
        when=_processor(Message.__table__.c.created_at, dialect),
    )
