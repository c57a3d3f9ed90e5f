"""``ServiceCentre``: the SMS centre address (AT+CSCA), read at bring-up and put back if lost.

PDU-mode sends name no SMS centre: the modem uses the one stored on the SIM. Some firmwares wipe
it with AT+CSMP (the text-mode parameters): python-gsmmodem issue #8, on a ZTE and a Qualcomm
M6280 stick; any program that sent AT+CSMP to such a modem leaves it unable to send, every part
refused with +CMS ERROR: 330 ("SMSC address unknown"). The address read when the modem came up
is kept, and written back (AT+CSCA) when a send meets that error.
"""

from __future__ import annotations

import logging

from modem.at import parse_csca

from .unlock import SimUnlock

log = logging.getLogger(__name__)


class ServiceCentre(SimUnlock):
    """The SIM's SMS centre address."""

    def smsc(self) -> str | None:
        """The SMS centre address stored on the SIM, None when it is empty."""
        line = self._when_sim_ready(lambda: self._single("AT+CSCA?", "+CSCA:"))
        number, _ = parse_csca(line)
        return number or None

    def remember_smsc(self) -> None:
        """Keep the address the SIM holds now, to put it back if something wipes it."""
        number = self._optional(self.smsc)
        if number:
            self.smsc_number = number

    def restore_smsc(self) -> bool:
        """Write back the address read at bring-up; False when none was known."""
        if not self.smsc_number:
            return False
        kind = 145 if self.smsc_number.startswith("+") else 129
        log.warning("%s: the SMS centre address was lost; writing it back", self.port)
        self._simple(f'AT+CSCA="{self.smsc_number}",{kind}')
        return True
