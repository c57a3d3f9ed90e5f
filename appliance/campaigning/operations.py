"""What a person can do to a campaign, the same from the CLI, the API and the panel (issue 12).

Each front end parses its own input and reports in its own way; the rules live here once:
which inputs are valid (``CampaignInputError`` names the field, like ``outbox.BadRequest``),
which moves a campaign's state allows (``CampaignStateError``: starting a cancelled campaign),
and what each move writes, always through the store. Every move that matters to a script is
also logged as a ``campaign.*`` event, which the webhooks deliver.

- **start** queues the audience (``Store.expand``): at once, from ``send_at``, or spread evenly
  inside a daily send window (``window_start``–``window_end`` local time, over ``window_days``
  days), each person with a unique ``{code}`` when the text asks for one;
- **pause** and **resume** hold and release what is queued; **cancel** ends it;
- **edit** gives the text still queued a new wording (and the campaign, for who joins later);
- **correct** sends a new text to exactly the people whose earlier message left: exempt from
  the cap per person (a fix is not a new solicitation), never from a STOP;
- **follow_up** makes a new campaign for the people who have not answered after N days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from appliance.campaigns.previews import check, renderer
from appliance.campaigns.schedule import to_utc
from appliance.campaigns.templates import Template, TemplateError
from appliance.config import Config
from appliance.outbox import BadRequest, consent_rules, parse_when, route_group
from appliance.store import (
    MAIN_STEP,
    Among,
    CampaignError,
    Expansion,
    StepPlan,
    Store,
)
from appliance.store.campaign_schema import Campaign, CampaignStatus
from appliance.store.contacts import tag_key
from appliance.store.schema import MessageKind
from modem.pdu import count

ENDED = (CampaignStatus.CANCELLED, CampaignStatus.DONE)
NAME_MAX = 128
# a send time further than this is a typo (year 9999 would overflow the expansion's dates)
SEND_AT_MAX_AHEAD = dt.timedelta(days=3660)


class CampaignInputError(ValueError):
    """Input a campaign cannot be made or changed with; ``field`` names what (nothing written)."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


class CampaignNotFound(LookupError):
    """No campaign (or no code) of that name or id."""


class CampaignStateError(ValueError):
    """A move the campaign's state does not allow (start a cancelled campaign, pause a draft)."""


@dataclass(frozen=True)
class Window:
    """A daily send window in local wall time, over ``days`` days."""

    start: dt.time
    end: dt.time
    days: int = 1


def parse_window(text: str, days: int = 1) -> Window:
    """``18:00-20:00`` (or ``18h-20h``) over ``days`` days."""
    start, sep, end = text.replace("h", ":").replace("–", "-").partition("-")
    try:
        if not sep:
            raise ValueError
        first, last = (_wall_time(part) for part in (start, end))
    except ValueError:
        raise CampaignInputError("window", f"{text!r} is not HH:MM-HH:MM (18:00-20:00)") from None
    if last <= first:
        raise CampaignInputError("window", f"{text!r} ends before it starts")
    if not 1 <= days <= 31:
        raise CampaignInputError("window_days", f"{days} is not between 1 and 31")
    return Window(first, last, days)


def _wall_time(text: str) -> dt.time:
    text = text.strip()
    if text.endswith(":"):
        text += "00"
    hours, _, minutes = text.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def check_text(text: str, field: str = "text") -> Template:
    if not text or not text.strip():
        raise CampaignInputError(field, "it is empty")
    try:
        return Template(text)
    except TemplateError as error:
        raise CampaignInputError(field, str(error)) from None


def uses_code(template: Template) -> bool:
    return any(p.path == "code" for p in template.placeholders)


def find(store: Store, name_or_id: str | int) -> Campaign:
    """The campaign of that name, or of that id (an int, or a str of digits no name matches)."""
    found = store.campaign(name_or_id)
    if found is None and isinstance(name_or_id, str) and name_or_id.isdigit():
        found = store.campaign(int(name_or_id))
    if found is None:
        raise CampaignNotFound(f"no campaign named {name_or_id!r}")
    return found


