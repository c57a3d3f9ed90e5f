"""Waiting on conditions in tests: poll with a deadline, never sleep-then-assert."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)


def scaled_by_load(target: float, most: float) -> float:
    """A timing target measured on a quiet machine (``bench/``), as a test may hold it on a
    shared one: ``target`` times the contention when the load is above the cores (each runnable
    process gets a core that share of the time), at most ``most``."""
    contention = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(target * max(1.0, contention), most)
