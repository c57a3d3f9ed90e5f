"""The Wavecom entry of the vendor table: no OK after AT+CPIN?, and +CME ERROR: 515 ("please
wait, init or command processing in progress", Wavecom AT Commands Interface Guide
WM_DEV_OAT_UGD_049 §2.5) waited out during initialisation like a busy SIM, never taken for a
refusal. The same bring-up through a pty: tests/pty/test_modem_quirks.py."""

from __future__ import annotations

import pytest

from modem.codes import cme_error, cms_error
from modem.device.unlock import sim_busy, still_initialising
from modem.vendors import GENERIC, INITIALISING_CME, WITHOUT_FINAL, vendor_for


def test_the_wavecom_entry():
    wavecom = vendor_for(" WAVECOM MODEM")  # as AT+CGMI prints it, leading space and all
    assert wavecom.name == "wavecom" and wavecom.initialising_cme == (515,)
    assert "AT+CPIN?" in wavecom.without_final and "AT+CPIN?" in WITHOUT_FINAL
    assert GENERIC.initialising_cme == ()
    assert 515 in INITIALISING_CME


@pytest.mark.parametrize(
    ("error", "initialising", "busy"),
    [
        (cme_error("515"), True, True),  # Wavecom: please wait
        (cme_error("14"), False, True),  # 3GPP: SIM busy
        (cme_error("3"), False, False),  # operation not allowed: a refusal
        (cme_error("4"), False, False),
        (cms_error("515"), False, False),  # only a +CME ERROR says "please wait"
        (cms_error("314"), False, True),
    ],
)
def test_please_wait_is_waited_out_and_a_refusal_is_not(error, initialising, busy):
    assert still_initialising(error) is initialising
    assert sim_busy(error) is busy
