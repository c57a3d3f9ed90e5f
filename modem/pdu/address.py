"""Addresses: the SMSC in front of the TPDU and the TP-DA/TP-OA/TP-RA inside it.

Two length conventions coexist and are the classic source of off-by-one PDUs:
- the SMSC address (3GPP TS 24.011 §8.2.5.1, RP address) counts *octets*, type of address
  included: ``07 91 3306091093F0`` for +33609001390;
- a TP address (TS 23.040 §9.1.2.5) counts *useful semi-octets*: ``0B 91 3316325476F8`` for
  +33612345678, and for an alphanumeric address (type 0x50/0xD0) the semi-octets that the
  packed GSM-7 characters fill.
Digits are BCD, low nibble first, padded with F (TS 24.008 §10.5.4.7 for * # a b c).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modem.errors import InvalidNumber

from . import gsm7
from .reader import OctetReader

MAX_DIGITS = 20  # a TP address holds at most 10 octets of digits
MAX_ALPHANUMERIC_SEPTETS = 11  # 10 octets of packed GSM-7
MAX_SMSC_OCTETS = 11  # RP address value, type of address included

TOA_INTERNATIONAL = 0x91
TOA_UNKNOWN = 0x81
TOA_ALPHANUMERIC = 0xD0

_TON_NAMES = {1: "international", 2: "national", 5: "alphanumeric"}
_BCD_DIGITS = "0123456789*#abc"
_SEPARATORS = re.compile(r"[\s\-.()]")


@dataclass(frozen=True)
class DialNumber:
    """A number as it goes into an address field: digits and whether it had a leading +."""

    digits: str
    international: bool


@dataclass(frozen=True)
class Address:
    """A decoded address: its text ("+336...", "06...", "MyBank") and type of number."""

    text: str
    kind: str  # "international", "national", "alphanumeric" or "unknown"


def parse_number(number: str) -> DialNumber:
    """Validate a dialable number: optional leading ``+`` then 1-20 digits.

    Spaces, dashes, dots and parentheses are what people type between groups of digits, so
    they are stripped; anything else is refused with the reason, before a byte is written.
    """
    compact = _SEPARATORS.sub("", number)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if not compact:
        raise InvalidNumber(f"{number!r} is not a dialable number: it is empty")
    if not digits:
        raise InvalidNumber(f"{number!r} is not a dialable number: no digits after '+'")
    stray = next((char for char in digits if char not in "0123456789"), None)
    if stray is not None:
        raise InvalidNumber(
            f"{number!r} is not a dialable number: {stray!r} is not a digit "
            "(only digits with an optional leading '+' are allowed)"
        )
    if len(digits) > MAX_DIGITS:
        raise InvalidNumber(
            f"{number!r} is not a dialable number: it has {len(digits)} digits, "
            f"an SMS address holds at most {MAX_DIGITS}"
        )
    return DialNumber(digits, international)


def _bcd(digits: str) -> bytes:
    padded = digits + "F" * (len(digits) % 2)
    return bytes(int(padded[i + 1] + padded[i], 16) for i in range(0, len(padded), 2))


def encode_number(number: str) -> bytes:
    """TP address field (length in digits) of a dialable number."""
    parsed = parse_number(number)
    toa = TOA_INTERNATIONAL if parsed.international else TOA_UNKNOWN
    return bytes([len(parsed.digits), toa]) + _bcd(parsed.digits)


def encode_alphanumeric(name: str) -> bytes:
    """TP address field of an alphanumeric sender ("MyBank"): packed GSM-7, type 0xD0."""
    if not name or not gsm7.is_gsm7(name):
        raise InvalidNumber(
            f"{name!r} is neither a dialable number nor a GSM-7 alphanumeric sender name"
        )
    septets = gsm7.encode(name)
    if len(septets) > MAX_ALPHANUMERIC_SEPTETS:
        raise InvalidNumber(
            f"{name!r} is too long for an alphanumeric sender: {len(septets)} septets, "
            f"at most {MAX_ALPHANUMERIC_SEPTETS}"
        )
    semi_octets = (len(septets) * 7 + 3) // 4
    return bytes([semi_octets, TOA_ALPHANUMERIC]) + gsm7.pack(septets)


def encode_sender(sender: str) -> bytes:
    """TP-OA: a dialable number when ``sender`` is one, else an alphanumeric name."""
    try:
        return encode_number(sender)
    except InvalidNumber:
        return encode_alphanumeric(sender)


def encode_smsc(number: str) -> bytes:
    """SMSC address in front of the TPDU (length in octets, type of address included)."""
    parsed = parse_number(number)
    toa = TOA_INTERNATIONAL if parsed.international else TOA_UNKNOWN
    value = _bcd(parsed.digits)
    return bytes([len(value) + 1, toa]) + value


def _digits(value: bytes, count: int) -> str:
    nibbles = [nibble for octet in value for nibble in (octet & 0x0F, octet >> 4)][:count]
    return "".join(_BCD_DIGITS[nibble] for nibble in nibbles if nibble != 0x0F)


def _address(toa: int, value: bytes, semi_octets: int) -> Address:
    ton = (toa >> 4) & 0x07
    kind = _TON_NAMES.get(ton, "unknown")
    if ton == 5:
        return Address(gsm7.decode(gsm7.unpack(value, semi_octets * 4 // 7)), kind)
    digits = _digits(value, semi_octets)
    return Address("+" + digits if ton == 1 else digits, kind)


def read_address(reader: OctetReader, field: str) -> Address:
    """Read a TP address (TP-OA, TP-DA, TP-RA)."""
    start = reader.offset
    semi_octets = reader.octet(field)
    if semi_octets > MAX_DIGITS:
        raise reader.error(field, f"length {semi_octets} exceeds {MAX_DIGITS} semi-octets", start)
    toa = reader.octet(field)
    value = reader.take((semi_octets + 1) // 2, field)
    return _address(toa, value, semi_octets)


def read_smsc(reader: OctetReader) -> str | None:
    """Read the SMSC address in front of the TPDU; ``None`` when its length is 0."""
    field = "SMSC address"
    start = reader.offset
    octets = reader.octet(field)
    if octets == 0:
        return None
    if octets > MAX_SMSC_OCTETS:
        raise reader.error(field, f"length {octets} exceeds {MAX_SMSC_OCTETS} octets", start)
    toa = reader.octet(field)
    value = reader.take(octets - 1, field)
    return _address(toa, value, 2 * len(value)).text
