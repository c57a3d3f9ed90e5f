"""What the consent desk (``appliance.consent_desk``) reads and writes of received messages.

A received message is stored with ``handled`` empty; the desk answers it (a join, a stop, or
nothing to do) and writes what it did. A message the desk has not handled yet when the daemon
stops is handled at the next start, so a STOP that arrived a second before a power cut is not
lost. Messages stored before migration 0007 were marked handled by it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from .schema import Inbound, Message
from .transactions import Transactions

INBOUND = Inbound.__table__
MESSAGE = Message.__table__
KEYWORD_SOURCE = "keyword"  # the source of the desk's automatic replies
CALL_SOURCE = "call"  # the source of its answers to missed calls (issue 13)


class KeywordInbox(Transactions):
    """Received messages waiting for the consent desk, and the desk's own replies."""

    def unhandled_inbound(self, limit: int = 100) -> list[Inbound]:
        """Received messages the desk has not handled yet, oldest first."""
        with self.reading() as session:
            query = (
                select(Inbound).where(Inbound.handled.is_(None)).order_by(Inbound.id).limit(limit)
            )
            return list(session.scalars(query))

    def mark_handled(self, inbound_id: int, handled: str) -> None:
        with self._writing() as connection:
            connection.execute(
                update(INBOUND).where(INBOUND.c.id == inbound_id).values(handled=handled)
            )

    def link_reply(
        self, inbound_id: int, sender: str, received_at: datetime, since: datetime
    ) -> int | None:
        """Link a received message to the campaign it answers: that of the latest campaign
        message sent to ``sender`` after ``since`` (the reply window) and before it arrived.
        Returns the campaign's id, or None (then nothing is written)."""
        m = MESSAGE.c
        with self._writing() as connection:
            campaign_id = connection.execute(
                select(m.campaign_id)
                .where(
                    m.recipient == sender,
                    m.campaign_id.is_not(None),
                    m.sent_at.is_not(None),
                    m.sent_at >= since,
                    m.sent_at <= received_at,
                )
                .order_by(m.sent_at.desc(), m.id.desc())
                .limit(1)
            ).scalar()
            if campaign_id is not None:
                connection.execute(
                    update(INBOUND)
                    .where(INBOUND.c.id == inbound_id)
                    .values(campaign_id=campaign_id)
                )
            return campaign_id

    def keyword_replies_since(self, number: str, since: datetime) -> int:
        """How many automatic replies the desk queued to ``number`` since ``since`` (its
        answers to missed calls included)."""
        return self._replies_since(number, since, (KEYWORD_SOURCE, CALL_SOURCE))

    def call_replies_since(self, number: str, since: datetime) -> int:
        """How many answers to missed calls the desk queued to ``number`` since ``since``."""
        return self._replies_since(number, since, (CALL_SOURCE,))

    def _replies_since(self, number: str, since: datetime, sources: tuple[str, ...]) -> int:
        m = MESSAGE.c
        with self.reader.connect() as connection:
            return connection.execute(
                select(func.count()).where(
                    m.recipient == number, m.source.in_(sources), m.created_at >= since
                )
            ).scalar_one()
