"""What AT+CNMI=? and AT+CPMS=? say a device takes, and the settings the driver tries from it.

The lines are real devices' answers (sources in ``modem.at.parsers.capabilities``).
"""

from __future__ import annotations

import pytest

from modem.at import parse_cnmi, parse_cnmi_test, parse_cpms_test
from modem.device.initialisation import CNMI_CHOICES, STORAGE_CHOICES
from modem.device.sms_settings import cnmi_candidates, storage_candidates
from modem.errors import RemoteProtocolError

PHS8 = "+CNMI: (0,1,2),(0,1),(0,2),(0),(1)"  # Cinterion PHS8, ModemManager
SIM800 = "+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)"  # SIM800 capture
CINTERION_CPMS = '+CPMS: ("ME","MT"),("ME","SM","MT"),("SM","MT")'
WAVECOM_CPMS = '+CPMS: (("SM","BM","SR"),("SM"))'
MU609_CPMS = '+CPMS: "ME","MT","SM"'
NOKIA_CPMS = "+CPMS: (),(),()"


def test_cnmi_test_ranges_and_lists():
    assert parse_cnmi_test(PHS8) == tuple(
        frozenset(v) for v in ((0, 1, 2), (0, 1), (0, 2), (0,), (1,))
    )
    assert parse_cnmi_test(SIM800)[0] == frozenset({0, 1, 2, 3})


@pytest.mark.parametrize("line", ["+CNMI: (0-3),(0-3)", "+CNMI: (a),(0),(0),(0),(0)", "OK"])
def test_cnmi_test_that_does_not_parse_is_a_protocol_error(line):
    with pytest.raises(RemoteProtocolError):
        parse_cnmi_test(line)


def test_cnmi_read_back():
    """AT+CNMI? (TS 27.005 §3.4.1): what the worker compares after a poll (indications_lost)."""
    assert parse_cnmi("+CNMI: 2,1,0,1,0") == (2, 1, 0, 1, 0)
    assert parse_cnmi("+CNMI: 0,0,0,0,0") == (0, 0, 0, 0, 0)
    with pytest.raises(RemoteProtocolError):
        parse_cnmi("+CNMI: (0-3),(0-3)")


def test_cpms_test_every_captured_form():
    assert parse_cpms_test(CINTERION_CPMS) == (("ME", "MT"), ("ME", "SM", "MT"), ("SM", "MT"))
    assert parse_cpms_test(WAVECOM_CPMS) == (("SM", "BM", "SR"), ("SM",))
    assert parse_cpms_test(MU609_CPMS) == (("ME",), ("MT",), ("SM",))
    assert parse_cpms_test(NOKIA_CPMS) == ((), (), ())
    with pytest.raises(RemoteProtocolError):
        parse_cpms_test("+CPMS: 1,2,3")


def test_a_bfr_of_one_only_is_used_rather_than_refused():
    # every blind choice has bfr 0, which the PHS8 refuses: without this it never announces
    assert all(choice[4] == 0 for choice in CNMI_CHOICES)
    tries = cnmi_candidates(CNMI_CHOICES, parse_cnmi_test(PHS8))
    assert tries == [(2, 1, 0, 0, 1), (1, 1, 0, 0, 1)]  # ds 0: the PHS8 hands no reports over


def test_cnmi_choices_unchanged_when_the_modem_says_nothing_or_takes_all():
    assert cnmi_candidates(CNMI_CHOICES, None) == list(CNMI_CHOICES)
    assert cnmi_candidates(CNMI_CHOICES, parse_cnmi_test(SIM800))[0] == (2, 1, 0, 1, 0)


def test_the_storage_every_memory_takes_goes_first():
    assert storage_candidates(STORAGE_CHOICES, parse_cpms_test(CINTERION_CPMS))[0] == "MT"
    assert storage_candidates(STORAGE_CHOICES, parse_cpms_test(WAVECOM_CPMS))[0] == "SM"
    assert storage_candidates(STORAGE_CHOICES, None) == list(STORAGE_CHOICES)
    assert storage_candidates(STORAGE_CHOICES, parse_cpms_test(NOKIA_CPMS)) == list(STORAGE_CHOICES)
