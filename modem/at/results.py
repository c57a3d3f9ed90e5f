"""Final result codes (ITU-T V.250 §5.7, 3GPP TS 27.007 §9.2, TS 27.005 §3.2.5).

A final result code ends the command in progress, whatever it is. Only verbose codes (``ATV1``)
are recognised: the driver never turns numeric codes on, and a bare ``0`` or ``4`` would be
indistinguishable from an answer such as the digits of an IMSI.
"""

from __future__ import annotations

import re

from .events import Final
from .fields import is_number

# V.250 verbose codes that end a command, as printed. ``CONNECT`` may carry a rate.
_PLAIN = ("OK", "ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE")

# Huawei firmwares end an unsupported or malformed command with these instead of ERROR
# (HUAWEI MU509 AT Command Interface Specification, §17.1.1 and §1.3).
_HUAWEI_ERRORS = ("COMMAND NOT SUPPORT", "TOO MANY PARAMETERS")

_EXTENDED_ERROR = re.compile(r"^\+(CME|CMS) ERROR\s*:?\s*(.*)$", re.IGNORECASE)
_CONNECT = re.compile(r"^CONNECT(?:\s.*)?$")


def parse_final(line: str) -> Final | None:
    """The final result code ``line`` is, or None when it is something else."""
    if line in _PLAIN:
        return Final(line, None, line)
    if line in _HUAWEI_ERRORS:
        return Final("ERROR", None, line)
    if _CONNECT.match(line):
        return Final("CONNECT", None, line)
    match = _EXTENDED_ERROR.match(line)
    if match and ":" not in match.group(2):
        # (Huawei runs "+CME ERROR: 25" into the next "+CNUM: ..." line with no line end; such a
        # hybrid is no final result: the command goes on to its real one.)
        argument = match.group(2).strip()
        code = int(argument) if is_number(argument) else None
        return Final(match.group(1).upper(), code, argument)
    return None
