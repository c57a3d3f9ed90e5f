"""The geometry of a campaign's charts (``web.campaign_charts``): the funnel against the people
targeted, and sends and replies per hour, day or week in local time, across a DST change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from web.campaign_charts import MAX_SLOTS, activity_chart, funnel_chart

PARIS = ZoneInfo("Europe/Paris")


def hours(start: datetime, counts: list[int]) -> list[dict]:
    return [
        {"hour": (start + timedelta(hours=i)).astimezone(PARIS).isoformat(), "count": n}
        for i, n in enumerate(counts)
        if n
    ]


def test_the_funnel_measures_each_stage_against_the_people_targeted():
    chart = funnel_chart([{"stage": "targeted", "count": 10}, {"stage": "sent", "count": 8},
                          {"stage": "replied", "count": 0}])  # fmt: skip
    targeted, sent, replied = chart.bars
    assert sent.width == round(targeted.width * 0.8, 1) and replied.width == 0
    assert (targeted.share, sent.share, replied.share) == ("", "80%", "0%")
    assert chart.summary == "targeted: 10, sent: 8 (80% of targeted), replied: 0 (0% of targeted)"
    assert [b.y for b in chart.bars] == sorted(b.y for b in chart.bars)
    assert funnel_chart([{"stage": "targeted", "count": 0}]).summary == "Nobody targeted yet"


def test_an_evening_is_drawn_per_hour_and_the_hour_that_happens_twice_twice():
    night = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # midnight in Paris; at 03:00 it is 02:00
    chart = activity_chart(
        {"sent": hours(night, [1, 2, 3, 4, 5]), "replies": hours(night, [0, 0, 3])}, PARIS
    )
    assert chart.slot == "hour"
    assert [s.title for s in chart.slots] == [
        "00:00: 1 sent, 0 replies",
        "01:00: 2 sent, 0 replies",
        "02:00: 3 sent, 3 replies",
        "02:00: 4 sent, 0 replies",  # the clocks went back: a second 02:00
        "03:00: 5 sent, 0 replies",
    ]
    assert (chart.sent, chart.replies) == (15, 3)
    tallest = min(s.sent_y for s in chart.slots)
    assert chart.slots[-1].sent_y == tallest and chart.grid[0].label == "5"


def test_days_then_weeks_keep_the_chart_readable():
    start = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    days = {"sent": [{"hour": (start + timedelta(days=d)).isoformat(), "count": 2}
                     for d in range(0, 40, 3)], "replies": []}  # fmt: skip
    chart = activity_chart(days, PARIS)
    assert chart.slot == "day" and len(chart.slots) == 40  # across the spring change (29 March)
    assert sum(1 for s in chart.slots if s.sent_height) == 14
    months = {"sent": [{"hour": (start + timedelta(days=d)).isoformat(), "count": 1}
                       for d in range(0, 400, 20)]}  # fmt: skip
    chart = activity_chart(months, PARIS)
    assert chart.slot == "week" and len(chart.slots) <= MAX_SLOTS
    assert chart.sent == 20 and len(chart.ticks) <= 6


def test_nothing_sent_is_an_empty_chart():
    chart = activity_chart({"sent": [], "replies": []}, PARIS)
    assert chart.empty and chart.summary == "Nothing sent yet"
