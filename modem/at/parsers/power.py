"""The phone functionality level, +CFUN (3GPP TS 27.007 §8.2): whether the radio is on.

``+CFUN: 1`` is full functionality; 0 is minimum (radio and often the SIM off), 4 disables the
radio alone ("flight mode"); vendors add levels (5-8 on Huawei and ZTE). Some firmwares append a
second value (``+CFUN: 1,0``, a Fibocom FM650: QModem issue #197), which is not the level.
A ZTE K3565-Z answers ``AT+CFUN?`` with the ranges of the test form, ``+CFUN: (0-1,4-7),(0-1)``
(python-gsmmodem's ZteK3565Z fake): that tells nothing, and is an error here.
"""

from __future__ import annotations

from modem.at.fields import payload, split_fields, to_int
from modem.errors import RemoteProtocolError

RADIO_ON = 1


def parse_cfun(line: str) -> int:
    """The functionality level of ``+CFUN: <fun>[,...]``; RemoteProtocolError when it has none."""
    fields = split_fields(payload(line, ("+CFUN",), "AT+CFUN?"), "AT+CFUN?")
    if not fields or fields[0].empty or fields[0].text.startswith("("):
        raise RemoteProtocolError(f"AT+CFUN?: no functionality level in {line!r}")
    return to_int(fields[0], "AT+CFUN?", line)
