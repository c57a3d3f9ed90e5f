"""SIMCom: the SIM800 (GSM/GPRS module on a UART) and the SIM7600G-H (LTE module on USB).

SIM800 sources:
- "SIM800 Series AT Command Manual" V1.09 (§4.2.8 AT+CNMI, +CPMS, +CCID, boot URCs).
- Captures in public repositories: ATI "SIM800 R14.18", AT+CGMI "SIMCOM_Ltd", AT+CGMM
  "SIMCOM_SIM800L", AT+CGMR "Revision:1418B05SIM800L24", AT+CSQ "+CSQ: 14,0" (the SIM800
  reports BER 0), a boot log "RDY / +CFUN: 1 / +CPIN: READY / Call Ready / SMS Ready", AT+CNMI=?
  "+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)", AT+CPMS=? ("SM","ME","SM_P","ME_P","MT") x 3, AT+CSCS=?
  ("IRA","GSM","UCS2","HEX","PCCP","PCDN","8859-1"), and "+CPIN: NOT INSERTED" at boot without a
  SIM. An IMEI of a SIM800L gives the TAC 86436903.
SIMCom numbers SMS slots from 1 and answers AT+CMGR on an empty slot with a bare OK. Its <ds> has
no 2: status reports come as +CDS or not at all. A UART module: AT+CFUN=1,1 reboots it in place.
Not measured here, so chosen: capacities (the SIM's own SM size varies by card), timings.

SIM7600G-H sources (``SIM7600``, below):
- ATI of a SIM7600G-H in a published setup guide (minicom on /dev/ttyUSB2): "Manufacturer:
  SIMCOM INCORPORATED / Model: SIMCOM_SIM7600G-H / Revision: SIM7600M22_V2.0 / IMEI:
  868822040061788 / +GCAP: +CGSM" (TAC 86882204). A SIM7600A-H test double's "observed
  replies" show "+CPIN: READY" then "SMS DONE" arriving unasked after power-up.
- "SIM7500_SIM7600 Series AT Command Manual" V1.07/V1.10: AT+CICCID (its ICCID command,
  answered "+ICCID: <ICCID>"; no AT+CCID in its list), AT+CGMR answered "+CGMR: <revision>",
  and AT+CMGR/AT+CMGL "<index> ... start with zero".
Not measured here, so chosen: the +CNMI ranges (27.005's), storages, timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage, TimedUrc

SIM800 = Profile(
    name="simcom-sim800",
    manufacturer="SIMCOM_Ltd",  # captured AT+CGMI
    model="SIMCOM_SIM800L",  # captured AT+CGMM
    revision="Revision:1418B05SIM800L24",  # captured AT+CGMR
    ati=("SIM800 R14.18",),  # captured ATI
    gcap="+CGSM",
    tac="86436903",  # a SIM800L IMEI
    iccid_style="ccid",  # AT+CCID (manual §6.2.23)
    cnmi_test="(0-3),(0-3),(0,2),(0,1),(0,1)",  # captured AT+CNMI=?
    cnmi_default=(2, 1, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 50)),
    storage_names=("SM", "ME", "SM_P", "ME_P", "MT"),  # captured AT+CPMS=?
    storage_aliases={"SM_P": "SM", "ME_P": "ME", "MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=1,  # SIMCom numbers slots from 1
    cmgr_empty="ok",  # a bare OK on an empty slot
    boot_urcs=(TimedUrc(2.0, "RDY"), TimedUrc(2.1, "+CFUN: 1")),  # the captured boot log
    announces_cpin=True,  # the captured boot log
    cpin_absent_urc="+CPIN: NOT INSERTED",  # captured without a SIM
    ready_urcs=(TimedUrc(3.0, "Call Ready"), TimedUrc(5.0, "SMS Ready")),  # the captured boot log
    sim_init_time=2.5,
    responsive_after=2.0,
    registration_time=5.0,
    cfun_reset_reenumerates=False,  # a UART module reboots in place
    reenumeration_time=0.0,
    send_delay=5.0,
    ussd_style="text",
    ussd_delay=4.0,
    charsets=("IRA", "GSM", "UCS2", "HEX", "PCCP", "PCDN", "8859-1"),  # captured AT+CSCS=?
    signal_default=14,
    ber=0,  # "+CSQ: 14,0": the SIM800 reports BER 0
)

SIM7600 = Profile(
    name="simcom-sim7600",
    manufacturer="SIMCOM INCORPORATED",  # ATI "Manufacturer:" (setup guide)
    model="SIMCOM_SIM7600G-H",  # ATI "Model:"
    revision="+CGMR: SIM7600M22_V2.0",  # ATI "Revision:", in the manual's +CGMR form
    ati=(
        "Manufacturer: SIMCOM INCORPORATED",
        "Model: SIMCOM_SIM7600G-H",
        "Revision: SIM7600M22_V2.0",
        "IMEI: {imei}",
        "+GCAP: +CGSM",
    ),
    gcap="+CGSM",  # ATI
    tac="86882204",  # the captured IMEI
    iccid_style="ciccid",  # AT+CICCID (manual §4.3)
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",  # chosen: TS 27.005's ranges
    cnmi_default=(2, 1, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 255), Storage("SR", 50)),  # chosen
    storage_names=("ME", "MT", "SM", "SR"),
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=0,  # the manual: "<index> ... start with zero"
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=True,  # "+CPIN: READY" unasked (SIM7600A-H capture)
    cpin_absent_urc=None,
    ready_urcs=(TimedUrc(2.0, "SMS DONE"),),  # the same capture
    sim_init_time=8.0,
    responsive_after=7.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,  # a USB module
    reenumeration_time=10.0,
    send_delay=3.0,
    ussd_style="text",
    ussd_delay=3.0,
    signal_default=22,
    creg_act=7,  # an LTE module (TS 27.007 §7.2)
    cops_act=7,
    has_cereg=True,
)

PROFILE = SIM800
PROFILES = (SIM800, SIM7600)
