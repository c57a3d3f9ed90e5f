"""Where real devices depart from 3GPP TS 27.005/27.007: one switch per behaviour, each cited.

A ``Profile`` carries a ``Quirks`` (all off by default: a plain 3GPP modem). Each switch makes the
simulator do what a real device was seen doing, nothing more; the source of each is given next to
it, so that a switch is never turned on for a device nobody saw behave so. The driver's side of
the same behaviours is in ``modem.at.settling`` (answers without OK), ``modem.device`` (radio,
send-only, SIM busy, storages, SMSC, ICCID) and ``modem.vendors`` (vendor URCs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quirks:
    """What one device does differently; the defaults are the standard behaviour."""

    # +CFUN at power-on: 0 (minimum) or 4 (radio off) leaves registration at "+CREG: 0,0" until
    # AT+CFUN=1. The D-Link DWM-157 C1 "always starts with AT+CFUN? +CFUN: 4; it has to be set to
    # AT+CFUN=1" (gammu issue #395); u-blox SARA-R4 keeps AT+CFUN=4 across power cycles (ubxlib
    # issue #158); python-gsmmodem's test_cfun0 starts every fake modem at +CFUN: 0.
    radio_at_start: int = 1

    # Commands answered with their information line and no final result code, as "+NAME?" for a
    # read and "+NAME" for an action. Old Wavecom firmware: "+CPIN: READY" with no OK
    # (python-gsmmodem test/fakemodems.py WavecomMultiband900E1800, "+CPIN replies are not ended
    # with OK", submitted by a user of one).
    no_final_after: tuple[str, ...] = ()

    # False: a phone used as a modem that sends but refuses every AT+CNMI and AT+CPMS and cannot
    # list or read stored messages: Nokia S60 phones (python-gsmmodem issue #15 and its NokiaN79
    # fake: "+CPMS: (),(),()", AT+CNMI=2,1,0,2 ERROR), the Nokia N900 (pygsm issue #5:
    # AT+CNMI and AT+CMGL answer ERROR, sending works).
    sms_access: bool = True

    # The +CME ERROR code AT+CPIN? answers while the SIM is still being read after power-on: 14
    # ("SIM busy", TS 27.007 §9.2.1) by default. Wavecom: 515, "Please wait, init in progress"
    # ("Between the hardware SIM detect pin indicating 'present' and the final results, the
    # AT+CPIN? sends '+CME ERROR: 515'", Wavecom AT Commands Interface Guide WM_DEV_OAT_UGD_049
    # §2.5; the same words in Multi-Tech's MTSMC-G AT manual S000293I ch. 3, a Wavecom inside).
    sim_reading_cme: int = 14

    # Seconds after the SIM is read (+CPIN: READY) during which the commands that read it
    # (AT+CSCA?, AT+CIMI, the ICCID, AT+CPMS) still answer +CME ERROR: 14 / +CMS ERROR: 314,
    # "SIM busy": python-gsmmodem issue #10 and its QualcommM6280 fake (a ZTE stick; AT+CSCA?
    # answers "SIM busy" for a while after start).
    sim_busy_after_ready: float = 0.0

    # Unsolicited lines the device emits between AT+CMGS=<n> and the "> " prompt, and again
    # between the PDU and +CMGS: ZTE sticks report +ZDONR/+ZPASR/+ZUSIMR at any time
    # (ModemManager plugins/zte/mm-common-zte.c ignores them on every port; a ZTE stick's
    # stream of them in a NetworkManager nm-modem-probe report).
    send_urcs: tuple[str, ...] = ()

    # How many memories AT+CPMS takes; more are refused with ERROR. Wavecom: AT+CPMS=? answers
    # '+CPMS: (("SM","BM","SR"),("SM"))', AT+CPMS="SM","SM","SR" ERROR and AT+CPMS="SM","SM"
    # '+CPMS: 14,50,14,50' (python-gsmmodem WavecomMultiband900E1800).
    cpms_memories: int = 3

    # AT+CSMP (text-mode parameters) also clears the SMS centre address stored on the SIM:
    # python-gsmmodem issue #8, and its QualcommM6280 and ZteK3565Z fakes ("Clear the SMSC
    # number (this behaviour was reported in issue #8)").
    csmp_clears_smsc: bool = False

    # False: AT+CRSM is refused (ERROR), so a profile without its own ICCID command has no way to
    # the ICCID at all. TS 27.007 §8.18 makes +CRSM optional; the Nokia N79 fake answers the
    # commands it lacks with ERROR.
    crsm: bool = True

    # Identification replies (AT+CGMI, AT+CGMM, AT+CGMR and their +G forms) printed with a
    # leading space: Wavecom's " WAVECOM MODEM" and " MULTIBAND  900E  1800"
    # (python-gsmmodem WavecomMultiband900E1800).
    leading_space: bool = False

    # AT+CFUN? answered with the ranges of AT+CFUN=? ("+CFUN: (0-1,4-7),(0-1)"), so the level
    # cannot be read: python-gsmmodem's ZteK3565Z fake lists that reply for AT+CFUN? (a user's
    # transcription: the fake's base class answers AT+CFUN? itself, so its tests never replay
    # it). modem.device.radio already leaves such a modem's radio as it is.
    cfun_read_prints_ranges: bool = False

    # AT+CNUM answered ERROR instead of OK alone when the SIM stores no number of its own: the
    # Huawei E3531s-2 ("returns an AT+CNUM error instead of an empty result",
    # wdoekes/asterisk-chan-dongle PR #80).
    cnum_error: bool = False

    def omits_final(self, name: str, kind: str) -> bool:
        """Whether a successful ``name`` (``+CPIN``) of ``kind`` (``read``) gets no final OK."""
        suffix = {"read": "?", "action": ""}.get(kind)
        return suffix is not None and f"{name}{suffix}" in self.no_final_after
