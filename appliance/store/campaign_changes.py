"""Changing a campaign that runs (issue 12): pause and resume, a new text for what is still
queued, cancelling the pending messages of some steps, and an events campaign's events.

**Pausing** keeps the messages queued (the message states are a contract) and moves them to
``PAUSED_RANK``, which the dispatcher's claim never takes; resuming gives them back the rank of
their priority. Both are one UPDATE, and a message a modem took a moment before the pause is
left to finish: it had left.

**A new text** (``rewrite_queued``) replaces the text of messages still queued only (``status =
queued`` in the UPDATE itself), so one that a modem claimed meanwhile keeps the text it is
being sent with, and the campaign's people see either the old or the new text, whole.

**The events** of an events campaign are kept as JSON, one row an event, so that a re-import of
the edited file is compared with what was imported, not with what the file was meant to be.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, distinct, func, insert, select, update

from .campaign_audience import audience
from .campaign_schema import Campaign, CampaignEvent, CampaignRecipient, CampaignStatus
from .campaigns import SETTINGS, CampaignError, _contacts
from .contact_import import CONTACT, FIELD
from .schema import PAUSED_RANK, PRIORITY_RANK, Event, Message, Status
from .transactions import Transactions

CAMPAIGN = Campaign.__table__
RECIPIENT = CampaignRecipient.__table__
EVENT = CampaignEvent.__table__
MESSAGE = Message.__table__
LOG = Event.__table__


@dataclass(frozen=True)
class QueuedRecipient:
    """A message of a campaign still queued, with the person it is for (as ``render`` reads a
    contact, with its ``code``) and the step it belongs to."""

    message_id: int
    step_key: str
    contact: dict[str, object]


class CampaignChanges(Transactions):
    """Pause, resume, rewrite, cancel steps; an events campaign's events."""

    def update_campaign(self, campaign_id: int, **values: object) -> None:
        """Set ``template`` or any of ``SETTINGS`` on a campaign."""
        unknown = set(values) - SETTINGS - {"template"}
        if unknown:
            raise CampaignError(f"settings: {', '.join(sorted(unknown))} are not settings")
        if not values:  # nothing to change (an events file imported again, texts as they were)
            return
        with self._writing() as connection:
            connection.execute(update(CAMPAIGN).where(CAMPAIGN.c.id == campaign_id).values(values))

    def log_campaign_event(
        self, kind: str, now: datetime, campaign: Campaign, number: str | None = None,
        **detail: object,
    ) -> None:  # fmt: skip
        """A ``campaign.*`` event (the webhooks deliver it): its detail is JSON, the campaign's
        id and name first."""
        data = {"id": campaign.id, "name": campaign.name, **detail}
        text = json.dumps(data, default=str, ensure_ascii=False)
        with self._writing() as connection:
            connection.execute(insert(LOG).values(at=now, kind=kind, number=number, detail=text))

    def count_steps(self, campaign_id: int, step_prefix: str) -> int:
        """How many distinct steps of the campaign have keys starting with ``step_prefix``."""
        r = RECIPIENT.c
        with self.reader.connect() as connection:
            return connection.execute(
                select(func.count(distinct(r.step_key))).where(
                    r.campaign_id == campaign_id,
                    r.step_key.startswith(step_prefix, autoescape=True),
                )
            ).scalar()

    def pause_campaign(self, campaign_id: int, now: datetime) -> int:
        """Hold a running campaign's queued messages; returns how many wait."""
        m = MESSAGE.c
        with self._writing() as connection:
            connection.execute(
                update(CAMPAIGN)
                .where(CAMPAIGN.c.id == campaign_id)
                .values(status=CampaignStatus.PAUSED, paused_at=now)
            )
            return connection.execute(
                update(MESSAGE)
                .where(m.campaign_id == campaign_id, m.status == Status.QUEUED)
                .values(rank=PAUSED_RANK)
            ).rowcount

    def resume_campaign(self, campaign_id: int, now: datetime) -> int:
        """Let a paused campaign's messages go again; returns how many were released."""
        m = MESSAGE.c
        with self._writing() as connection:
            connection.execute(
                update(CAMPAIGN)
                .where(CAMPAIGN.c.id == campaign_id)
                .values(status=CampaignStatus.RUNNING, paused_at=None)
            )
            released = 0
            for priority, rank in PRIORITY_RANK.items():
                released += connection.execute(
                    update(MESSAGE)
                    .where(
                        m.campaign_id == campaign_id,
                        m.status == Status.QUEUED,
                        m.rank == PAUSED_RANK,
                        m.priority == priority,
                    )
                    .values(rank=rank)
                ).rowcount
            return released

    def queued_recipients(
        self, campaign_id: int, step_prefix: str | None = None
    ) -> list[QueuedRecipient]:
        """The campaign's messages still queued (of the steps whose key starts with
        ``step_prefix``), with their people, for a new text."""
        r, m = RECIPIENT.c, MESSAGE.c
        c = CONTACT.c
        query = (
            select(m.id, r.step_key, r.code, c.id, c.number, c.first_name, c.last_name, c.language)
            .join(MESSAGE, m.id == r.message_id)
            .join(CONTACT, c.id == r.contact_id)
            .where(r.campaign_id == campaign_id, m.status == Status.QUEUED)
            .order_by(m.id)
        )
        if step_prefix is not None:
            query = query.where(r.step_key.startswith(step_prefix, autoescape=True))
        with self.reader.connect() as connection:
            rows = connection.execute(query).all()
            people = {
                person["id"]: person
                for person in _contacts(connection, [tuple(row)[3:] for row in rows])
            }
        found = []
        for row in rows:
            contact = dict(people[row[3]])
            contact["code"] = row[2]
            found.append(QueuedRecipient(row[0], row[1], contact))
        return found

    def rewrite_queued(self, rows: Iterable[tuple[int, str, int, str, datetime | None]]) -> int:
        """New (text, parts, encoding, due time or None to keep it) for messages by id, those
        still queued only; returns how many changed."""
        m = MESSAGE.c
        changed = 0
        with self._writing() as connection:
            for message_id, text, parts, encoding, due in rows:
                values: dict[str, object] = {"text": text, "parts": parts, "encoding": encoding}
                if due is not None:
                    values["due_at"] = due
                changed += connection.execute(
                    update(MESSAGE)
                    .where(m.id == message_id, m.status == Status.QUEUED, m.parts_sent == 0)
                    .values(values)
                ).rowcount
        return changed

    def cancel_steps(self, campaign_id: int, step_prefix: str, now: datetime, why: str) -> int:
        """Cancel the queued messages of the steps whose key starts with ``step_prefix``."""
        r, m = RECIPIENT.c, MESSAGE.c
        ids = (
            select(r.message_id)
            .where(
                r.campaign_id == campaign_id,
                r.step_key.startswith(step_prefix, autoescape=True),
                r.message_id.is_not(None),
            )
            .scalar_subquery()
        )
        with self._writing() as connection:
            return connection.execute(
                update(MESSAGE)
                .where(and_(m.id.in_(ids), m.status == Status.QUEUED))
                .values(status=Status.CANCELLED, finished_at=now, reason=why)
            ).rowcount

    def dated_contacts(self, campaign: Campaign) -> list[tuple[int, date]]:
        """The people of the campaign's audience whose free field ``date_field`` holds a date,
        with it: a campaign on the contacts' own dates plans a step from each."""
        f = FIELD.c
        people = audience(campaign).with_only_columns(CONTACT.c.id).order_by(None)
        query = (
            select(f.contact_id, f.date_value)
            .where(
                f.contact_id.in_(people),
                func.lower(f.name) == (campaign.date_field or "").lower(),
                f.date_value.is_not(None),
            )
            .order_by(f.contact_id)
        )
        with self.reader.connect() as connection:
            return [(row[0], row[1]) for row in connection.execute(query)]

    # --- an events campaign's events ------------------------------------------------------

    def campaign_events(self, campaign_id: int, removed: bool = False) -> dict[str, dict]:
        """The events as last imported, by key (JSON values: dates and times as ISO text);
        with ``removed``, those a re-import removed as well."""
        e = EVENT.c
        query = select(e.event_key, e.data).where(e.campaign_id == campaign_id).order_by(e.id)
        if not removed:
            query = query.where(e.removed_at.is_(None))
        with self.reader.connect() as connection:
            return {key: json.loads(data) for key, data in connection.execute(query)}

    def save_events(
        self,
        campaign_id: int,
        events: Mapping[str, Mapping[str, object]],
        removed: Iterable[str],
        now: datetime,
    ) -> None:
        """Record an import: each event's values (new or changed), and the keys it removed."""
        e = EVENT.c
        with self._writing() as connection:
            known = {
                key for (key,) in connection.execute(
                    select(e.event_key).where(e.campaign_id == campaign_id)
                )
            }  # fmt: skip
            for key, data in events.items():
                text = json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)
                if key in known:
                    connection.execute(
                        update(EVENT)
                        .where(e.campaign_id == campaign_id, e.event_key == key)
                        .values(data=text, removed_at=None, updated_at=now)
                    )
                else:
                    connection.execute(
                        EVENT.insert().values(
                            campaign_id=campaign_id, event_key=key, data=text, updated_at=now
                        )
                    )
            for key in removed:
                connection.execute(
                    update(EVENT)
                    .where(e.campaign_id == campaign_id, e.event_key == key)
                    .values(removed_at=now, updated_at=now)
                )


__all__ = ["CampaignChanges", "QueuedRecipient"]
