"""``ModemWorker``: the attributes, the thread and its loops, and the modem's saved state.

The class is made of the concern classes of this package (see ``__init__``); this module holds
what they all share: the attributes made in ``__init__``, starting and stopping the thread,
``_run`` (connect, serve, retry; a bug or a database outage never ends the thread), ``_serve``
(the inbox's items one by one; a lost port or a timeout goes to healing) and ``_set``/``_save``.
"""

from __future__ import annotations

import itertools
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime

from appliance.breaker import SimBreaker
from appliance.clock import Clock
from appliance.database_trouble import DatabaseTrouble
from appliance.pacing import Caps, Pacer
from appliance.states import ModemState
from appliance.store import SimCounts, Store, outage_of
from modem import events, pdu
from modem.device import Modem
from modem.errors import CommandTimeout, ModemError, PortGone

from .ahead import ClaimingAhead
from .calls import CallHandling, _Ringing
from .connecting import Connecting
from .credit import CreditChecks
from .errands import Errands
from .healing import Healing
from .health import Health
from .inbox import (
    _URGENT,
    Inbox,
    _CallDue,
    _Credit,
    _Event,
    _Item,
    _Poll,
    _Recheck,
    _Send,
    _Stop,
)
from .receiving import Receiving
from .recording import Recording
from .sending import Sending
from .settings import WorkerSettings

log = logging.getLogger(__package__)  # "appliance.worker", as before the split
# seconds: a write in trouble caught by ``_run`` began at most this long ago (one statement)
STALE_MARGIN = 0.5


