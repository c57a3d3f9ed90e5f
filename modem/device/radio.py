"""``Radio``: whether the modem's radio is on (AT+CFUN?), and switching it on (AT+CFUN=1).

Some modems start with their radio off and stay "+CREG: 0,0" (not registered, not searching)
until told otherwise: the D-Link DWM-157 "always starts with +CFUN: 4" (gammu issue #395), a
u-blox SARA-R4 keeps AT+CFUN=4 across power cycles (ubxlib issue #158), and any modem keeps what
a previous program left. python-gsmmodem reads +CFUN and sends AT+CFUN=1 when it is 0 for the
same reason. A modem whose ``AT+CFUN?`` tells nothing (a ZTE K3565-Z prints the test ranges) is
left as it is.
"""

from __future__ import annotations

import logging

from modem.at import RADIO_ON, parse_cfun
from modem.errors import CmeError, CmsError, CommandError, RadioOff, RemoteProtocolError

from .channel import AtChannel

log = logging.getLogger(__name__)


class Radio(AtChannel):
    """Reads the functionality level and brings the radio on."""

    def radio(self) -> int:
        """The functionality level: 1 radio on, 0 minimum, 4 radio off (TS 27.007 §8.2)."""
        return parse_cfun(self._single("AT+CFUN?", "+CFUN:"))

    def switch_radio_on(self) -> int | None:
        """Switch the radio on if it is off; the level it was at (None: the modem cannot tell).

        Raises RadioOff, in words for the modem's card, when the modem refuses AT+CFUN=1.
        Registering then takes seconds; the owner waits for it (the modem is "searching").
        """
        try:
            level = self.radio()
        except (CmeError, CmsError, CommandError, RemoteProtocolError):
            return None  # cannot tell: leave it as it is
        if level == RADIO_ON:
            return level
        log.info("%s: the radio is off (+CFUN: %s): switching it on", self.port, level)
        try:
            # Waking the radio takes seconds on some modems (Quectel allows 15 s).
            self._simple("AT+CFUN=1", timeout=self.timeouts.command * 3)
        except (CmeError, CmsError, CommandError) as exc:
            raise RadioOff(
                f"the modem's radio is off (+CFUN: {level}) and it refused to switch it on "
                f"(AT+CFUN=1: {exc}): it cannot register on a network"
            ) from exc
        self.radio_was_off = level
        return level
