"""Parsers for the SIM's state and the identities: +CPIN, IMEI, IMSI, ICCID, +CGMI/+CGMM/+CGMR, ATI,
and the SIM's own number (+CNUM).

3GPP TS 27.007 §5, §7.1 and §8.3. ``parse_iccid`` reads the ICCID whatever command printed it (the
vendors' ``^ICCID``, ``+QCCID``, ... included): which command to ask a given modem is in
``modem.vendors``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from modem.at.fields import as_lines, payload, split_fields, to_int
from modem.errors import RemoteProtocolError

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
_ICCID = re.compile(r"89[0-9A-F]{17,18}")


def _value(line: str, names: tuple[str, ...]) -> str:
    """The line's value: after one of ``names`` when it starts with it, unquoted, first field."""
    head, colon, rest = line.partition(":")
    if colon and head.strip().upper() in names:
        line = rest
    return line.strip().split(",")[0].strip().strip('"').strip()


def parse_imei(lines: Sequence[str] | str) -> str:
    """The 15-digit IMEI from ``AT+CGSN``/``AT+GSN`` (bare, ``+CGSN: "..."``, ``IMEI: ...``,
    or followed by a serial number as Option modems do: ``356936001568843,NL2A62Z0N5``)."""
    for line in as_lines(lines):
        value = _value(line, ("+CGSN", "+GSN", "IMEI"))
        if len(value) == 15 and _DIGITS.fullmatch(value) and value.isascii():
            return value
    raise RemoteProtocolError(f"AT+CGSN: no 15-digit IMEI in {as_lines(lines)!r}")


def parse_imsi(lines: Sequence[str] | str) -> str:
    """The IMSI from ``AT+CIMI`` (6–15 digits; bare or ``+CIMI: ...``)."""
    for line in as_lines(lines):
        value = _value(line, ("+CIMI",))
        if 6 <= len(value) <= 15 and _DIGITS.fullmatch(value) and value.isascii():
            return value
    raise RemoteProtocolError(f"AT+CIMI: no IMSI in {as_lines(lines)!r}")


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
    for line in as_lines(lines):
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
    raise RemoteProtocolError(f"AT+CCID: no ICCID in {as_lines(lines)!r}")


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
    for line in as_lines(lines):
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
    for line in as_lines(lines):
        head, colon, rest = line.partition(":")
        key = _ATI_KEYS.get(head.strip().upper()) if colon else None
        if key and key not in found and rest.strip():
            found[key] = rest.strip()
    return found


# --- the subscriber's own number (TS 27.007 §7.1) -------------------------------------------------

# <type> of address octet (TS 24.008 §10.5.4.7): 145 is international (the number without its "+")
INTERNATIONAL_TYPE = 145
_DIALLED = re.compile(r"\+?[0-9*#]{1,20}")


@dataclass(frozen=True)
class OwnNumber:
    """One ``+CNUM`` line: the number the SIM stores for itself (EF_MSISDN), its label."""

    number: str
    alpha: str = ""
    type: int | None = None


def parse_cnum(lines: Sequence[str] | str) -> list[OwnNumber]:
    """The SIM's own numbers from ``AT+CNUM``: ``+CNUM: [<alpha>],<number>,<type>[,...]``.

    None (an empty list) is common: most prepaid SIMs have nothing in EF_MSISDN, and the modem
    then answers OK alone. The label may be empty, absent or unquoted (ModemManager's test
    vectors); an international number is given a leading "+" when the modem left it out (type
    145). A line without a usable number (an empty one, ``+CNUM: ,"",129``) is skipped, not an
    error: the number is optional to the appliance. Other lines are ignored.
    """
    found: list[OwnNumber] = []
    for line in as_lines(lines):
        head, colon, rest = line.partition(":")
        if not colon or head.strip().upper() != "+CNUM":
            continue
        fields = split_fields(rest, "AT+CNUM")
        if len(fields) < 2:
            raise RemoteProtocolError(f"AT+CNUM: expected [<alpha>],<number>,<type> in {line!r}")
        number = fields[1].text.replace(" ", "")
        kind = fields[2].text if len(fields) > 2 else ""
        type_ = int(kind) if kind.isascii() and kind.isdigit() and len(kind) <= 3 else None
        if type_ == INTERNATIONAL_TYPE and number and not number.startswith("+"):
            number = "+" + number
        if not _DIALLED.fullmatch(number):
            continue
        found.append(OwnNumber(number=number, alpha=fields[0].text.strip(), type=type_))
    return found
