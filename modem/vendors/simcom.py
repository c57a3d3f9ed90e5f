"""SIMCom modules (SIM800, SIM7600, ...): standard enough that the 3GPP defaults serve, but for
the ICCID of the LTE generation.

- The ICCID: the SIM800's AT+CCID (bare digits) first, then the SIM7500/SIM7600's AT+CICCID
  ("+ICCID: <ICCID>"; its manual lists no AT+CCID), then the 3GPP defaults.
- Their signal URC ``+CSQN`` is read by ``modem.at.parse_csq``; their boot URCs ("RDY", "Call
  Ready", "SMS Ready", the SIM7600's "SMS DONE") are known names in ``modem.at.unsolicited``.
Captures: tests/captures/sim800.txt, simcom-sim7600.txt; simulator profiles:
``modem.sim.profiles.simcom``.
"""

from __future__ import annotations

from .vendor import ICCID_COMMANDS, Vendor

VENDOR = Vendor(
    name="simcom",
    manufacturers=("simcom",),
    iccid_commands=(ICCID_COMMANDS[0], ("AT+CICCID", "+ICCID:"), *ICCID_COMMANDS[1:]),
)
