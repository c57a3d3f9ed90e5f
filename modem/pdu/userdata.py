"""TP-UDL and TP-UD: the text, with or without a user data header, in any of the 3 alphabets.

With GSM-7 the length counts septets and the header is followed by fill bits up to the next
septet boundary (3GPP TS 23.040 §9.2.3.24): 1 fill bit after the 6-octet header of an
8-bit-reference concatenation, none after the 7-octet one of a 16-bit reference. Getting the
second case wrong is how a decoder loses the first character of every part.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import dcs, gsm7
from .reader import OctetReader
from .split import split_for_sending
from .udh import Concat, concat_header, parse_header


def _header_septets(header_octets: int) -> int:
    return (header_octets * 8 + 6) // 7


def encode_user_data(text: str, encoding: str, header: bytes = b"") -> tuple[int, bytes]:
    """TP-UDL and TP-UD for ``text``; ``header`` is a whole UDH, its length octet included."""
    if encoding == "gsm7":
        septets = gsm7.encode(text)
        header_septets = _header_septets(len(header))
        fill_bits = header_septets * 7 - len(header) * 8
        body = gsm7.pack(septets, fill_bits) if septets else b""
        return header_septets + len(septets), header + body
    body = text.encode("utf-16-be")
    return len(header) + len(body), header + body


def read_user_data(
    reader: OctetReader, length: int, has_header: bool, encoding: str
) -> tuple[str, Concat | None]:
    """Read TP-UD of TP-UDL ``length``; returns the text and the concatenation element."""
    start = reader.offset
    octets = (length * 7 + 7) // 8 if encoding == "gsm7" else length
    if octets > reader.remaining:
        size = f"{length} septets ({octets} octets)" if encoding == "gsm7" else f"{length} octets"
        problem = f"announces {size} of user data but only {reader.remaining} remain"
        raise reader.error("TP-UDL", problem, start - 1)
    data = reader.take(octets, "TP-UD")
    header_octets = 0
    concat = None
    if has_header:
        if not data:
            raise reader.error("TP-UDH", "TP-UDHI is set but the user data is empty", start)
        header_octets = 1 + data[0]
        if header_octets > len(data):
            problem = f"a header of {header_octets} octets is longer than the {len(data)} of TP-UD"
            raise reader.error("TP-UDH", problem, start)
        concat = parse_header(data[1:header_octets], reader, start + 1)
    body = data[header_octets:]
    if encoding == "gsm7":
        header_septets = _header_septets(header_octets)
        if header_septets > length:
            problem = f"a header of {header_septets} septets is longer than TP-UDL {length}"
            raise reader.error("TP-UDH", problem, start)
        fill_bits = header_septets * 7 - header_octets * 8
        return gsm7.decode(gsm7.unpack(body, length - header_septets, fill_bits)), concat
    if encoding == "ucs2":
        # Strictly UCS-2, in practice UTF-16: phones send emoji as surrogate pairs. A lone
        # surrogate or an odd octet becomes U+FFFD rather than losing the message.
        return body.decode("utf-16-be", errors="replace"), concat
    return body.decode("latin-1"), concat  # 8-bit data: one character per octet


@dataclass(frozen=True)
class EncodedText:
    """A text cut into parts and encoded, ready to go into SUBMIT or DELIVER TPDUs."""

    dcs: int
    parts: list[tuple[int, bytes]]  # (TP-UDL, TP-UD with the concatenation header) per part

    @property
    def total(self) -> int:
        return len(self.parts)


def encode_text(text: str, *, reference: int, max_parts: int) -> EncodedText:
    """Split ``text`` (the same split as ``count``) and encode each part's user data, with a
    concatenation header (8-bit ``reference``) when there is more than one part."""
    if not 0 <= reference <= 0xFF:
        raise ValueError(f"concatenation reference {reference} is not in 0-255")
    split = split_for_sending(text, max_parts)
    total = len(split.parts)
    coding = dcs.DCS_GSM7 if split.encoding == "gsm7" else dcs.DCS_UCS2
    parts = []
    for seq, part in enumerate(split.parts, start=1):
        header = concat_header(reference, total, seq) if total > 1 else b""
        parts.append(encode_user_data(part, split.encoding, header))
    return EncodedText(coding, parts)
