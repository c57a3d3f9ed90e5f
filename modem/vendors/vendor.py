"""What one vendor family does differently from 3GPP: a frozen description the driver reads.

``modem.device`` asks the ``Vendor`` of the modem it identified (``modem.vendors.vendor_for``)
instead of testing manufacturer names inline; the defaults of this class are plain 3GPP TS
27.007/27.005 behaviour, so a vendor module only states where its family departs from them.
Like ``modem.sim.profile.Profile`` for the simulator, it holds data and no I/O: the driver
decides when to send what is listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from modem.at import Completion, Urc
from modem.events import ModemEvent
from modem.pdu import gsm7

# Where the ICCID is asked when a vendor says nothing: the de facto +CCID and +ICCID of most
# modules, then 3GPP's own way, a READ BINARY of EF_ICCID (2FE2) through AT+CRSM (TS 27.007
# §8.18, TS 51.011 §10.1.1). Each is (command, prefix of its answer).
ICCID_COMMANDS: tuple[tuple[str, str], ...] = (
    ("AT+CCID", "+CCID:"),
    ("AT+ICCID", "+ICCID:"),
    ("AT+CRSM=176,12258,0,0,10", "+CRSM:"),
)

UssdStyle = Literal["text", "gsm7-hex"]


@dataclass(frozen=True)
class Vendor:
    """A vendor family as the driver must treat it."""

    name: str
    # Lower-case words that name the family in AT+CGMI ("huawei", "quectel"); none: the default.
    manufacturers: tuple[str, ...] = ()
    # Commands run once the modem is identified, before the SIM is read; a refusal is ignored.
    after_identify: tuple[str, ...] = ()
    # (command, answer prefix) tried in order until one gives an ICCID.
    iccid_commands: tuple[tuple[str, str], ...] = ICCID_COMMANDS
    # How AT+CUSD takes the USSD string: as text, or as packed GSM 7-bit septets in hex.
    ussd_style: UssdStyle = "text"
    # The family's own URCs that carry something the appliance acts on, by upper-case name.
    urc_events: Mapping[str, Callable[[Urc], ModemEvent]] = field(default_factory=dict)
    # Commands its firmware answers without a final result, and what completes them instead
    # (``modem.at.settling``), by upper-case command line.
    without_final: Mapping[str, Completion] = field(default_factory=dict)
    # +CME ERROR codes its firmware answers while it is still starting up ("please wait"):
    # waited out during initialisation as a busy SIM is (``modem.device.unlock``).
    initialising_cme: tuple[int, ...] = ()

    def matches(self, manufacturer: str) -> bool:
        """Whether AT+CGMI's answer names this family."""
        lowered = manufacturer.lower()
        return any(word in lowered for word in self.manufacturers)

    def ussd_request(self, code: str) -> str:
        """The string to put in ``AT+CUSD=1,"<string>",15`` for a USSD code such as ``*100#``."""
        if self.ussd_style == "gsm7-hex":
            return gsm7.pack(gsm7.encode(code)).hex().upper()
        return code
