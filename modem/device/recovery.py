"""``Recovery``: a soft reset (ESC, ATZ, initialise again) and a full restart (AT+CFUN=1,1)."""

from __future__ import annotations

from modem.errors import CommandTimeout, PortGone

from .initialisation import Initialisation
from .records import Identity


class Recovery(Initialisation):
    """What the owner tries when a modem stops answering sensibly."""

    def reset(self) -> Identity:
        """Soft reset: ESC out of any prompt, ATZ, then initialise again with the same PIN."""
        self.escape()
        self.sync()
        self._simple("ATZ", timeout=self.timeouts.command * 2)
        return self.initialise(self._pin)

    def power_cycle(self) -> None:
        """AT+CFUN=1,1: a full restart. USB dongles vanish and come back (the port goes away)."""
        try:
            self._simple("AT+CFUN=1,1", timeout=self.timeouts.command * 3)
        except (PortGone, CommandTimeout):
            pass
