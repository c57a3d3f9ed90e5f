"""Where the appliance reads the time: injected, so schedules, pacing and caps are testable.

Nothing in ``appliance/`` calls ``datetime.now()`` itself: it asks the ``Clock`` it was given.
The daemon passes a ``SystemClock``; a test passes a ``ManualClock`` and moves it forward by a day
in a microsecond instead of waiting for one. Times are always aware and in UTC; local time (quiet
hours, daily counters) is derived from them with the configured time zone, never the other way.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: give a time zone (e.g. tzinfo=UTC)")
    return moment.astimezone(UTC)


class ManualClock:
    """A clock that moves only when told to, shared safely between the test and worker threads.

    ``advance`` refuses to go backwards (a negative step is almost always a sign error in a test);
    ``set`` may jump anywhere, which is how a test imitates an NTP correction after boot.
    """

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, step: float | timedelta) -> datetime:
        """Move forward by ``step`` (seconds or a timedelta) and return the new time."""
        if not isinstance(step, timedelta):
            step = timedelta(seconds=step)
        if step < timedelta(0):
            raise ValueError(f"cannot advance by a negative step ({step}); use set() to go back")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (aware; converted to UTC)."""
        moment = _as_utc(moment)
        with self._lock:
            self._now = moment

    def __repr__(self) -> str:
        return f"ManualClock({self.now().isoformat()})"
