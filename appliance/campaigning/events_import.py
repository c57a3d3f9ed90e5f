"""An events file imported into an events campaign, and imported again when it is edited
(issue 12): "the right message at the right moment, from one file that lists many collections".

An events campaign has an invitation text (``Campaign.template``), a reminder text and a
correction text. Each event of the file reaches the contacts the campaign selects (its tags)
who also match the event (its tags; its area, against the contacts' ``area_field`` or as a
tag), with an invitation ``invitation_days`` before its date and a reminder ``reminder_days``
before, at local wall times (``schedule.plan_event``: DST-safe, late steps caught up or
skipped with the reason). Every step is queued at import, due at its time: the dispatcher
sends it then, the cap per person counts it from the start, and a STOP cancels it at once.

Importing the file again compares it with what was imported (``schedule.diff``):

- a **removed** event: its pending messages are cancelled;
- a **moved** date: its pending messages get the new date's text and due time; the people
  already told get the correction;
- a **changed time** or **place**: pending messages get the new text; the people already told
  get the correction (exempt from the cap, never from a STOP);
- an **added** event is planned; every event is expanded again, so a contact who joined since
  gets what is still to come, and nobody gets a step twice (the store's unique key).

Nothing is written when the file has bad rows (``partial`` keeps the good ones, as the contacts
import does) or when a text misses a value for a contact of an event (found at preview, never
at send). ``dry_run`` returns the schedule the import would make, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from appliance.campaigns.events_file import Event, EventFileError, read_events
from appliance.campaigns.previews import check
from appliance.campaigns.schedule import EventRules, diff, plan_event
from appliance.config import Config
from appliance.store import EventFilter, StepPlan, Store
from appliance.store.campaign_schema import Campaign, CampaignStatus
from appliance.store.contacts import tag_key
from appliance.store.schema import MessageKind
from modem.pdu import count

from . import operations as ops
from .event_values import event_from_json, event_to_json

DEFAULT_CORRECTION = "Changement : {event.place}, le {event.date} à {event.start}."
CHANGES_TOLD = ("date", "start", "end", "place")  # what those already told must hear again


@dataclass
class EventsReport:
    """What an import found and did (or, with ``dry_run``, would do)."""

    campaign: str
    created: bool
    dry_run: bool
    events: int = 0
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    schedule: list[dict[str, object]] = field(default_factory=list)
    queued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    rewritten: int = 0
    corrected: int = 0

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def import_events(
    store: Store,
    config: Config,
    now: dt.datetime,
    data: bytes | str,
    *,
    campaign: str,
    invitation: str | None = None,
    reminder: str | None = None,
    correction: str | None = None,
    tags: tuple[str, ...] | list[str] = (),
    area_field: str | None = None,
    invitation_days: int | None = None,
    invitation_at: str | None = None,
    reminder_days: int | None = None,
    reminder_at: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    partial: bool = False,
) -> EventsReport:
    """Import ``data`` (an events file) into the events campaign ``campaign``, made on first
    import. ``CampaignInputError`` names what stops it (nothing written)."""
    try:
        read = read_events(data, mapping)
    except EventFileError as error:
        raise ops.CampaignInputError("file", str(error)) from None
    errors = [str(e) for e in read.errors]
    if errors and not partial and not dry_run:
        shown = "; ".join(errors[:5]) + ("; ..." if len(errors) > 5 else "")
        raise ops.CampaignInputError(
            "file", f"{len(errors)} bad row(s), nothing imported (fix them, or import the good "
            f"rows only with --partial): {shown}",
        )  # fmt: skip
    found = store.campaign(campaign)
    settings = _settings(invitation, reminder, correction, area_field, invitation_days,
                         invitation_at, reminder_days, reminder_at)  # fmt: skip
    created = found is None
    if found is None:
        if not invitation and not reminder:
            raise ops.CampaignInputError(
                "invitation", "a new events campaign needs an invitation or a reminder text"
            )
        settings.setdefault("correction_template", DEFAULT_CORRECTION)
        found = _draft(store, config, now, campaign, tags, settings, dry_run)
    elif not found.events:
        raise ops.CampaignInputError("campaign", f"{campaign!r} is not an events campaign")
    elif found.status in ops.ENDED:
        raise ops.CampaignStateError(f"campaign {campaign!r} is {found.status}")
    else:
        for key, value in settings.items():
            setattr(found, key, value)
    texts = _templates(found)
    report = EventsReport(found.name, created, dry_run, len(read.events), errors)
    rules = _rules(found)
    old = [event_from_json(v) for v in store.campaign_events(found.id).values()] if found.id else []
    changes = diff(old, read.events)
    report.changes = {
        "added": [e.id for e in changes.added], "moved": [c.new.id for c in changes.moved],
        "time_changed": [c.new.id for c in changes.time_changed],
        "edited": [c.new.id for c in changes.edited], "removed": [e.id for e in changes.removed],
        "unchanged": [e.id for e in changes.unchanged],
    }  # fmt: skip
    plans = {event.key: plan_event(event, config.zone, now, rules) for event in read.events}
    for event in read.events:
        _check_texts(store, found, event, texts)
        for step in plans[event.key]:
            people = store.audience_size(found, StepPlan(event_filter=_filter(found, event)))
            report.schedule.append({
                "event": event.id, "place": event.place, "date": event.date.isoformat(),
                "step": step.kind, "wall": f"{step.wall:%Y-%m-%d %H:%M}",
                "due": step.due.isoformat() if step.due else None, "skipped": step.skipped,
                "note": step.note, "people": people,
            })  # fmt: skip
    if dry_run:
        return report
    if created:
        found = ops.create(store, config, now, name=campaign, text=found.template, tags=tags,
                           extra=_creation_settings(found))  # fmt: skip
    else:
        store.update_campaign(found.id, **settings)
    if found.status != CampaignStatus.PAUSED:
        store.set_campaign_status(found.id, CampaignStatus.RUNNING, now)
    found = store.campaign(found.id)
    _apply(store, config, now, found, texts, changes, plans, report)
    store.save_events(found.id, {e.key: event_to_json(e) for e in read.events},
                      [e.key for e in changes.removed], now)  # fmt: skip
    store.log_campaign_event("campaign.events_imported", now, found, queued=report.queued,
                             cancelled=report.cancelled, corrected=report.corrected)  # fmt: skip
    return report


def _apply(store, config, now, campaign, texts, changes, plans, report) -> None:
    for event in changes.removed:
        report.cancelled += store.cancel_steps(
            campaign.id, f"event:{event.key}:", now, f"event {event.id} removed from the file"
        )
    for change in changes.moved + changes.time_changed + changes.edited:
        report.rewritten += _rewrite(store, config, campaign, texts, change.new, plans)
        if set(change.changed) & set(CHANGES_TOLD) and texts["correction"] is not None:
            done = ops.correct(store, config, campaign, campaign.correction_template, now,
                               step_prefix=f"event:{change.new.key}:",
                               event=change.new.as_dict())  # fmt: skip
            report.corrected += done.queued
    events = [*changes.added, *(c.new for c in changes.moved),
              *(c.new for c in changes.time_changed), *(c.new for c in changes.edited),
              *changes.unchanged]  # fmt: skip
    queued, report.skipped = expand_events(store, config, now, campaign, events, plans)
    report.queued += queued


def expand_events(
    store: Store, config: Config, now: dt.datetime, campaign: Campaign,
    events: list[Event], plans: dict[str, list] | None = None,
) -> tuple[int, dict[str, int]]:  # fmt: skip
    """Queue every planned step of ``events`` for whoever of its audience does not have it yet
    (the import, and the daemon's hourly pass for people who joined since); returns (queued,
    skipped by reason)."""
    texts = _templates(campaign)
    if plans is None:
        rules = _rules(campaign)
        plans = {event.key: plan_event(event, config.zone, now, rules) for event in events}
    queued, skipped = 0, {}
    for event in events:
        for step in plans[event.key]:
            template = texts[step.kind]
            if step.due is None or template is None:
                continue
            plan = StepPlan(due=step.due, kind=_kind(step.kind), codes=ops.uses_code(template),
                            event_filter=_filter(campaign, event))  # fmt: skip
            done = ops._expand(store, config, campaign, step.key, now, template, plan,
                               event.as_dict())  # fmt: skip
            queued += done.queued
            for why, n in (done.skipped or {}).items():
                skipped[why] = skipped.get(why, 0) + n
    if queued and campaign.status == CampaignStatus.PAUSED:
        store.pause_campaign(campaign.id, now)  # what was just queued waits with the rest
    return queued, skipped


def refresh_events_campaigns(store: Store, config: Config, now: dt.datetime) -> int:
    """The daemon's hourly pass: every running or paused events campaign expanded again from
    its stored events, so a contact who joined since the import gets what is still to come."""
    queued = 0
    for campaign in store.campaigns():
        if campaign.events and campaign.status in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
            stored = store.campaign_events(campaign.id).values()
            queued += expand_events(store, config, now, campaign,
                                    [event_from_json(v) for v in stored])[0]  # fmt: skip
    return queued


def _rewrite(store, config, campaign, texts, event: Event, plans) -> int:
    """The pending messages of ``event``'s steps, rendered anew and due at the new times."""
    due_of = {step.key: step.due for step in plans[event.key]}
    rows = []
    for queued in store.queued_recipients(campaign.id, f"event:{event.key}:"):
        kind = queued.step_key.rsplit(":", 1)[-1]
        template = texts.get(kind)
        if template is None:  # a correction still queued: it stays as it is
            continue
        try:
            text = template.render(queued.contact, event.as_dict(), queued.contact.get("code"))
        except ValueError as error:
            raise ops.CampaignInputError(kind, str(error)) from None
        counted = count(text)
        rows.append((queued.message_id, text, counted.parts, counted.encoding,
                     due_of.get(queued.step_key)))  # fmt: skip
    return store.rewrite_queued(rows)


