"""Fixtures for end-to-end tests of the appliance: a real daemon on simulated modems."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from appliance.clock import ManualClock, SystemClock
from appliance.config import Config, ModemConfig, load_config
from appliance.daemon import Daemon, Simulation, Tuning
from appliance.outbox import prepare, submit
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from modem.device import Timeouts
from tests.conftest import TIME_SCALE

FAST_TIMEOUTS = Timeouts(command=1.0, send=2.0, ussd=2.0, sync=0.3, sim_ready=3.0)
FAST_TUNING = Tuning(
    timeouts=FAST_TIMEOUTS,
    retry_base=0.02,
    reconnect_after=0.05,
    retry_failed_after=0.5,
    power_cycle_wait=2.0,
)
UNPACED = ModemConfig(port="", max_per_minute=1_000_000, daily_limit=None, monthly_limit=None)
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, 11:00 in Paris


@pytest.fixture
def config(tmp_path) -> Config:
    """Defaults in a private data dir; modems unpaced so tests run at the simulator's pace."""
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path / "data"), "TZ": "UTC"})
    return dataclasses.replace(
        base, timezone="Europe/Paris", defaults=UNPACED, auto_discovery=False, node="test-node"
    )


@pytest.fixture
def daemon_factory(config) -> Iterator[Callable[..., Daemon]]:
    daemons: list[Daemon] = []

    def start(
        modems: int = 2,
        *,
        profile: str = "generic",
        clock=None,
        cfg: Config | None = None,
        tuning: Tuning = FAST_TUNING,
        **faults,
    ) -> Daemon:
        daemon = Daemon(
            cfg or config,
            clock=clock or SystemClock(),
            simulation=Simulation(
                modems=modems, profile=profile, time_scale=TIME_SCALE, faults=faults
            ),
            tuning=tuning,
        )
        daemons.append(daemon.start())
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that stands still at ``T0`` until the test moves it."""
    return ManualClock(T0)


@pytest.fixture
def store(config) -> Store:
    engine = create_engine_for(config.database)
    migrate(engine)
    return Store(engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request) -> Store:
    """The store on SQLite, then on a throwaway PostgreSQL (``tests/pg.py``): a store test
    that takes it runs on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("store")
    return request.getfixturevalue("postgresql_store")


def enqueue(
    store: Store, config: Config, to: str, text: str, *, now: datetime | None = None, **options
):
    now = now or SystemClock().now()
    return submit(store, config, prepare(config, to=to, text=text, now=now, **options), now)
