"""The parser for USSD replies: +CUSD (3GPP TS 27.007 §7.15), its text decoded as the
data coding scheme says (TS 23.038 §5) and as modems really print it.
"""

from __future__ import annotations

from dataclasses import dataclass

from modem.at.fields import is_hex, payload, split_fields, to_int, to_optional_int, ucs2_text
from modem.at.gsm7 import decode_septets, unpack_septets


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
        decoded = ucs2_text(text)
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


def _packed_gsm7(text: str) -> str | None:
    if len(text) < 8 or len(text) % 2 or not is_hex(text) or text.isdigit():
        return None
    decoded = decode_septets(unpack_septets(bytes.fromhex(text)))
    plausible = all(
        char in "\n\r" or (char.isprintable() and char not in _UNLIKELY) for char in decoded
    )
    return decoded if decoded and plausible else None
