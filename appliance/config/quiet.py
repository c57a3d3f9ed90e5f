"""Quiet hours, a local-time concept: ``quiet`` and ``end_of_quiet`` convert the UTC time
they are given into the configured time zone (the dispatcher asks both, and wakes at the end).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from .model import Config


def _local(at: datetime, config: Config) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: quiet hours need an aware time")
    return at.astimezone(config.zone)


def _inside(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # wraps midnight: 21:00-08:00


def quiet(at: datetime, config: Config) -> bool:
    """Is ``at`` (aware, any zone) inside the quiet hours, in the configured local time?"""
    if config.quiet_hours is None:
        return False
    start, end = config.quiet_hours
    return _inside(_local(at, config).time(), start, end)


def end_of_quiet(at: datetime, config: Config) -> datetime:
    """When the quiet period containing ``at`` ends, in UTC; ``at`` itself if it is not quiet.

    The end is the next local ``end`` time on the wall clock. When a daylight-saving jump skips
    that wall time, the result is up to an hour late, never early: ``quiet`` is false there.
    """
    if not quiet(at, config):
        return at.astimezone(UTC)
    assert config.quiet_hours is not None
    end = config.quiet_hours[1]
    local = _local(at, config)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    candidate = datetime.combine(day, end, tzinfo=config.zone)
    return candidate.astimezone(UTC)
