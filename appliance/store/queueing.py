"""Putting messages in the queue and taking them out by hand: enqueue, cancel, retry.

Enqueueing is where the rules of consent hold (``consent``): every path that queues a message
(the CLI, the API, the panel, campaigns, automatic replies) comes through ``enqueue_all``, whose
transaction reads the number's consent and the cap before it writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from .admission import ConsentRules, ContactConsent, NewMessage, queue_all
from .consent import CONTACT_OF, counted_times
from .destinations import SenderRules
from .erasure import ERASED
from .schema import MAX_ID, ApiToken, Message, Status
from .transactions import Transactions

__all__ = ["NewMessage", "Queueing"]


class Queueing(Transactions):
    """Messages into the queue, and the operator's cancel and retry; each one transaction."""

    def enqueue(self, new: NewMessage, now: datetime, rules: ConsentRules | None = None) -> Message:
        """Queue ``new``, under the rules of consent (``consent``): raises ``OptedOut`` (and
        writes nothing) for a number that said STOP; a message over the cap per person is
        queued held, due when it may go, with the reason. ``rules`` default to the defaults."""
        return self.enqueue_all([new], now, rules)[0]

    def enqueue_all(
        self,
        news: Sequence[NewMessage],
        now: datetime,
        rules: ConsentRules | None = None,
        sender: SenderRules | None = None,
    ) -> list[Message]:
        """Queue every message of ``news`` in one transaction, or none (``OptedOut`` for the
        first number that said STOP; ``destinations``' refusals for ``sender``): the panel's
        several-recipient compose."""
        with self.session() as session:
            lookups = _SessionLookups(session)
            queue_all(lookups, news, now, rules, sender)
            session.commit()
        return lookups.messages

    def get(self, message_id: int) -> Message | None:
        if not _possible_id(message_id):
            return None
        with self.reading() as session:
            return session.get(Message, message_id)

    def cancel(self, message_id: int, now: datetime) -> tuple[bool, str]:
        """Cancel a queued (or unknown) message; (False, why) when it is too late."""
        if not _possible_id(message_id):
            return False, f"no message {message_id}"
        with self.session() as session:
            message = session.get(Message, message_id)
            if message is None:
                return False, f"no message {message_id}"
            if message.status not in (Status.QUEUED, Status.UNKNOWN):
                return False, f"message {message_id} is {message.status}"
            result = session.execute(
                update(Message)
                .where(
                    col(Message.id) == message_id,
                    col(Message.status).in_([Status.QUEUED, Status.UNKNOWN]),
                )
                .values(status=Status.CANCELLED, finished_at=now, reason="cancelled")
            )
            session.commit()
            if result.rowcount != 1:
                return False, f"message {message_id} left the queue meanwhile"
            return True, "cancelled"

    def retry(self, message_id: int, now: datetime) -> tuple[bool, str]:
        """Queue a failed or unknown message again (the operator's explicit request)."""
        if not _possible_id(message_id):
            return False, f"no message {message_id}"
        with self.session() as session:
            message = session.get(Message, message_id)
            if message is None:
                return False, f"no message {message_id}"
            if message.recipient == ERASED:  # its number and text are gone (``erasure``)
                return False, f"message {message_id} was to a number since erased"
            if message.status not in (Status.FAILED, Status.UNKNOWN, Status.EXPIRED):
                return (
                    False,
                    f"message {message_id} is {message.status}; only failed, unknown "
                    "or expired messages can be retried",
                )
            message.status = Status.QUEUED
            message.due_at = now
            message.finished_at = None
            message.reason = f"retry requested (was {message.reason or 'no reason'})"
            if message.expires_at is not None and message.expires_at <= now:
                message.expires_at = None
            session.add(message)
            session.commit()
            return True, "queued"


def _possible_id(message_id: int) -> bool:
    """Whether a row can have this id: a larger one (a typo, ``cancel 99999999999999999999``)
    overflows the driver's integers, which must be "no message", not a traceback."""
    return 1 <= message_id <= MAX_ID


class _SessionLookups:
    """``admission.queue_all``'s reads and INSERT in one writing session (the SQLAlchemy side;
    ``direct.DirectStore`` is the other)."""

    def __init__(self, session) -> None:
        self.session = session
        self.messages: list[Message] = []

    def contact(self, number: str) -> ContactConsent | None:
        row = self.session.connection().execute(CONTACT_OF, {"b_number": number}).first()
        return ContactConsent(*row) if row is not None else None

    def counted_times(self, number: str, since: datetime) -> list[datetime]:
        return counted_times(self.session.connection(), number, since)

    def token_usage(self, token_id: int, since: datetime) -> tuple[int, int]:
        connection = self.session.connection()
        # the token's row locked first (PostgreSQL): two requests of one token count in turn
        connection.execute(
            select(col(ApiToken.id)).where(col(ApiToken.id) == token_id).with_for_update()
        )
        row = connection.execute(
            select(func.count(), func.coalesce(func.sum(col(Message.parts)), 0)).where(
                col(Message.token_id) == token_id, col(Message.created_at) >= since
            )
        ).one()
        return int(row[0]), int(row[1])

    def insert(self, values: dict[str, Any]) -> int:
        message = Message(**values)
        self.session.add(message)
        self.session.flush()  # the next one's cap counts this one
        self.messages.append(message)
        assert message.id is not None
        return message.id
