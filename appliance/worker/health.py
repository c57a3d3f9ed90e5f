"""Health: the modem's signal and registration, polled and saved as its state.

``_save_status`` is where READY, SEARCHING and SIM_LOCKED come from. It writes the store
before the state the dispatcher reads, so whoever sees the modem ready finds its row saying so.
A modem that is not registered says why in words (``searching_words``); one whose radio is off
again is switched on at the next look (``_recheck``). A modem that forgot its settings (it
restarted behind the worker's back: ``Modem.indications_lost``) or whose SIM is back is set up
again at the poll that sees it, and its SIM's stored messages read (``_set_up_again``).

Searching is not waited for for ever when the modem will not register by itself: a modem that
refuses AT+CFUN=1, whose radio stays off after it, or that stays "+CREG: 0" (not registered and
not searching) for ``registration_wait`` is given up as ``failed`` with the reason in words
(``stalled_words``), and brought up again from a closed port after ``retry_failed_after``
(``Healing._give_up``): the card says so instead of "searching" for ever.
"""

from __future__ import annotations

import logging
import time

from appliance.states import ModemState
from modem.at import RADIO_ON
from modem.device import ModemStatus
from modem.errors import CommandTimeout, ModemError, PortGone, RadioOff

log = logging.getLogger(__package__)

NO_SIM_WORDS = (
    "no SIM in the modem, or it cannot read it (+CME ERROR: 10, SIM not inserted); "
    "it is looked at again at each poll"
)


