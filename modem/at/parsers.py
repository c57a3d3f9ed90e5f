"""Pure parsers for the information responses and URCs the driver reads.

Each takes the line (or the lines of a ``Response``) as the modem printed them and returns a
value; a reply that does not parse raises RemoteProtocolError naming the command and the line,
never IndexError or ValueError. They are tested on lines captured from real devices
(tests/unit/test_at_parsers.py says where each comes from).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from modem.errors import RemoteProtocolError

from .events import Urc
from .fields import Field, payload, split_fields, to_int, to_optional_int
from .gsm7 import decode_septets, unpack_septets
from .unsolicited import line_name

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


# --- SIM ----------------------------------------------------------------------------------------

# TS 27.007 §8.3, plus the SIMCom/Quectel URC words for an absent or initialising SIM.
SIM_CODES = frozenset(
    {
        "READY", "SIM PIN", "SIM PUK", "PH-SIM PIN", "PH-FSIM PIN", "PH-FSIM PUK", "SIM PIN2",
        "SIM PUK2", "PH-NET PIN", "PH-NET PUK", "PH-NETSUB PIN", "PH-NETSUB PUK", "PH-SP PIN",
        "PH-SP PUK", "PH-CORP PIN", "PH-CORP PUK", "NOT INSERTED", "NOT READY",
    }
)  # fmt: skip


def parse_cpin(line: str) -> str:
    """``+CPIN: <code>``: the code, upper case, spaces normalised ("SIM PIN", "NOT INSERTED").

    Codes outside SIM_CODES are returned as printed (vendors invent more); an empty one is a
    protocol error.
    """
    code = " ".join(payload(line, ("+CPIN",), "AT+CPIN?").strip('"').split()).upper()
    if not code:
        raise RemoteProtocolError(f"AT+CPIN?: no code in {line!r}")
    return code


# --- identities ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_ICCID = re.compile(r"89[0-9A-F]{17,18}")


def _as_lines(lines: Sequence[str] | str) -> list[str]:
    return [lines] if isinstance(lines, str) else list(lines)


def _value(line: str, names: tuple[str, ...]) -> str:
    """The line's value: after one of ``names`` when it starts with it, unquoted, first field."""
    head, colon, rest = line.partition(":")
    if colon and head.strip().upper() in names:
        line = rest
    return line.strip().split(",")[0].strip().strip('"').strip()


def parse_imei(lines: Sequence[str] | str) -> str:
    """The 15-digit IMEI from ``AT+CGSN``/``AT+GSN`` (bare, ``+CGSN: "..."``, ``IMEI: ...``,
    or followed by a serial number as Option modems do: ``356936001568843,NL2A62Z0N5``)."""
    for line in _as_lines(lines):
        value = _value(line, ("+CGSN", "+GSN", "IMEI"))
        if len(value) == 15 and _DIGITS.fullmatch(value) and value.isascii():
            return value
    raise RemoteProtocolError(f"AT+CGSN: no 15-digit IMEI in {_as_lines(lines)!r}")


def parse_imsi(lines: Sequence[str] | str) -> str:
    """The IMSI from ``AT+CIMI`` (6–15 digits; bare or ``+CIMI: ...``)."""
    for line in _as_lines(lines):
        value = _value(line, ("+CIMI",))
        if 6 <= len(value) <= 15 and _DIGITS.fullmatch(value) and value.isascii():
            return value
    raise RemoteProtocolError(f"AT+CIMI: no IMSI in {_as_lines(lines)!r}")


_ICCID_NAMES = ("+CCID", "+ICCID", "^ICCID", "+QCCID", "+CICCID", "^SCID", "#CCID", "ICCID")


def parse_iccid(lines: Sequence[str] | str) -> str:
    """The ICCID as printed on the card (19–20 characters starting with 89).

    Accepts ``+CCID:``, ``+ICCID:``, ``^ICCID:``, ``+QCCID:``, bare digits, and ``+CRSM:
    144,0,"98..."`` (a read of EF_ICCID, 2FE2). The SIM stores the ICCID as BCD with the
    nibbles of each octet swapped; EF_ICCID reads and Huawei's ``^ICCID`` print that raw form.
    An ICCID always starts with 89 (ITU-T E.118, telecom industry), so a value starting with
    98 is read swapped, as ModemManager does. Trailing F padding is dropped. Some Chinese
    issuers use hex digits in the account part (``898602F9091830030220``): they are kept.
    """
    for line in _as_lines(lines):
        head, colon, rest = line.partition(":")
        name = head.strip().upper() if colon else ""
        if name == "+CRSM":
            value = _crsm_data(line, rest)
        elif name in _ICCID_NAMES or not colon:
            value = _value(line, _ICCID_NAMES)
        else:
            continue
        iccid = _normalise_iccid(value.upper())
        if iccid is not None:
            return iccid
    raise RemoteProtocolError(f"AT+CCID: no ICCID in {_as_lines(lines)!r}")


