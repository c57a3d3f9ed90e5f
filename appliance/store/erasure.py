"""Erasing a number everywhere (the right to be forgotten, issue 11), in one transaction, with a
report of what went.

What an erase does with each table, and why:

- ``contact``, ``contact_tag``, ``contact_field``: deleted. Erasing a contact who opted out
  forgets the opt-out too (a later import may then add the number again).
- ``message`` (to the number, or written to its contact): **anonymised, not deleted**. The
  recipient becomes ``"erased"`` (``ERASED``), the text ``""``, the contact link NULL, and the
  number is taken out of the reason. The row keeps its status, parts, modem, SIM and times, so
  the history's counts, the hourly chart and the SIM statistics stay true: the organisation
  still sent those messages, it only no longer knows to whom nor what. A message still queued
  (or ``unknown``) is cancelled first: nothing may go to ``"erased"``, and ``retry`` refuses an
  erased message. A message being sent right now makes the erase refuse (``ErasureRefused``):
  its worker would write the outcome, and the number with it, after the erase.
- ``inbound`` and ``inbound_part`` (from the number): deleted: they are the person's words.
- ``missed_call`` (from the number): deleted, as its received messages.
- ``delivery_report``: the recipient column (the number) set to NULL; the report stays, as the
  proof of its message's outcome.
- ``event``: deleted when it is about the number (``event.number``: opt-in, opt-out) or its
  detail holds the number (``"to +336..."``, ``"from +336..."``).
- ``webhook_delivery``: deleted when its payload holds the number (pending ones too: they
  are never posted).
- the text search index (SQLite's FTS5 table ``message_text``, revision 0004): its triggers
  replace the old text's entries when the text is updated, but FTS5 (3.40 here) records a
  removal as a tombstone in a new segment and keeps the old segment's entries until segments
  are merged. So after the commit the index is merged into one segment (``scrub``).

And the bytes: SQLite keeps deleted content in free space and free pages, and the write-ahead
log keeps copies of the pages as they were. Every connection runs with ``secure_delete=ON``
(``engine``), so what is deleted or rewritten is overwritten with zeros; after the commit the
erase merges the text index (in short steps of ``MERGE_PAGES`` pages, each its own
transaction, so the daemon's sends go on between them) and checkpoints the log with
``TRUNCATE``, which copies it into the database file and empties it. The merge rewrites the
whole index, so an erase costs with the size of the history: measured at 100,000 messages, 0.38
s for the whole erase, in 7 merge steps of at most 57 ms. The report's ``scrubbed``
says whether that last step completed (a reader in another process may hold an old snapshot
for longer than the 5 s busy timeout; erase again to finish).

PostgreSQL: the rows are deleted or rewritten in the same transaction; the old row versions
(dead tuples) stay in the table files until VACUUM reuses their space, and in the WAL files
until they are recycled. Wiping those is the database administrator's (out of scope here), and
``scrubbed`` is False.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, delete, func, or_, select, update

from .call_schema import MissedCall
from .contact_import import CONTACT, FIELD, TAG
from .engine import _in_memory
from .schema import (
    DeliveryReport,
    Event,
    Inbound,
    InboundPart,
    Message,
    Status,
    WebhookDelivery,
    utcnow,
)
from .transactions import Transactions

ERASED = "erased"  # the recipient of an erased number's messages
MERGE_PAGES = 200  # text index pages merged per transaction (at most 57 ms, 100,000 messages)
FTS_TABLE = "message_text"  # the text search index of revision 0004 (SQLite)
# FTS5's incremental merge; a negative page count merges segments of every level into one
MERGE = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('merge', {-MERGE_PAGES})"

MESSAGE = Message.__table__
INBOUND = Inbound.__table__
INBOUND_PART = InboundPart.__table__
REPORT = DeliveryReport.__table__
EVENT = Event.__table__
DELIVERY = WebhookDelivery.__table__
CALL = MissedCall.__table__

# what an erase cancels rather than leaves for a later send to "erased"
_WAITING = [Status.QUEUED, Status.UNKNOWN]


@dataclass(frozen=True)
class Erased:
    """What ``erase_contact`` did, counted in rows per table."""

    number: str
    contact: int  # 1 if the number was a contact, else 0
    tags: int
    fields: int
    messages: int  # anonymised: to "erased", text "" (counts and statistics kept)
    cancelled: int  # of those, queued or unknown ones, cancelled first
    inbound: int  # received messages deleted
    inbound_parts: int  # parts of unfinished received messages deleted
    delivery_reports: int  # reports whose recipient column was cleared
    events: int  # events about the number, or naming it, deleted
    webhook_deliveries: int  # deliveries whose payload named the number, deleted
    scrubbed: bool  # SQLite: index merged, log emptied into a file of zeroed free space
    calls: int = 0  # missed calls from the number deleted

    @property
    def found(self) -> bool:
        """Whether anything at all was held on the number."""
        counts = (self.contact, self.messages, self.inbound, self.inbound_parts,
                  self.delivery_reports, self.events, self.webhook_deliveries,
                  self.calls)  # fmt: skip
        return any(counts)


class ErasureRefused(Exception):
    """The erase would be incomplete now (a message to the number is being sent); nothing was
    erased. The message says why and what to do."""


class Erasure(Transactions):
    """Erasing a number everywhere; ``erase_contact`` is one transaction, then the scrub."""

    def erase_contact(self, number: str, *, now: datetime | None = None) -> Erased | None:
        """Erase everything held on ``number`` (E.164, as stored) in one transaction, then make
        the bytes go (SQLite; the module's docstring says how). Works for a number that is not
        a contact too (a stranger's messages). None when nothing at all was held on it (the
        file is scrubbed all the same, which finishes an erase whose ``scrubbed`` was False).

        Raises ``ErasureRefused`` (having changed nothing) while a message to the number is
        being sent; erase again once it is settled (seconds)."""
        now = now or utcnow()
        with self._writing() as connection:
            erased = _erase(connection, number, now)
        scrubbed = self._scrub()  # even when nothing was left: a second erase finishes a first
        return replace(erased, scrubbed=scrubbed) if erased.found else None

    def _scrub(self) -> bool:
        """SQLite with a file: merge the text index into one segment, then checkpoint the log
        (TRUNCATE). True when both completed; False on PostgreSQL or an in-memory database."""
        if self.engine.dialect.name != "sqlite" or _in_memory(self.engine.url):
            return False
        with self.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            while True:
                with self._write_lock, connection.begin():
                    before = raw.total_changes
                    connection.exec_driver_sql(MERGE)
                    done = raw.total_changes - before < 2  # FTS5: fewer than 2 = no work left
                if done:
                    break
            with self._write_lock:  # outside any transaction (autocommit on the raw driver)
                busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0


def _erase(connection: Connection, number: str, now: datetime) -> Erased:
    """The erase's statements, in the caller's transaction."""
    contact_id = connection.execute(select(CONTACT.c.id).where(CONTACT.c.number == number)).scalar()
    m = MESSAGE.c
    mine = m.recipient == number
    if contact_id is not None:
        mine = or_(mine, m.contact_id == contact_id)
    # locked first (PostgreSQL): a dispatcher's claim skips them, or the erase waits for it
    rows = connection.execute(select(m.id, m.status).where(mine).with_for_update()).all()
    sending = [message_id for message_id, status in rows if status == Status.SENDING]
    if sending:
        raise ErasureRefused(
            f"message {sending[0]} to {number} is being sent right now; nothing was erased. "
            "Erase again once it is settled (seconds; `smsrelay messages --to` shows it)"
        )
    cancelled = connection.execute(
        update(MESSAGE)
        .where(mine, m.status.in_(_WAITING))
        .values(status=Status.CANCELLED, finished_at=now, reason="cancelled: number erased")
    ).rowcount
    messages = connection.execute(
        update(MESSAGE)
        .where(mine)
        .values(recipient=ERASED, text="", contact_id=None,
                reason=func.replace(m.reason, number, ERASED))
    ).rowcount  # fmt: skip
    tags = fields = 0
    if contact_id is not None:
        tags = connection.execute(delete(TAG).where(TAG.c.contact_id == contact_id)).rowcount
        fields = connection.execute(delete(FIELD).where(FIELD.c.contact_id == contact_id)).rowcount
        connection.execute(delete(CONTACT).where(CONTACT.c.id == contact_id))
    return Erased(
        number=number,
        contact=int(contact_id is not None),
        tags=tags,
        fields=fields,
        messages=messages,
        cancelled=cancelled,
        inbound=connection.execute(delete(INBOUND).where(INBOUND.c.sender == number)).rowcount,
        inbound_parts=connection.execute(
            delete(INBOUND_PART).where(INBOUND_PART.c.sender == number)
        ).rowcount,
        delivery_reports=connection.execute(
            update(REPORT).where(REPORT.c.recipient == number).values(recipient=None)
        ).rowcount,
        events=connection.execute(
            delete(EVENT).where(or_(EVENT.c.number == number, names(EVENT.c.detail, number)))
        ).rowcount,
        webhook_deliveries=connection.execute(
            delete(DELIVERY).where(names(DELIVERY.c.payload, number))
        ).rowcount,
        scrubbed=False,
        calls=connection.execute(delete(CALL).where(CALL.c.caller == number)).rowcount,
    )


def names(column, number: str):
    """The condition "the text ``column`` holds ``number``" (LIKE, its wildcards escaped): how
    an event's detail or a webhook payload is found to name a number (both write E.164)."""
    return column.contains(number, autoescape=True)