def _kind(step_kind: str) -> str:
    return MessageKind.REMINDER if step_kind == "reminder" else MessageKind.CAMPAIGN


def _filter(campaign: Campaign, event: Event) -> EventFilter:
    return EventFilter(event.tags, event.area, campaign.area_field)


def _settings(invitation, reminder, correction, area_field, invitation_days, invitation_at,
              reminder_days, reminder_at) -> dict[str, object]:  # fmt: skip
    found: dict[str, object] = {}
    if invitation is not None:
        ops.check_text(invitation, "invitation")
        found["template"] = invitation
    if reminder is not None:
        ops.check_text(reminder, "reminder")
        found["reminder_template"] = reminder
    if correction is not None:
        ops.check_text(correction, "correction")
        found["correction_template"] = correction
    if area_field is not None:
        found["area_field"] = area_field.strip() or None
    for name, days in (("invitation_days", invitation_days), ("reminder_days", reminder_days)):
        if days is not None:
            if not 0 <= days <= 365:
                raise ops.CampaignInputError(name, f"{days} is not between 0 and 365")
            found[name] = days
    for name, at in (("invitation_at", invitation_at), ("reminder_at", reminder_at)):
        if at is not None:
            try:
                found[name] = f"{ops._wall_time(at.replace('h', ':')):%H:%M}"
            except ValueError:
                raise ops.CampaignInputError(name, f"{at!r} is not a time (18:00)") from None
    return found


