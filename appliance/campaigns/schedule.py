"""When each message of an events file, or of a contact's own date, is due: pure arithmetic on
dates, local wall times and the configured zone, no database and no clock of its own.

Everything is planned in local wall time first ("the day before, at 18:00") and only then
turned into UTC with ``zoneinfo``, so "7 days before" is seven calendar days whatever
daylight-saving change lies between, and 18:00 stays 18:00 on both sides of it. Two wall times
need a rule (``to_utc``):

- a time that does not exist (the spring-forward gap: 02:30 on the last Sunday of March in
  Europe/Paris) is moved forward to the first minute that exists after the gap (03:00): the
  message goes as close as possible to when it was asked for, and never before;
- a time that happens twice (the fall-back hour: 02:30 on the last Sunday of October) is the
  first of the two (``fold=0``, summer time): once is enough, and earlier is the safer side.

Either way the step says so in ``note``, for the preview.

A step already past when the file is imported (``plan_event``): it is *caught up*, i.e. due
now, while the local day is still before the event's date and no later step of the same event
is also past (an invitation imported two days before still invites; imported the day before,
after the reminder's hour, only the reminder goes). Otherwise it is skipped with its reason
("too late: ..."). ``catch_up=False`` skips every past step.

Each step has a stable key per (event id, step kind), ``event:<id>:invitation``, so that a
re-import of an edited file finds the messages still pending for it: ``diff`` compares two
readings of the file and says what moved, what changed its times (a correction is due to those
already told), what was removed, added or left as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from appliance.campaigns.events_file import Event, id_key

UTC = dt.UTC
INVITATION, REMINDER = "invitation", "reminder"


@dataclasses.dataclass(frozen=True)
class EventRules:
    """When an event's messages go: the invitation ``invitation_days`` before the event's date
    at ``invitation_at``, the reminder ``reminder_days`` before at ``reminder_at`` (local wall
    times). A step is left out when its ``*_days`` is ``None``."""

    invitation_days: int | None = 7
    invitation_at: dt.time = dt.time(10, 0)
    reminder_days: int | None = 1
    reminder_at: dt.time = dt.time(18, 0)
    catch_up: bool = True

    def steps(self) -> list[tuple[str, int, dt.time]]:
        """(kind, days before, wall time), earliest first."""
        found = [
            (INVITATION, self.invitation_days, self.invitation_at),
            (REMINDER, self.reminder_days, self.reminder_at),
        ]
        kept = [(kind, days, at) for kind, days, at in found if days is not None]
        return sorted(kept, key=lambda step: (-step[1], step[2]))


@dataclasses.dataclass(frozen=True)
class Step:
    """One message to plan: its stable ``key``, the local wall time asked for (``wall``,
    naive), when it is due in UTC (``None`` when skipped), why it was skipped, and a ``note``
    when the wall time had to be moved (a daylight-saving gap or fold, a catch-up)."""

    key: str
    kind: str
    wall: dt.datetime
    due: dt.datetime | None
    skipped: str | None = None
    note: str | None = None
    late: bool = False


def step_key(event_id: str, kind: str) -> str:
    """The key a step keeps across re-imports: the event's id (folded) and the step's kind."""
    return f"event:{id_key(event_id)}:{kind}"


def to_utc(wall: dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, str | None]:
    """The UTC instant of the naive local ``wall`` time in ``zone``, and a note when the wall
    time does not exist (moved forward to the end of the gap) or happens twice (the first)."""
    if wall.tzinfo is not None:
        raise ValueError(f"{wall!r}: a wall time is naive, its zone is given apart")
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if _wall_of(first.astimezone(UTC), zone) != wall:  # in a gap: neither reading exists
        lo, hi = sorted((first.astimezone(UTC), second.astimezone(UTC)))
        while hi - lo > dt.timedelta(seconds=1):  # the first instant whose wall time >= wall
            mid = lo + (hi - lo) / 2
            if _wall_of(mid, zone) >= wall:
                hi = mid
            else:
                lo = mid
        hi = hi.replace(microsecond=0)
        moved = _wall_of(hi, zone)
        note = f"{wall:%Y-%m-%d %H:%M} does not exist in {zone.key}: moved to {moved:%H:%M}"
        return hi, note
    if first.utcoffset() != second.utcoffset():
        note = f"{wall:%Y-%m-%d %H:%M} happens twice in {zone.key}: the first is used"
        return first.astimezone(UTC), note
    return first.astimezone(UTC), None


def _wall_of(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def plan_event(
    event: Event, zone: ZoneInfo, now: dt.datetime, rules: EventRules | None = None
) -> list[Step]:
    """The steps of one event, earliest first, planned at ``now`` (aware): each with its due
    time, or caught up to ``now``, or skipped with its reason (see the module's docstring)."""
    rules = rules or EventRules()
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: give a time zone (e.g. tzinfo=UTC)")
    now = now.astimezone(UTC)
    today = _wall_of(now, zone).date()
    planned = []
    for kind, days, at in rules.steps():
        wall = dt.datetime.combine(event.date - dt.timedelta(days=days), at)
        due, note = to_utc(wall, zone)
        planned.append((kind, wall, due, note))
    steps = []
    for index, (kind, wall, due, note) in enumerate(planned):
        key = step_key(event.id, kind)
        if due > now:
            steps.append(Step(key, kind, wall, due, note=note))
            continue
        later_past = any(later_due <= now for _, _, later_due, _ in planned[index + 1 :])
        if not rules.catch_up:
            why = f"too late: {wall:%Y-%m-%d %H:%M} had passed when the file was imported"
        elif today >= event.date:
            why = f"too late: the event is on {event.date:%Y-%m-%d}"
        elif later_past:
            why = f"too late: the {planned[index + 1][0]} that follows has passed too"
        else:
            late = f"{wall:%Y-%m-%d %H:%M} had passed when the file was imported: sent now"
            steps.append(Step(key, kind, wall, now, note=late, late=True))
            continue
        steps.append(Step(key, kind, wall, None, skipped=why))
    return steps


# --- schedules relative to a contact's own dates -------------------------------------------


def anniversary(day: dt.date, year: int) -> dt.date:
    """``day``'s anniversary in ``year``; 29 February is 28 February in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, 2, 28)


def after_date(
    day: dt.date, days: int, at: dt.time, zone: ZoneInfo, now: dt.datetime, name: str
) -> Step:
    """The step ``days`` after a contact's ``day`` (e.g. 56 for "8 weeks after the last
    donation") at the local wall time ``at``. Its key holds the field's ``name`` and the date
    aimed at, so a new date (a new donation) is a new step and the same date never twice. A
    time already past is skipped ("too late"): the date is the contact's, not an import's, and
    a late "you can give again" is for a campaign to decide, not a schedule."""
    wall = dt.datetime.combine(day + dt.timedelta(days=days), at)
    due, note = to_utc(wall, zone)
    key = f"date:{name}:{wall.date().isoformat()}"
    if due <= now:
        return Step(
            key,
            "after",
            wall,
            None,
            skipped=f"too late: {wall:%Y-%m-%d %H:%M} has passed",
            note=note,
        )
    return Step(key, "after", wall, due, note=note)


def next_anniversary(
    day: dt.date, at: dt.time, zone: ZoneInfo, now: dt.datetime, name: str
) -> Step:
    """The next anniversary of a contact's ``day`` (a birthday) at the local wall time ``at``
    not yet past at ``now``: today's if its hour is still ahead, else next year's. The key holds
    the year, so each year's message is sent once."""
    today = _wall_of(now.astimezone(UTC), zone).date()
    year = today.year
    while True:
        wall = dt.datetime.combine(anniversary(day, year), at)
        due, note = to_utc(wall, zone)
        if due > now:
            return Step(f"yearly:{name}:{year}", "yearly", wall, due, note=note)
        year += 1


# --- an edited file read again ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """One event in both readings, and which of its values differ (``date``, ``start``,
    ``end``, ``place``, ``tags``, ``area``, ``fields``)."""

    old: Event
    new: Event
    changed: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class EventsDiff:
    """Two readings of an events file compared by id.

    - ``moved``: the date changed (times and place may have too): its pending messages move;
    - ``time_changed``: same date, the start or end changed: those already told need a
      correction;
    - ``edited``: same date and times, something else changed (place, tags, area, a free field):
      pending messages take the new values; a new place may also deserve a correction;
    - ``removed``: gone from the file: its pending messages are cancelled;
    - ``added`` and ``unchanged`` (the line may differ: it is not part of the event).
    """

    moved: list[Change]
    time_changed: list[Change]
    edited: list[Change]
    removed: list[Event]
    added: list[Event]
    unchanged: list[Event]


_COMPARED = ("date", "start", "end", "place", "tags", "area", "fields")


def diff(old_events: Iterable[Event], new_events: Iterable[Event]) -> EventsDiff:
    """What changed from ``old_events`` to ``new_events``, matched on the ids' keys."""
    old = {event.key: event for event in old_events}
    new = {event.key: event for event in new_events}
    moved, time_changed, edited, unchanged = [], [], [], []
    for event_key, after in new.items():
        before = old.get(event_key)
        if before is None:
            continue
        changed = tuple(f for f in _COMPARED if getattr(before, f) != getattr(after, f))
        if "date" in changed:
            moved.append(Change(before, after, changed))
        elif "start" in changed or "end" in changed:
            time_changed.append(Change(before, after, changed))
        elif changed:
            edited.append(Change(before, after, changed))
        else:
            unchanged.append(after)
    removed = [event for event_key, event in old.items() if event_key not in new]
    added = [event for event_key, event in new.items() if event_key not in old]
    return EventsDiff(moved, time_changed, edited, removed, added, unchanged)
