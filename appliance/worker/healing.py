"""Healing a modem that stopped answering, and closing its port.

The ladder on a timeout: ESC + ATZ (soft reset) → close and reopen the port → AT+CFUN=1,1
(power cycle; a USB dongle vanishes and comes back) → give up as ``failed`` with the reason, and
try again from scratch after ``retry_failed_after``. A port that vanishes on the way is an
unplug (``absent``), not a failure. A modem that answers again has its SIM's stored messages
read: one whose ``+CMTI`` came while the port was closed or the modem rebooting was announced to
no one (the soak found two a run, each stored as it came in during a power cycle).

A modem that answers but will not register (its radio refused or stuck off, "+CREG: 0" for
``registration_wait``: ``health``) is given up the same way (``_give_up``): its port closed, the
reason on its card, and a fresh bring-up, AT+CFUN=1 included, after ``retry_failed_after``.
"""

from __future__ import annotations

import time

from appliance.states import ModemState
from modem.device import Modem
from modem.errors import CommandTimeout, ModemError, PortGone


class Healing:
    """Mixed into ``ModemWorker``: the reset ladder, and closing the port."""

    def _heal(self, exc: ModemError) -> None:
        """The modem stopped answering: climb the ladder until it answers again."""
        self._set(ModemState.RESETTING, f"the modem stopped answering ({exc}); resetting")
        self.store.log("modem.reset", self.clock.now(), str(exc), imei=self.imei)
        ladder = (
            (self._soft_reset, "answered again after ESC and ATZ"),
            (self._reopen, "answered again after reopening the port"),
            (self._power_cycle, "answered again after a power cycle (AT+CFUN=1,1)"),
        )
        for step, how in ladder:
            try:
                step()
            except PortGone as gone:
                if step != self._power_cycle:
                    self._lost(gone)
                    return
            except ModemError:
                continue
            else:
                self.store.log("modem.up", self.clock.now(), how, imei=self.imei)
                if self._modem is not None and self._modem.receives:
                    self._read_stored_messages()  # an SMS announced while it was down
                return
        self._close()
        self._set(
            ModemState.FAILED,
            f"the modem does not answer even after a reset and a power cycle ({exc}); "
            f"trying again in {self.settings.retry_failed_after:g} s",
        )
        self.store.log("modem.down", self.clock.now(), self.reason, imei=self.imei)

    def _give_up(self, words: str) -> None:
        """This bring-up will not serve: close the port, say why and when it is tried again, and
        make ``_run`` wait that long before opening it again."""
        self._close()
        self._stalled_since = None
        self._rest_before_connect = self.settings.retry_failed_after
        self._set(ModemState.FAILED, f"{words}; {self._retry_words()}")
        self.store.log("modem.down", self.clock.now(), self.reason, imei=self.imei)

    def _retry_words(self) -> str:
        return f"trying again in {self.settings.retry_failed_after:g} s"

    def _new_modem(self) -> Modem:
        return Modem(
            self.port,
            timeouts=self.settings.timeouts,
            on_event=self._event,
        ).open()

    def _soft_reset(self) -> None:
        if self._modem is None:
            raise PortGone(f"{self.port} is closed")
        self._modem.reset()
        self._caller_id = self._modem.enable_caller_id()  # ATZ turned it off
        self._save_status(self._modem.status())

    def _reopen(self) -> None:
        self._close()
        self._modem = self._new_modem()
        self._initialise(self._modem)

    def _power_cycle(self) -> None:
        """AT+CFUN=1,1, then wait for the modem to come back (a USB dongle re-enumerates)."""
        if self._modem is None:
            self._modem = self._new_modem()
        self._modem.power_cycle()
        self._close()
        deadline = time.monotonic() + self.settings.power_cycle_wait
        while True:
            try:
                self._reopen()
                return
            except (PortGone, CommandTimeout):
                if time.monotonic() > deadline or self._stopping.is_set():
                    raise
                self._stopping.wait(0.5)

    def _lost(self, exc: PortGone) -> None:
        self._close()
        self._set(ModemState.ABSENT, f"the port vanished (unplugged?): {exc}")
        self.store.log("modem.down", self.clock.now(), self.reason, imei=self.imei)

    def _close(self) -> None:
        if self._modem is not None:
            self._modem.close()
            self._modem = None
