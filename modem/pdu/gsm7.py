"""The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1) and septet packing (§6.1.2.1).

Why a table of our own: Python has no codec for it, and the one in python-gsmmodem-new puts
a backtick where TS 23.038 has the section sign (0x5F). The mapping here is the spec's, and it
is a bijection: every character we accept encodes to one septet (or to ESC + one septet from
the extension table) and decodes back to itself, so a text survives a round trip exactly.
Receiving is lenient instead, as §6.2.1.1 asks: an ESC followed by a code the extension table
does not define shows the base-table character, ESC ESC shows a space, nothing raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

ESC = 0x1B

# Index = septet value. 0x1B is the escape to the extension table, not a character.
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# Extension table (§6.2.1.1): the characters reached by ESC + septet. 0x0A is a form feed.
EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

_BASIC_CODES = {char: code for code, char in enumerate(BASIC) if code != ESC}
_EXTENSION_CHARS = {code: char for char, code in EXTENSION.items()}
CHARACTERS = frozenset(_BASIC_CODES) | frozenset(EXTENSION)


def is_gsm7(text: str) -> bool:
    """True when every character is in the default alphabet or its extension table."""
    return CHARACTERS.issuperset(text)


def septet_count(char: str) -> int:
    """Septets one GSM-7 character takes: 2 for the extension table (ESC + code), else 1."""
    return 2 if char in EXTENSION else 1


def encode(text: str) -> list[int]:
    """Septet values of ``text``; every character must be GSM-7 (see ``is_gsm7``)."""
    septets: list[int] = []
    for char in text:
        code = _BASIC_CODES.get(char)
        if code is not None:
            septets.append(code)
        else:
            septets.extend((ESC, EXTENSION[char]))
    return septets


def decode(septets: Iterable[int]) -> str:
    """Text of septet values (0-127), never raising on codes the tables leave undefined."""
    chars: list[str] = []
    escaped = False
    for septet in septets:
        if escaped:
            escaped = False
            if septet == ESC:
                chars.append(" ")  # reserved for a further extension table: show a space
            else:
                chars.append(_EXTENSION_CHARS.get(septet, BASIC[septet]))
        elif septet == ESC:
            escaped = True
        else:
            chars.append(BASIC[septet])
    return "".join(chars)  # an ESC left dangling at the very end shows nothing


def pack(septets: Sequence[int], fill_bits: int = 0) -> bytes:
    """Pack septets least significant bit first, after ``fill_bits`` zero bits.

    The fill bits are what TS 23.040 §9.2.3.24 puts after a user data header so that the
    text starts on a septet boundary counted from the start of the user data.
    """
    value = 0
    for index, septet in enumerate(septets):
        value |= septet << (fill_bits + 7 * index)
    bits = fill_bits + 7 * len(septets)
    return value.to_bytes((bits + 7) // 8, "little")


def unpack(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """The first ``count`` septets packed in ``data`` after ``fill_bits`` bits."""
    value = int.from_bytes(data, "little")
    return [(value >> (fill_bits + 7 * index)) & 0x7F for index in range(count)]
