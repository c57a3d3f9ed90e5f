"""``UssdRequests``: a USSD code (``*100#``) sent, the network's answer returned."""

from __future__ import annotations

import queue
import re

from modem.at import parse_cusd
from modem.errors import CommandTimeout

from .channel import AtChannel


class UssdRequests(AtChannel):
    """USSD over AT+CUSD; the answer comes in the response or as a +CUSD URC after it."""

    def ussd(self, code: str) -> str | None:
        """Send a USSD request (``*100#``) and return the network's answer text."""
        if not re.fullmatch(r"[0-9*#]{1,40}", code):
            raise ValueError(f"{code!r} is not a USSD code (digits, * and #)")
        while not self._ussd.empty():
            self._ussd.get_nowait()
        request = self.vendor.ussd_request(code)  # Huawei's: packed GSM 7-bit septets in hex
        lines = self._simple(f'AT+CUSD=1,"{request}",15', "+CUSD:", timeout=self.timeouts.ussd)
        for line in lines:
            answer = parse_cusd(line)
            return answer.text
        try:
            return self._ussd.get(timeout=self.timeouts.ussd).text
        except queue.Empty:
            raise CommandTimeout(f"USSD {code}", self.timeouts.ussd) from None
