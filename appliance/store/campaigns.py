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

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel import select as select_models

from modem.pdu import count

from .campaign_audience import Among, EventFilter, audience
from .campaign_codes import new_codes
from .campaign_schema import Campaign, CampaignRecipient, CampaignStatus
from .campaign_writes import statements_for
from .consent import _COUNTED, _WHEN, ConsentRules, cap_free_at, held_reason
from .contact_import import CONTACT, FIELD, field_value, tag_key
from .schema import CAPPED_KINDS, PRIORITY_RANK, Message, MessageKind, Priority, Status
from .transactions import Transactions

CAMPAIGN = Campaign.__table__
RECIPIENT = CampaignRecipient.__table__
MESSAGE = Message.__table__
BATCH = 2000  # contacts per transaction: well under SQLite's bound-parameter limit
MAIN_STEP = "main"
SKIP_REASONS = ("cap", "template")  # what ``skipped`` begins with, before its colon
# what ``create_campaign(settings=...)`` and ``update_campaign`` may set
SETTINGS = frozenset({
    "window_start", "window_end", "window_days", "confirm_words", "decline_words",
    "confirm_tag", "confirm_reply", "decline_reply", "parent_id", "events",
    "reminder_template", "correction_template", "invitation_days", "invitation_at",
    "reminder_days", "reminder_at", "area_field", "date_field", "date_days", "date_at",
})  # fmt: skip

Render = Callable[[Mapping], str]  # a contact (number, names, language, fields) -> its text


class CampaignError(ValueError):
    """A campaign that cannot be created or changed as asked: nothing was written."""


@dataclass(frozen=True)
class StepPlan:
    """How one step is expanded, beyond the campaign itself: when its messages are due (``due``,
    else the campaign's ``send_at`` or now; ``spread``: a due time for the n-th message queued,
    for a send window), their kind (``kind``, else the campaign's), whether the cap per person
    applies (a correction is exempt), the event it is about (``event_filter`` narrows the
    audience) or the people of earlier steps it goes to (``among``), and whether each person
    gets a unique code (``codes``: then ``render`` reads it as ``contact["code"]``)."""

    due: datetime | None = None
    spread: Callable[[int], datetime] | None = None
    kind: str | None = None
    capped: bool = True
    event_filter: EventFilter | None = None
    among: Among | None = None
    codes: bool = False
    contact_ids: tuple[int, ...] | None = None  # only these people (a contact's own date)


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
                with self._writing() as connection:
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
        return Expansion(queued, skipped)


def _contacts(connection, rows) -> list[dict[str, object]]:
    """Contact rows as ``render`` reads them, with their free fields (one read for the lot)."""
    contacts = {
        id_: {"id": id_, "number": number, "first_name": first_name, "last_name": last_name,
              "language": language, "fields": {}}
        for id_, number, first_name, last_name, language in rows
    }  # fmt: skip
    if contacts:
        f = FIELD.c
        for contact_id, name, kind, text, day, number in connection.execute(
            select(f.contact_id, f.name, f.kind, f.text_value, f.date_value, f.number_value)
            .where(f.contact_id.in_(list(contacts)))
        ):  # fmt: skip
            contacts[contact_id]["fields"][name] = field_value(kind, text, day, number)
    return list(contacts.values())


