"""``smsrelay send --wait`` returns within 100 ms of the outcome: the daemon wakes it
(``appliance.waiters``), nothing polls. Measured as a script sees it: a whole ``smsrelay``
process against a real daemon on simulated modems, from the outcome recorded in the store
(``sent_at``) to the process's exit. A waiter that polled at its safety re-read (every 2 s)
would lag a second on average."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.daemon import Daemon, Simulation
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from tests.appliance.conftest import FAST_TUNING
from tests.appliance.test_cli import write_config
from tests.conftest import TIME_SCALE
from tests.waiting import scaled_by_load, wait_until

ROUNDS = 7
TARGET = 0.100  # seconds, issue 16


def allowance() -> float:
    """At most 0.5 s under load: still half of what polling at the 2 s safety re-read would
    average."""
    return scaled_by_load(TARGET, 0.5)


@pytest.fixture
def config_path(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)
    return write_config(tmp_path)


@pytest.fixture
def store(config_path) -> Iterator[Store]:
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def daemon(config_path, store) -> Iterator[Daemon]:
    started = Daemon(
        load_config(config_path),
        simulation=Simulation(modems=1, time_scale=TIME_SCALE),
        tuning=FAST_TUNING,
    ).start()
    wait_until(lambda: len(started.pool.available()) == 1, 10, "a ready modem")
    yield started
    started.stop()


# Runs the command and writes the time it exited as its last line of standard error: taken by
# this small parent process, not by the test's, whose threads (the daemon's) may keep it from
# noticing the exit at once.
TIMED = (
    "import subprocess, sys, time; child = subprocess.run(sys.argv[1:]); "
    "print(time.time(), file=sys.stderr); sys.exit(child.returncode)"
)


def _send_and_wait(config_path: Path, text: str) -> tuple[dict, datetime]:
    """A whole ``smsrelay send --wait`` process; its JSON and when it exited."""
    command = [sys.executable, "-m", "appliance", "send", "+33612345678", text, "--wait", "--json"]
    process = subprocess.Popen(
        [sys.executable, "-c", TIMED, *command],
        env={**os.environ, "SMSRELAY_CONFIG": str(config_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = process.communicate(timeout=60)
    exited = datetime.now(UTC)
    assert process.returncode == 0, err
    print(err)
    return json.loads(out), exited


def test_send_wait_exits_within_100_ms_of_the_outcome(config_path, store, daemon: Daemon):
    lags: list[float] = []
    for round_ in range(ROUNDS):
        data, exited = _send_and_wait(config_path, f"Collecte demain, rappel {round_}")
        assert data["status"] in ("sent", "delivered")
        sent_at = store.get(data["id"]).sent_at
        lags.append((exited - sent_at).total_seconds())
        print("SENT_AT", sent_at.isoformat(), "EXITED", exited.isoformat())
    allowed = allowance()
    shown = ", ".join(f"{lag * 1000:.0f}" for lag in lags)
    print(f"outcome -> exit of smsrelay send --wait, ms: {shown} (allowed {allowed * 1000:.0f})")
    # the median: the machine is shared (2 cores, other engineers' tests), and one round may
    # lose its core for a while; polling would put every round near a second
    assert statistics.median(lags) <= allowed, shown
    assert max(lags) < 1.0, shown
