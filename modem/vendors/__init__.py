"""Per-vendor quirks and parsers, one module per vendor family (ModemManager's plugins/<vendor>).

- ``vendor``: ``Vendor``, what a family does differently from 3GPP (commands after
  identification, the ICCID command, the USSD string format, its own URCs); its defaults are the
  plain 3GPP behaviour
- ``generic``: the default, for any manufacturer not listed
- ``huawei``: ^CURC, ^ICCID, packed USSD, and the parsers of ^RSSI, ^HCSQ, ^BOOT, ^MODE
- ``quectel``: +QCCID
- ``simcom``: AT+CICCID (SIM7600) after AT+CCID (SIM800)
- ``wavecom``: no OK after ``AT+CPIN?`` (a settling table for the AT core), +CME ERROR: 515
  ("please wait") while it starts
- ``zte``: reports at any time (+ZDONR, +ZPASR, ...), an SMS centre that AT+CSMP wipes

Each family mirrors a simulator profile (``modem.sim.profiles``) and a capture in tests/captures/.
Everything here is pure (no port, no clock): ``modem.device`` reads it; it builds on ``modem.at``
and never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from modem.at import Completion, Urc
from modem.events import ModemEvent

from . import generic, huawei, quectel, simcom, wavecom, zte
from .vendor import Vendor

GENERIC = generic.VENDOR
VENDORS: tuple[Vendor, ...] = (
    huawei.VENDOR,
    quectel.VENDOR,
    simcom.VENDOR,
    wavecom.VENDOR,
    zte.VENDOR,
)

# Vendor URCs are read whoever sent them: one may arrive before the modem is identified.
URC_EVENTS: Mapping[str, Callable[[Urc], ModemEvent]] = {
    name: event for vendor in VENDORS for name, event in vendor.urc_events.items()
}


# Commands answered without a final result, whoever the modem is: +CPIN? comes after the modem
# is identified, but Wavecom firmware also lives on in modules sold under other names.
WITHOUT_FINAL: Mapping[str, Completion] = {
    command: completion
    for vendor in VENDORS
    for command, completion in vendor.without_final.items()
}


# "+CME ERROR" codes that say "please wait, still starting", whoever the modem is: the same
# reasoning as WITHOUT_FINAL (Multi-Tech's MTSMC-G documents Wavecom's 515 under its own name),
# and a code in 512+ (manufacturer-specific, TS 27.007 §9.2) waited out for seconds costs little
# on a modem where it means something else.
INITIALISING_CME: frozenset[int] = frozenset(
    code for vendor in VENDORS for code in vendor.initialising_cme
)


def vendor_for(manufacturer: str) -> Vendor:
    """The family whose name AT+CGMI printed, or the generic 3GPP default."""
    return next((vendor for vendor in VENDORS if vendor.matches(manufacturer)), GENERIC)


__all__ = [
    "GENERIC",
    "INITIALISING_CME",
    "URC_EVENTS",
    "VENDORS",
    "WITHOUT_FINAL",
    "Vendor",
    "vendor_for",
]
