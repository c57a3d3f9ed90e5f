"""Fixtures of the hardware suite: one real modem, opened once, and a way to talk to the tester.

Run: ``pytest -m hardware --modem /dev/ttyUSB2 --to +33612345678 [--pin 1234]`` (the options are
registered in tests/conftest.py). Without ``-m hardware`` these tests are deselected (setup.cfg).
Stop the service first (``sudo systemctl stop smsrelay``): the port is opened exclusively.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from modem.device import Modem, Timeouts
from modem.errors import PortBusy, PortGone


def _option(config: pytest.Config, name: str, example: str) -> str:
    value = config.getoption(name)
    if not value:
        pytest.fail(f"the hardware suite needs --{name} (e.g. --{name} {example})", pytrace=False)
    return value


@pytest.fixture(scope="session")
def port(pytestconfig) -> str:
    return _option(pytestconfig, "modem", "/dev/ttyUSB2")


@pytest.fixture(scope="session")
def recipient(pytestconfig) -> str:
    return _option(pytestconfig, "to", "+33612345678")


@pytest.fixture(scope="session")
def modem(port, pytestconfig) -> Iterator[Modem]:
    """The modem, initialised (SIM unlocked with --pin if it asks for one)."""
    device = Modem(port, timeouts=Timeouts())
    try:
        device.open()
    except PortBusy as exc:
        pytest.fail(
            f"{port} is held by another program ({exc}): `sudo systemctl stop smsrelay`, and see "
            "docs/raspberry-pi.md about ModemManager",
            pytrace=False,
        )
    except PortGone as exc:
        pytest.fail(f"cannot open {port}: {exc}", pytrace=False)
    try:
        device.initialise(pytestconfig.getoption("pin"))
        yield device
    finally:
        device.close()


@pytest.fixture
def tell(capsys) -> Callable[[str], None]:
    """Print to the tester's terminal now, past pytest's output capture."""

    def say(text: str) -> None:
        with capsys.disabled():
            print(f"\n>>> {text}", flush=True)

    return say
