"""A campaign's two charts, drawn on the server as inline SVG like ``web.charts``: no library,
no script, no CDN. Only the geometry is here (pure functions, frozen dataclasses of numbers and
short labels); ``_campaign_charts.html`` turns it into SVG, every label autoescaped. Stages,
titles and summaries are in the reader's language (Flask-Babel; English outside a request).

- **the funnel**: one horizontal bar per stage of ``results.stats``'s ``funnel`` (targeted →
  queued → sent → delivered → replied → confirmed), each as long as its count against the
  first stage, with its count and its share of the first stage written beside it;
- **over time**: sends and replies side by side per time slot, from ``results.activity``
  (counts per local hour). A campaign sent in an evening reads best per hour; one spread over
  a send window of days or an events file of weeks would be hundreds of hairlines, so the slot
  grows to a day, then a week, to keep at most ``MAX_SLOTS`` slots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from appliance.status import N_

from .charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Gridline, Tick

FUNNEL_LABEL = 62  # room for the stage's name left of the bars
FUNNEL_ROW = 14
FUNNEL_VALUE = 58  # room for "1234 (100%)" right of the longest bar
MAX_SLOTS = 72
TICKS = 6  # labels under the time chart, at most
# the funnel's stages (appliance.campaigns.results), and the slot of the time chart, in words
STAGES = {
    "targeted": N_("targeted"),
    "queued": N_("queued"),
    "sent": N_("sent"),
    "delivered": N_("delivered"),
    "replied": N_("replied"),
    "confirmed": N_("confirmed"),
}
LEGENDS = {
    "hour": N_("replies, per hour"),
    "day": N_("replies, per day"),
    "week": N_("replies, per week"),
}
SUMMARIES = {
    "hour": N_(
        "%(sent)s sent and %(replies)s replies, per hour, at most %(most_sent)s sent and "
        "%(most_replies)s replies in one hour"
    ),
    "day": N_(
        "%(sent)s sent and %(replies)s replies, per day, at most %(most_sent)s sent and "
        "%(most_replies)s replies in one day"
    ),
    "week": N_(
        "%(sent)s sent and %(replies)s replies, per week, at most %(most_sent)s sent and "
        "%(most_replies)s replies in one week"
    ),
}


@dataclass(frozen=True)
class FunnelBar:
    label: str
    y: float
    width: float
    count: int
    share: str  # "80%" of the first stage, "" for the first stage itself
    title: str


@dataclass(frozen=True)
class FunnelChart:
    bars: tuple[FunnelBar, ...]
    summary: str
    width: int = WIDTH
    left: int = FUNNEL_LABEL
    row: int = FUNNEL_ROW

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * self.row + 4


@dataclass(frozen=True)
class SlotBars:
    x: float
    sent_y: float
    sent_height: float
    replies_y: float
    replies_height: float
    width: float  # of each of the two bars
    title: str


@dataclass(frozen=True)
class ActivityChart:
    slots: tuple[SlotBars, ...]
    grid: tuple[Gridline, ...]
    ticks: tuple[Tick, ...]
    slot: str  # "hour", "day" or "week"
    sent: int
    replies: int
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.sent and not self.replies

    @property
    def legend(self) -> str:
        return _(LEGENDS[self.slot])


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def funnel_chart(funnel: Sequence[Mapping[str, object]]) -> FunnelChart:
    """Bars for ``stats()["funnel"]``: each stage against the first (the people targeted)."""
    counts = [int(str(stage["count"])) for stage in funnel]
    first = counts[0] if counts else 0
    top = max([first, *counts, 1])
    room = WIDTH - FUNNEL_LABEL - FUNNEL_VALUE
    bars = []
    for index, stage in enumerate(funnel):
        count = counts[index]
        label = _stage(stage["stage"])
        share = _percent(count, first) if index else ""
        bars.append(
            FunnelBar(
                label=label,
                y=2 + index * FUNNEL_ROW,
                width=round(room * count / top, 1),
                count=count,
                share=share,
                title=(
                    _(
                        "%(stage)s: %(count)s (%(share)s of %(first)s)",
                        stage=label,
                        count=count,
                        share=share,
                        first=_stage(funnel[0]["stage"]),
                    )
                    if share
                    else _("%(stage)s: %(count)s", stage=label, count=count)
                ),
            )
        )
    summary = ", ".join(bar.title for bar in bars) if first else _("Nobody targeted yet")
    return FunnelChart(bars=tuple(bars), summary=summary)


def _stage(stage: object) -> str:
    words = STAGES.get(str(stage))
    return _(words) if words else str(stage)


def _slot_start(moment: datetime, slot: str) -> datetime:
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if slot == "hour":
        return hour
    day = hour.replace(hour=0)
    return day - timedelta(days=day.weekday()) if slot == "week" else day


def _next(start: datetime, slot: str) -> datetime:
    """The next slot's start: an hour later in real time (two 02:00 slots on the night the
    clocks go back), or the next calendar day or week in local wall time (23 or 25 hours)."""
    if slot == "hour":
        return (start.astimezone(UTC) + timedelta(hours=1)).astimezone(start.tzinfo)
    step = timedelta(days=7 if slot == "week" else 1)
    return (start.replace(tzinfo=None) + step).replace(tzinfo=start.tzinfo)


def _label(start: datetime, slot: str, first: date) -> str:
    if slot == "hour":
        return start.strftime("%H:00") if start.date() == first else start.strftime("%d/%m %Hh")
    return start.strftime("%d/%m")


def _slots(times: list[datetime], slot: str) -> list[datetime]:
    first, last = _slot_start(min(times), slot), _slot_start(max(times), slot)
    starts = [first]
    while starts[-1].astimezone(UTC) < last.astimezone(UTC):  # in UTC: an hour that happens
        # twice (clocks going back) is two slots, which a local comparison would take as one
        starts.append(_slot_start(_next(starts[-1], slot), slot))
    return starts


def _slot_for(times: list[datetime]) -> str:
    """The shortest slot that keeps the chart within ``MAX_SLOTS`` slots (by the span's length:
    no slot list is made for a slot that would be too many)."""
    span = max(times) - min(times)
    if span < timedelta(hours=MAX_SLOTS - 1):
        return "hour"
    return "day" if span < timedelta(days=MAX_SLOTS - 1) else "week"


def activity_chart(
    activity: Mapping[str, Sequence[Mapping[str, object]]], zone: ZoneInfo
) -> ActivityChart:
    """Sends and replies per slot from ``results.activity`` (``{"sent": [{"hour", "count"}],
    "replies": [...]}``, hours as ISO times), in local time of ``zone``."""

    def read(rows: Sequence[Mapping[str, object]]) -> list[tuple[datetime, int]]:
        return [
            (datetime.fromisoformat(str(row["hour"])).astimezone(zone), int(str(row["count"])))
            for row in rows
        ]

    series = {name: read(rows) for name, rows in activity.items()}
    sent_rows, reply_rows = series.get("sent", []), series.get("replies", [])
    times = [at for at, _ in (*sent_rows, *reply_rows)]
    total_sent, total_replies = sum(n for _, n in sent_rows), sum(n for _, n in reply_rows)
    if not times:
        return ActivityChart((), (), (), "hour", 0, 0, _("Nothing sent yet"))
    slot = _slot_for(times)
    starts = _slots(times, slot)
    index = {start.astimezone(UTC): i for i, start in enumerate(starts)}
    sent, replies = [0] * len(starts), [0] * len(starts)
    for rows, into in ((sent_rows, sent), (reply_rows, replies)):
        for at, count in rows:
            into[index[_slot_start(at, slot).astimezone(UTC)]] += count
    peak = max(*sent, *replies, 1)
    width = (WIDTH - LEFT - RIGHT) / len(starts)
    bar = round(max(width / 2 - 1, 0.5), 1)
    first_day = starts[0].date()
    bars = []
    for i, start in enumerate(starts):
        x = LEFT + i * width
        sent_top, reply_top = _y(sent[i], peak), _y(replies[i], peak)
        bars.append(
            SlotBars(
                x=round(x + 0.5, 1),
                sent_y=sent_top,
                sent_height=round(HEIGHT - BOTTOM - sent_top, 1),
                replies_y=reply_top,
                replies_height=round(HEIGHT - BOTTOM - reply_top, 1),
                width=bar,
                title=_(
                    "%(slot)s: %(sent)s sent, %(replies)s replies",
                    slot=_label(start, slot, first_day),
                    sent=sent[i],
                    replies=replies[i],
                ),
            )
        )
    every = max(1, -(-len(starts) // TICKS))
    ticks = tuple(
        Tick(round(LEFT + i * width, 1), _label(starts[i], slot, first_day))
        for i in range(0, len(starts), every)
    )
    summary = _(
        SUMMARIES[slot],
        sent=total_sent,
        replies=total_replies,
        most_sent=max(sent),
        most_replies=max(replies),
    )
    return ActivityChart(
        slots=tuple(bars),
        grid=(Gridline(_y(peak, peak), str(peak)),),
        ticks=ticks,
        slot=slot,
        sent=total_sent,
        replies=total_replies,
        summary=summary,
    )


def _y(value: int, peak: int) -> float:
    return round(HEIGHT - BOTTOM - (value / peak) * (HEIGHT - TOP - BOTTOM), 1)
