"""Quectel EC25 (LTE Cat 4 module on USB, Qualcomm chipset), as its firmware answers.

Sources:
- "EC25&EC21 AT Commands Manual" V1.3 (AT+QCCID, AT+CPMS with its example
  '+CPMS: "ME",0,255,...' and '"SM",0,50', AT+CMGS where ESC cancels and is answered OK, AT+CNMA).
- Captures: ATI "Quectel / EC25 / Revision: EC25EFAR06A06M4G", AT+CNMI=? "+CNMI: (0-2),(0-3),
  (0,2),(0-2),(0,1)" (Gammu's test suite and several Quectel drivers), boot URCs "RDY",
  "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"; an EC25 IMEI gives
  the TAC 86675804.
Qualcomm firmware numbers slots from 0 and refuses AT+CMGR on an empty slot with +CMS ERROR: 321;
on AT+CFUN=1,1 the USB device leaves the bus and comes back (ModemManager's quectel plugin waits
for the re-enumeration). Registration reports carry <AcT> 7 (E-UTRAN) and +CEREG exists.
Not measured here, so chosen: the default of AT+CMEE (1, as the manual lists), SR capacity,
timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage, TimedUrc

PROFILE = Profile(
    name="quectel-ec25",
    manufacturer="Quectel",  # captured ATI
    model="EC25",  # captured ATI
    revision="EC25EFAR06A06M4G",  # captured ATI
    ati=("Quectel", "EC25", "Revision: EC25EFAR06A06M4G"),
    gcap="+CGSM",
    tac="86675804",  # an EC25 IMEI
    iccid_style="qccid",  # AT+QCCID (EC25 manual V1.3)
    cnmi_test="(0-2),(0-3),(0,2),(0-2),(0,1)",  # captured AT+CNMI=? (Gammu's test suite)
    cnmi_default=(2, 1, 0, 0, 0),
    # manual V1.3's +CPMS example (SR: chosen)
    storages=(Storage("SM", 50), Storage("ME", 255), Storage("SR", 50)),
    storage_names=("SM", "ME", "MT", "SR"),
    storage_aliases={"MT": "ME"},
    cpms_default=("ME", "ME", "ME"),
    first_index=0,  # Qualcomm firmware
    cmgr_empty="error",
    boot_urcs=(TimedUrc(10.5, "RDY"), TimedUrc(11.0, "+CFUN: 1")),  # captured boot URCs
    announces_cpin=True,  # captured boot URCs
    cpin_absent_urc=None,
    ready_urcs=(  # captured boot URCs
        TimedUrc(0.5, "+QUSIM: 1"),
        TimedUrc(3.0, "+QIND: SMS DONE"),
        TimedUrc(5.0, "+QIND: PB DONE"),
    ),
    sim_init_time=11.5,
    responsive_after=10.0,
    registration_time=3.0,
    cfun_reset_reenumerates=True,  # ModemManager's quectel plugin
    reenumeration_time=10.0,
    send_delay=3.0,
    ussd_style="text",
    ussd_delay=2.0,
    cmee_default=1,  # the manual's default
    charset_default="GSM",
    signal_default=24,
    creg_act=7,  # E-UTRAN
    cops_act=7,
    has_cereg=True,  # ModemManager +CEREG vectors
    cfun_test="(0,1,4),(0-1)",
)

PROFILES = (PROFILE,)
