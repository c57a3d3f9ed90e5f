"""One outbound message with everything known about it (issue 16): the panel's message page and
``GET /api/v1/messages/{id}``.

Read in one read-only transaction, each part on an index: the message by its key, its attempts
(``ix_message_attempt_message``), its delivery reports (``delivery_report.message_id``), the
modems its attempts used, and the conversation around it, a few messages each way (the
conversation page has the whole thread): those sent to its number by id, a range of
``ix_message_recipient`` (recipient, id), since a message's id and creation time grow together;
those received from it by time, a range of ``ix_inbound_sender_received`` (revision 0015).
Ordered by time instead, the sent ones were sorted whole: 0.4 to 0.6 s for a number with
200,000 messages (SQLite, this machine), against milliseconds on the ranges. A message whose
number was erased has no conversation: every erased message shares the recipient ``"erased"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from .attempt_schema import MessageAttempt
from .erasure import ERASED
from .schema import MAX_ID, DeliveryReport, Inbound, Message, Modem
from .transactions import Transactions

__all__ = ["AROUND", "MessageDetail", "MessageDetails", "Neighbour"]

AROUND = 10  # the conversation's messages shown on each side of this one


@dataclass(frozen=True)
class Neighbour:
    """A message of the conversation: ``sent`` (outbound) or ``received`` (inbox)."""

    at: datetime
    sent: Message | None = None
    received: Inbound | None = None

    @property
    def key(self) -> tuple[datetime, int, int]:
        """The conversation's order (``conversation.Cursor``): time, sent before received, id."""
        if self.sent is not None:
            return (self.at, 0, self.sent.id or 0)
        assert self.received is not None
        return (self.at, 1, self.received.id or 0)


@dataclass(frozen=True)
class MessageDetail:
    """The message, its attempts (oldest first), its delivery reports (as received), the modems
    its attempts named (by IMEI), and its conversation: ``earlier`` and ``later`` neighbours in
    time order, ``more_earlier``/``more_later`` when the thread goes on past them."""

    message: Message
    attempts: tuple[MessageAttempt, ...]
    reports: tuple[DeliveryReport, ...]
    modems: dict[str, Modem]
    earlier: tuple[Neighbour, ...]
    later: tuple[Neighbour, ...]
    more_earlier: bool
    more_later: bool


class MessageDetails(Transactions):
    """The message page's read."""

    def message_detail(self, message_id: int, *, around: int = AROUND) -> MessageDetail | None:
        """Everything about message ``message_id``, or None when there is none."""
        if not 1 <= message_id <= MAX_ID:
            return None
        with self.reading() as session:
            message = session.get(Message, message_id)
            if message is None:
                return None
            attempts = session.exec(
                select(MessageAttempt)
                .where(MessageAttempt.message_id == message_id)
                .order_by(col(MessageAttempt.id))
            ).all()
            reports = session.exec(
                select(DeliveryReport)
                .where(DeliveryReport.message_id == message_id)
                .order_by(col(DeliveryReport.received_at), col(DeliveryReport.id))
            ).all()
            imeis = {a.modem_imei for a in attempts} | {message.modem_imei} - {None}
            modems = session.exec(select(Modem).where(col(Modem.imei).in_(imeis))).all()
            if message.recipient == ERASED:
                earlier: list[Neighbour] = []
                later: list[Neighbour] = []
            else:
                earlier = _earlier(session, message, around + 1)
                later = _later(session, message, around + 1)
        return MessageDetail(
            message=message,
            attempts=tuple(attempts),
            reports=tuple(reports),
            modems={m.imei: m for m in modems},
            earlier=tuple(earlier[:around][::-1]),
            later=tuple(later[:around]),
            more_earlier=len(earlier) > around,
            more_later=len(later) > around,
        )


def _earlier(session, message: Message, limit: int) -> list[Neighbour]:
    """Up to ``limit`` messages of the conversation before ``message``, newest first."""
    m, i = Message, Inbound
    sent = session.exec(
        select(m)
        .where(m.recipient == message.recipient, col(m.id) < message.id)
        .order_by(col(m.id).desc())
        .limit(limit)
    ).all()
    received = session.exec(
        select(i)
        .where(i.sender == message.recipient, col(i.received_at) < message.created_at)
        .order_by(col(i.received_at).desc(), col(i.id).desc())
        .limit(limit)
    ).all()
    found = [Neighbour(s.created_at, sent=s) for s in sent]
    found += [Neighbour(r.received_at, received=r) for r in received]
    return sorted(found, key=lambda n: n.key, reverse=True)


def _later(session, message: Message, limit: int) -> list[Neighbour]:
    """Up to ``limit`` messages of the conversation after ``message``, oldest first."""
    m, i = Message, Inbound
    sent = session.exec(
        select(m)
        .where(m.recipient == message.recipient, col(m.id) > message.id)
        .order_by(col(m.id))
        .limit(limit)
    ).all()
    received = session.exec(
        select(i)
        .where(i.sender == message.recipient, col(i.received_at) >= message.created_at)
        .order_by(col(i.received_at), col(i.id))
        .limit(limit)
    ).all()
    found = [Neighbour(s.created_at, sent=s) for s in sent]
    found += [Neighbour(r.received_at, received=r) for r in received]
    return sorted(found, key=lambda n: n.key)
