"""Bringing a modem from a closed port to serving: open, initialise, unlock, identify.

A PIN is sent to the SIM at most until it refuses it: three wrong PINs block a SIM, so a
refused one is remembered in the store (as ``pin_fingerprint``, never the PIN itself) and not
tried again until the config says another. A modem that cannot serve gets its reason in the
panel's words (``_fail_init``), and ``ModemWorker._run`` tries again later.

A modem whose radio was off is switched on by the driver and then searches (``health`` says
so); a phone used as a modem comes up send-only, says so in ``modem.up`` and keeps it on its row
(``receives``, for the card, ``smsrelay status`` and the API); messages stored on a modem are
read only when it can report received SMS at all.
"""

from __future__ import annotations

import hashlib

from appliance.states import ModemState
from appliance.store import SimCounts
from modem.device import SEND_ONLY, Identity, Modem
from modem.errors import (
    CommandTimeout,
    IncorrectPin,
    ModemError,
    PortBusy,
    PortGone,
    RadioOff,
    SimNotInserted,
    SimPinRequired,
    SimPukRequired,
)


class Connecting:
    """Mixed into ``ModemWorker``: bring the port from closed to serving."""

    def _connect(self) -> bool:
        self._set(ModemState.PROBING, "opening the port and initialising the modem")
        modem = Modem(
            self.port,
            timeouts=self.settings.timeouts,
            on_event=self._event,
        )
        try:
            modem.open()
        except PortBusy as exc:
            self._set(ModemState.FAILED, f"the port is held by another program: {exc}")
            return False
        except PortGone:
            self._set(ModemState.ABSENT, f"{self.port} is not there (unplugged?)")
            return False
        self._modem = modem
        try:
            self._initialise(modem)
            if modem.receives:
                self._read_stored_messages()
        except ModemError as exc:
            self._fail_init(exc)
            self._close()
            return False
        self._on_idle(self)  # not _done(): a message may already be handed over (busy)
        return True

    def _initialise(self, modem: Modem) -> None:
        self._stalled_since = None
        try:
            identity = modem.prepare()
        except RadioOff:
            if modem.identity is not None:  # its card names the modem that refuses
                self._identified(modem.identity)
            raise
        self._identified(identity)
        pin = self.settings.pin
        if pin and self.store.modem_rejected_pin(identity.imei) == pin_fingerprint(
            identity.imei, pin
        ):
            raise IncorrectPin("the SIM already refused this PIN; it is not sent again")
        try:
            modem.unlock(pin)
        except IncorrectPin:
            if pin:
                self.store.upsert_modem(
                    identity.imei, rejected_pin=pin_fingerprint(identity.imei, pin)
                )
            raise
        modem.configure()
        self._caller_id = modem.enable_caller_id()  # calls: +CLIP after each RING
        status = modem.status()
        self.iccid = status.iccid
        self.sim_counts = None
        self._credit_last = None
        if status.iccid:
            sim = self.store.sim(status.iccid)
            self._credit_last = sim.credit_checked_at if sim else None
            sim = self.store.upsert_sim(
                status.iccid,
                imsi=status.imsi,
                msisdn=modem.own_number(),  # AT+CNUM: None when the SIM stores none
                modem_imei=identity.imei,
                sim_group=self.group or (sim.sim_group if sim else None),
            )
            self.sim_counts = SimCounts(sim.day, sim.sent_day, sim.month, sim.sent_month)
        self._save_status(status, identity_port=True, receives=modem.receives)
        self._sample_signal(status)  # the chart has its first point at once, not after a poll
        self.store.log("modem.up", self.clock.now(), up_words(modem, self.port), imei=self.imei)

    def _identified(self, identity: Identity) -> None:
        """The modem said who it is: this worker drives that IMEI, unless another one does."""
        self.imei = identity.imei
        if not self._claim_identity(identity.imei, self):
            raise ModemError(f"modem {identity.imei} is already driven on another port")

    def _fail_init(self, exc: ModemError) -> None:
        if isinstance(exc, SimPinRequired):
            self._set(ModemState.SIM_LOCKED, "the SIM needs its PIN: set pin for this modem")
        elif isinstance(exc, IncorrectPin):
            self._set(
                ModemState.SIM_LOCKED,
                "the SIM refused the configured PIN; it is not "
                "retried (3 wrong PINs block the SIM): correct it in the config",
            )
        elif isinstance(exc, SimPukRequired):
            self._set(
                ModemState.SIM_LOCKED,
                "the SIM is blocked (PUK needed): unblock it in a "
                "phone with the PUK from the operator",
            )
        elif isinstance(exc, SimNotInserted):
            self._set(ModemState.NO_SIM, "no SIM in the modem, or it cannot read it")
        elif isinstance(exc, PortGone):
            self._set(ModemState.ABSENT, f"{self.port} vanished while initialising")
        elif isinstance(exc, RadioOff):  # it answers: its card says who and where
            identity = self._modem.identity if self._modem else None
            who = dict(manufacturer=identity.manufacturer, model=identity.model) if identity else {}
            self._set(
                ModemState.FAILED, f"{exc}; {self._retry_words()}", node=self.node, port=self.port,
                **who,
            )  # fmt: skip
        elif isinstance(exc, CommandTimeout):
            self._set(ModemState.FAILED, f"the modem does not answer: {exc}")
        else:
            self._set(ModemState.FAILED, f"initialisation failed: {exc}")


def up_words(modem: Modem, port: str) -> str:
    """What came up, for the event log and the ``modem.up`` webhook: who, where, and what it
    cannot do or had to be helped with."""
    identity = modem.identity
    words = f"{identity.manufacturer} {identity.model} on {port}" if identity else port
    if modem.radio_was_off is not None:
        words += f"; its radio was off (+CFUN: {modem.radio_was_off}) and was switched on"
    if not modem.receives:
        words += f"; {SEND_ONLY}"
    return words


def pin_fingerprint(imei: str, pin: str) -> str:
    """What the store keeps of a refused PIN: enough to recognise it, not to read it back."""
    return hashlib.sha256(f"{imei}:{pin}".encode()).hexdigest()[:16]