def create(
    store: Store,
    config: Config,
    now: dt.datetime,
    *,
    name: str,
    text: str,
    tags: tuple[str, ...] | list[str] = (),
    field: str | None = None,
    kind: str = MessageKind.CAMPAIGN,
    send_at: str | None = None,
    window: str | None = None,
    window_days: int = 1,
    replies: Mapping[str, str | None] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Campaign:
    """A new draft campaign, every input checked first. ``replies``: ``confirm_words``,
    ``decline_words`` (comma lists), ``confirm_tag``, ``confirm_reply``, ``decline_reply``."""
    name = (name or "").strip()
    if not name:
        raise CampaignInputError("name", "it is empty")
    if len(name) > NAME_MAX:
        raise CampaignInputError("name", f"it is longer than {NAME_MAX} characters")
    check_text(text)
    if kind not in (MessageKind.CAMPAIGN, MessageKind.REMINDER):
        raise CampaignInputError("kind", f"{kind!r} is not campaign or reminder")
    for tag in tags:
        if not tag_key(tag):
            raise CampaignInputError("tag", f"{tag!r} is empty once spaces and accents are folded")
    field_name = field_value = None
    if field:
        field_name, sep, field_value = field.partition("=")
        field_name = field_name.strip()
        if not sep or not field_name:
            raise CampaignInputError("field", f"{field!r} is not NAME=VALUE")
    when = None
    if send_at:
        try:
            when = parse_when(send_at, timezone=config.timezone, now=now)
        except BadRequest as error:
            raise CampaignInputError("send_at", error.why) from None
        if when < now - dt.timedelta(minutes=1):
            raise CampaignInputError("send_at", f"{send_at!r} is in the past")
        if when > now + SEND_AT_MAX_AHEAD:
            raise CampaignInputError("send_at", f"{send_at!r} is more than ten years away")
    settings: dict[str, object] = dict(extra or {})
    if window:
        parsed = parse_window(window, window_days)
        settings.update(window_start=f"{parsed.start:%H:%M}", window_end=f"{parsed.end:%H:%M}",
                        window_days=parsed.days)  # fmt: skip
    settings.update(_reply_settings(replies or {}))
    try:
        return store.create_campaign(name, text, now=now, tags=list(tags), kind=kind,
                                     field_name=field_name, field_value=field_value,
                                     send_at=when, settings=settings)  # fmt: skip
    except CampaignError as error:
        field_of, _, why = str(error).partition(": ")
        raise CampaignInputError(field_of if why else "name", why or str(error)) from None


def _reply_settings(replies: Mapping[str, str | None]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key in ("confirm_words", "decline_words"):
        words = replies.get(key)
        if words is not None:
            kept = [w.strip() for w in words.split(",") if w.strip()]
            if not kept:
                raise CampaignInputError(key, "give at least one word")
            found[key] = ",".join(kept)
    tag = replies.get("confirm_tag")
    if tag is not None:
        if not tag_key(tag):
            raise CampaignInputError("confirm_tag", "it is empty")
        found["confirm_tag"] = tag.strip()[:64]
    for key in ("confirm_reply", "decline_reply"):
        reply = replies.get(key)
        if reply:
            if count(reply).parts > 1:
                raise CampaignInputError(key, "an automatic reply must fit in one SMS")
            found[key] = reply
    return found


def preview(
    store: Store, campaign: Campaign, *, text: str | None = None, limit: int = 5
) -> dict[str, object]:
    """The text rendered for the first ``limit`` people of the audience: each with its
    encoding and parts, the costly ones (warnings) and what stops it (problems); and the
    audience's size. ``text``: preview another wording (the panel's live preview)."""
    template = check_text(text if text is not None else campaign.template)
    sample = store.audience(campaign, limit)
    code = "K7M29QXD" if uses_code(template) else None
    checked = check(template, [(contact, None, code) for contact in sample])
    return {
        "campaign": campaign.name,
        "audience": store.audience_size(campaign),
        "contacts": len(sample),
        "previews": [
            {
                "contact": p.contact,
                "text": p.text,
                "encoding": p.encoding,
                "parts": p.parts,
                "units": p.units,
                "warning": p.warning,
            }
            for p in checked.previews
        ],
        "warnings": list(checked.warnings),
        "problems": [p.message for p in checked.problems],
    }


def _expand(
    store: Store, config: Config, campaign: Campaign, step: str, now: dt.datetime,
    template: Template, plan: StepPlan, event: Mapping | None = None,
) -> Expansion:  # fmt: skip
    return store.expand(
        campaign.id, step, now, renderer(template, event), consent_rules(config),
        validity=config.validity, max_parts=config.max_parts, plan=plan,
        group_of=lambda number: route_group(config, number),
    )  # fmt: skip


def start(store: Store, config: Config, campaign: Campaign, now: dt.datetime) -> Expansion:
    """Start (or start again: only who is new to the audience) a plain campaign."""
    if campaign.status in ENDED:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}")
    if campaign.events:
        raise CampaignStateError(
            f"campaign {campaign.name!r} runs from its events file: `smsrelay events import`"
        )
    template = check_text(campaign.template)
    spread = None
    if campaign.window_start and campaign.window_end:
        size = store.audience_size(campaign)
        spread = window_spread(campaign, config, now, size)
    store.set_campaign_status(campaign.id, CampaignStatus.RUNNING, now)
    if campaign.status == CampaignStatus.PAUSED:
        store.resume_campaign(campaign.id, now)
    if campaign.date_field:  # a campaign on the contacts' own dates: planned day by day
        from .dated import plan_dated

        done = plan_dated(store, config, campaign, now)
    else:
        plan = StepPlan(spread=spread, codes=uses_code(template))
        done = _expand(store, config, campaign, MAIN_STEP, now, template, plan)
    store.log_campaign_event("campaign.started", now, campaign, queued=done.queued,
                             skipped=done.skipped)  # fmt: skip
    return done


def window_spread(campaign: Campaign, config: Config, now: dt.datetime, size: int):
    """The due time of the n-th of ``size`` messages spread evenly over the send window's
    days, from ``send_at``'s local day (or today's); a day whose window has passed is left
    out, so "18:00-20:00 over three days" started at 19:00 uses the hour left and two days."""
    zone = config.zone
    begin = (campaign.send_at or now).astimezone(zone)
    start = _wall_time(campaign.window_start)
    end = _wall_time(campaign.window_end)
    slots: list[tuple[dt.datetime, dt.datetime]] = []
    day = begin.date()
    while len(slots) < campaign.window_days:
        first, _ = to_utc(dt.datetime.combine(day, start), zone)
        last, _ = to_utc(dt.datetime.combine(day, end), zone)
        first = max(first, begin.astimezone(dt.UTC))
        if first < last:
            slots.append((first, last))
        day += dt.timedelta(days=1)
    total = sum((last - first).total_seconds() for first, last in slots)
    step = total / max(size, 1)

    def due(index: int) -> dt.datetime:
        offset = min(index, max(size - 1, 0)) * step
        for first, last in slots:
            length = (last - first).total_seconds()
            if offset < length:
                return first + dt.timedelta(seconds=offset)
            offset -= length
        return slots[-1][1]

    return due


def pause(store: Store, campaign: Campaign, now: dt.datetime) -> int:
    if campaign.status != CampaignStatus.RUNNING:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}, not running")
    held = store.pause_campaign(campaign.id, now)
    store.log_campaign_event("campaign.paused", now, campaign, held=held)
    return held


