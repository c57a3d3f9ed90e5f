"""Parsers for signal, registration and operator: +CSQ, +CREG/+CGREG/+CEREG/+C5GREG, +COPS.

3GPP TS 27.007 §7.2, §7.3 and §8.5, as real modems print them; the vendors' own signal codes
(Huawei's ``^RSSI``, ``^HCSQ``) are in ``modem.vendors``, on the ``Signal`` scale defined here.
"""

from __future__ import annotations

from dataclasses import dataclass

from modem.at.fields import Field, payload, split_fields, to_int, to_optional_int
from modem.at.unsolicited import line_name
from modem.errors import RemoteProtocolError

# --- signal -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    """Received signal: the raw ``+CSQ`` values, the level in dBm, and 0–5 bars for people."""

    rssi: int | None
    ber: int | None
    dbm: int | None
    bars: int


# Bars are counted from these floors (dBm): 1 bar from -111, 2 from -105, 3 from -97, 4 from
# -89, 5 from -79. Why: 3GPP TS 45.005 §6.2 puts a GSM handset's reference sensitivity at
# -102 dBm, so 3 bars (>= -97) means comfortably above it and SMS go through; 2 bars is at
# the edge, where sends start to fail; 1 bar is below it (modems beat the spec by a few dB, so
# it may still work). 0 bars means no usable signal: unknown, or what +CSQ calls "-113 dBm or
# less". The 2/3/4 floors sit where Android puts its GSM levels (ASU 5/8/12 = -103/-97/-89).
BAR_FLOORS_DBM = (-111, -105, -97, -89, -79)


def signal_bars(dbm: int | None) -> int:
    """0–5 bars for a level in dBm (see BAR_FLOORS_DBM); 0 when unknown."""
    if dbm is None:
        return 0
    return sum(dbm >= floor for floor in BAR_FLOORS_DBM)


def parse_csq(line: str) -> Signal:
    """``+CSQ: <rssi>,<ber>`` (TS 27.007 §8.5), also SIMCom's ``+CSQN:`` URC.

    rssi 0..31 is -113 + 2*rssi dBm, 99 unknown; 100..191 is TD-SCDMA's -116..-25 dBm.
    """
    fields = split_fields(payload(line, ("+CSQ", "+CSQN"), "AT+CSQ"), "AT+CSQ")
    if len(fields) != 2:
        raise RemoteProtocolError(f"AT+CSQ: expected <rssi>,<ber> in {line!r}")
    rssi = to_int(fields[0], "AT+CSQ", line)
    ber = to_int(fields[1], "AT+CSQ", line)
    if rssi in (99, 199):
        dbm = None
    elif rssi <= 31:
        dbm = -113 + 2 * rssi
    elif 100 <= rssi <= 191:
        dbm = rssi - 216
    else:
        raise RemoteProtocolError(f"AT+CSQ: rssi {rssi} out of range in {line!r}")
    return Signal(None if dbm is None else rssi, ber if ber <= 7 else None, dbm, signal_bars(dbm))


# --- network ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """``+CREG``/``+CGREG``/``+CEREG``: where the modem stands with the network."""

    stat: int
    status: str
    lac: str | None
    ci: str | None
    act: int | None
    registered: bool
    roaming: bool


# TS 27.007 §7.2 <stat>. 6–7 are LTE "SMS only" registrations: registered, as far as SMS go.
REGISTRATION_STATUS = {
    0: "not-registered",
    1: "home",
    2: "searching",
    3: "denied",
    4: "unknown",
    5: "roaming",
    6: "home-sms-only",
    7: "roaming-sms-only",
    8: "emergency-only",
    9: "home-csfb-not-preferred",
    10: "roaming-csfb-not-preferred",
    11: "rlos-only",
}
_REGISTERED = frozenset({1, 5, 6, 7, 9, 10})
_ROAMING = frozenset({5, 7, 10})
_REGISTRATION_NAMES = ("+CREG", "+CGREG", "+CEREG", "+C5GREG")


def parse_creg(line: str, solicited: bool) -> Registration:
    """``+CREG: <n>,<stat>[,<lac>,<ci>[,<act>]]`` (an answer to ``AT+CREG?``) or, unsolicited,
    ``+CREG: <stat>[,<lac>,<ci>[,<act>]]``; the same for +CGREG, +CEREG (tac for lac), +C5GREG.

    Some modems put <n> in their unsolicited lines too (Alcatel X220D ``+CGREG: 2,1, 81ED,
    1A9CEB``, Altair ``+CEREG: 1, 2, 0001, 00000100, 7``): an unsolicited line of four fields or
    more whose second field is a short unquoted number is read as carrying <n>, since a LAC is
    four hex digits (or quoted).
    """
    name = line_name(line).upper()
    command = f"AT{name}?" if name in _REGISTRATION_NAMES else "AT+CREG?"
    fields = split_fields(payload(line, _REGISTRATION_NAMES, command), command)
    if (solicited and len(fields) >= 2) or (not solicited and _carries_mode(fields)):
        to_int(fields[0], command, line)  # <n>: checked, not kept
        fields = fields[1:]
    stat = to_int(fields[0], command, line)
    return Registration(
        stat=stat,
        status=REGISTRATION_STATUS.get(stat, "unknown"),
        lac=_hex_field(fields[1]) if len(fields) > 1 else None,
        ci=_hex_field(fields[2]) if len(fields) > 2 else None,
        act=to_optional_int(fields[3]) if len(fields) > 3 else None,
        registered=stat in _REGISTERED,
        roaming=stat in _ROAMING,
    )


def _carries_mode(fields: list[Field]) -> bool:
    if len(fields) < 4:
        return False
    second = fields[1]
    return (
        not second.quoted
        and second.text.isascii()
        and second.text.isdigit()
        and (len(second.text) <= 3)
    )


def _hex_field(field: Field) -> str | None:
    text = "".join(field.text.split()).upper()
    return text or None


@dataclass(frozen=True)
class Operator:
    """``+COPS?``: selection mode, name format (0 long, 1 short, 2 numeric), name, access tech."""

    mode: int
    format: int | None
    name: str | None
    act: int | None


def parse_cops(line: str) -> Operator:
    """``+COPS: <mode>[,<format>,<oper>[,<AcT>]]`` (TS 27.007 §7.3)."""
    fields = split_fields(payload(line, ("+COPS",), "AT+COPS?"), "AT+COPS?")
    mode = to_int(fields[0], "AT+COPS?", line)
    if len(fields) < 3:
        return Operator(mode, None, None, None)
    return Operator(
        mode=mode,
        format=to_optional_int(fields[1]),
        name=fields[2].text or None,
        act=to_optional_int(fields[3]) if len(fields) > 3 else None,
    )
