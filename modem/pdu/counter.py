"""The length counter shown by the CLI and the web panel while a message is typed."""

from __future__ import annotations

from dataclasses import dataclass

from .split import split_text


@dataclass(frozen=True)
class Count:
    encoding: str  # "gsm7" or "ucs2"
    parts: int  # number of SMS parts (0 for an empty text, which cannot be sent)
    units: int  # septets (an extension character counts 2) or UTF-16 code units, all parts
    left: int  # units still free in the last part
    per_part: int  # 160/70 for a single part, 153/67 for concatenated parts


def count(text: str) -> Count:
    """How ``text`` will be sent; always agrees with ``encode_submit``."""
    split = split_text(text)
    return Count(
        encoding=split.encoding,
        parts=len(split.parts),
        units=split.units,
        left=split.per_part - split.last_part_units,
        per_part=split.per_part,
    )