def _crsm_data(line: str, rest: str) -> str:
    fields = split_fields(rest, "AT+CRSM")
    if len(fields) < 3:
        raise RemoteProtocolError(f"AT+CRSM: expected <sw1>,<sw2>,<response> in {line!r}")
    sw1 = to_int(fields[0], "AT+CRSM", line)
    sw2 = to_int(fields[1], "AT+CRSM", line)
    if (sw1, sw2) != (144, 0):
        raise RemoteProtocolError(f"AT+CRSM: the SIM answered {sw1},{sw2} in {line!r}")
    return fields[2].text.strip()


def _normalise_iccid(value: str) -> str | None:
    if value.startswith("98"):
        if len(value) % 2:
            return None
        value = "".join(value[i + 1] + value[i] for i in range(0, len(value), 2))
    value = value.rstrip("F")
    return value if _ICCID.fullmatch(value) else None


def _identification(lines: Sequence[str] | str, names: tuple[str, ...], command: str) -> str:
    parts = []
    for line in _as_lines(lines):
        head, colon, rest = line.partition(":")
        if colon and head.strip().upper() in names:
            line = rest
        line = line.strip().strip('"').strip()
        if line:
            parts.append(line)
    if not parts:
        raise RemoteProtocolError(f"{command}: empty answer")
    return " ".join(parts)


def parse_cgmi(lines: Sequence[str] | str) -> str:
    """The manufacturer (``AT+CGMI``), lines joined by a space, ``+CGMI:`` tolerated."""
    return _identification(lines, ("+CGMI", "+GMI"), "AT+CGMI")


def parse_cgmm(lines: Sequence[str] | str) -> str:
    """The model (``AT+CGMM``), lines joined by a space, ``+CGMM:`` tolerated."""
    return _identification(lines, ("+CGMM", "+GMM"), "AT+CGMM")


def parse_cgmr(lines: Sequence[str] | str) -> str:
    """The firmware revision (``AT+CGMR``), lines joined by a space, ``+CGMR:`` tolerated."""
    return _identification(lines, ("+CGMR", "+GMR", "REVISION"), "AT+CGMR")


_ATI_KEYS = {
    "MANUFACTURER": "Manufacturer",
    "MODEL": "Model",
    "REVISION": "Revision",
    "IMEI": "IMEI",
}


def parse_ati(lines: Sequence[str] | str) -> dict[str, str]:
    """``ATI`` as Huawei, ZTE, Sierra print it (``Manufacturer: huawei``, ``Model: E1550``,
    ``Revision: ...``, ``IMEI: ...``): those four keys when present, others ignored."""
    found: dict[str, str] = {}
    for line in _as_lines(lines):
        head, colon, rest = line.partition(":")
        key = _ATI_KEYS.get(head.strip().upper()) if colon else None
        if key and key not in found and rest.strip():
            found[key] = rest.strip()
    return found


# --- SMS ----------------------------------------------------------------------------------------


def parse_csca(line: str) -> tuple[str, int | None]:
    """``+CSCA: "<sca>",<tosca>``: the SMS centre number and its type of address.

    Under ``AT+CSCS="UCS2"`` the number comes as UCS-2 hex (``"002B00330033..."``): decoded.
    """
    fields = split_fields(payload(line, ("+CSCA",), "AT+CSCA?"), "AT+CSCA?")
    number = fields[0].text.strip()
    decoded = _ucs2(number)
    if decoded is not None and re.fullmatch(r"\+?\d+", decoded):
        number = decoded
    return number, to_optional_int(fields[1]) if len(fields) > 1 else None


def parse_cmgs(line: str) -> int:
    """``+CMGS: <mr>[,<ackpdu>]``: the message reference the network gave the sent message."""
    fields = split_fields(payload(line, ("+CMGS",), "AT+CMGS"), "AT+CMGS")
    return to_int(fields[0], "AT+CMGS", line)


def _storage_index(line: str, name: str) -> tuple[str, int]:
    fields = split_fields(payload(line, (name,), name), name)
    if len(fields) < 2:
        raise RemoteProtocolError(f"{name}: expected <mem>,<index> in {line!r}")
    return fields[0].text.strip(), to_int(fields[1], name, line)


