"""The parser for the caller of an incoming call: +CLIP (3GPP TS 27.007 §7.6).

With ``AT+CLIP=1`` the modem follows every ``RING`` (or ``+CRING: VOICE`` under ``AT+CRC=1``,
§6.11) with ``+CLIP: <number>,<type>[,<subaddr>,<satype>[,[<alpha>][,<CLI validity>]]]``.
``<type>`` 145 is an international number (the ``+`` may or may not be printed), 129 a
national one; ``<CLI validity>`` 0 means the number is given, 1 withheld by the caller, 2 not
available (interworking, a payphone), and then the number is ``""`` with type 128. Modems
print it under the TE character set, so an older firmware under ``AT+CSCS="UCS2"`` gives
the digits as UCS-2 hex ("002B0033...").
"""

from __future__ import annotations

from dataclasses import dataclass

from modem.at.fields import payload, split_fields, to_optional_int, ucs2_text
from modem.errors import RemoteProtocolError

INTERNATIONAL = 145  # TS 24.008 §10.5.4.7: type of number international, ISDN numbering plan
CLI_VALID, CLI_WITHHELD, CLI_UNAVAILABLE = 0, 1, 2


@dataclass(frozen=True)
class CallerId:
    """Who calls: the number as the network gives it (``+`` added for type 145), or None when
    it is withheld or unknown; ``validity`` is the <CLI validity> field when the modem prints
    it (None otherwise)."""

    number: str | None
    number_type: int | None
    validity: int | None


def parse_clip(line: str) -> CallerId:
    """``+CLIP: "+33612345678",145,,,,0`` and its shorter and UCS-2 forms."""
    fields = split_fields(payload(line, ("+CLIP",), "+CLIP"), "+CLIP")
    if not fields:
        raise RemoteProtocolError(f"+CLIP: no number in {line!r}")
    number = fields[0].text.strip()
    number_type = to_optional_int(fields[1]) if len(fields) > 1 else None
    validity = to_optional_int(fields[5]) if len(fields) > 5 else None
    if number and not _dialable(number):
        decoded = ucs2_text(number)
        if decoded is None or not _dialable(decoded):
            raise RemoteProtocolError(f"+CLIP: {number!r} is not a phone number in {line!r}")
        number = decoded
    if number and number_type == INTERNATIONAL and not number.startswith("+"):
        number = "+" + number
    withheld = validity is not None and validity != CLI_VALID
    return CallerId(number if number and not withheld else None, number_type, validity)


def _dialable(text: str) -> bool:
    """Digits with an optional leading +, and the dialling characters * # (TS 27.007 §6.2)."""
    body = text[1:] if text.startswith("+") else text
    return bool(body) and len(body) <= 32 and all(c in "0123456789*#" for c in body)
