"""Putting messages in the queue and taking them out by hand: enqueue, cancel, retry.

Enqueueing is where the rules of consent hold (``consent``): every path that queues a message
(the CLI, the API, the panel, campaigns, automatic replies) comes through ``enqueue_all``, whose
transaction reads the number's consent and the cap before it writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col

from .consent import DEFAULT_RULES, ConsentRules, admit
from .erasure import ERASED
from .schema import MAX_ID, PRIORITY_RANK, Message, MessageKind, Priority, Status
from .transactions import Transactions


@dataclass(frozen=True)
class NewMessage:
    """A message as a caller asks for it, already validated (number normalised, parts counted)."""

    recipient: str
    text: str
    parts: int
    encoding: str
    priority: Priority = Priority.NORMAL
    due_at: datetime | None = None
    expires_at: datetime | None = None
    want_modem: str | None = None
    want_group: str | None = None
    report: bool = True
    source: str = "cli"
    campaign_id: int | None = None
    kind: MessageKind = MessageKind.TRANSACTIONAL
    strict: bool = False  # strictly transactional: may pass a STOP if the rules allow it
    contact_id: int | None = None


class Queueing(Transactions):
    """Messages into the queue, and the operator's cancel and retry; each one transaction."""

    def enqueue(self, new: NewMessage, now: datetime, rules: ConsentRules | None = None) -> Message:
        """Queue ``new``, under the rules of consent (``consent``): raises ``OptedOut`` (and
        writes nothing) for a number that said STOP; a message over the cap per person is
        queued held, due when it may go, with the reason. ``rules`` default to the defaults."""
        return self.enqueue_all([new], now, rules)[0]

    def enqueue_all(
        self, news: Sequence[NewMessage], now: datetime, rules: ConsentRules | None = None
    ) -> list[Message]:
        """Queue every message of ``news`` in one transaction, or none (``OptedOut`` for the
        first number that said STOP): the panel's several-recipient compose."""
        messages = [_message(new, now) for new in news]
        with self.session() as session:
            for new, message in zip(news, messages, strict=True):
                admission = admit(
                    session.connection(),
                    number=new.recipient,
                    kind=new.kind,
                    strict=new.strict,
                    due=message.due_at or now,
                    now=now,
                    rules=rules or DEFAULT_RULES,
                )
                if message.contact_id is None:
                    message.contact_id = admission.contact_id
                if admission.held_until is not None:
                    message.due_at = admission.held_until
                    message.reason = admission.reason
                    if message.expires_at is not None and message.expires_at < message.due_at:
                        message.expires_at = None  # held by our own rule: not to expire unsent
                session.add(message)
                session.flush()  # the next one's cap counts this one
            session.commit()
        return messages

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


def _message(new: NewMessage, now: datetime) -> Message:
    return Message(
        recipient=new.recipient,
        text=new.text,
        parts=new.parts,
        encoding=new.encoding,
        priority=new.priority,
        rank=PRIORITY_RANK[new.priority],
        report=new.report,
        source=new.source,
        kind=new.kind,
        strict=new.strict,
        contact_id=new.contact_id,
        campaign_id=new.campaign_id,
        want_modem=new.want_modem,
        want_group=new.want_group,
        created_at=now,
        due_at=new.due_at or now,
        expires_at=new.expires_at,
    )
