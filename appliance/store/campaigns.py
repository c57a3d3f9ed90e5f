"""Campaigns in the store (issue 12): create, read, cancel, expand into queued messages, count.

**Expanding** a step of a campaign turns its audience into queued messages, one per person, each
recorded in ``campaign_recipient`` with its message or the reason it was skipped:

- the audience is the opted-in contacts who did not opt out, carrying ANY of the campaign's tags
  (none: every contact) and, with a field filter, whose free field of that name (any case)
  holds exactly that text. Opted-out people are never targeted, so they have no row;
- a person the cap per person would hold (``consent.cap_free_at``, over the same counted
  messages as ``consent.admit``) is skipped with ``cap: ...``; one whose text cannot be made
  (the ``render`` callable raises ``ValueError``: a missing value; or its text is empty or
  longer than ``max_parts``) is skipped with ``template: ...``. Skipping, not holding: a
  campaign message that waits weeks for the cap is no longer the campaign the sender meant;
- the others get a message of the campaign's kind, source ``campaign``, priority low (the
  dispatcher takes transactional sends first), linked to the campaign and the contact.

It goes by batches of ``BATCH`` contacts, each one transaction holding the messages and their
recipient rows together, so a crash leaves whole batches. The unique key (campaign, step,
contact) makes it idempotent: a second expand, or one after a restart, reads only the people
not yet recorded, and a concurrent one on PostgreSQL loses its batch to the constraint and
reads again. On PostgreSQL the batch's contacts are read ``FOR SHARE``, so a STOP arriving
meanwhile waits for the batch and then cancels its messages (``Contacts.opt_out``).

Pausing is not built yet: a campaign is cancelled (its queued messages with it) or runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel import select as select_models

from .campaign_audience import audience
from .campaign_batch import SKIP_REASONS, Render, StepPlan, _Batch, _contacts
from .campaign_schema import Campaign, CampaignRecipient, CampaignStatus
from .consent import ConsentRules
from .contact_import import tag_key
from .schema import Message, MessageKind, Status
from .transactions import Transactions

CAMPAIGN = Campaign.__table__
RECIPIENT = CampaignRecipient.__table__
MESSAGE = Message.__table__
MAIN_STEP = "main"
# what ``create_campaign(settings=...)`` and ``update_campaign`` may set
SETTINGS = frozenset({
    "window_start", "window_end", "window_days", "confirm_words", "decline_words",
    "confirm_tag", "confirm_reply", "decline_reply", "parent_id", "events",
    "reminder_template", "correction_template", "invitation_days", "invitation_at",
    "reminder_days", "reminder_at", "area_field", "date_field", "date_days", "date_at",
})  # fmt: skip


class CampaignError(ValueError):
    """A campaign that cannot be created or changed as asked: nothing was written."""


@dataclass(frozen=True)
class Expansion:
    """What one expand did: messages queued and people skipped (by reason) this time."""

    queued: int = 0
    skipped: dict[str, int] | None = None


class Campaigns(Transactions):
    """Campaigns and their recipients; each method one transaction (``expand``: one a batch)."""

    def create_campaign(
        self,
        name: str,
        template: str,
        *,
        now: datetime,
        tags: list[str] = (),
        kind: str = MessageKind.CAMPAIGN,
        field_name: str | None = None,
        field_value: str | None = None,
        send_at: datetime | None = None,
        settings: Mapping[str, object] | None = None,
    ) -> Campaign:
        """A new draft campaign; ``CampaignError`` for a name already taken or a bad kind.
        ``settings``: the other columns of ``Campaign`` (a send window, reply rules, an events
        campaign's templates and days), checked by name."""
        if kind not in (MessageKind.CAMPAIGN, MessageKind.REMINDER):
            raise CampaignError(f"kind: {kind!r} is not campaign or reminder")
        extra = dict(settings or {})
        unknown = set(extra) - SETTINGS
        if unknown:
            raise CampaignError(f"settings: {', '.join(sorted(unknown))} are not settings")
        keys = [k for k in dict.fromkeys(tag_key(t) for t in tags) if k]
        campaign = Campaign(name=name, template=template, kind=kind, tags=",".join(keys),
                            field_name=field_name, field_value=field_value,
                            created_at=now, send_at=send_at, **extra)  # fmt: skip
        try:
            with self.session() as session:
                if session.exec(select_models(Campaign).where(Campaign.name == name)).first():
                    raise CampaignError(f"name: a campaign named {name!r} exists already")
                session.add(campaign)
                session.commit()
        except IntegrityError:  # the same name created at the same moment elsewhere
            raise CampaignError(f"name: a campaign named {name!r} exists already") from None
        return campaign

    def campaign(self, name_or_id: str | int) -> Campaign | None:
        """The campaign of that name (a str) or id (an int), or None."""
        column = col(Campaign.id) if isinstance(name_or_id, int) else col(Campaign.name)
        with self.reading() as session:
            return session.exec(select_models(Campaign).where(column == name_or_id)).first()

    def campaigns(self) -> list[Campaign]:
        """Every campaign, newest first."""
        with self.reading() as session:
            return list(session.exec(select_models(Campaign).order_by(col(Campaign.id).desc())))

    def set_campaign_status(self, campaign_id: int, status: str, now: datetime) -> None:
        """Move a campaign to ``status``; running sets ``started_at`` once, the end states
        ``finished_at``."""
        values: dict[str, object] = {"status": CampaignStatus(status)}
        if status in (CampaignStatus.CANCELLED, CampaignStatus.DONE):
            values["finished_at"] = now
        with self._writing() as connection:
            connection.execute(update(CAMPAIGN).where(CAMPAIGN.c.id == campaign_id).values(values))
            if status == CampaignStatus.RUNNING:
                connection.execute(
                    update(CAMPAIGN)
                    .where(CAMPAIGN.c.id == campaign_id, CAMPAIGN.c.started_at.is_(None))
                    .values(started_at=now)
                )

    def cancel_campaign(self, campaign_id: int, now: datetime) -> int:
        """Cancel a campaign and, in the same transaction, its messages still queued; returns
        how many were cancelled (what already left is left)."""
        with self._writing() as connection:
            connection.execute(
                update(CAMPAIGN)
                .where(CAMPAIGN.c.id == campaign_id)
                .values(status=CampaignStatus.CANCELLED, finished_at=now)
            )
            return connection.execute(
                update(MESSAGE)
                .where(MESSAGE.c.campaign_id == campaign_id, MESSAGE.c.status == Status.QUEUED)
                .values(status=Status.CANCELLED, finished_at=now, reason="campaign cancelled")
            ).rowcount

    # --- the audience and the expansion ----------------------------------------------------

    def audience(
        self, campaign: Campaign, limit: int = 10, plan: StepPlan | None = None
    ) -> list[dict[str, object]]:
        """The first ``limit`` contacts of the audience (by id), as ``render`` receives them:
        the preview's sample."""
        plan = plan or StepPlan()
        query = audience(campaign, plan.event_filter, plan.among).limit(limit)
        with self.reader.connect() as connection:
            return _contacts(connection, connection.execute(query).all())

    def audience_size(self, campaign: Campaign, plan: StepPlan | None = None) -> int:
        """How many people the audience holds now (a send window spreads them)."""
        plan = plan or StepPlan()
        query = audience(campaign, plan.event_filter, plan.among).order_by(None)
        with self.reader.connect() as connection:
            return connection.execute(select(func.count()).select_from(query.subquery())).scalar()

    def expand(
        self,
        campaign_id: int,
        step_key: str,
        now: datetime,
        render: Render,
        rules: ConsentRules,
        *,
        validity: timedelta | None = None,
        group_of: Callable[[str], str | None] | None = None,
        max_parts: int = 10,
        plan: StepPlan | None = None,
    ) -> Expansion:
        """Queue the step ``step_key`` of a campaign for every person of its audience not yet
        recorded for it (see the module's docstring). ``validity``: how long a message may wait
        before it expires; ``group_of``: the SIM group a number is routed to; ``max_parts``: a
        longer text skips its person (``template: ...``); ``plan``: see ``StepPlan``."""
        campaign = self.campaign(campaign_id)
        if campaign is None:
            raise CampaignError(f"no campaign {campaign_id}")
        plan = plan or StepPlan()
        due = max(plan.due or campaign.send_at or now, now)
        job = _Batch(campaign, step_key, now, due, render, rules, validity, group_of, max_parts,
                     plan)  # fmt: skip
        queued, skipped = 0, dict.fromkeys(SKIP_REASONS, 0)
        after, conflicts = 0, 0
        while True:
            try:
                with self._writing_in_bulk() as connection:  # the last commit, durable
                    rows = connection.execute(job.next_contacts(after)).all()
                    if not rows:
                        break
                    done, reasons = job.write(connection, _contacts(connection, rows))
            except IntegrityError:  # PostgreSQL: another expand took some of these people
                conflicts += 1
                if conflicts > 10:
                    raise
                continue
            after = rows[-1].id
            job.queued_before += done
            queued += done
            for reason, n in reasons.items():
                skipped[reason] += n
        try:
            with self._writing() as connection:
                for reason, n in job.record_unconsented(connection).items():
                    skipped[reason] += n
        except IntegrityError:  # PostgreSQL: a concurrent expand recorded them first
            pass
        with self._writing() as connection:
            # a durable commit that writes (one that writes nothing syncs nothing: SQLite
            # rewrites the row as it is), so the batches' commits are on the disk with it
            c = CAMPAIGN.c
            connection.execute(update(CAMPAIGN).where(c.id == campaign_id).values(status=c.status))
        return Expansion(queued, skipped)
