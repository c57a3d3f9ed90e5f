"""Huawei E173 (HSPA USB dongle, Qualcomm chipset), as its firmware answers.

Sources:
- "HUAWEI UMTS Datacard/Modem AT Command Interface Specification" V2.3 (^CURC, ^RSSI, ^MODE,
  ^BOOT, ^ICCID, +CUSD with packed GSM-7 strings).
- ATI of a real E173 quoted on a 2011 forum thread and in the warthog618/modem README:
  "Manufacturer: huawei / Model: E173 / Revision: 11.126.83.00.00 / IMEI: ... /
  +GCAP: +CGSM,+DS,+ES"; its IMEI gives the TAC 35221504.
- python-gsmmodem's fake Huawei modems (captured replies): +CPMS test
  ("ME","MT","SM","SR") x 3, +CGMI "huawei".
- Captured noise lines "^RSSI:99" and "^BOOT:20952548,0,0,0,72" (no space after the colon);
  chan_dongle's parser for "^SMMEMFULL:" when the storage fills.
- ModemManager's huawei plugin (^MODE and ^RSSI handling, the need for AT^CURC=0).
Qualcomm firmware numbers SMS slots from 0 and answers AT+CMGR on an empty slot with
+CMS ERROR: 321. Echo is on at start (V.250 default; E173 users see their commands echoed).
Not measured here, so chosen: storage capacities, the periods of ^RSSI and ^BOOT, timings.
"""

from __future__ import annotations

from modem.sim.profile import PeriodicUrc, Profile, Storage

PROFILE = Profile(
    name="huawei-e173",
    manufacturer="huawei",
    model="E173",
    revision="11.126.83.00.00",
    ati=(
        "Manufacturer: huawei",
        "Model: E173",
        "Revision: 11.126.83.00.00",
        "IMEI: {imei}",
        "+GCAP: +CGSM,+DS,+ES",
    ),
    gcap="+CGSM,+DS,+ES",
    tac="35221504",
    iccid_style="huawei",
    cnmi_test="(0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)",
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 100), Storage("SR", 20)),
    storage_names=("ME", "MT", "SM", "SR"),
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=6.0,
    responsive_after=5.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,
    reenumeration_time=8.0,
    send_delay=4.0,
    ussd_style="gsm7-hex",
    ussd_delay=3.0,
    charsets=("IRA", "GSM", "UCS2"),
    signal_default=17,
    cops_act=2,
    cfun_test="(0,1,4,5,6,7,8),(0-1)",
    periodic_urcs=(PeriodicUrc(10.0, "^RSSI:{rssi}"), PeriodicUrc(20.0, "^BOOT:{boot},0,0,0,72")),
    mode_urc="^MODE:{mode},{submode}",
    system_mode=(5, 4),
    storage_full_urc='^SMMEMFULL: "{mem}"',
    has_curc=True,
)