def _draft(store, config, now, name, tags, settings, dry_run) -> Campaign:
    """The campaign a first import will create, unsaved (a dry run saves nothing)."""
    template = settings.get("template") or settings.get("reminder_template")
    keys = [k for k in dict.fromkeys(tag_key(t) for t in tags) if k]
    draft = Campaign(name=name, template=template or "", events=True, created_at=now,
                     tags=",".join(keys))  # fmt: skip
    for key, value in settings.items():
        setattr(draft, key, value)
    if not settings.get("template"):
        draft.template = ""
        draft.invitation_days = None
    return draft


def _creation_settings(draft: Campaign) -> dict[str, object]:
    return {
        "events": True, "reminder_template": draft.reminder_template,
        "correction_template": draft.correction_template, "area_field": draft.area_field,
        "invitation_days": draft.invitation_days, "invitation_at": draft.invitation_at,
        "reminder_days": draft.reminder_days, "reminder_at": draft.reminder_at,
    }  # fmt: skip


def _templates(campaign: Campaign) -> dict[str, object]:
    """The compiled texts by step kind (None: that step has no text, it is not sent)."""
    return {
        "invitation": ops.check_text(campaign.template, "invitation")
        if campaign.template else None,
        "reminder": ops.check_text(campaign.reminder_template, "reminder")
        if campaign.reminder_template else None,
        "correction": ops.check_text(campaign.correction_template, "correction")
        if campaign.correction_template else None,
    }  # fmt: skip


def _rules(campaign: Campaign) -> EventRules:
    return EventRules(
        invitation_days=campaign.invitation_days if campaign.template else None,
        invitation_at=ops._wall_time(campaign.invitation_at),
        reminder_days=campaign.reminder_days if campaign.reminder_template else None,
        reminder_at=ops._wall_time(campaign.reminder_at),
    )


def _check_texts(store, campaign, event: Event, texts) -> None:
    """Every text this event will send, rendered for a sample of its people: a missing value
    is an error now, never at send."""
    sample = store.audience(campaign, 20, StepPlan(event_filter=_filter(campaign, event)))
    for kind, template in texts.items():
        if template is None:
            continue
        code = "K7M29QXD" if ops.uses_code(template) else None
        checked = check(template, [(c, event.as_dict(), code) for c in sample])
        if checked.problems:
            raise ops.CampaignInputError(
                kind, f"event {event.id} (line {event.line}): {checked.problems[0].message}"
            )