class Health:
    """Mixed into ``ModemWorker``: the modem's status, looked at and saved."""

    def _poll(self) -> None:
        modem = self._modem
        if modem is None or self.state in (ModemState.BUSY, ModemState.RESETTING):
            return
        if modem.indications_lost():  # it restarted behind our back: it announces no SMS
            self._set_up_again("it forgot its settings (restarted?)")
            return
        status = modem.status()
        if self.state in (ModemState.NO_SIM, ModemState.SIM_LOCKED) and status.sim == "READY":
            self._set_up_again("its SIM is back")  # storage, PIN: set while it was away
            return
        self._save_status(status)
        self._sample_signal(status)
        if self.state == ModemState.READY and self._credit_due(self.clock.now()):
            self._query_credit()  # a poll waits for a pause in the sends: so does the query

    def _set_up_again(self, why: str) -> None:
        """Initialise the open modem again (the SMS settings, the SIM's storage and PIN) and
        read what its SIM stored meanwhile: SMS announced to no one stay there otherwise."""
        log.warning("%s: %s: set up again, and the SIM's stored messages read", self.port, why)
        try:
            self._initialise(self._modem)
        except (PortGone, CommandTimeout):
            raise  # an unplug, a hang: the serving loop's business
        except ModemError as exc:  # no SIM, a PIN: its card says so; the next poll tries again
            self._fail_init(exc)
            return
        if self._modem.receives:
            self._read_stored_messages()

    def _recheck(self) -> None:
        """Look at the registration again while searching. A radio found off is switched on
        (once: if it stays off, asking again every few seconds changes nothing); a modem that
        refuses, or stalls for ``registration_wait``, is given up until a fresh bring-up."""
        modem = self._modem
        if modem is None:
            return
        status = modem.status()
        radio_off = status.radio is not None and status.radio != RADIO_ON
        if radio_off and self._stalled_since is None:
            try:
                modem.switch_radio_on()
            except RadioOff as exc:
                self._give_up(str(exc))
                return
            status = modem.status()
        self._save_status(status)
        words = self._stalled(status)
        if words:
            self._give_up(words)

    def _stalled(self, status: ModemStatus) -> str | None:
        """Why the modem will not register by itself, once it has been so for
        ``registration_wait`` seconds; None while it may still (or did)."""
        if status.sim != "READY" or not will_not_register(status):
            self._stalled_since = None
            return None
        now = time.monotonic()
        if self._stalled_since is None:
            self._stalled_since = now
        if now - self._stalled_since < self.settings.registration_wait:
            return None
        return stalled_words(status, self.settings.registration_wait)

    def _sample_signal(self, status: ModemStatus) -> None:
        """A point of the panel's 24 h signal chart."""
        if status.signal is not None and self.imei:
            self.store.add_signal(
                self.imei, self.clock.now(), status.signal.dbm, status.signal.bars
            )

    def _save_status(
        self, status: ModemStatus, identity_port: bool = False, **also: object
    ) -> None:
        """The modem's row from ``status`` (with its port and identity at a bring-up, and what
        ``also`` adds: whether it receives), then the state the dispatcher reads."""
        registered = bool(status.registration and status.registration.registered)
        if status.sim == "NOT INSERTED":  # pulled out, or badly seated: not a PIN to set
            state, reason = ModemState.NO_SIM, NO_SIM_WORDS
        elif status.sim != "READY":
            state, reason = ModemState.SIM_LOCKED, f"the SIM says {status.sim}"
        elif not registered:
            state, reason = ModemState.SEARCHING, searching_words(status)
        else:
            state, reason = ModemState.READY, "ready"
        was_available = self.available
        self.operator = status.operator or self.operator
        values: dict[str, object] = dict(
            state=state,
            reason=reason,
            node=self.node,
            iccid=status.iccid,
            sim=status.sim,
            signal_dbm=status.signal.dbm if status.signal else None,
            bars=status.signal.bars if status.signal else 0,
            registration=status.registration.status if status.registration else None,
            operator=status.operator,
            seen_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        if identity_port:
            values.update(
                port=self.port,
                manufacturer=status.manufacturer,
                model=status.model,
                revision=status.revision,
                daily_limit=self.settings.daily_limit,
            )
        values.update(also)
        if self.imei:
            self.store.upsert_modem(self.imei, **values)
        # the store first, then the state the dispatcher reads: whoever sees the modem ready
        # (the dispatcher, a test, the panel) finds the row saying so too
        self.state, self.reason = state, reason
        if self.available and not was_available:
            self._on_idle(self)


def will_not_register(status: ModemStatus) -> bool:
    """Radio off, or "+CREG: 0" (not registered, not searching): a modem that is neither
    registered nor trying to be (TS 27.007 §7.2, §8.2)."""
    radio_off = status.radio is not None and status.radio != RADIO_ON
    idle = status.registration is not None and status.registration.status == "not-registered"
    return radio_off or idle


def stalled_words(status: ModemStatus, waited: float) -> str:
    """Why a modem gave up registering, in words for its card (``will_not_register``)."""
    if status.radio is not None and status.radio != RADIO_ON:
        return (
            f"its radio stays off (+CFUN: {status.radio}) after AT+CFUN=1, for {waited:g} s: "
            "a radio switch (W_DISABLE), its temperature or supply voltage, or its firmware "
            "keeps it in low-power mode"
        )
    return (
        f"not registered and not searching for a network (+CREG: 0) for {waited:g} s with "
        "its radio on: no network takes this SIM here, the SIM is badly seated, or the modem "
        "gave up"
    )


def searching_words(status: ModemStatus) -> str:
    """Why a modem with a ready SIM is not registered, in words for its card."""
    if status.radio is not None and status.radio != RADIO_ON:
        return (
            f"its radio is off (+CFUN: {status.radio}); it is switched on and the modem "
            "registers in a few seconds"
        )
    stat = status.registration.status if status.registration else "unknown"
    if stat == "searching":
        return "searching for a network (registration takes seconds; longer with poor coverage)"
    if stat == "not-registered":
        return (
            "not registered and not searching for a network (+CREG: 0): no network takes "
            "this SIM here, or the modem gave up; it is looked at again every few seconds"
        )
    if stat == "denied":
        return "the network refused this SIM (registration denied): is its subscription active?"
    return f"not registered on a network ({stat})"
