"""Quectel modules (EC25, EG21, ...): the ICCID through AT+QCCID.

Source: Quectel EC25&EC21 AT Commands Manual V1.3 (AT+QCCID prints ``+QCCID: <ICCID>``); the
reply is read by ``modem.at.parse_iccid``. Captures: tests/captures/quectel-ec25.txt; simulator
profile: ``modem.sim.profiles.quectel``.
"""

from __future__ import annotations

from .vendor import ICCID_COMMANDS, Vendor

VENDOR = Vendor(
    name="quectel",
    manufacturers=("quectel",),
    iccid_commands=(("AT+QCCID", "+QCCID:"), *ICCID_COMMANDS),
)
