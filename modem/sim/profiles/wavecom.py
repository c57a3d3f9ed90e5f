"""Wavecom's old serial modems ("WAVECOM MODEM", "MULTIBAND  900E  1800"), as they answer.

Source: python-gsmmodem-new test/fakemodems.py, class WavecomMultiband900E1800 ("Family of old
Wavecom serial modems"; "+CPIN replies are not ended with OK", submitted by a user of one):
- AT+CGMI ' WAVECOM MODEM' and AT+CGMM ' MULTIBAND  900E  1800', each with a leading space;
  AT+CGMR answered ERROR;
- AT+CPIN? answered '+CPIN: READY' (or '+CPIN: SIM PIN') and no final result at all;
- AT+CPMS=? answered '+CPMS: (("SM","BM","SR"),("SM"))': two memories, the second SM only;
  AT+CPMS="SM","SM","SR" refused with ERROR, AT+CPMS="SM","SM" answered '+CPMS: 14,50,14,50'
  (so the SIM holds 50);
- AT+CNMI=2,1,0,2 accepted (status reports stored, ds 2); AT+WIND? '+WIND: 0' (its own
  indications off, as left at start); incoming calls '+CRING: VOICE' then '+CLIP: "<number>",145'.
Source: Wavecom's AT Commands Interface Guide (WM_DEV_OAT_UGD_049 §2.5): between power-on and
the SIM read, AT+CPIN? answers '+CME ERROR: 515' ("Please wait, init in progress").
Tests: tests/captures/wavecom-multiband.txt. A serial modem: AT+CFUN=1,1 reboots it in place.
Not measured here, so chosen: ATI, the +CNMI ranges (27.005's), slots from 1, the SR capacity,
ICCID through 3GPP's AT+CRSM only, timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage
from modem.sim.quirks import Quirks

MULTIBAND = Profile(
    name="wavecom-multiband",
    manufacturer="WAVECOM MODEM",  # the fake (printed with a leading space: quirks)
    model="MULTIBAND  900E  1800",  # the fake, two spaces and all
    revision=None,  # AT+CGMR: ERROR (the fake)
    ati=("WAVECOM MODEM", "MULTIBAND  900E  1800"),  # chosen: its two identification lines
    gcap="+CGSM,+FCLASS",  # chosen
    tac="00101005",  # test range (TS 23.003): the fake's IMEI is a placeholder
    iccid_style="crsm",
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",  # chosen: TS 27.005's ranges (2,1,0,2 fits)
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 50), Storage("SR", 20)),  # SM: "+CPMS: 14,50,..."; SR: chosen
    storage_names=("SM", "BM", "SR"),  # the fake's AT+CPMS=?
    storage_aliases={},
    cpms_default=("SM", "SM", "SM"),
    cpms_lists=(("SM", "BM", "SR"), ("SM",)),  # the fake's AT+CPMS=?
    cpms_test='(("SM","BM","SR"),("SM"))',  # the fake's AT+CPMS=?, verbatim
    first_index=1,  # chosen
    cmgr_empty="error",
    boot_urcs=(),  # +WIND indications are off at start (+WIND: 0)
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=2.0,
    responsive_after=1.0,
    registration_time=5.0,
    cfun_reset_reenumerates=False,  # a serial modem
    reenumeration_time=0.0,
    send_delay=5.0,
    ussd_style="text",
    ussd_delay=4.0,
    quirks=Quirks(
        no_final_after=("+CPIN?",),  # "+CPIN replies are not ended with OK"
        leading_space=True,  # ' WAVECOM MODEM'
        cpms_memories=2,  # AT+CPMS="SM","SM","SR" refused, "SM","SM" taken
        sim_reading_cme=515,  # the AT manual: "Please wait, init in progress"
    ),
)

PROFILES = (MULTIBAND,)
