"""ZTE K3565-Z (Vodafone-branded HSPA USB stick, Qualcomm chipset), as its firmware answers.

Sources:
- python-gsmmodem-new test/fakemodems.py, class ZteK3565Z ("ZTE K3565-Z (Vodafone branded)"):
  AT+CGMI "ZTE INCORPORATED", AT+CGMM "K3565-Z", AT+CGMR "BD_P673A2V1.0.0B09", AT+CPMS=?
  ("ME","MT","SM","SR") x 3, AT+CSMP wiping the SMS centre address (its issue #8), and
  "+CFUN: (0-1,4-7),(0-1)" listed as the answer to AT+CFUN? (the ranges, not the level).
- ModemManager plugins/zte/mm-common-zte.c: +ZUSIMR, +ZDONR, +ZPASR arrive unsolicited at any
  time, a send included; a ZTE stick's stream of '+ZDONR: "Orange",234,33,"CS_PS","ROAM_OFF"'
  and '+ZPASR: "UMTS"' in a NetworkManager nm-modem-probe report (tests/captures/zte-k3565z.txt).
- Slots from 0: ModemManager test-modem-helpers.c test_cmgl_response_generic ("+CMGL: 0,1,,147"),
  Qualcomm firmware as on the Huawei E173.
No ICCID command of its own is known: 3GPP's AT+CRSM. Not measured here, so chosen: the +CNMI
ranges (27.005's), capacities, timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage
from modem.sim.quirks import Quirks

ZTE_NOISE = ('+ZDONR: "Orange",234,33,"CS_PS","ROAM_OFF"', '+ZPASR: "UMTS"')  # nm-modem-probe

K3565Z = Profile(
    name="zte-k3565z",
    manufacturer="ZTE INCORPORATED",  # ZteK3565Z fake
    model="K3565-Z",  # ZteK3565Z fake
    revision="BD_P673A2V1.0.0B09",  # ZteK3565Z fake
    ati=("ZTE INCORPORATED", "K3565-Z", "BD_P673A2V1.0.0B09"),  # chosen: the three above
    gcap="+CGSM,+DS",  # chosen
    tac="00101003",  # test range (TS 23.003): no K3565-Z IMEI was published
    iccid_style="crsm",
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",  # chosen: TS 27.005's ranges
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 100), Storage("SR", 20)),  # chosen
    storage_names=("ME", "MT", "SM", "SR"),  # ZteK3565Z fake
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,  # ModemManager test_cmgl_response_generic
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
    cfun_test="(0-1,4-7),(0-1)",  # ZteK3565Z fake
    quirks=Quirks(
        cfun_read_prints_ranges=True,  # ZteK3565Z fake
        csmp_clears_smsc=True,  # python-gsmmodem issue #8
        send_urcs=ZTE_NOISE,  # ModemManager zte plugin; nm-modem-probe report
    ),
)

PROFILES = (K3565Z,)
