"""Fixtures of the chaos tests: simulated modems in this process (they outlive every daemon)."""

from __future__ import annotations

import pytest

from modem.sim import start_fleet
from tests.conftest import TIME_SCALE


@pytest.fixture
def fleet_factory(tmp_path):
    started = []

    def start(modems: int, *, seed: int = 14, **faults):
        servers = start_fleet(
            modems, directory=tmp_path / "sim", time_scale=TIME_SCALE, seed=seed, **faults
        )
        started.extend(servers)
        return servers

    yield start
    for server in started:
        server.stop()
