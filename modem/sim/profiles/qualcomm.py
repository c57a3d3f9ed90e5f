"""A Qualcomm-made stick that says so: "QUALCOMM INCORPORATED" / "M6280" (a ZTE-built HSPA stick
on Qualcomm's MSM6280 reference firmware), as its firmware answers.

Sources:
- python-gsmmodem-new test/fakemodems.py, class QualcommM6280 ("Qualcomm/ZTE modem information
  provided by davidphiliplee on github"): AT+CGMI "QUALCOMM INCORPORATED", AT+CGMM "M6280",
  AT+CGMR "M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]", AT+CPMS=? ("ME","MT","SM","SR")
  x 3, AT+CLAC refused, "+CME ERROR: 14" (SIM busy) to AT+CSCA? for a while after start (its
  issue #10), AT+CSMP wiping the SMS centre address (its issue #8), and incoming calls as
  "+CRING: VOICE" then '+CLIP: "<number>",145,,,,0'.
No ICCID command of its own is known: 3GPP's AT+CRSM. Qualcomm firmware numbers slots from 0
(as on the Huawei E173 and the ZTE sticks). Not measured here, so chosen: the +CNMI ranges
(27.005's), how long the SIM stays busy, capacities, timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage
from modem.sim.quirks import Quirks

M6280 = Profile(
    name="qualcomm-m6280",
    manufacturer="QUALCOMM INCORPORATED",  # QualcommM6280 fake
    model="M6280",  # QualcommM6280 fake
    revision="M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]",  # QualcommM6280 fake
    ati=("QUALCOMM INCORPORATED", "M6280", "M6280_V1.0.0"),  # chosen: its identity
    gcap="+CGSM,+DS",  # chosen
    tac="00101004",  # test range (TS 23.003): the fake's IMEI is a placeholder
    iccid_style="crsm",
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",  # chosen: TS 27.005's ranges
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 100), Storage("SR", 20)),  # chosen
    storage_names=("ME", "MT", "SM", "SR"),  # QualcommM6280 fake
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,  # Qualcomm firmware
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=5.0,
    responsive_after=4.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,  # a USB stick
    reenumeration_time=8.0,
    send_delay=4.0,
    ussd_style="text",
    ussd_delay=3.0,
    quirks=Quirks(
        sim_busy_after_ready=3.0,  # issue #10 (how long: chosen)
        csmp_clears_smsc=True,  # issue #8
    ),
)

PROFILES = (M6280,)
