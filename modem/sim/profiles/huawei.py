"""Huawei, two firmware generations: the E173 (HSPA USB dongle, Qualcomm chipset, firmware 11.126)
and the ME909s-120 (LTE module, HiSilicon Balong, firmware 11.617), as each answers.

E173 sources:
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

ME909s-120 sources (``ME909S``, below):
- ATI of real ME909s-120s: "Manufacturer: Huawei Technologies Co., Ltd. / Model: ME909s-120 /
  Revision: 11.617.15.00.00 / IMEI: ... / +GCAP: +CGSM,+DS,+ES" (mobile_modem_exporter's test
  suite and the PipeSerial README, both pasted from a device); its IMEI gives the TAC 86417204.
  RouterOS's "/interface lte info" of a ME909u shows the same manufacturer string for AT+CGMI.
- Its noise, from a ME909s-120 user's notes (a Go SMS tool): '^HCSQ: "LTE",35,29,21,26' and
  "^RSSI: 13" (with a space, unlike the E173), both silenced by AT^CURC=0.
- "HUAWEI ME909s Series LTE Module AT Command Interface Specification" (^ICCID, ^CURC, ^HCSQ,
  +CEREG); ModemManager's huawei plugin asks every Huawei ^ICCID? and packs every Huawei's
  USSD string as GSM 7-bit hex (mm-broadband-modem-huawei.c, "USSD encode/decode").
Not measured here, so chosen: the +CNMI ranges (27.005's), storages, slots from 0 as on the
E173, the period of the noise, timings.
"""

from __future__ import annotations

from modem.sim.profile import PeriodicUrc, Profile, Storage

E173 = Profile(
    name="huawei-e173",
    manufacturer="huawei",  # ATI (Ubuntu Forums, 2011); python-gsmmodem's Huawei fakes
    model="E173",  # ATI
    revision="11.126.83.00.00",  # ATI
    ati=(
        "Manufacturer: huawei",
        "Model: E173",
        "Revision: 11.126.83.00.00",
        "IMEI: {imei}",
        "+GCAP: +CGSM,+DS,+ES",
    ),
    gcap="+CGSM,+DS,+ES",  # ATI
    tac="35221504",  # the captured IMEI 352215049114778
    iccid_style="huawei",  # ^ICCID (Huawei spec V2.3; ModemManager's huawei SIM class)
    # not traced to a Huawei capture: kept as first written
    cnmi_test="(0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)",
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 100), Storage("SR", 20)),  # chosen
    storage_names=("ME", "MT", "SM", "SR"),  # python-gsmmodem's Huawei fakes (AT+CPMS=?)
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,  # Qualcomm firmware numbers slots from 0
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=6.0,
    responsive_after=5.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,  # a USB stick
    reenumeration_time=8.0,
    send_delay=4.0,
    ussd_style="gsm7-hex",  # the E3131 USSD log; Huawei spec V2.3
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

ME909S = Profile(
    name="huawei-me909s",
    manufacturer="Huawei Technologies Co., Ltd.",  # ATI "Manufacturer:" line; RouterOS info
    model="ME909s-120",  # ATI, mobile_modem_exporter test
    revision="11.617.15.00.00",  # ATI, the same capture
    ati=(
        "Manufacturer: Huawei Technologies Co., Ltd.",
        "Model: ME909s-120",
        "Revision: 11.617.15.00.00",
        "IMEI: {imei}",
        "+GCAP: +CGSM,+DS,+ES",
    ),
    gcap="+CGSM,+DS,+ES",  # ATI
    tac="86417204",  # the captured IMEI 864172044791624
    iccid_style="huawei",  # AT^ICCID? (ME909s spec; ModemManager's huawei SIM class)
    cnmi_test="(0-2),(0-3),(0,2),(0-2),(0,1)",  # chosen: TS 27.005's ranges
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 50), Storage("ME", 100), Storage("SR", 20)),  # chosen
    storage_names=("ME", "MT", "SM", "SR"),  # as the E173 (python-gsmmodem's Huawei fakes)
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,  # chosen, as the E173
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=4.0,
    responsive_after=3.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,  # a USB module
    reenumeration_time=8.0,
    send_delay=3.0,
    ussd_style="gsm7-hex",  # ModemManager's huawei plugin, for every Huawei
    ussd_delay=3.0,
    charsets=("IRA", "GSM", "UCS2"),
    signal_default=13,  # "^RSSI: 13" in the capture
    creg_act=7,  # E-UTRAN (TS 27.007 §7.2): an LTE module
    cops_act=7,
    has_cereg=True,
    periodic_urcs=(
        PeriodicUrc(10.0, "^RSSI: {rssi}"),  # with its space, as captured
        PeriodicUrc(10.0, '^HCSQ: "LTE",35,29,21,26'),  # as captured
    ),
    has_curc=True,  # AT^CURC=0 silences them (the same notes)
)

PROFILE = E173
PROFILES = (E173, ME909S)
