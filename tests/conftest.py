"""Fixtures shared by the whole suite.

Simulated modems run on real pseudo-terminals at a time scale of 1/100 (a 5 s network send takes
50 ms). Tests wait on events with timeouts (``wait_until``), never sleep-then-assert.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

# the throwaway PostgreSQL cluster (tests/pg.py): one for the whole run, whichever tests use it
pytest_plugins = ["tests.pg"]

TIME_SCALE = 0.01
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_addoption(parser):
    """The opt-in hardware suite's options (tests/hardware; docs/raspberry-pi.md).

    Here, not in tests/hardware/conftest.py: pytest accepts an option on the command line only
    from the conftest files it loads before reading it, and ``pytest -m hardware --modem ...``
    run from the top loads this one.
    """
    group = parser.getgroup("hardware", "a real modem (with -m hardware)")
    group.addoption("--modem", metavar="PORT", help="the modem's AT port, e.g. /dev/ttyUSB2")
    group.addoption("--to", metavar="NUMBER", help="a phone to send the test SMS to")
    group.addoption("--pin", metavar="PIN", default=None, help="the SIM's PIN, if it has one")


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
