"""Health: the modem's signal and registration, polled and saved as its state.

``_save_status`` is where READY, SEARCHING and SIM_LOCKED come from. It writes the store
before the state the dispatcher reads, so whoever sees the modem ready finds its row saying so.
A modem that is not registered says why in words (``searching_words``); one whose radio is off
again is switched on at the next look (``_recheck``).
"""

from __future__ import annotations

from appliance.states import ModemState
from modem.at import RADIO_ON
from modem.device import ModemStatus
from modem.errors import RadioOff


class Health:
    """Mixed into ``ModemWorker``: the modem's status, looked at and saved."""

    def _poll(self) -> None:
        modem = self._modem
        if modem is None or self.state in (ModemState.BUSY, ModemState.RESETTING):
            return
        status = modem.status()
        self._save_status(status)
        self._sample_signal(status)
        if self.state == ModemState.READY and self._credit_due(self.clock.now()):
            self._query_credit()  # a poll waits for a pause in the sends: so does the query

    def _recheck(self) -> None:
        """Look at the registration again while searching; a radio found off is switched on."""
        modem = self._modem
        if modem is None:
            return
        status = modem.status()
        if status.radio is not None and status.radio != RADIO_ON:
            try:
                modem.switch_radio_on()
            except RadioOff as exc:
                self._set(ModemState.SEARCHING, str(exc))  # the words say it will not register
                return
            status = modem.status()
        self._save_status(status)

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
        if status.sim != "READY":
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