def parse_cmti(line: str) -> tuple[str, int]:
    """``+CMTI: "<mem>",<index>``: a message was stored there."""
    return _storage_index(line, "+CMTI")


def parse_cdsi(line: str) -> tuple[str, int]:
    """``+CDSI: "<mem>",<index>``: a status report was stored there."""
    return _storage_index(line, "+CDSI")


@dataclass(frozen=True)
class StoredPdu:
    """A message read from the modem's storage, in PDU mode (``index`` is None for +CMGR)."""

    index: int | None
    stat: int
    length: int
    pdu: str


def _checked_pdu(pdu: str, length: int, command: str) -> str:
    if not _HEX.fullmatch(pdu) or len(pdu) % 2:
        raise RemoteProtocolError(f"{command}: the PDU is not hex: {pdu[:80]!r}")
    if length > len(pdu) // 2:
        raise RemoteProtocolError(f"{command}: length {length} exceeds the PDU: {pdu[:80]!r}")
    return pdu.upper()


def parse_cmgl(lines: Sequence[str] | str) -> list[StoredPdu]:
    """``+CMGL: <index>,<stat>,[<alpha>],<length>`` each followed by its PDU line."""
    lines = _as_lines(lines)
    messages = []
    position = 0
    while position < len(lines):
        header = lines[position]
        fields = split_fields(payload(header, ("+CMGL",), "AT+CMGL"), "AT+CMGL")
        if len(fields) < 3 or position + 1 >= len(lines):
            raise RemoteProtocolError(f"AT+CMGL: expected a header and its PDU at {header!r}")
        length = to_int(fields[-1], "AT+CMGL", header)
        messages.append(
            StoredPdu(
                index=to_int(fields[0], "AT+CMGL", header),
                stat=to_int(fields[1], "AT+CMGL", header),
                length=length,
                pdu=_checked_pdu(lines[position + 1], length, "AT+CMGL"),
            )
        )
        position += 2
    return messages


def parse_cmgr(lines: Sequence[str] | str) -> StoredPdu:
    """``+CMGR: <stat>,[<alpha>],<length>`` followed by the PDU line."""
    lines = _as_lines(lines)
    if len(lines) != 2:
        raise RemoteProtocolError(f"AT+CMGR: expected a header and a PDU, got {lines!r}")
    header = lines[0]
    fields = split_fields(payload(header, ("+CMGR",), "AT+CMGR"), "AT+CMGR")
    if len(fields) < 2:
        raise RemoteProtocolError(f"AT+CMGR: expected <stat>,[<alpha>],<length> in {header!r}")
    length = to_int(fields[-1], "AT+CMGR", header)
    return StoredPdu(
        index=None,
        stat=to_int(fields[0], "AT+CMGR", header),
        length=length,
        pdu=_checked_pdu(lines[1], length, "AT+CMGR"),
    )


def _delivered_pdu(urc: Urc, name: str) -> tuple[int, str]:
    if urc.name.upper() != name:
        raise RemoteProtocolError(f"{name}: unexpected URC {urc.line!r}")
    fields = split_fields(payload(urc.line, (name,), name), name)
    length = to_int(fields[-1], name, urc.line)
    if urc.pdu is None:
        raise RemoteProtocolError(f"{name}: no PDU line after {urc.line!r}")
    return length, _checked_pdu(urc.pdu, length, name)


def parse_cmt(urc: Urc) -> tuple[int, str]:
    """``+CMT: [<alpha>],<length>`` and its PDU line: a message delivered straight to us."""
    return _delivered_pdu(urc, "+CMT")


def parse_cds(urc: Urc) -> tuple[int, str]:
    """``+CDS: <length>`` and its PDU line: a status report delivered straight to us."""
    return _delivered_pdu(urc, "+CDS")


@dataclass(frozen=True)
class MemoryUsage:
    """One message storage: its name (None in the ``AT+CPMS=`` answer), used and total slots."""

    storage: str | None
    used: int
    total: int