class ModemWorker(
    Inbox,
    Connecting,
    Sending,
    ClaimingAhead,
    Recording,
    Health,
    Healing,
    Receiving,
    CallHandling,
    CreditChecks,
):
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
        on_received: Callable[[int], object] | None = None,
        on_call: Callable[[int], object] | None = None,
        healthy_peers: Callable[[ModemWorker], int] = lambda worker: 0,
        refusal_rate: Callable[[ModemWorker], float] = lambda worker: worker.breaker.rate,
        claim_ahead: Callable[[ModemWorker], object] = lambda worker: False,
        rng: random.Random | None = None,
        trouble: DatabaseTrouble | None = None,
    ) -> None:
        self.settings = settings
        self.port = settings.port
        self.store = store
        self.clock = clock
        self.node = node
        self._on_idle = on_idle
        self._claim_identity = claim_identity
        self._record_report = record_report  # None: filed on this thread (appliance.reports)
        self._on_received = on_received  # a whole message was stored (the consent desk)
        self._on_call = on_call  # a missed call was stored (the consent desk)
        self._healthy_peers = healthy_peers  # other modems that could take a message now
        self._refusal_rate = refusal_rate  # what chance gives (the breaker's threshold)
        self._claim_ahead = claim_ahead  # the dispatcher: this worker's next, while it sends
        self._rng = rng or random.Random()
        self._trouble = trouble or DatabaseTrouble()  # the database in trouble (recording)
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
        self._handover = threading.Lock()  # busy and _sends_waiting move together (``inbox``)
        self._sends_waiting = 0  # hand-overs in the inbox, not taken yet
        self._sending = False  # a send is on the air: its successor may be claimed (``ahead``)
        self.parts_unrecorded = 0  # sent or on the air, not in sim_counts yet (``ahead``)
        # the messages handed to this worker until given back or their outcome written: their
        # claims' leases are renewed (``holding``, ``appliance.nodes``); the one on the air
        self._held: set[int] = set()
        self._on_air: int | None = None
        # the outcome of the send that ended, kept for its next's hand-over (``_outcome``)
        self._outcome_due: tuple[int, Callable[[], object], Callable[[], object], str] | None = None
        self._inbox: queue.PriorityQueue[tuple[int, int, _Item]] = queue.PriorityQueue()
        self._order = itertools.count()  # first come, first served within a rank
        self._poll_waiting = False
        self._polled_at = time.monotonic()
        self._modem: Modem | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"modem {self.port}", daemon=True)
        self._errands = Errands(self._claim_next, name=f"errands {self.port}")
        self._wake_at: datetime | None = None
        # calls (``calls``) and credit (``credit``)
        self._caller_id = False  # AT+CLIP=1 accepted: a RING is followed by its +CLIP
        self._ringing: _Ringing | None = None
        self._clip_deadline: float | None = None
        self._credit_waiting = False
        self._credit_last: datetime | None = None  # the last query, answered or not
        # registration (``health``, ``healing``): since when the modem will not register by
        # itself, and how long to wait before the next bring-up once it was given up
        self._stalled_since: float | None = None
        self._rest_before_connect = 0.0

    # --- called from other threads (the rest is in inbox.py) -----------------------------------

    def start(self) -> ModemWorker:
        self._errands.start()
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._put(_Stop(), _URGENT)
        self._thread.join(timeout)
        self._errands.stop()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def available(self) -> bool:
        """Ready and not busy: the dispatcher may hand it a message."""
        return self.state == ModemState.READY and not self.busy and not self._stopping.is_set()

    # --- the worker thread ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._modem is None and self._rest_before_connect:
                    self._rest(self._rest_before_connect)  # given up while serving (healing)
                    continue
                if self._modem is None:
                    if not self._connect():
                        self._idle_wait(self._retry_delay())
                        continue
                    self._trouble.passed()  # its state was saved: the store takes writes
                self._serve()
            except Exception as exc:  # a bug or a database outage must not end this modem's thread
                self._sending = False
                with self._handover:
                    self.busy = self._sends_waiting > 0
                    self._held.discard(self._on_air)  # type: ignore[arg-type]
                    # its claim's lease runs out: unknown
                trouble = outage_of(exc)
                if trouble is not None:  # no traceback: the database is away (recording)
                    self._trouble.met(trouble, time.monotonic() - STALE_MARGIN)
                    self._close()
                    self.state, self.reason = ModemState.FAILED, f"{trouble}; waiting for it"
                    self._stopping.wait(self.settings.reconnect_after * 8)
                    continue
                log.exception("%s: worker error", self.port)
                try:
                    self._close()
                    self._set(ModemState.FAILED, f"internal error, retrying: {exc}")
                except Exception:
                    self.state = ModemState.FAILED
                self._stopping.wait(self.settings.reconnect_after)
        self._put_outcome_due()
        self._errands.stop()  # outcomes written, no claim ahead after this: the rest goes back
        self._release_waiting()
        self._close()
        if self.imei:
            try:
                self._save(state=ModemState.ABSENT, reason="smsrelay stopped")
            except Exception as exc:
                if outage_of(exc) is None:
                    raise

    def _idle_wait(self, seconds: float) -> None:
        """Wait before retrying a connection, but keep answering the dispatcher's hand-overs."""
        try:
            item = self._next(seconds)
        except queue.Empty:
            return
        if isinstance(item, _Send):  # we are not ready: give it back to the queue
            self._give_back(item.message, "the modem was not ready; queued again")
            self._done()
        elif isinstance(item, _Credit):
            self._query_credit()  # no modem: says so, and the panel's request is answered
        elif isinstance(item, _Stop):
            self._stopping.set()

    def _rest(self, seconds: float) -> None:
        """``_idle_wait`` for the whole of ``seconds``, whatever arrives meanwhile."""
        self._rest_before_connect = 0.0
        until = time.monotonic() + seconds
        while not self._stopping.is_set() and (left := until - time.monotonic()) > 0:
            self._idle_wait(left)

    def _retry_delay(self) -> float:
        if self.state == ModemState.FAILED:
            return self.settings.retry_failed_after
        if self.state in (ModemState.SIM_LOCKED, ModemState.NO_SIM):
            return max(self.settings.retry_failed_after, 30.0)
        return self.settings.reconnect_after

    def _serve(self) -> None:
        """Handle hand-overs, polls and modem events until the port goes away.

        A modem still searching for a network is looked at again every ``reconnect_after``
        seconds: the driver asks for no registration URCs, so without this a modem that
        registers a few seconds after its PIN would wait for the next health poll to serve.
        """
        while not self._stopping.is_set() and self._modem is not None:
            searching = self.state == ModemState.SEARCHING
            wait = self.settings.reconnect_after if searching else 30.0
            call_wait = self._call_wait()  # a RING waits for its +CLIP
            try:
                item = self._next(wait if call_wait is None else min(wait, call_wait))
            except queue.Empty:
                if self._call_wait() == 0.0:
                    item = _CallDue()
                elif not searching:
                    continue
                else:
                    item = _Recheck()
            try:
                if not isinstance(item, _Send):
                    self._put_outcome_due()  # in order before what this item writes
                if isinstance(item, _Send):
                    self._send(item.message)
                elif isinstance(item, _Poll):
                    self._polled_at = time.monotonic()
                    self._poll()
                elif isinstance(item, _Recheck):
                    self._recheck()
                elif isinstance(item, _Event):
                    if isinstance(item.event, events.Ringing | events.CallerIdentified):
                        self._on_call_event(item.event, item.at)
                    else:
                        self._handle_event(item.event)
                elif isinstance(item, _CallDue):
                    self._finish_call()
                elif isinstance(item, _Credit):
                    self._query_credit()
                elif isinstance(item, _Stop):
                    return
            except PortGone as exc:
                self._lost(exc)
            except CommandTimeout as exc:
                self._heal(exc)
            except ModemError as exc:
                log.warning("%s: %s", self.port, exc)
                self.store.log("modem.error", self.clock.now(), str(exc), imei=self.imei)

    # --- state ---------------------------------------------------------------------------------

    def _done(self) -> None:
        """A send is over: free, unless its successor was already handed over (``ahead``)."""
        with self._handover:
            self._sending = False
            self._on_air = None
            if self._sends_waiting:
                return
            self.busy = False
        self._on_idle(self)

    def _set(self, state: ModemState, reason: str, **also: object) -> None:
        was_available = self.available
        if self.imei:
            self._save(state=state, reason=reason, **also)
        self.state, self.reason = state, reason  # after the store, as in _save_status
        if self.available and not was_available:
            self._on_idle(self)

    def _save(self, **values: object) -> None:
        self._put_outcome_due()
        self._errands.flush()  # the outcomes of earlier sends first: the card's order is theirs
        if self.imei:
            values.setdefault("updated_at", self.clock.now())
            self.store.upsert_modem(self.imei, **values)
