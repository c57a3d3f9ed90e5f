"""Why a modem with a ready SIM is not registered, in the words of its card (worker.health); and
when it will not register by itself, what its card says once it is given up."""

from __future__ import annotations

import pytest

from appliance.worker.health import searching_words, stalled_words, will_not_register
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


@pytest.mark.parametrize(
    ("creg", "radio", "stalls"),
    [
        ("+CREG: 0,0", 4, True),  # radio off
        ("+CREG: 0,0", 1, True),  # radio on, not searching
        ("+CREG: 0,0", None, True),  # the modem cannot tell its radio: +CREG: 0 says enough
        ("+CREG: 0,2", 1, False),  # searching: it may still register
        ("+CREG: 0,2", 4, True),  # a stale "searching" with the radio off
        ("+CREG: 0,3", 1, False),  # denied: the network said why, searching_words says it
        ("+CREG: 0,1", 1, False),
    ],
)
def test_a_modem_that_will_not_register_by_itself(creg: str, radio: int | None, stalls: bool):
    assert will_not_register(status(creg, radio)) is stalls


def test_the_words_of_a_modem_given_up():
    assert stalled_words(status("+CREG: 0,0", 4), 120.0).startswith(
        "its radio stays off (+CFUN: 4) after AT+CFUN=1, for 120 s: a radio switch (W_DISABLE)"
    )
    assert stalled_words(status("+CREG: 0,0", 1), 120.0).startswith(
        "not registered and not searching for a network (+CREG: 0) for 120 s with its radio on"
    )
