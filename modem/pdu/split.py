"""Choosing the alphabet and cutting a text into SMS parts: one algorithm for both the length
counter and the encoder, so the number of parts a user is shown is the number that is sent.

GSM-7 when every character is in the default alphabet or its extension table, else UCS-2
(UTF-16 code units). One part holds 160 septets or 70 units; once a user data header for
concatenation is needed, each part holds 153 septets or 67 units. A character is never cut
in two: an extension character (ESC + code) or a surrogate pair that would straddle a
boundary starts the next part, and the part before ends one unit early.
"""

from __future__ import annotations

from dataclasses import dataclass

from modem.errors import EmptyText, InvalidMessage, TextTooLong

from . import gsm7

SINGLE_PART_UNITS = {"gsm7": 160, "ucs2": 70}
MULTI_PART_UNITS = {"gsm7": 153, "ucs2": 67}


@dataclass(frozen=True)
class Split:
    """A text cut into the parts it will be sent in."""

    encoding: str  # "gsm7" or "ucs2"
    parts: tuple[str, ...]  # empty for an empty text
    units: int  # septets or UTF-16 code units of the whole text
    per_part: int  # capacity of each part: single-part or concatenated
    last_part_units: int


def encoding_for(text: str) -> str:
    """GSM-7 when every character has a septet code, else UCS-2 for the whole text."""
    return "gsm7" if gsm7.is_gsm7(text) else "ucs2"


def _units(char: str, encoding: str) -> int:
    if encoding == "gsm7":
        return gsm7.septet_count(char)
    return 2 if ord(char) > 0xFFFF else 1


def total_units(text: str, encoding: str) -> int:
    """``sum(_units(c) for c in text)``, at C speed: a campaign counts 100,000 texts."""
    if encoding == "gsm7":
        return len(text) + sum(map(text.count, gsm7.EXTENSION))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str) -> Split:
    """The alphabet for ``text`` and its parts."""
    encoding = encoding_for(text)
    units = total_units(text, encoding)
    if units <= SINGLE_PART_UNITS[encoding]:  # the usual case, without a cost per character
        parts = (text,) if text else ()
        return Split(encoding, parts, units, SINGLE_PART_UNITS[encoding], units)
    capacity = MULTI_PART_UNITS[encoding]
    if units == len(text):  # every character one unit (no extension, no surrogate pair)
        chunks = tuple(text[i : i + capacity] for i in range(0, len(text), capacity))
        return Split(encoding, chunks, units, capacity, len(chunks[-1]))
    costs = [_units(char, encoding) for char in text]
    chunks: list[str] = []
    start = used = 0
    for index, cost in enumerate(costs):
        if used + cost > capacity:
            chunks.append(text[start:index])
            start, used = index, 0
        used += cost
    chunks.append(text[start:])
    return Split(encoding, tuple(chunks), units, capacity, used)


def split_for_sending(text: str, max_parts: int) -> Split:
    """``split_text``, refusing what cannot be sent: an empty text, too many parts, and a
    lone surrogate (a broken string that has no UTF-16 form)."""
    if not text:
        raise EmptyText("the text is empty")
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise InvalidMessage("the text contains a lone UTF-16 surrogate, which cannot be sent")
    split = split_text(text)
    if len(split.parts) > max_parts:
        raise TextTooLong(len(split.parts), max_parts)
    return split
