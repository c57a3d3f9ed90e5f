"""One batch of a campaign's expansion (``Campaigns.expand``): who is next, what each person
gets or why they are skipped, written in one transaction; and the cap's read for a whole batch.
Kept apart from ``campaigns`` for size: the rules are described in its docstring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, insert, or_, select

from modem.pdu import count

from .campaign_audience import Among, EventFilter, audience, unconsented
from .campaign_codes import new_codes
from .campaign_schema import Campaign, CampaignRecipient
from .campaign_writes import statements_for
from .consent import _WHEN, COUNTED, ConsentRules, cap_free_at, held_reason
from .contact_import import CONTACT, FIELD, field_value
from .schema import CAPPED_KINDS, PRIORITY_RANK, Message, Priority, Status

RECIPIENT = CampaignRecipient.__table__
MESSAGE = Message.__table__
BATCH = 2000  # contacts per transaction: well under SQLite's bound-parameter limit
# what ``skipped`` begins with, before its colon: the cap, a text that cannot be made, a STOP,
# no opt-in (``campaign_audience.unconsented``)
SKIP_REASONS = ("cap", "template", "optout", "consent")
STALE_SKIPS = ("optout:%", "consent:%")  # skips a later consent undoes: expanded again, they go

Render = Callable[[Mapping], str]  # a contact (number, names, language, fields) -> its text


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
            or_(r.skipped.is_(None), and_(*(~r.skipped.like(s) for s in STALE_SKIPS))),
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

    def record_unconsented(self, connection) -> dict[str, int]:
        """Record as skipped, with why, the people the selection holds below the consent floor
        and not recorded yet for this step; returns how many by reason."""
        r = RECIPIENT.c
        plan = self.plan
        query = unconsented(self.campaign, plan.event_filter, plan.among)
        if plan.contact_ids is not None:
            query = query.where(CONTACT.c.id.in_(plan.contact_ids))
        recorded = exists().where(
            r.campaign_id == self.campaign.id, r.step_key == self.step_key,
            r.contact_id == CONTACT.c.id,
        )  # fmt: skip
        rows = connection.execute(query.where(~recorded)).all()
        if rows:
            connection.execute(insert(RECIPIENT), [
                {"campaign_id": self.campaign.id, "step_key": self.step_key, "contact_id": id_,
                 "number": number, "skipped": reason, "created_at": self.now}
                for id_, number, reason in rows
            ])  # fmt: skip
        counts = dict.fromkeys(SKIP_REASONS, 0)
        for _, _, reason in rows:
            counts[reason.split(":", 1)[0]] += 1
        return counts

    def write(self, connection, contacts: list[dict]) -> tuple[int, dict[str, int]]:
        """Queue the batch's messages and record every person; (queued, skipped by reason)."""
        sql = statements_for(connection.dialect)
        r = RECIPIENT.c
        connection.execute(  # who was skipped for no consent, and has given it since
            delete(RECIPIENT).where(
                r.campaign_id == self.campaign.id, r.step_key == self.step_key,
                r.contact_id.in_([c["id"] for c in contacts]), r.message_id.is_(None),
                or_(*(r.skipped.like(s) for s in STALE_SKIPS)),
            )
        )  # fmt: skip
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
            m.status.concat("").in_(list(COUNTED)),
            due - rules.cap_period < _WHEN,
        )
        .order_by(m.recipient, _WHEN)
    )
    times: dict[str, list[datetime]] = {}
    for number, when in connection.execute(query):
        times.setdefault(number, []).append(when)
    return times