def parse_cpms(line: str) -> tuple[MemoryUsage, ...]:
    """``+CPMS: "SM",3,20,"SM",3,20,"SM",3,20`` (``AT+CPMS?``) or ``+CPMS: 3,20,3,20,3,20``
    (the answer to ``AT+CPMS=...``), in the order mem1, mem2, mem3."""
    fields = split_fields(payload(line, ("+CPMS",), "AT+CPMS"), "AT+CPMS")
    named = fields[0].quoted or not fields[0].text.isdigit()
    width = 3 if named else 2
    if len(fields) % width or not fields:
        raise RemoteProtocolError(f"AT+CPMS: unexpected field count in {line!r}")
    usages = []
    for start in range(0, len(fields), width):
        group = fields[start : start + width]
        storage = group[0].text.strip() if named else None
        counts = group[1:] if named else group
        usages.append(
            MemoryUsage(
                storage, to_int(counts[0], "AT+CPMS", line), to_int(counts[1], "AT+CPMS", line)
            )
        )
    return tuple(usages)


# --- USSD ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ussd:
    """``+CUSD: <m>[,<str>,<dcs>]``: status (0 done, 1 reply expected, 2 ended by the network,
    3 answered elsewhere, 4 not supported, 5 timed out) and the decoded text."""

    status: int
    text: str | None
    dcs: int | None


# Septets that decode to these are rare in real texts and common when plain text is mistaken
# for packed hex: a decode containing one is not taken.
_UNLIKELY = frozenset("@£¥¤ΔΦΓΛΩΠΨΣΘΞ\x1b")


def parse_cusd(line: str) -> Ussd:
    """The USSD reply with its text decoded from what the modem printed.

    dcs with the GSM 7-bit alphabet (15, 0, ...): the text as given, except that a text of at
    least 8 hex digits, even in number and not all decimal, that unpacks to plausible text
    (no Greek capitals, @, ¤ or control characters) is taken for packed septets: Huawei prints
    it so (``+CUSD: 0,"C135BD1E66BB...",15``). A plain reply that happens to look like that
    (an all-hex word of 8+ letters) would be misread; none is known. dcs with UCS-2 (72, ...):
    hex decoded as UTF-16. Other schemes (8-bit data, compressed): as given.
    """
    fields = split_fields(payload(line, ("+CUSD",), "AT+CUSD"), "AT+CUSD")
    status = to_int(fields[0], "AT+CUSD", line)
    if len(fields) < 2 or fields[1].empty:
        return Ussd(status, None, None)
    text = fields[1].text
    dcs = to_optional_int(fields[2]) if len(fields) > 2 else None
    alphabet = _ussd_alphabet(dcs)
    if alphabet == "ucs2":
        decoded = _ucs2(text)
        text = decoded if decoded is not None else text
    elif alphabet == "gsm7":
        decoded = _packed_gsm7(text)
        text = decoded if decoded is not None else text
    return Ussd(status, text, dcs)


def _ussd_alphabet(dcs: int | None) -> str:
    """The alphabet of a CBS data coding scheme (TS 23.038 §5), as far as USSD goes."""
    if dcs is None:
        return "gsm7"
    group = dcs >> 4
    if group in (0, 2, 3) or dcs == 0x10:
        return "gsm7"
    if group in (4, 5, 6, 7, 9) and not dcs & 0x20:
        return ("gsm7", "8bit", "ucs2", "reserved")[(dcs >> 2) & 3]
    if group == 0xF:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "other"


def _ucs2(text: str) -> str | None:
    if not text or len(text) % 4 or not _HEX.fullmatch(text):
        return None
    try:
        return bytes.fromhex(text).decode("utf-16-be")
    except UnicodeDecodeError:
        return None


def _packed_gsm7(text: str) -> str | None:
    if len(text) < 8 or len(text) % 2 or not _HEX.fullmatch(text) or text.isdigit():
        return None
    decoded = decode_septets(unpack_septets(bytes.fromhex(text)))
    plausible = all(
        char in "\n\r" or (char.isprintable() and char not in _UNLIKELY) for char in decoded
    )
    return decoded if decoded and plausible else None


# --- vendor noise -------------------------------------------------------------------------------


def parse_huawei_boot(line: str) -> tuple[int, ...]:
    """``^BOOT:20952548,0,0,0,72``: Huawei's periodic keep-alive; its numbers, as printed."""
    fields = split_fields(payload(line, ("^BOOT",), "^BOOT"), "^BOOT")
    return tuple(to_int(field, "^BOOT", line) for field in fields)


def parse_huawei_mode(line: str) -> tuple[int, int | None]:
    """``^MODE:<sysmode>[,<submode>]`` (5,4 is WCDMA with HSDPA); submode None when absent."""
    fields = split_fields(payload(line, ("^MODE",), "^MODE"), "^MODE")
    sysmode = to_int(fields[0], "^MODE", line)
    return sysmode, to_optional_int(fields[1]) if len(fields) > 1 else None
