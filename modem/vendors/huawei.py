"""Huawei dongles (E173, E1550, E3131, MU509, ...): their own URCs, ICCID command and USSD.

Sources: "HUAWEI UMTS Datacard/Modem AT Command Interface Specification" V2.3 (^CURC, ^RSSI,
^HCSQ, ^MODE, ^BOOT, ^ICCID, +CUSD with packed GSM 7-bit strings); ModemManager's huawei plugin
(the need for AT^CURC=0, ^RSSI and ^MODE handling); captured lines in tests/captures/huawei-e173.txt
and tests/unit/test_at_parsers.py. Simulator profile: ``modem.sim.profiles.huawei``.

- Left alone, Huawei firmware prints ``^RSSI``, ``^BOOT``, ``^DSFLOWRPT`` every few seconds:
  AT^CURC=0 turns that noise off once the modem is identified.
- The ICCID: ``AT^ICCID?`` first (it prints the raw, nibble-swapped form; ``parse_iccid`` reads it).
- USSD: AT+CUSD takes (and answers) the request as packed GSM 7-bit septets in hex.
- ``^RSSI`` is a signal change on the +CSQ scale.
"""

from __future__ import annotations

from modem.at import Signal, Urc, signal_bars
from modem.at.fields import Field, payload, split_fields, to_int, to_optional_int
from modem.errors import RemoteProtocolError
from modem.events import ModemEvent, SignalChanged

from .vendor import ICCID_COMMANDS, Vendor


def parse_huawei_rssi(line: str) -> Signal:
    """Huawei's ``^RSSI:<rssi>`` URC, on the +CSQ scale."""
    rssi = to_int(Field(payload(line, ("^RSSI",), "^RSSI")), "^RSSI", line)
    if rssi == 99:
        return Signal(None, None, None, 0)
    if rssi > 31:
        raise RemoteProtocolError(f"^RSSI: rssi {rssi} out of range in {line!r}")
    dbm = -113 + 2 * rssi
    return Signal(rssi, None, dbm, signal_bars(dbm))


def parse_huawei_hcsq(line: str) -> Signal:
    """Huawei's ``^HCSQ: "<sysmode>",<rssi>,...``; rssi 0..96 is below -120 .. -25 dBm.

    The value is the upper bound of a 1 dB step (1 means -120 <= rssi < -119), read here as
    value - 121 dBm. ``+CSQ`` fields stay None: this is not that scale.
    """
    fields = split_fields(payload(line, ("^HCSQ",), "AT^HCSQ?"), "AT^HCSQ?")
    if fields[0].text.upper() == "NOSERVICE" or len(fields) < 2:
        return Signal(None, None, None, 0)
    value = to_int(fields[1], "AT^HCSQ?", line)
    if value == 255:
        return Signal(None, None, None, 0)
    if value > 96:
        raise RemoteProtocolError(f"AT^HCSQ?: rssi {value} out of range in {line!r}")
    dbm = value - 121
    return Signal(None, None, dbm, signal_bars(dbm))


def parse_huawei_boot(line: str) -> tuple[int, ...]:
    """``^BOOT:20952548,0,0,0,72``: Huawei's periodic keep-alive; its numbers, as printed."""
    fields = split_fields(payload(line, ("^BOOT",), "^BOOT"), "^BOOT")
    return tuple(to_int(field, "^BOOT", line) for field in fields)


def parse_huawei_mode(line: str) -> tuple[int, int | None]:
    """``^MODE:<sysmode>[,<submode>]`` (5,4 is WCDMA with HSDPA); submode None when absent."""
    fields = split_fields(payload(line, ("^MODE",), "^MODE"), "^MODE")
    sysmode = to_int(fields[0], "^MODE", line)
    return sysmode, to_optional_int(fields[1]) if len(fields) > 1 else None


def _signal_changed(urc: Urc) -> ModemEvent:
    return SignalChanged(parse_huawei_rssi(urc.line))


VENDOR = Vendor(
    name="huawei",
    manufacturers=("huawei",),
    after_identify=("AT^CURC=0",),
    iccid_commands=(("AT^ICCID?", "^ICCID:"), *ICCID_COMMANDS),
    ussd_style="gsm7-hex",
    urc_events={"^RSSI": _signal_changed},
)
