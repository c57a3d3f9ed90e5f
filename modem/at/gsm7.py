"""Just enough GSM 7-bit decoding for USSD replies (3GPP TS 23.038 §6.1.2, §6.2.1).

Some modems (Huawei's, notably) hand a USSD reply over as the packed septets in hex even under
``AT+CSCS="GSM"``. The SMS codec proper lives in ``modem.pdu``; this module only unpacks and
maps septets, and stays independent so the AT core has no dependency on the codec.
"""

from __future__ import annotations

# TS 23.038 §6.2.1, the default alphabet; index = septet value. 0x1B is the escape to the
# extension table and is handled apart.
DEFAULT_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

# TS 23.038 §6.2.1.1, the default extension table.
EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}

_ESCAPE = 0x1B
_CR = 0x0D


def unpack_septets(packed: bytes) -> list[int]:
    """The septets packed into ``packed``, least significant bits first (TS 23.038 §6.1.2.1).

    When the octets hold exactly a multiple of 8 septets, the last one may be padding: TS 23.038
    §6.1.2.3.1 says a USSD/CBS string with 7 spare bits ends in a CR there; some networks put 0.
    Either is dropped.
    """
    septets = []
    carry = 0
    carry_bits = 0
    for octet in packed:
        septets.append(((octet << carry_bits) | carry) & 0x7F)
        carry = octet >> (7 - carry_bits)
        carry_bits += 1
        if carry_bits == 7:
            septets.append(carry & 0x7F)
            carry = 0
            carry_bits = 0
    if len(packed) % 7 == 0 and septets and septets[-1] in (0, _CR):
        septets.pop()
    return septets


def decode_septets(septets: list[int]) -> str:
    """The text of unpacked septets; an escape before an unknown code decodes as a space."""
    chars = []
    escaped = False
    for septet in septets:
        if escaped:
            chars.append(EXTENSION.get(septet, " "))
            escaped = False
        elif septet == _ESCAPE:
            escaped = True
        else:
            chars.append(DEFAULT_ALPHABET[septet])
    return "".join(chars)