def resume(store: Store, campaign: Campaign, now: dt.datetime) -> int:
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}, not paused")
    released = store.resume_campaign(campaign.id, now)
    store.log_campaign_event("campaign.resumed", now, campaign, released=released)
    return released


def cancel(store: Store, campaign: Campaign, now: dt.datetime) -> int:
    if campaign.status in ENDED:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status} already")
    cancelled = store.cancel_campaign(campaign.id, now)
    store.log_campaign_event("campaign.cancelled", now, campaign, cancelled=cancelled)
    return cancelled


def edit(store: Store, config: Config, campaign: Campaign, text: str, now: dt.datetime) -> int:
    """A new text for the campaign and for its messages still queued; returns how many were
    rewritten. A person whose new text cannot be made keeps the old one (named in the error)."""
    if campaign.status in ENDED:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}")
    if campaign.events:
        raise CampaignStateError(
            f"campaign {campaign.name!r} runs from an events file: import it with new texts"
        )
    template = check_text(text)
    rows = []
    for queued in store.queued_recipients(campaign.id, MAIN_STEP):
        try:
            new = template.render(queued.contact, None, queued.contact.get("code"))
        except ValueError as error:
            raise CampaignInputError("text", str(error)) from None
        counted = count(new)
        if not 0 < counted.parts <= config.max_parts:
            raise CampaignInputError("text", f"it takes {counted.parts} parts for "
                                     f"{queued.contact['number']}")  # fmt: skip
        rows.append((queued.message_id, new, counted.parts, counted.encoding, None))
    store.update_campaign(campaign.id, template=text)
    return store.rewrite_queued(rows)


