"""Packed GSM 7-bit text in USSD replies (3GPP TS 23.038 §6.1.2.3), on top of the SMS codec.

Some modems (Huawei's, notably) hand a USSD reply over as the packed septets in hex. Unpacking
and the alphabet are the PDU codec's (``modem.pdu.gsm7``); what is USSD-specific is the padding
rule, kept here.
"""

from __future__ import annotations

from modem.pdu.gsm7 import decode, unpack

_CR = 0x0D


def unpack_septets(packed: bytes) -> list[int]:
    """The septets packed into ``packed`` (least significant bits first).

    When the octets hold exactly a multiple of 8 septets, the last one may be padding: TS 23.038
    §6.1.2.3.1 says a USSD/CBS string with 7 spare bits ends in a CR there; some networks put 0.
    Either is dropped.
    """
    septets = unpack(packed, len(packed) * 8 // 7)
    if len(packed) % 7 == 0 and septets and septets[-1] in (0, _CR):
        septets.pop()
    return septets


def decode_septets(septets: list[int]) -> str:
    """The text of unpacked septets; an escape before an unknown code decodes leniently."""
    return decode(septets)
