"""Health: the modem's signal and registration, polled and saved as its state.

``_save_status`` is where READY, SEARCHING and SIM_LOCKED come from. It writes the store
before the state the dispatcher reads, so whoever sees the modem ready finds its row saying so.
"""

from __future__ import annotations

from appliance.states import ModemState
from modem.device import ModemStatus


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

    def _sample_signal(self, status: ModemStatus) -> None:
        """A point of the panel's 24 h signal chart."""
        if status.signal is not None and self.imei:
            self.store.add_signal(
                self.imei, self.clock.now(), status.signal.dbm, status.signal.bars
            )

    def _save_status(self, status: ModemStatus, identity_port: bool = False) -> None:
        registered = bool(status.registration and status.registration.registered)
        if status.sim != "READY":
            state, reason = ModemState.SIM_LOCKED, f"the SIM says {status.sim}"
        elif not registered:
            why = status.registration.status if status.registration else "unknown"
            state, reason = ModemState.SEARCHING, f"not registered on a network ({why})"
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
        if self.imei:
            self.store.upsert_modem(self.imei, **values)
        # the store first, then the state the dispatcher reads: whoever sees the modem ready
        # (the dispatcher, a test, the panel) finds the row saying so too
        self.state, self.reason = state, reason
        if self.available and not was_available:
            self._on_idle(self)