@dataclass
class _Batch:
    """One expand's settings, and how it writes a batch of contacts."""

    campaign: Campaign
    step_key: str
    now: datetime
    due: datetime
    render: Render
    rules: ConsentRules
    validity: timedelta | None
    group_of: Callable[[str], str | None] | None
    max_parts: int
    plan: StepPlan
    queued_before: int = 0  # messages this expand queued in earlier batches (for ``spread``)
    when: Callable = str  # converts a time as the driver binds it (set by ``write``)

    def next_contacts(self, after: int):
        """The next batch of the audience not yet recorded for this step; on PostgreSQL
        locked ``FOR SHARE`` until the batch commits (a STOP waits for it)."""
        r = RECIPIENT.c
        recorded = exists().where(
            r.campaign_id == self.campaign.id, r.step_key == self.step_key,
            r.contact_id == CONTACT.c.id,
        )  # fmt: skip
        plan = self.plan
        query = audience(self.campaign, plan.event_filter, plan.among)
        if plan.contact_ids is not None:
            query = query.where(CONTACT.c.id.in_(plan.contact_ids))
        return (
            query.where(CONTACT.c.id > after, ~recorded)
            .limit(BATCH)
            .with_for_update(read=True, of=CONTACT)
        )

    def write(self, connection, contacts: list[dict]) -> tuple[int, dict[str, int]]:
        """Queue the batch's messages and record every person; (queued, skipped by reason)."""
        sql = statements_for(connection.dialect)
        self.when = sql.when
        now = sql.when(self.now)
        times = _counted_times(connection, [c["number"] for c in contacts], self.due, self.rules)
        messages, skips = [], []
        skipped = dict.fromkeys(SKIP_REASONS, 0)
        fixed = self._fixed(sql)
        codes = iter(new_codes(connection, len(contacts)) if self.plan.codes else ())
        coded = []
        for contact in contacts:
            number = contact["number"]
            reason = self._skip(number, times.get(number, []))
            if reason is None:
                if self.plan.codes:
                    contact["code"] = next(codes)
                try:
                    due = self._due(len(messages))
                    messages.append(self._message(contact, self.render(contact), fixed, due))
                    if self.plan.codes:
                        coded.append((contact["code"], self.campaign.id, self.step_key,
                                      contact["id"]))  # fmt: skip
                    continue
                except ValueError as error:
                    reason = f"template: {error}"
            skipped[reason.split(":", 1)[0]] += 1
            skips.append((self.campaign.id, self.step_key, contact["id"], number, None, reason,
                          now))  # fmt: skip
        before = connection.exec_driver_sql(sql.last_message).scalar()
        sql.insert_messages(connection, messages)
        if messages:
            connection.exec_driver_sql(
                sql.link_queued, (self.step_key, now, before, self.campaign.id, now)
            )
        sql.run(connection, sql.insert_skipped, skips)
        sql.run(connection, sql.set_code, coded)
        return len(messages), skipped

    def _due(self, index: int) -> datetime | None:
        """The n-th message's due time in a send window (None: the step's ``due``)."""
        if self.plan.spread is None:
            return None
        return max(self.plan.spread(self.queued_before + index), self.now)

    def _kind(self) -> str:
        return self.plan.kind or self.campaign.kind

    def _skip(self, number: str, times: list[datetime]) -> str | None:
        if not self.plan.capped or self._kind() not in CAPPED_KINDS:
            return None
        free_at = cap_free_at(times, self.due, self.rules)
        if free_at is None:
            return None
        return "cap: " + held_reason(number, free_at, self.rules).removeprefix("held: ")

    def _fixed(self, sql) -> tuple:
        """The values every message of the expansion shares, converted once."""
        expires = self.due + self.validity if self.validity else None
        return (
            str(Status.QUEUED), str(Priority.LOW), PRIORITY_RANK[Priority.LOW], True, "campaign",
            str(self._kind()), False, sql.when(self.now), sql.when(self.due),
            sql.when(expires) if expires is not None else None,
        )  # fmt: skip

    def _message(self, contact: Mapping, text: str, fixed: tuple, due: datetime | None) -> tuple:
        """A message's row in ``campaign_writes.MESSAGE_COLUMNS`` order."""
        counted = count(text)
        number = contact["number"]
        if counted.parts == 0:
            raise ValueError(f"the text for {number} is empty")
        if counted.parts > self.max_parts:
            limit = f"more than the {self.max_parts} allowed"
            raise ValueError(f"the text for {number} takes {counted.parts} parts, {limit}")
        status, priority, rank, report, source, kind, strict, created, step_due, expires = fixed
        if due is not None:  # in a send window: its own time, and its own expiry
            step_due = self.when(due)
            expires = self.when(due + self.validity) if self.validity else None
        group = self.group_of(number) if self.group_of else None
        return (number, text, status, priority, rank, counted.parts, counted.encoding, report,
                source, kind, strict, contact["id"], self.campaign.id, group, 0, 0, "", created,
                step_due, expires)  # fmt: skip


def _counted_times(
    connection, numbers: list[str], due: datetime, rules: ConsentRules
) -> dict[str, list[datetime]]:
    """For each number, the times (ascending) of the messages the cap counts in the window
    before ``due``: what ``consent.admit`` counts, read for a whole batch at once."""
    if rules.cap_messages is None or not numbers:
        return {}
    m = MESSAGE.c
    query = (
        select(m.recipient, _WHEN)
        .where(
            m.recipient.in_(numbers),
            m.kind.in_(sorted(CAPPED_KINDS)),
            # not by the dispatch index (status first): with a campaign's 100,000 messages
            # queued SQLite took it and read them all for each batch; by recipient it is 2,000
            # lookups
            m.status.concat("").in_(_COUNTED),
            due - rules.cap_period < _WHEN,
        )
        .order_by(m.recipient, _WHEN)
    )
    times: dict[str, list[datetime]] = {}
    for number, when in connection.execute(query):
        times.setdefault(number, []).append(when)
    return times
