"""Reading the parameters of an information response: fields, numbers, hex and UCS-2 strings.

TS 27.007 §4.1: parameters are separated by commas, strings are quoted and may hold commas.
Real modems add spaces here and there (``+CGREG: 2,1, 81ED, 1A9CEB``); they are dropped. The
parsers in ``modem.at.parsers`` and ``modem.vendors`` share these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from modem.errors import RemoteProtocolError


@dataclass(frozen=True)
class Field:
    """One parameter: its text without quotes, and whether it was quoted."""

    text: str
    quoted: bool = False

    @property
    def empty(self) -> bool:
        return not self.text and not self.quoted


def payload(line: str, names: tuple[str, ...], command: str) -> str:
    """The text after ``<name>:`` for the first of ``names`` the line starts with.

    Raises RemoteProtocolError naming ``command`` and the line when it starts with none.
    """
    head, colon, rest = line.partition(":")
    if colon and head.strip().upper() in (name.upper().rstrip(":") for name in names):
        return rest.strip()
    raise RemoteProtocolError(f"{command}: unexpected reply {line!r}")


def split_fields(text: str, command: str = "AT") -> list[Field]:
    """The comma-separated fields of ``text``; an unterminated quote is a protocol error."""
    fields: list[Field] = []
    current: list[str] = []
    quoted = False
    inside = False
    for char in text:
        if inside:
            if char == '"':
                inside = False
            else:
                current.append(char)
        elif char == '"':
            if not "".join(current).strip():
                current.clear()  # spaces before the opening quote
            inside = True
            quoted = True
        elif char == ",":
            fields.append(_field(current, quoted))
            current, quoted = [], False
        elif not (quoted and char.isspace()):  # spaces after the closing quote are dropped
            current.append(char)
    if inside:
        raise RemoteProtocolError(f"{command}: unterminated string in {text!r}")
    fields.append(_field(current, quoted))
    return fields


def _field(chars: list[str], quoted: bool) -> Field:
    text = "".join(chars)
    return Field(text if quoted else text.strip(), quoted)


def is_number(text: str) -> bool:
    """ASCII decimal digits, at most 18 of them: no AT parameter is longer, and ``int()`` of a
    few thousand digits would raise ValueError (Python's integer string conversion limit)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def to_int(field: Field, command: str, line: str) -> int:
    """The field as a decimal integer (leading zeros allowed), or a RemoteProtocolError."""
    text = field.text.strip()
    if is_number(text):
        return int(text)
    raise RemoteProtocolError(f"{command}: expected a number, got {field.text!r} in {line!r}")


def to_optional_int(field: Field | None) -> int | None:
    """The field as an integer, None when absent, empty or not a number (a lenient read)."""
    if field is None:
        return None
    text = field.text.strip()
    return int(text) if is_number(text) else None


def as_lines(lines: Sequence[str] | str) -> list[str]:
    """One line or the lines of a response, as a list (the parsers take either)."""
    return [lines] if isinstance(lines, str) else list(lines)


_HEX = re.compile(r"[0-9A-Fa-f]+")


def is_hex(text: str) -> bool:
    """At least one hex digit, and nothing else."""
    return _HEX.fullmatch(text) is not None


def ucs2_text(text: str) -> str | None:
    """The text of a string printed as UCS-2 hex (under ``AT+CSCS="UCS2"``), None if it is not."""
    if not text or len(text) % 4 or not is_hex(text):
        return None
    try:
        return bytes.fromhex(text).decode("utf-16-be")
    except UnicodeDecodeError:
        return None
