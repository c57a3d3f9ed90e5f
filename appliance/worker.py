"""``ModemWorker``: the one thread that owns one modem's port.

Everything that touches the port happens on this thread: initialising, unlocking, health polls,
sends handed over by the dispatcher, reading and deleting inbound messages. Other threads talk to
it through its inbox queue, so a stuck modem stalls only its own worker, never the others.

Self-healing ladder on a timeout: ESC + ATZ (soft reset) → close and reopen the port →
AT+CFUN=1,1 (power cycle; a USB dongle vanishes and comes back) → give up as ``failed`` with the
reason, and try again from scratch after ``retry_failed_after``.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from modem import events, pdu
from modem.device import Modem, ModemStatus, Timeouts
from modem.errors import (
    CmeError,
    CmsError,
    CommandTimeout,
    IncorrectPin,
    ModemError,
    PortBusy,
    PortGone,
    RemoteProtocolError,
    SimError,
    SimNotInserted,
    SimPinRequired,
    SimPukRequired,
)

from .breaker import Blame, SimBreaker, blame, kind, sim_label
from .clock import Clock
from .numbers import InvalidRecipient, normalise
from .pacing import Caps, Pacer, backoff, period_keys
from .reports import filed
from .states import ModemState
from .store import SimCounts, Store
from .store.schema import Message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    """What the config says about one modem (or the defaults for discovered ones)."""

    port: str
    pin: str | None = None
    max_per_minute: float = 6.0
    daily_limit: int | None = 200
    monthly_limit: int | None = 3000
    group: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_attempts: int = 10  # every attempt counts; a failed one costs seconds, not hours
    breaker_threshold: int = 3  # errors in a row before the SIM pauses (appliance.breaker)
    breaker_max_pause: float = 600.0
    retry_base: float = 30.0
    retry_failed_after: float = 300.0
    reconnect_after: float = 2.0
    power_cycle_wait: float = 60.0  # a dongle takes 10-30 s to come back after AT+CFUN=1,1
    resend_unknown: bool = False
    timezone: str = "UTC"
    region: str = "FR"
    validity: timedelta | None = None


@dataclass
class _Send:
    message: Message


@dataclass
class _Poll:
    pass


@dataclass
class _Recheck:
    """Look at the registration again (no signal sample: it may repeat every few seconds)."""


@dataclass
class _Event:
    event: events.ModemEvent


class _Stop:
    pass


_Item = _Send | _Poll | _Recheck | _Event | _Stop

# The inbox serves in this order, first come first served within a rank. A health poll (about
# ten commands, 35 ms at a dongle's pace) waits for a pause between sends rather than stretching
# the gap between two of them, but never longer than POLL_DEFER_MAX: a modem kept busy without a
# pause is still looked at. Inbound messages and reports are not deferred: a SIM holds only a few
# dozen messages, and what is not read off it in time is refused by the network.
_URGENT, _WORK, _WHEN_IDLE = 0, 1, 2
POLL_DEFER_MAX = 300.0  # seconds


class ModemWorker:
    """Owns one port; reports its state to the store and its idleness to the dispatcher."""

    def __init__(
        self,
        settings: WorkerSettings,
        *,
        store: Store,
        clock: Clock,
        node: str,
        on_idle: Callable[[ModemWorker], object],
        claim_identity: Callable[[str, ModemWorker], bool] = lambda imei, worker: True,
        record_report: Callable[[str, pdu.StatusReport, datetime], object] | None = None,
        healthy_peers: Callable[[ModemWorker], int] = lambda worker: 0,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.port = settings.port
        self.store = store
        self.clock = clock
        self.node = node
        self._on_idle = on_idle
        self._claim_identity = claim_identity
        self._record_report = record_report  # None: filed on this thread (appliance.reports)
        self._healthy_peers = healthy_peers  # other modems that could take a message now
        self._rng = rng or random.Random()
        self.pacer = Pacer(settings.max_per_minute, rng=self._rng)
        self.caps = Caps(settings.daily_limit, settings.monthly_limit)
        self.breaker = SimBreaker(settings.breaker_threshold, settings.breaker_max_pause)
        self.operator: str | None = None
        self._pause_words = ""  # why the SIM pauses, while its breaker is open
        self.state = ModemState.ABSENT
        self.reason = "not opened yet"
        self.imei: str | None = None
        self.iccid: str | None = None
        # the SIM's counters as the store last returned them: the dispatcher checks the caps
        # against these before each hand-over, without a read (only this worker moves them)
        self.sim_counts: SimCounts | None = None
        self.group = settings.group
        self.busy = False  # a send is handed over or running
        self._inbox: queue.PriorityQueue[tuple[int, int, _Item]] = queue.PriorityQueue()
        self._order = itertools.count()  # first come, first served within a rank
        self._poll_waiting = False
        self._polled_at = time.monotonic()
        self._modem: Modem | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"modem {self.port}", daemon=True)
        self._wake_at: datetime | None = None

    # --- called from other threads -------------------------------------------------------------

    def start(self) -> ModemWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._put(_Stop(), _URGENT)
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def available(self) -> bool:
        """Ready and not busy: the dispatcher may hand it a message."""
        return self.state == ModemState.READY and not self.busy and not self._stopping.is_set()

    def send(self, message: Message) -> None:
        """Hand over a claimed message (already ``sending`` in the store)."""
        self.busy = True
        self._put(_Send(message), _WORK)

    def poll(self) -> None:
        """Ask for a health poll (signal, registration) from the scheduler: after the sends
        already waiting, unless the last one is older than ``POLL_DEFER_MAX``."""
        if self._poll_waiting:
            return
        self._poll_waiting = True
        overdue = time.monotonic() - self._polled_at > POLL_DEFER_MAX
        self._put(_Poll(), _WORK if overdue else _WHEN_IDLE)

    def _put(self, item: _Item, rank: int) -> None:
        self._inbox.put((rank, next(self._order), item))

    def _next(self, timeout: float) -> _Item:
        """The next thing to do, by rank (raises ``queue.Empty`` after ``timeout``)."""
        _, _, item = self._inbox.get(timeout=timeout)
        if isinstance(item, _Poll):
            self._poll_waiting = False
        return item

    def _event(self, event: events.ModemEvent) -> None:
        """From the port's reader thread: an unsolicited result for this worker to handle."""
        self._put(_Event(event), _WORK)

    # --- the worker thread ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._modem is None and not self._connect():
                    self._idle_wait(self._retry_delay())
                    continue
                self._serve()
            except Exception as exc:  # a bug or a database outage must not end this modem's thread
                log.exception("%s: worker error", self.port)
                self.busy = False
                try:
                    self._close()
                    self._set(ModemState.FAILED, f"internal error, retrying: {exc}")
                except Exception:
                    self.state = ModemState.FAILED
                self._stopping.wait(self.settings.reconnect_after)
        self._close()
        if self.imei:
            self._save(state=ModemState.ABSENT, reason="smsrelay stopped")

    def _idle_wait(self, seconds: float) -> None:
        """Wait before retrying a connection, but keep answering the dispatcher's hand-overs."""
        try:
            item = self._next(seconds)
        except queue.Empty:
            return
        if isinstance(item, _Send):  # we are not ready: give it back to the queue
            self._give_back(item.message, "the modem was not ready; queued again")
            self._done()
        elif isinstance(item, _Stop):
            self._stopping.set()

    def _retry_delay(self) -> float:
        if self.state == ModemState.FAILED:
            return self.settings.retry_failed_after
        if self.state in (ModemState.SIM_LOCKED, ModemState.NO_SIM):
            return max(self.settings.retry_failed_after, 30.0)
        return self.settings.reconnect_after

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
            self._read_stored_messages()
        except ModemError as exc:
            self._fail_init(exc)
            self._close()
            return False
        self._on_idle(self)  # not _done(): a message may already be handed over (busy)
        return True

    def _initialise(self, modem: Modem) -> None:
        identity = modem.prepare()
        self.imei = identity.imei
        if not self._claim_identity(identity.imei, self):
            raise ModemError(f"modem {identity.imei} is already driven on another port")
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
        status = modem.status()
        self.iccid = status.iccid
        self.sim_counts = None
        if status.iccid:
            sim = self.store.sim(status.iccid)
            sim = self.store.upsert_sim(
                status.iccid,
                imsi=status.imsi,
                modem_imei=identity.imei,
                sim_group=self.group or (sim.sim_group if sim else None),
            )
            self.sim_counts = SimCounts(sim.day, sim.sent_day, sim.month, sim.sent_month)
        self._save_status(status, identity_port=True)
        self._sample_signal(status)  # the chart has its first point at once, not after a poll
        self.store.log(
            "modem.up",
            self.clock.now(),
            f"{identity.manufacturer} {identity.model} on {self.port}",
            imei=self.imei,
        )

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
        elif isinstance(exc, CommandTimeout):
            self._set(ModemState.FAILED, f"the modem does not answer: {exc}")
        else:
            self._set(ModemState.FAILED, f"initialisation failed: {exc}")

    def _serve(self) -> None:
        """Handle hand-overs, polls and modem events until the port goes away.

        A modem still searching for a network is looked at again every ``reconnect_after``
        seconds: the driver asks for no registration URCs, so without this a modem that
        registers a few seconds after its PIN would wait for the next health poll to serve.
        """
        while not self._stopping.is_set() and self._modem is not None:
            searching = self.state == ModemState.SEARCHING
            try:
                item = self._next(self.settings.reconnect_after if searching else 30.0)
            except queue.Empty:
                if not searching:
                    continue
                item = _Recheck()
            try:
                if isinstance(item, _Send):
                    self._send(item.message)
                elif isinstance(item, _Poll):
                    self._polled_at = time.monotonic()
                    self._poll()
                elif isinstance(item, _Recheck):
                    self._save_status(self._modem.status())
                elif isinstance(item, _Event):
                    self._handle_event(item.event)
                elif isinstance(item, _Stop):
                    return
            except PortGone as exc:
                self._lost(exc)
            except CommandTimeout as exc:
                self._heal(exc)
            except ModemError as exc:
                log.warning("%s: %s", self.port, exc)
                self.store.log("modem.error", self.clock.now(), str(exc), imei=self.imei)

    # --- sending -------------------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        modem = self._modem
        assert modem is not None and message.id is not None
        if self.state != ModemState.READY:
            self._give_back(message, f"modem {self.imei} was {self.state}; queued again")
            self._done()
            return
        # Busy is not written to the store: the panel derives it from the message this modem has
        # in "sending", which the claim already committed (one transaction less per send).
        self.state, self.reason = ModemState.BUSY, f"sending message {message.id}"
        started = self.clock.now()
        error: ModemError | None = None
        result = None
        try:
            result = modem.send(
                message.recipient,
                message.text,
                report=message.report,
                concat_reference=message.concat_ref,
                first_part=message.parts_sent + 1,
                validity=self.settings.validity,
            )
        except ModemError as exc:
            error = exc
        now = self.clock.now()
        day, month = period_keys(now, self.settings.timezone)
        self.pacer.record(message.parts - message.parts_sent, started)
        self.breaker.observe((now - started).total_seconds())
        if error is None:
            self.breaker.success()
            assert result is not None
            self.sim_counts = self.store.mark_sent(
                message.id,
                result.references,
                message.parts,
                self.iccid,
                now,
                day,
                month,
                imei=self.imei,
                recipient=message.recipient,
            )
            self.state, self.reason = ModemState.READY, "ready"  # saved by mark_sent
        else:
            counts = self.store.mark_progress(
                message.id, error.sent_references, self.iccid, now, day, month
            )
            self.sim_counts = counts or self.sim_counts
            self._outcome_of_failure(message, error, now)
        if isinstance(error, (PortGone, CommandTimeout)):
            self._save(last_error=str(error), last_error_at=now)
            self.busy = False
            raise error  # the serving loop heals the modem, then tells the dispatcher
        if error is not None:  # a pausing SIM says so on its card until its next success
            self._set(
                ModemState.READY,
                self._pause_words if self.breaker.open else "ready",
                last_error=str(error),
                last_error_at=now,
            )
        self._done()

    def _outcome_of_failure(self, message: Message, error: ModemError, now: datetime) -> None:
        assert message.id is not None
        reason = str(error)  # the card's last error is saved by _send, with its state
        self.store.log("message.error", now, reason, imei=self.imei, message_id=message.id)
        if error.maybe_sent:
            if self.settings.resend_unknown:
                self.store.mark_retry(
                    message.id,
                    f"may have left ({reason}); sent again as resend_unknown = true",
                    now,
                )
            else:
                self.store.mark_unknown(message.id, f"may or may not have left: {reason}", now)
            return
        culprit = blame(error)
        if culprit is Blame.MESSAGE:
            self.store.mark_failed(message.id, _plain(error), now)
        elif culprit is Blame.DESTINATION:
            self._back_off_message(message, _plain(error), now)
        else:
            self._back_off_sim(message, error, now)

    def _back_off_sim(self, message: Message, error: ModemError, now: datetime) -> None:
        """The modem, its SIM or its network failed: the message goes again at once, on another
        modem when one is healthy; this SIM pauses once its errors in a row pass the threshold."""
        assert message.id is not None
        reason = _plain(error)
        pause = self.breaker.failure(kind(error), self.pacer.interval.total_seconds())
        words = ""
        if pause > 0:
            self.pacer.hold(now + timedelta(seconds=pause))
            words = self.breaker.words(sim_label(self.iccid, self.operator), pause)
            self._pause_words = words  # the card says it once the send is over (_send)
            self.store.log("sim.pause", now, words, imei=self.imei, message_id=message.id)
        if self._gave_up(message, reason, now):
            return
        if self._healthy_peers(self) > 0:
            then = "retrying at once on another modem"
        else:
            wait = self.pacer.ready_at(now)
            seconds = (wait - now).total_seconds() if wait else 0.0
            then = (
                f"retrying on this modem in {seconds:.0f} s"
                if seconds >= 1
                else "retrying on this modem"
            )
        if words:
            then = f"{then} ({words})"
        self.store.mark_retry(message.id, f"{reason}; {then}", now)

    def _back_off_message(self, message: Message, reason: str, now: datetime) -> None:
        """The destination's fault: the message waits (30 s, 60 s, 120 s ...), not the SIM."""
        assert message.id is not None
        if self._gave_up(message, reason, now):
            return
        delay = backoff(message.attempts, base=self.settings.retry_base, rng=self._rng)
        self.store.mark_retry(
            message.id,
            f"{reason}; the destination's side: retrying in {delay.total_seconds():.0f} s",
            now + delay,
        )

    def _give_back(self, message: Message, reason: str) -> None:
        """A message handed over while this modem was not ready: back to the queue, due now."""
        now = self.clock.now()
        if not self._gave_up(message, reason, now):
            assert message.id is not None
            self.store.mark_retry(message.id, reason, now)

    def _gave_up(self, message: Message, reason: str, now: datetime) -> bool:
        """Past the limit on attempts the message fails, whoever was at fault."""
        assert message.id is not None
        if message.attempts < self.settings.max_attempts:
            return False
        self.store.mark_failed(
            message.id, f"gave up after {message.attempts} attempts: {reason}", now
        )
        return True

    def _done(self) -> None:
        self.busy = False
        self._on_idle(self)

    # --- health --------------------------------------------------------------------------------

    def _poll(self) -> None:
        modem = self._modem
        if modem is None or self.state in (ModemState.BUSY, ModemState.RESETTING):
            return
        status = modem.status()
        self._save_status(status)
        self._sample_signal(status)

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
                return
        self._close()
        self._set(
            ModemState.FAILED,
            f"the modem does not answer even after a reset and a power cycle ({exc}); "
            f"trying again in {self.settings.retry_failed_after:.0f} s",
        )
        self.store.log("modem.down", self.clock.now(), self.reason, imei=self.imei)

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

    # --- inbound -------------------------------------------------------------------------------

    def _handle_event(self, event: events.ModemEvent) -> None:
        modem = self._modem
        if isinstance(event, events.MessageStored | events.ReportStored):
            if modem is None:
                return
            stored = modem.read_message(event.index, event.storage)
            if stored is not None:
                self._take(stored.message, stored.problem)
                modem.delete_message(event.index)  # only after the commit in _take
        elif isinstance(event, events.MessageReceived):
            self._take(event.message, None)
        elif isinstance(event, events.ReportReceived):
            if self._record_report is not None and self.imei:
                self._record_report(self.imei, event.report, self.clock.now())
            else:
                self._take(event.report, None)
        elif isinstance(event, events.Unrecognised) and event.problem:
            self.store.log("modem.garbage", self.clock.now(), event.problem, imei=self.imei)

    def _read_stored_messages(self) -> None:
        """Messages that arrived while we were not listening are waiting on the SIM."""
        modem = self._modem
        if modem is None:
            return
        try:
            for stored in modem.list_messages():
                self._take(stored.message, stored.problem)
                modem.delete_message(stored.index)
        except (CmsError, CmeError, RemoteProtocolError) as exc:
            log.warning("%s: could not read stored messages: %s", self.port, exc)

    def _take(self, message: pdu.Deliver | pdu.StatusReport | None, problem: str | None) -> None:
        now = self.clock.now()
        imei = self.imei or ""
        if message is None:
            self.store.log("inbound.undecodable", now, problem or "", imei=imei)
        elif isinstance(message, pdu.Deliver):
            concat = message.concat
            whole = self.store.add_inbound_part(
                imei=imei,
                iccid=self.iccid,
                sender=_normalised_sender(message.sender, self.settings.region),
                text=message.text,
                sent_at=message.timestamp,
                now=now,
                concat=(concat.reference, concat.total, concat.seq) if concat else None,
            )
            if whole is not None:
                self.store.log(
                    "message.received", now, f"from {whole.sender}", imei=imei, message_id=whole.id
                )
        else:
            self.store.add_reports([filed(imei, message, now)])

    # --- state ---------------------------------------------------------------------------------

    def _set(self, state: ModemState, reason: str, **also: object) -> None:
        was_available = self.available
        if self.imei:
            self._save(state=state, reason=reason, **also)
        self.state, self.reason = state, reason  # after the store, as in _save_status
        if self.available and not was_available:
            self._on_idle(self)

    def _save(self, **values: object) -> None:
        if self.imei:
            values.setdefault("updated_at", self.clock.now())
            self.store.upsert_modem(self.imei, **values)


def _plain(error: ModemError) -> str:
    if isinstance(error, CmsError):
        return f"{error.reason} (+CMS ERROR {error.code})"
    if isinstance(error, SimError):
        return f"SIM problem: {error}"
    return str(error)


def _normalised_sender(sender: str, region: str) -> str:
    """Senders are stored as E.164 when they are numbers; names (alphanumeric) as they are."""
    if any(ch.isalpha() for ch in sender) or not any(ch.isdigit() for ch in sender):
        return sender
    try:
        return normalise(sender, region)
    except InvalidRecipient:
        return sender


def pin_fingerprint(imei: str, pin: str) -> str:
    """What the store keeps of a refused PIN: enough to recognise it, not to read it back."""
    return hashlib.sha256(f"{imei}:{pin}".encode()).hexdigest()[:16]
