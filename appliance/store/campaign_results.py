"""What a campaign did (issue 12): its counts, the replies it received, its codes redeemed, its
recipients for a CSV export.

The counts are people, not rows, where people are meant: ``targeted`` is the number of distinct
contacts recorded for any step (an events campaign records a donor once per event and step),
queued or skipped; ``skipped`` the people skipped at least once, by reason (the cap, a text
that cannot be made, a STOP, no opt-in); ``replied`` those who answered at least once.
Messages are counted by status over every step.
``opted_out`` counts the recipients who said STOP after the campaign started: what a campaign
costs in goodwill. The response rate is ``replied`` over the people one of whose messages left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, select, update

from .campaign_batch import SKIP_REASONS
from .campaign_codes import normalise
from .campaign_schema import Campaign, CampaignRecipient
from .contact_import import CONTACT
from .schema import Inbound, Message, Status
from .transactions import Transactions

CAMPAIGN = Campaign.__table__
RECIPIENT = CampaignRecipient.__table__
MESSAGE = Message.__table__
INBOUND = Inbound.__table__
CONFIRMED, DECLINED, TEXT = "confirmed", "declined", "text"


@dataclass(frozen=True)
class CampaignStats:
    """A campaign's counts (see the module's docstring)."""

    targeted: int
    skipped: dict[str, int]
    messages: dict[str, int]
    reached: int = 0  # people one of whose messages left
    replied: int = 0
    confirmed: int = 0
    declined: int = 0
    opted_out: int = 0
    codes: int = 0
    redeemed: int = 0

    @property
    def response_rate(self) -> float | None:
        return round(self.replied / self.reached, 4) if self.reached else None

    @property
    def redemption_rate(self) -> float | None:
        return round(self.redeemed / self.codes, 4) if self.codes else None

    def as_dict(self) -> dict[str, object]:
        return {
            "targeted": self.targeted,
            "skipped": self.skipped,
            "messages": self.messages,
            "reached": self.reached,
            "replied": self.replied,
            "confirmed": self.confirmed,
            "declined": self.declined,
            "opted_out": self.opted_out,
            "codes": self.codes,
            "redeemed": self.redeemed,
            "response_rate": self.response_rate,
            "redemption_rate": self.redemption_rate,
        }


@dataclass(frozen=True)
class CodeLookup:
    """A code, whose it is, and whether it was redeemed (and when)."""

    code: str
    campaign_id: int
    campaign: str
    contact_id: int
    number: str
    redeemed_at: datetime | None


class CampaignResults(Transactions):
    """Counts, replies, codes and exports of campaigns."""

    def campaign_stats(self, campaign_id: int) -> CampaignStats:
        r, m = RECIPIENT.c, MESSAGE.c
        reason = case(*((r.skipped.like(f"{key}:%"), key) for key in SKIP_REASONS), else_="other")
        people = select(func.count(distinct(r.contact_id))).where(r.campaign_id == campaign_id)
        with self.reader.connect() as connection:
            targeted = connection.execute(people).scalar()
            skipped = dict.fromkeys(SKIP_REASONS, 0)
            for key, n in connection.execute(
                select(reason, func.count(distinct(r.contact_id)))
                .where(r.campaign_id == campaign_id, r.skipped.is_not(None))
                .group_by(reason)
            ):
                skipped[key] = n
            messages = {status.value: 0 for status in Status}
            for status, n in connection.execute(
                select(m.status, func.count())
                .where(m.campaign_id == campaign_id)
                .group_by(m.status)
            ):
                messages[status] = n
            reached = connection.execute(
                people.join(MESSAGE, m.id == r.message_id).where(m.sent_at.is_not(None))
            ).scalar()
            replied = connection.execute(people.where(r.replied_at.is_not(None))).scalar()
            answers = {CONFIRMED: 0, DECLINED: 0}
            for answer, n in connection.execute(
                select(r.answer, func.count(distinct(r.contact_id)))
                .where(r.campaign_id == campaign_id, r.answer.in_(list(answers)))
                .group_by(r.answer)
            ):
                answers[answer] = n
            started = select(CAMPAIGN.c.started_at).where(CAMPAIGN.c.id == campaign_id)
            opted_out = connection.execute(
                people.join(CONTACT, CONTACT.c.id == r.contact_id).where(
                    CONTACT.c.opted_out_at.is_not(None),
                    CONTACT.c.opted_out_at >= started.scalar_subquery(),
                )
            ).scalar()
            codes, redeemed = connection.execute(
                select(func.count(r.code), func.count(r.redeemed_at)).where(
                    r.campaign_id == campaign_id
                )
            ).one()
        return CampaignStats(
            targeted,
            skipped,
            messages,
            reached,
            replied,
            answers[CONFIRMED],
            answers[DECLINED],
            opted_out,
            codes,
            redeemed,
        )

    def record_answer(
        self, campaign_id: int, number: str, inbound_id: int, answer: str, now: datetime
    ) -> int | None:
        """Record a reply on the person's latest recipient row of the campaign whose message
        left; a confirmation or a decline is not undone by a later free text. Returns the
        contact's id, or None when the number is no recipient of it."""
        r, m = RECIPIENT.c, MESSAGE.c
        with self._writing() as connection:
            row = connection.execute(
                select(r.id, r.contact_id, r.answer)
                .join(MESSAGE, m.id == r.message_id)
                .where(r.campaign_id == campaign_id, r.number == number, m.sent_at.is_not(None))
                .order_by(m.sent_at.desc(), r.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            values: dict[str, object] = {"replied_at": now, "reply_id": inbound_id}
            if answer != TEXT or row.answer is None:
                values["answer"] = answer
            connection.execute(update(RECIPIENT).where(r.id == row.id).values(values))
            return row.contact_id

    def campaign_replies(
        self, campaign_id: int, limit: int = 100, offset: int = 0
    ) -> list[dict[str, object]]:
        """The received messages linked to the campaign, newest first, with who sent them and
        what their answer was read as."""
        i, c, r = INBOUND.c, CONTACT.c, RECIPIENT.c
        query = (
            select(i.id, i.sender, i.text, i.received_at, c.id, c.first_name, c.last_name, r.answer)
            .outerjoin(CONTACT, c.number == i.sender)
            .outerjoin(RECIPIENT, and_(r.reply_id == i.id, r.campaign_id == campaign_id))
            .where(i.campaign_id == campaign_id)
            .order_by(i.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.reader.connect() as connection:
            return [
                {
                    "id": row[0],
                    "number": row[1],
                    "text": row[2],
                    "received_at": row[3],
                    "contact_id": row[4],
                    "name": " ".join(x for x in row[5:7] if x) or None,
                    "answer": row[7],
                }
                for row in connection.execute(query)
            ]

    def campaign_activity(self, campaign_id: int) -> dict[str, list[datetime]]:
        """When the campaign's messages left and its replies arrived (for the charts)."""
        m, i = MESSAGE.c, INBOUND.c
        with self.reader.connect() as connection:
            sent = connection.execute(
                select(m.sent_at)
                .where(m.campaign_id == campaign_id, m.sent_at.is_not(None))
                .order_by(m.sent_at)
            ).scalars()
            replies = connection.execute(
                select(i.received_at).where(i.campaign_id == campaign_id).order_by(i.received_at)
            ).scalars()
            return {"sent": list(sent), "replies": list(replies)}

    def campaign_recipients(self, campaign_id: int) -> Iterator[dict[str, object]]:
        """Every recipient row with its message's status, for a CSV export (streamed)."""
        r, m, c = RECIPIENT.c, MESSAGE.c, CONTACT.c
        query = (
            select(
                r.step_key,
                r.number,
                c.first_name,
                c.last_name,
                r.skipped,
                m.status,
                m.sent_at,
                m.delivered_at,
                r.code,
                r.redeemed_at,
                r.answer,
                r.replied_at,
            )
            .outerjoin(MESSAGE, m.id == r.message_id)
            .outerjoin(CONTACT, c.id == r.contact_id)
            .where(r.campaign_id == campaign_id)
            .order_by(r.id)
        )
        names = ("step", "number", "first_name", "last_name", "skipped", "status", "sent_at",
                 "delivered_at", "code", "redeemed_at", "answer", "replied_at")  # fmt: skip
        with self.reader.connect() as connection:
            for row in connection.execute(query):
                yield dict(zip(names, row, strict=True))

    def find_code(self, code: str) -> CodeLookup | None:
        r = RECIPIENT.c
        query = (
            select(r.code, r.campaign_id, CAMPAIGN.c.name, r.contact_id, r.number, r.redeemed_at)
            .join(CAMPAIGN, CAMPAIGN.c.id == r.campaign_id)
            .where(r.code == normalise(code))
        )
        with self.reader.connect() as connection:
            row = connection.execute(query).first()
        return CodeLookup(*row) if row is not None else None

    def redeem_code(self, code: str, now: datetime) -> tuple[CodeLookup | None, bool]:
        """Mark a code redeemed: (the code, True) the first time, (the code, False) when it was
        already, (None, False) when there is no such code."""
        r = RECIPIENT.c
        with self._writing() as connection:
            done = connection.execute(
                update(RECIPIENT)
                .where(r.code == normalise(code), r.redeemed_at.is_(None))
                .values(redeemed_at=now)
            ).rowcount
        return self.find_code(code), bool(done)


__all__ = ["CONFIRMED", "DECLINED", "TEXT", "CampaignResults", "CampaignStats", "CodeLookup"]