def correct(
    store: Store,
    config: Config,
    campaign: Campaign,
    text: str,
    now: dt.datetime,
    *,
    step_prefix: str | None = None,
    event: Mapping | None = None,
) -> Expansion:
    """Send ``text`` to exactly the people whose earlier message (of the steps starting with
    ``step_prefix``; None: any) left, as a correction: exempt from the cap, never from a STOP.
    Each correction is a step of its own (``correction:1``, ``correction:2``...)."""
    if campaign.status == CampaignStatus.DRAFT:
        raise CampaignStateError(f"campaign {campaign.name!r} has not started: edit its text")
    template = check_text(text)
    base = f"{step_prefix}correction:" if step_prefix else "correction:"
    number = store.count_steps(campaign.id, base) + 1
    among = Among(campaign.id, step_prefix)
    plan = StepPlan(kind=MessageKind.CORRECTION, capped=False, among=among)
    done = _expand(store, config, campaign, f"{base}{number}", now, template, plan, event)
    store.log_campaign_event("campaign.corrected", now, campaign, queued=done.queued,
                             step=f"{base}{number}")  # fmt: skip
    return done


def follow_up(
    store: Store,
    config: Config,
    campaign: Campaign,
    text: str,
    now: dt.datetime,
    *,
    days: int,
    name: str | None = None,
) -> tuple[Campaign, Expansion]:
    """A new campaign, started at once, for the people of ``campaign`` whose message left at
    least ``days`` days ago and who have not answered."""
    if not 0 <= days <= 365:
        raise CampaignInputError("days", f"{days} is not between 0 and 365")
    template = check_text(text)
    made = create(store, config, now, name=name or f"{campaign.name} (relance)"[:NAME_MAX],
                  text=text, kind=campaign.kind, extra={"parent_id": campaign.id})  # fmt: skip
    store.set_campaign_status(made.id, CampaignStatus.RUNNING, now)
    among = Among(campaign.id, None, sent_before=now - dt.timedelta(days=days), unanswered=True)
    plan = StepPlan(among=among, codes=uses_code(template))
    done = _expand(store, config, made, MAIN_STEP, now, template, plan)
    store.log_campaign_event("campaign.started", now, made, queued=done.queued,
                             follows=campaign.name)  # fmt: skip
    return made, done
