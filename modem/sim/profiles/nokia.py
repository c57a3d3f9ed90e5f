"""A Nokia S60 phone used as a modem (the N79), as it answers on its AT port.

Sources:
- python-gsmmodem-new test/fakemodems.py, class NokiaN79 ("Nokia Symbian S60-based modem
  (details taken from a Nokia N79)"; "SMS reading is not supported on these devices via AT
  commands; thus commands like AT+CNMI are not supported"): AT+CGMI "Nokia", AT+CGMM "Nokia N79",
  AT+CGMR in five lines ("V ICPR72_08w44.1", "24-11-08", "RM-348", "(c) Nokia", "11.049"),
  AT+GCAP "+GCAP: +CGSM,+DS,+W", AT+CNMI=? and AT+CNMI=2,1,0,2 refused with ERROR, AT+CPMS=?
  answered "+CPMS: (),(),()", AT+CPMS="SM","SM" refused, AT+CSMP? "+CSMP: 49,167,0,0".
- python-gsmmodem issue #15 (a Nokia N95, the same S60 family: "+CPMS: (),(),()",
  "at+cnmi=2,1,0,2 / ERROR"); ModemManager test_cpms_response_nokia_c6 (a Nokia C6: the same
  empty "+CPMS: (),(),()"); pygsm issue #5 (a Nokia N900: AT+CNMI and AT+CMGL refused, sending
  works). Tests: tests/captures/nokia-n79.txt.
Sending works; receiving and status reports do not reach the AT port at all. Not measured here,
so chosen: ATI, no AT+CRSM (so the SIM is known by its IMSI), timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile
from modem.sim.quirks import Quirks

N79 = Profile(
    name="nokia-n79",
    manufacturer="Nokia",  # NokiaN79 fake
    model="Nokia N79",  # NokiaN79 fake
    revision=("V ICPR72_08w44.1", "24-11-08", "RM-348", "(c) Nokia", "11.049"),  # the fake
    ati=("Nokia", "Nokia N79"),  # chosen: its identification
    gcap="+CGSM,+DS,+W",  # NokiaN79 fake
    tac="00101006",  # test range (TS 23.003): the fake's IMEI is a placeholder
    iccid_style="crsm",
    cnmi_test="",  # refused anyway (quirks.sms_access)
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(),  # "+CPMS: (),(),()"
    storage_names=(),
    storage_aliases={},
    cpms_default=("", "", ""),
    first_index=1,
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=1.0,  # a phone that is on already
    responsive_after=0.5,
    registration_time=2.0,
    cfun_reset_reenumerates=False,
    reenumeration_time=0.0,
    send_delay=4.0,
    ussd_style="text",
    ussd_delay=3.0,
    quirks=Quirks(
        sms_access=False,  # AT+CNMI, AT+CPMS, AT+CMGL refused (the fake, issue #15, pygsm #5)
        crsm=False,  # chosen: no way to the ICCID, so the IMSI names the SIM
    ),
)

PROFILES = (N79,)
