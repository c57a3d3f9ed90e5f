"""Per-SIM pacing and caps: what keeps an operator from blocking a SIM.

Operators watch the rate of submissions per SIM (a few a minute is a phone; sixty is a spammer)
and the volume per day and month. ``Pacer`` spaces the start of each send by ``60 /
max_per_minute`` seconds per part, stretched by a random jitter so the rhythm is not machine-
regular. Caps count parts, by local day and month, from the SIM's counters in the store, so they
survive restarts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


class Pacer:
    """When a SIM may start its next send."""

    def __init__(
        self, max_per_minute: float, *, jitter: float = 0.25, rng: random.Random | None = None
    ) -> None:
        if max_per_minute <= 0:
            raise ValueError("max_per_minute must be positive")
        self.interval = timedelta(seconds=60.0 / max_per_minute)
        self.jitter = jitter
        self._rng = rng or random.Random()
        self.next_at: datetime | None = None

    def ready_at(self, now: datetime) -> datetime | None:
        """None if a send may start now, else the earliest time it may."""
        if self.next_at is None or self.next_at <= now:
            return None
        return self.next_at

    def hold(self, until: datetime) -> None:
        """No send before ``until`` (a SIM's breaker pause), whatever the rhythm says."""
        if self.next_at is None or self.next_at < until:
            self.next_at = until

    def free_after(self, parts: int, started_at: datetime) -> datetime:
        """The latest a send may have to wait for, once a send of ``parts`` parts started at
        ``started_at`` (the longest jitter, and any hold): whether a message may be claimed
        ahead for when that send ends (``appliance.worker.ahead``)."""
        rhythm = started_at + self.interval * max(parts, 1) * (1.0 + self.jitter)
        return rhythm if self.next_at is None else max(rhythm, self.next_at)

    def record(self, parts: int, started_at: datetime) -> None:
        """A send of ``parts`` parts started at ``started_at``."""
        stretch = 1.0 + self._rng.uniform(0.0, self.jitter)
        self.next_at = started_at + self.interval * max(parts, 1) * stretch


@dataclass(frozen=True)
class Caps:
    daily_limit: int | None
    monthly_limit: int | None


def period_keys(now: datetime, timezone: str) -> tuple[str, str]:
    """The local day and month a send at ``now`` counts against ("2026-11-22", "2026-11")."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d"), local.strftime("%Y-%m")


def remaining(
    caps: Caps,
    *,
    day: str,
    month: str,
    counted_day: str,
    sent_day: int,
    counted_month: str,
    sent_month: int,
) -> int:
    """Parts this SIM may still send today and this month (a large number when uncapped)."""
    left = 1_000_000
    if caps.daily_limit is not None:
        left = min(left, caps.daily_limit - (sent_day if counted_day == day else 0))
    if caps.monthly_limit is not None:
        left = min(left, caps.monthly_limit - (sent_month if counted_month == month else 0))
    return max(left, 0)


def backoff(
    attempt: int, *, base: float = 30.0, cap: float = 1800.0, rng: random.Random | None = None
) -> timedelta:
    """Exponential backoff before retry ``attempt`` (1-based), with ±10 % jitter."""
    seconds = min(cap, base * 2 ** max(attempt - 1, 0))
    spread = (rng or random).uniform(0.9, 1.1)
    return timedelta(seconds=seconds * spread)
