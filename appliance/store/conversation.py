"""One number's conversation: everything sent to it, received from it, and its consent, as one
timeline (the panel's conversation page, reached from the history, the inbox and the contacts).

The timeline is merged from four sources, each read newest first on an index it has: messages
sent to the number (``ix_message_recipient``), messages received from it (``inbound.sender``),
the ``contact.*`` events about it (``ix_event_number``: every opt-in and opt-out, so a join
undone by a later STOP still shows), and the contact's own consent record for what no event
tells (a contact imported, or opted in before the events named their number). Pages go
backwards in time by a ``Cursor``, the order key (time, kind, id) of the oldest entry shown:
two entries at the same second (an opt-out and the STOP that caused it) are neither lost nor
shown twice across a page's edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from sqlalchemy import and_, or_, true
from sqlmodel import col, select

from .contact_import import CONTACT
from .schema import Event, Inbound, Message
from .transactions import Transactions

__all__ = [
    "OPTED_IN",
    "OPTED_OUT",
    "Consent",
    "Conversation",
    "Cursor",
    "Entry",
    "Kind",
    "Timeline",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OPTED_IN, OPTED_OUT = "contact.opted_in", "contact.opted_out"


class Kind(IntEnum):
    """What an entry is; the value orders entries of the same second: a STOP received comes
    before the opt-out it caused. ``RECORD`` is the contact's consent record where no event
    tells it (id 0: the opt-in, 1: the opt-out)."""

    SENT = 0
    RECEIVED = 1
    CONSENT = 2
    RECORD = 3


@dataclass(frozen=True, order=True)
class Cursor:
    """An entry's place in the timeline: its time, then its kind, then its id."""

    at: datetime
    kind: Kind
    id: int

    def __str__(self) -> str:
        """As a URL keeps it: ``<microseconds since 1970>-<kind>-<id>``."""
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{int(self.kind)}-{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """The cursor written by ``str``, or None for anything else."""
        parts = text.split("-")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 20 for p in parts):
            return None
        micros, kind, key = (int(p) for p in parts)
        try:
            return cls(_EPOCH + timedelta(microseconds=micros), Kind(kind), key)
        except (OverflowError, ValueError):  # a time past year 9999, an unknown kind
            return None


@dataclass(frozen=True)
class Consent:
    """A consent entry: ``kind`` is the event's ("contact.opted_in", "contact.opted_out", or
    another ``contact.*``), ``detail`` its words ("panel: paper form 2026-11-30", "sms STOP")."""

    kind: str
    detail: str

    @property
    def opted_in(self) -> bool:
        return self.kind == OPTED_IN

    @property
    def opted_out(self) -> bool:
        return self.kind == OPTED_OUT


@dataclass(frozen=True)
class Entry:
    """One entry of the timeline: exactly one of ``sent``, ``received``, ``consent`` is set."""

    cursor: Cursor
    sent: Message | None = None
    received: Inbound | None = None
    consent: Consent | None = None

    @property
    def at(self) -> datetime:
        return self.cursor.at

    @property
    def kind(self) -> Kind:
        return self.cursor.kind


@dataclass(frozen=True)
class Timeline:
    """A page of a conversation, oldest entry first (read as a thread); ``older`` is the cursor
    of the page before it (None: this page reaches the start)."""

    entries: tuple[Entry, ...]
    older: Cursor | None


def _before(time_column, id_column, kind: Kind, cursor: Cursor | None):
    """Rows of one kind that come before ``cursor`` in the timeline's order."""
    if cursor is None:
        return true()
    if kind < cursor.kind:
        return time_column <= cursor.at
    if kind > cursor.kind:
        return time_column < cursor.at
    return or_(time_column < cursor.at, and_(time_column == cursor.at, id_column < cursor.id))


class Conversation(Transactions):
    """The conversation page's read (one read-only transaction)."""

    def conversation(
        self, number: str, *, before: Cursor | None = None, limit: int = 100
    ) -> Timeline:
        """The ``limit`` entries of ``number``'s conversation that come before ``before`` (the
        newest ones without it), oldest first. ``number`` is matched exactly as kept: E.164,
        a short code, or an alphanumeric sender."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        m, i = Message, Inbound
        sent_query = (
            select(m)
            .where(m.recipient == number, _before(col(m.created_at), col(m.id), Kind.SENT, before))
            .order_by(col(m.created_at).desc(), col(m.id).desc())
            .limit(limit + 1)
        )
        received_query = (
            select(i)
            .where(
                i.sender == number,
                _before(col(i.received_at), col(i.id), Kind.RECEIVED, before),
            )
            .order_by(col(i.received_at).desc(), col(i.id).desc())
            .limit(limit + 1)
        )
        e = Event
        events_query = (
            select(e)
            .where(
                e.number == number,
                col(e.kind).startswith("contact."),
                _before(col(e.at), col(e.id), Kind.CONSENT, before),
            )
            .order_by(col(e.at).desc(), col(e.id).desc())
            .limit(limit + 1)
        )
        logged_query = select(e.kind).where(e.number == number, col(e.kind).in_(_RECORDED))
        contact_query = select(CONTACT).where(CONTACT.c.number == number)
        with self.reading() as session:
            sent = session.exec(sent_query).all()
            received = session.exec(received_query).all()
            events = session.exec(events_query).all()
            logged = set(session.exec(logged_query.distinct()).all())
            contact = session.connection().execute(contact_query).first()
        entries = [Entry(Cursor(s.created_at, Kind.SENT, s.id), sent=s) for s in sent]
        entries += [Entry(Cursor(r.received_at, Kind.RECEIVED, r.id), received=r) for r in received]
        entries += [
            Entry(Cursor(v.at, Kind.CONSENT, v.id), consent=Consent(v.kind, v.detail))
            for v in events
        ]
        entries += [
            entry
            for entry in _record_entries(contact, logged)
            if before is None or entry.cursor < before
        ]
        entries.sort(key=lambda e: e.cursor, reverse=True)
        page = entries[:limit]
        older = page[-1].cursor if len(entries) > limit else None
        return Timeline(tuple(reversed(page)), older)


_RECORDED = (OPTED_IN, OPTED_OUT)


def _record_entries(contact, logged: set[str]) -> list[Entry]:
    """The contact's consent record as entries, for the kinds no event of the number tells."""
    if contact is None:
        return []
    found = []
    if contact.opted_in_at is not None and OPTED_IN not in logged:
        source, proof = contact.opt_in_source or "?", contact.opt_in_proof
        consent = Consent(OPTED_IN, f"{source}: {proof}" if proof else source)
        found.append(Entry(Cursor(contact.opted_in_at, Kind.RECORD, 0), consent=consent))
    if contact.opted_out_at is not None and OPTED_OUT not in logged:
        consent = Consent(OPTED_OUT, contact.opt_out_how or "")
        found.append(Entry(Cursor(contact.opted_out_at, Kind.RECORD, 1), consent=consent))
    return found
