"""Small charts drawn on the server as inline SVG: no chart library, no script, no CDN.

This module only does the geometry (pure functions, frozen dataclasses of numbers and short
labels); the template ``_charts.html`` turns it into SVG elements, so every label goes through
Jinja's autoescape like any other text on the page. Its words are the panel's language
(``flask_babel``; English outside a request).

Two charts, both over the last 24 hours in the appliance's time zone:
- the signal of a modem, a line in dBm from -113 (none) to -51 (excellent), one point per
  5 minutes (the weakest sample of each), broken where the samples stop (the modem was away, or
  the daemon was) or the signal was lost, so a gap never looks like a steady signal;
- messages sent per hour, 24 bars, the last one the hour under way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from appliance.store.charts import SIGNAL_STEP, SignalSlot

WIDTH, HEIGHT = 300, 90
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 6, 16  # room for the labels
DBM_FLOOR, DBM_CEILING = -113, -51  # the range +CSQ can report (TS 27.007 8.5)
SIGNAL_GRID = (-110, -90, -70)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    runs: tuple[str, ...]  # SVG ``points`` of each unbroken stretch of two samples or more
    dots: tuple[Dot, ...]  # lone samples, which a polyline would not draw
    grid: tuple[Gridline, ...]
    ticks: tuple[Tick, ...]
    summary: str  # the chart in words, for screen readers and the tooltip
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.runs and not self.dots


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # "14:00–15:00: 12 sent"


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    grid: tuple[Gridline, ...]
    ticks: tuple[Tick, ...]
    total: int
    peak: int
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM


def _x(at: datetime, start: datetime, end: datetime) -> float:
    span = (end - start).total_seconds() or 1.0
    share = min(max((at - start).total_seconds() / span, 0.0), 1.0)
    return round(LEFT + share * (WIDTH - LEFT - RIGHT), 1)


def _y(value: float, low: float, high: float) -> float:
    share = min(max((value - low) / ((high - low) or 1.0), 0.0), 1.0)
    return round(HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM), 1)


def _hour_start(at: datetime, zone: ZoneInfo) -> datetime:
    """The start of the local hour ``at`` falls in (zones with half-hour offsets included)."""
    local = at.astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(at.tzinfo)


def _time_ticks(start: datetime, end: datetime, zone: ZoneInfo, every: int = 6) -> tuple[Tick, ...]:
    """A tick at each local hour divisible by ``every`` between ``start`` and ``end``."""
    ticks = []
    moment = _hour_start(start, zone) + HOUR
    while moment <= end:
        local = moment.astimezone(zone)
        if local.hour % every == 0:
            ticks.append(Tick(_x(moment, start, end), local.strftime("%H:00")))
        moment += HOUR
    return tuple(ticks)


def signal_chart(
    slots: Iterable[SignalSlot],
    *,
    end: datetime,
    zone: ZoneInfo,
    latest: int | None = None,
    span: timedelta = timedelta(hours=24),
    step: timedelta = SIGNAL_STEP,
) -> LineChart:
    """The signal of one modem from ``end - span`` to ``end``, one point per slot (its weakest
    sample, at the slot's middle: ``appliance.store.charts.thin_signal`` says why), oldest first.

    Slots that follow each other are joined; a missing slot (no sample for a whole step: the
    modem was away, or the daemon was) or a slot where the signal was lost breaks the line, so a
    gap never looks like a steady signal. 288 points a day draw the same line on 270 pixels as
    2 880 samples did, for a tenth of the work and of the page's bytes. ``latest`` is the last
    dBm measured, for the summary."""
    start = end - span
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    lows: list[int] = []
    highs: list[int] = []
    # In seconds, not datetimes, and each dBm's height once: this runs for every modem on
    # every refresh of the page (4 charts of 288 points: 4.8 ms of CPU with datetimes).
    first, width, seconds = start.timestamp(), step.total_seconds(), span.total_seconds() or 1.0
    heights: dict[int, float] = {}
    previous: float | None = None
    for slot in slots:
        begins = slot.start.timestamp() - first
        if begins + width <= 0 or begins > seconds:
            continue
        if slot.strongest is not None:
            highs.append(slot.strongest)
        weakest = slot.weakest
        broken = weakest is None or previous is None or begins - previous > width
        if broken and current:
            runs.append(current)
            current = []
        previous = begins if weakest is not None else None
        if weakest is None:
            continue
        lows.append(weakest)
        share = min(max((begins + width / 2) / seconds, 0.0), 1.0)
        y = heights.get(weakest)
        if y is None:
            y = heights[weakest] = _y(weakest, DBM_FLOOR, DBM_CEILING)
        current.append((round(LEFT + share * (WIDTH - LEFT - RIGHT), 1), y))
    if current:
        runs.append(current)
    lines = tuple(" ".join(f"{x:g},{y:g}" for x, y in run) for run in runs if len(run) > 1)
    dots = tuple(Dot(*run[0]) for run in runs if len(run) == 1)
    if lows and latest is not None:
        summary = _(
            "Signal over the last %(hours)s hours: between %(low)s and %(high)s dBm, latest "
            "%(dbm)s dBm",
            hours=_hours(span),
            low=min(lows),
            high=max(highs),
            dbm=latest,
        )
    elif lows:
        summary = _(
            "Signal over the last %(hours)s hours: between %(low)s and %(high)s dBm",
            hours=_hours(span),
            low=min(lows),
            high=max(highs),
        )
    else:
        summary = _("No signal measured in the last %(hours)s hours", hours=_hours(span))
    grid = tuple(Gridline(_y(v, DBM_FLOOR, DBM_CEILING), str(v)) for v in SIGNAL_GRID)
    return LineChart(
        runs=lines,
        dots=dots,
        grid=grid,
        ticks=_time_ticks(start, end, zone),
        summary=summary,
    )


def _hours(span: timedelta) -> int:
    return round(span.total_seconds() / 3600)


def hour_starts(end: datetime, *, zone: ZoneInfo, hours: int = 24) -> list[datetime]:
    """The starts of the last ``hours`` local hours, the last one the hour under way at ``end``
    (the hourly chart's bars; ``appliance.store.charts.sent_per_hour`` counts in them)."""
    last = _hour_start(end, zone)
    return [last - HOUR * (hours - 1 - index) for index in range(hours)]


def count_per_hour(
    times: Iterable[datetime], *, end: datetime, zone: ZoneInfo, hours: int = 24
) -> list[int]:
    """How many of ``times`` fall in each of the last ``hours`` local hours (up to ``end``): what
    ``appliance.store.charts.sent_per_hour`` asks the database, for times already in hand."""
    first = hour_starts(end, zone=zone, hours=hours)[0]
    counts = [0] * hours
    for at in times:
        index = int((at - first) // HOUR)
        if 0 <= index < hours and at <= end:
            counts[index] += 1
    return counts


def hourly_bars(counts: Sequence[int], *, end: datetime, zone: ZoneInfo) -> BarChart:
    """One bar per count, for the last ``len(counts)`` local hours (the last bar is the hour
    under way at ``end``; ``count_per_hour`` or ``sent_per_hour`` give the counts)."""
    hours = len(counts)
    first = hour_starts(end, zone=zone, hours=hours)[0]
    peak = max(counts)
    scale_top = max(peak, 1)
    slot = (WIDTH - LEFT - RIGHT) / hours
    bars = []
    for index, count in enumerate(counts):
        begin = first + HOUR * index
        label = begin.astimezone(zone).strftime("%H:00")
        top = _y(count, 0, scale_top)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + 1, 1),
                y=top,
                width=round(max(slot - 2, 1), 1),
                height=round(HEIGHT - BOTTOM - top, 1),
                title=_("%(hour)s: %(count)s sent", hour=label, count=count),
            )
        )
    ticks = []
    for index in range(hours):
        local = (first + HOUR * index).astimezone(zone)
        if local.hour % 6 == 0:
            ticks.append(Tick(round(LEFT + index * slot, 1), local.strftime("%H:00")))
    grid = (Gridline(_y(peak, 0, scale_top), str(peak)),) if peak else ()
    total = sum(counts)
    summary = (
        _(
            "%(total)s sent in the last %(hours)s hours, at most %(peak)s in one hour",
            total=total,
            hours=hours,
            peak=peak,
        )
        if total
        else _("Nothing sent in the last %(hours)s hours", hours=hours)
    )
    return BarChart(
        bars=tuple(bars), grid=grid, ticks=tuple(ticks), total=total, peak=peak, summary=summary
    )
