"""Why a modem with a ready SIM is not registered, in the words of its card (worker.health)."""

from __future__ import annotations

import pytest

from appliance.worker.health import searching_words
from modem.at import parse_creg
from modem.device import ModemStatus


def status(creg: str, radio: int | None = 1) -> ModemStatus:
    return ModemStatus(
        imei="352215049114778",
        imsi=None,
        iccid=None,
        manufacturer=None,
        model=None,
        revision=None,
        sim="READY",
        signal=None,
        registration=parse_creg(creg, solicited=True),
        operator=None,
        smsc=None,
        radio=radio,
    )


@pytest.mark.parametrize(
    ("creg", "radio", "words"),
    [
        ("+CREG: 0,0", 0, "its radio is off (+CFUN: 0)"),
        ("+CREG: 0,0", 4, "its radio is off (+CFUN: 4)"),
        ("+CREG: 0,0", 1, "not registered and not searching for a network (+CREG: 0)"),
        ("+CREG: 0,0", None, "not registered and not searching for a network (+CREG: 0)"),
        ("+CREG: 0,2", 1, "searching for a network"),
        ("+CREG: 0,3", 1, "the network refused this SIM (registration denied)"),
        ("+CREG: 0,4", 1, "not registered on a network (unknown)"),
    ],
)
def test_searching_words(creg: str, radio: int | None, words: str) -> None:
    assert searching_words(status(creg, radio)).startswith(words)
