"""The injected clock: aware UTC always, and a manual one that tests move by hand."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appliance.clock import Clock, ManualClock, SystemClock

START = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)


def test_system_clock_is_aware_utc_and_current():
    clock: Clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_manual_clock_stands_still_until_moved():
    clock: Clock = ManualClock(START)
    assert clock.now() == START
    assert clock.now() == START


def test_manual_clock_keeps_the_instant_of_an_aware_start_in_utc():
    paris = datetime(2025, 7, 14, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    clock = ManualClock(paris)
    assert clock.now() == paris
    assert clock.now().tzinfo is UTC
    assert clock.now().hour == 8


def test_manual_clock_refuses_naive_times():
    with pytest.raises(ValueError, match="naive"):
        ManualClock(datetime(2025, 1, 1))
    clock = ManualClock(START)
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2025, 1, 1))


def test_advance_by_seconds_or_timedelta():
    clock = ManualClock(START)
    assert clock.advance(1.5) == START + timedelta(seconds=1.5)
    assert clock.advance(timedelta(days=1)) == START + timedelta(days=1, seconds=1.5)
    assert clock.advance(0) == clock.now()


def test_advance_refuses_to_go_back_but_set_may():
    clock = ManualClock(START)
    with pytest.raises(ValueError, match="negative"):
        clock.advance(-1)
    assert clock.now() == START
    earlier = START - timedelta(hours=3)  # an NTP correction after boot
    clock.set(earlier)
    assert clock.now() == earlier


def test_manual_clock_is_thread_safe():
    clock = ManualClock(START)
    threads = [
        threading.Thread(target=lambda: [clock.advance(1) for _ in range(2000)]) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == START + timedelta(seconds=16000)
