"""What the commands print, made safe for the terminal it lands on.

An SMS, a contact's name from a CSV file or a modem's operator name is written by someone else,
and may hold escape sequences: an OSC retitles the terminal (some terminals also write files or
open links on one), a CSI recolours or clears it, a carriage return overprints a line, a
right-to-left override shows ``exe.txt`` as ``txt.exe``. So the lines for a person show every
control character as an escape (``\\x1b``, ``\\u202e``), tabs aside (columns use them); a row
stays one line. JSON keeps the exact text: ``json.dumps`` already escapes C0 controls, and on a
terminal the rest (DEL, C1, bidirectional controls, line separators) are written as ``\\uXXXX``
too, which a JSON reader decodes to the very same text.
"""

from __future__ import annotations

import re
import sys

# Bidirectional formatting (Unicode TR9: the marks, embeddings, overrides and isolates) and the
# line and paragraph separators: invisible, yet they reorder or break what is shown.
_INVISIBLE = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_FOR_A_PERSON = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_INVISIBLE}]")
_IN_JSON = re.compile(f"[\x7f-\x9f{_INVISIBLE}]")  # C0 controls: json.dumps escapes them


def is_a_terminal() -> bool:
    return sys.stdout.isatty()


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(line: str) -> str:
    """``line`` with every control character but tab written as an escape."""
    return _FOR_A_PERSON.sub(_escape, line)


def json_shown(document: str) -> str:
    """JSON text as it may reach a terminal: the same value, no raw control character."""
    if not is_a_terminal():
        return document
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
