"""SIMCom modules (SIM800, SIM7600, ...): standard enough that the 3GPP defaults serve.

Their ICCID command, AT+CCID, is the first the defaults try; their signal URC ``+CSQN`` is read
by ``modem.at.parse_csq``; their boot URCs ("RDY", "Call Ready", "SMS Ready") are known names in
``modem.at.unsolicited``. Kept as an entry so that a SIMCom quirk, once found, has its place.
Captures: tests/captures/sim800.txt; simulator profile: ``modem.sim.profiles.simcom``.
"""

from __future__ import annotations

from .vendor import Vendor

VENDOR = Vendor(name="simcom", manufacturers=("simcom",))
