"""Fixtures shared by the whole suite.

Simulated modems run on real pseudo-terminals at a time scale of 1/100 (a 5 s network send takes
50 ms). Tests wait on events with timeouts (``wait_until``), never sleep-then-assert.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

TIME_SCALE = 0.01
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def sim_factory(tmp_path) -> Iterator[Callable[..., object]]:
    """Start simulated modems: ``sim_factory(profile="generic", **faults) -> SimServer``."""
    from modem.sim import FakeModem, SimServer

    servers = []

    def start(
        profile: str = "generic",
        *,
        seed: int = 0,
        pin: str | None = None,
        time_scale: float = TIME_SCALE,
        **faults,
    ) -> SimServer:
        fake = FakeModem(profile, seed=seed + len(servers), pin=pin)
        for name, value in faults.items():
            setattr(fake.faults, name, value)
        server = SimServer(fake, link=tmp_path / f"ttySIM{len(servers)}", time_scale=time_scale)
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped for a missing component: a skip there is a failure.

    (Hardware tests are not skipped but deselected: they run only with ``-m hardware``.)
    """
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, which must fail instead: {reason}"
    return report
