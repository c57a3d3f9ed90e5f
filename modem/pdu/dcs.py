"""TP-DCS, the data coding scheme (3GPP TS 23.038 §4): which alphabet, which message class.

We send only 0x00 (GSM-7) and 0x08 (UCS-2), but we receive whatever networks and phones
send, so every coding group is read. Reserved codings are taken as GSM-7, as §4 tells a
receiver to. Compressed text (general group, bit 5) cannot be decompressed here; it is
handed over as 8-bit data rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass

DCS_GSM7 = 0x00
DCS_UCS2 = 0x08

_ALPHABETS = {0b00: "gsm7", 0b01: "8bit", 0b10: "ucs2", 0b11: "gsm7"}  # 11 is reserved


@dataclass(frozen=True)
class DataCoding:
    encoding: str  # "gsm7", "ucs2" or "8bit"
    message_class: int | None


def interpret(dcs: int) -> DataCoding:
    """Alphabet and message class of a TP-DCS octet."""
    group = dcs >> 4
    if group <= 0b0111:  # general data coding, with or without automatic deletion
        message_class = dcs & 0x03 if dcs & 0x10 else None
        if dcs & 0x20:
            return DataCoding("8bit", message_class)
        return DataCoding(_ALPHABETS[(dcs >> 2) & 0x03], message_class)
    if group in (0b1100, 0b1101):  # message waiting indication, GSM-7
        return DataCoding("gsm7", None)
    if group == 0b1110:  # message waiting indication, UCS-2
        return DataCoding("ucs2", None)
    if group == 0b1111:  # data coding / message class
        return DataCoding("8bit" if dcs & 0x04 else "gsm7", dcs & 0x03)
    return DataCoding("gsm7", None)  # 1000-1011: reserved coding groups
