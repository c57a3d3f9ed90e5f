"""How a DCE words its answers: V.250 framing, and +CME/+CMS errors under AT+CMEE.

V.250 §5.7: with ATV1 (verbose, the default) an information response is ``<CR><LF>text<CR><LF>``
(further lines of the same response follow as ``text<CR><LF>``) and a final result code is
``<CR><LF>OK<CR><LF>``; with ATV0 information text ends with ``<CR><LF>`` alone and result codes are
digits followed by ``<CR>`` (0 OK, 4 ERROR).

3GPP TS 27.007 §9.1: AT+CMEE=0 turns every ``+CME ERROR`` into plain ``ERROR``, 1 gives the number,
2 the verbose text of §9.2. ``+CMS ERROR`` (TS 27.005 §3.2.5) is its own final result code with a
numeric ``<err>``; the SMS commands report it whatever AT+CMEE says, as the Qualcomm-based and
SIMCom modules we model do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# TS 27.007 §9.2.1 verbose texts for the codes a simulated modem produces.
CME_TEXT: dict[int, str] = {
    0: "phone failure",
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    14: "SIM busy",
    16: "incorrect password",
    20: "memory full",
    21: "invalid index",
    30: "no network service",
    31: "network timeout",
    100: "unknown",
}


@dataclass(frozen=True)
class Failure:
    """A failed command: ``plain`` is ERROR, ``cme``/``cms`` carry a code."""

    family: Literal["plain", "cme", "cms"]
    code: int = 0


ERROR = Failure("plain")


def cme(code: int) -> Failure:
    return Failure("cme", code)


def cms(code: int) -> Failure:
    return Failure("cms", code)


def failure_text(failure: Failure, cmee: int) -> str:
    """The final result line of ``failure`` under AT+CMEE=``cmee`` (without framing)."""
    if failure.family == "plain":
        return "ERROR"
    if failure.family == "cms":
        return f"+CMS ERROR: {failure.code}"
    if cmee == 0:
        return "ERROR"
    if cmee == 2 and failure.code in CME_TEXT:
        return f"+CME ERROR: {CME_TEXT[failure.code]}"
    return f"+CME ERROR: {failure.code}"


def info_block(lines: list[str], verbose: bool) -> bytes:
    """An information response of one command."""
    body = "".join(f"{line}\r\n" for line in lines)
    return (("\r\n" if verbose else "") + body).encode("latin-1")


def final_ok(verbose: bool) -> bytes:
    return b"\r\nOK\r\n" if verbose else b"0\r"


def final_failure(failure: Failure, cmee: int, verbose: bool) -> bytes:
    text = failure_text(failure, cmee)
    if text == "ERROR" and not verbose:
        return b"4\r"
    return (f"\r\n{text}\r\n" if verbose else f"{text}\r\n").encode("latin-1")


def urc(lines: list[str], verbose: bool = True) -> bytes:
    """An unsolicited result code (two lines for +CMT/+CDS: the header and the PDU)."""
    body = "".join(f"{line}\r\n" for line in lines)
    return (("\r\n" if verbose else "") + body).encode("latin-1")
