"""Email to SMS and back (issue 16), as the store keeps it: the forwarder's cursor over the
received messages, and whether a number is one the appliance wrote to (a reply).

The cursor starts after the messages received before the mailbox was configured (a first run
does not mail the whole history) and moves past each message once it is mailed, so a restart
neither forwards one twice nor skips one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import col, select

from .alert_schema import MailCursor
from .schema import Inbound, Message

if TYPE_CHECKING:
    from . import Store

CURSOR = "inbound"


def to_forward(
    store: Store, limit: int = 20, received_before: datetime | None = None
) -> list[Inbound]:
    """The received messages not yet forwarded, oldest first (the cursor made on first use).

    ``received_before``: on PostgreSQL, where ids may commit out of order across nodes, only
    messages older than a few seconds, so a message whose id is below one already passed has
    committed by then and is not skipped."""
    with store.reading() as session:  # every few seconds: no write lock unless needed
        cursor = session.get(MailCursor, CURSOR)
    if cursor is None:
        with store.session() as session:
            if session.get(MailCursor, CURSOR) is None:
                last = session.exec(select(func.max(Inbound.id))).one() or 0
                session.add(MailCursor(name=CURSOR, last_inbound_id=last))
                session.commit()
        return []
    with store.reading() as session:
        query = select(Inbound).where(col(Inbound.id) > cursor.last_inbound_id)
        if received_before is not None:
            query = query.where(col(Inbound.received_at) < received_before)
        rows = session.exec(query.order_by(col(Inbound.id)).limit(limit)).all()
        return list(rows)


def forwarded(store: Store, inbound_id: int) -> None:
    """Move the cursor past a received message (mailed, or not to be)."""
    with store.session() as session:
        cursor = session.get(MailCursor, CURSOR) or MailCursor(name=CURSOR)
        cursor.last_inbound_id = max(cursor.last_inbound_id, inbound_id)
        session.add(cursor)
        session.commit()


def wrote_to(store: Store, number: str, before: datetime) -> bool:
    """Whether a message to ``number`` was queued before ``before``: what it sent is a reply."""
    with store.reading() as session:
        found = session.exec(
            select(Message.id)
            .where(Message.recipient == number, col(Message.created_at) < before)
            .limit(1)
        ).first()
        return found is not None
