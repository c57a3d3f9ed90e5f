"""The user data header (3GPP TS 23.040 §9.2.3.24) and its concatenation elements.

We write one element, the 8-bit-reference concatenation (IEI 0x00), and read both it and its
16-bit-reference twin (IEI 0x08, §9.2.3.24.8). Other elements (ports, national language
shifts, ...) are skipped over. Following §9.2.3.24.1, a concatenation element whose total or
sequence number is 0, or whose sequence number exceeds the total, is ignored, and when an
element appears twice the last one counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .reader import OctetReader

IEI_CONCAT_8BIT = 0x00
IEI_CONCAT_16BIT = 0x08
CONCAT_HEADER_OCTETS = 6  # UDHL + IEI + IEDL + reference + total + sequence


@dataclass(frozen=True)
class Concat:
    """Where one part sits in a concatenated message."""

    reference: int
    total: int
    seq: int
    bits: int  # 8 or 16: the size of the reference (IEI 0x00 or 0x08)


def concat_header(reference: int, total: int, seq: int) -> bytes:
    """A whole UDH (UDHL included) holding one 8-bit-reference concatenation element."""
    return bytes([CONCAT_HEADER_OCTETS - 1, IEI_CONCAT_8BIT, 3, reference, total, seq])


def _concat(iei: int, data: bytes) -> Concat | None:
    if iei == IEI_CONCAT_8BIT:
        reference, total, seq, bits = data[0], data[1], data[2], 8
    else:
        reference, total, seq, bits = data[0] << 8 | data[1], data[2], data[3], 16
    if total == 0 or seq == 0 or seq > total:
        return None
    return Concat(reference, total, seq, bits)


def parse_header(header: bytes, reader: OctetReader, start: int) -> Concat | None:
    """The concatenation element of ``header`` (UDHL excluded) found at octet ``start``."""
    field = "TP-UDH"
    concat = None
    index = 0
    while index < len(header):
        if index + 2 > len(header):
            raise reader.error(field, "information element cut after its identifier", start + index)
        iei, length = header[index], header[index + 1]
        data = header[index + 2 : index + 2 + length]
        if len(data) < length:
            problem = f"information element {iei:02X} of {length} octets overruns the header"
            raise reader.error(field, problem, start + index)
        if iei in (IEI_CONCAT_8BIT, IEI_CONCAT_16BIT):
            expected = 3 if iei == IEI_CONCAT_8BIT else 4
            if length != expected:
                problem = f"concatenation element {iei:02X} has {length} octets, not {expected}"
                raise reader.error(field, problem, start + index)
            concat = _concat(iei, data)
        index += 2 + length
    return concat
