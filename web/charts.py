"""Small charts drawn on the server as inline SVG: no chart library, no script, no CDN.

This module only does the geometry (pure functions, frozen dataclasses of numbers and short
labels); the template ``_charts.html`` turns it into SVG elements, so every label goes through
Jinja's autoescape like any other text on the page.

Two charts, both over the last 24 hours in the appliance's time zone:
- the signal of a modem, a line in dBm from -113 (none) to -51 (excellent), broken where the
  samples stop (the modem was away, or the daemon was), so a gap never looks like a steady signal;
- messages sent per hour, 24 bars, the last one the hour under way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WIDTH, HEIGHT = 300, 90
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 6, 16  # room for the labels
DBM_FLOOR, DBM_CEILING = -113, -51  # the range +CSQ can report (TS 27.007 8.5)
SIGNAL_GRID = (-110, -90, -70)
SIGNAL_GAP = timedelta(minutes=5)  # health polls come every 30 s: 5 min without one is a gap
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
    samples: Iterable[tuple[datetime, int | None]],
    *,
    end: datetime,
    zone: ZoneInfo,
    span: timedelta = timedelta(hours=24),
    gap: timedelta = SIGNAL_GAP,
) -> LineChart:
    """The signal of one modem from ``end - span`` to ``end``; ``samples`` are (time, dBm),
    oldest first; a dBm of None (no signal measurable) breaks the line like a missing sample."""
    start = end - span
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    previous: datetime | None = None
    values: list[int] = []
    for at, dbm in samples:
        if at < start or at > end:
            continue
        broken = dbm is None or previous is None or at - previous > gap
        if broken and current:
            runs.append(current)
            current = []
        previous = at if dbm is not None else None
        if dbm is None:
            continue
        values.append(dbm)
        current.append((_x(at, start, end), _y(dbm, DBM_FLOOR, DBM_CEILING)))
    if current:
        runs.append(current)
    lines = tuple(" ".join(f"{x:g},{y:g}" for x, y in run) for run in runs if len(run) > 1)
    dots = tuple(Dot(*run[0]) for run in runs if len(run) == 1)
    if values:
        summary = (
            f"Signal over the last {_hours(span)}: between {min(values)} and {max(values)} dBm, "
            f"latest {values[-1]} dBm"
        )
    else:
        summary = f"No signal measured in the last {_hours(span)}"
    grid = tuple(Gridline(_y(v, DBM_FLOOR, DBM_CEILING), str(v)) for v in SIGNAL_GRID)
    return LineChart(
        runs=lines,
        dots=dots,
        grid=grid,
        ticks=_time_ticks(start, end, zone),
        summary=summary,
    )


def _hours(span: timedelta) -> str:
    hours = round(span.total_seconds() / 3600)
    return "hour" if hours == 1 else f"{hours} hours"


def hourly_bars(
    times: Sequence[datetime], *, end: datetime, zone: ZoneInfo, hours: int = 24
) -> BarChart:
    """How many of ``times`` fall in each of the last ``hours`` local hours (the last bar is the
    hour under way at ``end``)."""
    last = _hour_start(end, zone)
    first = last - HOUR * (hours - 1)
    counts = [0] * hours
    for at in times:
        index = int((at - first) // HOUR)
        if 0 <= index < hours and at <= end:
            counts[index] += 1
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
                title=f"{label}: {count} sent",
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
        f"{total} sent in the last {_hours(HOUR * hours)}, at most {peak} in one hour"
        if total
        else f"Nothing sent in the last {_hours(HOUR * hours)}"
    )
    return BarChart(
        bars=tuple(bars), grid=grid, ticks=tuple(ticks), total=total, peak=peak, summary=summary
    )
