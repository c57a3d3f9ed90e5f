"""``SimUnlock``: the SIM's state (AT+CPIN?) and its PIN, never sent again once refused; and
patience with a SIM that is still busy.

A SIM answers "SIM busy" (+CME ERROR: 14, +CMS ERROR: 314) for seconds after power-up, and on
some modems for a while after it says READY: a Qualcomm M6280 (ZTE) stick answers AT+CSCA? so
(python-gsmmodem issue #10). Reads of the SIM go through ``_when_sim_ready``, which tries again
until ``Timeouts.sim_ready``. A vendor's own "please wait, still starting" (Wavecom's +CME ERROR:
515, ``modem.vendors.INITIALISING_CME``) is waited out the same way, by AT+CPIN? and by the
settings that follow it (``_when_initialised``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from modem.at import parse_cpin
from modem.errors import (
    CmeError,
    CmsError,
    CommandError,
    IncorrectPin,
    ModemError,
    RemoteProtocolError,
    SimError,
    SimNotInserted,
    SimPinRequired,
    SimPukRequired,
)
from modem.vendors import INITIALISING_CME

from .channel import AtChannel

T = TypeVar("T")


class SimUnlock(AtChannel):
    """Reads the SIM's state and unlocks it; the PINs the SIM refused are remembered."""

    def sim_state(self) -> str:
        """READY, SIM PIN, SIM PUK, NOT INSERTED, ... as the SIM reports it.

        Under AT+CMEE=1 (``prepare``) AT+CPIN? fails as "+CME ERROR: <err>" (TS 27.007 §9.1;
        10 when no SIM is inserted, 14 while it is busy, §9.2.1): a bare ERROR means the modem
        forgot that setting, as a modem that restarted does. Numeric errors are asked for
        again, and the SIM once more, so that a pulled SIM reads NOT INSERTED and not a
        failed poll (the worker then sets the modem up again: ``indications_lost``)."""
        try:
            return self._cpin()
        except CommandError:
            self._try("AT+CMEE=1")
            return self._cpin()

    def _cpin(self) -> str:
        try:
            lines = self._simple("AT+CPIN?", "+CPIN:")
        except SimNotInserted:
            return "NOT INSERTED"
        except SimPinRequired:
            return "SIM PIN"
        except SimPukRequired:
            return "SIM PUK"
        if not lines:
            raise RemoteProtocolError("AT+CPIN? answered OK without a +CPIN line")
        return parse_cpin(lines[0])

    def unlock(self, pin: str | None) -> None:
        """Enter the PIN if the SIM asks for it. A PIN the SIM refused is never sent again."""
        self._pin = pin
        state = self._wait_sim_state()
        if state == "READY":
            return
        if state == "SIM PIN":
            if not pin:
                raise SimPinRequired("the SIM needs its PIN: set pin in this modem's config")
            if not re.fullmatch(r"\d{4,8}", pin):
                raise SimError("the configured PIN must be 4 to 8 digits; it was not sent")
            if pin in self._rejected_pins:
                raise IncorrectPin("the SIM already refused this PIN; it is not sent again")
            try:
                self._simple(f'AT+CPIN="{pin}"')
            except (IncorrectPin, CmeError) as exc:
                self._rejected_pins.add(pin)
                raise IncorrectPin(
                    "the SIM refused the PIN; it is not retried (a SIM blocks after three wrong "
                    "PINs): correct the PIN in the config"
                ) from exc
            if self._wait_sim_state() == "READY":
                return
            state = self.sim_state()
        if state == "SIM PUK":
            raise SimPukRequired(
                "the SIM is blocked after three wrong PINs: unblock it with its PUK in a phone"
            )
        if state == "NOT INSERTED":
            raise SimNotInserted("no SIM in the modem, or the modem cannot read it")
        raise SimError(f"the SIM asks for {state}")

    def _wait_sim_state(self) -> str:
        """AT+CPIN?, retried while the SIM is busy (it is, for seconds after power-up or a PIN)."""
        deadline = time.monotonic() + self.timeouts.sim_ready
        while True:
            try:
                state = self.sim_state()
            except CmeError as exc:
                waiting = exc.code in (13, 14) or still_initialising(exc)
                if not waiting or time.monotonic() > deadline:
                    raise
                state = "BUSY"
            if state not in ("BUSY", "NOT READY") or time.monotonic() > deadline:
                return state
            self._closed.wait(0.2)

    def _when_sim_ready(
        self, read: Callable[[], T], busy: Callable[[ModemError], bool] | None = None
    ) -> T:
        """``read()``, tried again every 0.2 s while the SIM answers that it is busy (``busy``:
        ``sim_busy``), until ``Timeouts.sim_ready`` has passed (then its error is raised)."""
        busy = busy or sim_busy
        deadline = time.monotonic() + self.timeouts.sim_ready
        while True:
            try:
                return read()
            except (CmeError, CmsError) as exc:
                if not busy(exc) or time.monotonic() > deadline or self._closed.is_set():
                    raise
            self._closed.wait(0.2)

    def _when_initialised(self, command: Callable[[], T]) -> T:
        """``command()``, tried again while the modem answers that it is still starting
        (``still_initialising``) and only then: the commands whose refusal means something
        (AT+CNMI, AT+CMGF) must not take a "please wait" for a "no"."""
        return self._when_sim_ready(command, still_initialising)


def sim_busy(exc: ModemError) -> bool:
    """Whether an error says the SIM is busy (TS 27.007 §9.2.1 14, TS 27.005 §3.2.5 314; 500,
    "unknown error", is what SIMCom and Huawei answer SMS commands before the SIM is read), or
    the modem still starting (``still_initialising``)."""
    code = getattr(exc, "code", None)
    return (
        (isinstance(exc, CmsError) and code in (314, 500))
        or (isinstance(exc, CmeError) and code == 14)
        or still_initialising(exc)
    )


def still_initialising(exc: ModemError) -> bool:
    """Whether an error is a vendor's "please wait, init or command processing in progress"
    (Wavecom's +CME ERROR: 515; ``modem.vendors.INITIALISING_CME``)."""
    return isinstance(exc, CmeError) and exc.code in INITIALISING_CME
