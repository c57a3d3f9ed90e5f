"""The dispatcher: hands queued messages to free modems, the moment either appears.

It sleeps on the ``Wakeup`` socket, which any process rings after enqueueing and every worker rings
when it becomes free, and otherwise only until the next thing it knows is due (a scheduled send, a
retry's backoff, a SIM's pacing slot, the end of quiet hours). No polling interval: a message
enqueued by the CLI or the panel reaches AT+CMGS within milliseconds on an idle modem.

Order: priority, then age. Among free modems the least-used SIM (today's parts) goes first. Each
hand-over is a ``claim`` committed as ``sending`` before the worker writes to the port. A modem on
the air has its next message claimed shortly before it is free (``claim_ahead``, from the
worker's errand thread), so no claim sits between two of its sends; that claim is handed over
(``sending_at`` committed) only just before its ``AT+CMGS``, so a crash before then gives it back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from .clock import Clock
from .config import Config, end_of_quiet, quiet
from .database_trouble import DatabaseTrouble
from .outbox import consent_rules
from .pacing import period_keys, remaining
from .pool import Pool
from .store import Claim, Store, outage_of
from .store.outage import UNAVAILABLE
from .wakeup import Wakeup
from .worker import ModemWorker

log = logging.getLogger(__name__)

SAFETY_TICK = 30.0  # seconds: even a lost wake-up is noticed within this
OUTAGE_RETRY = timedelta(seconds=1)  # the database in trouble: looked at again then


class Dispatcher:
    def __init__(
        self,
        *,
        store: Store,
        pool: Pool,
        clock: Clock,
        config: Config,
        wakeup: Wakeup,
        on_wake: Callable[[], object] | None = None,
        lease: Callable[[datetime], datetime | None] = lambda now: None,
        trouble: DatabaseTrouble | None = None,
    ) -> None:
        self.store = store
        self.pool = pool
        self.clock = clock
        self.config = config
        self.wakeup = wakeup
        # the panel's other requests (a credit query), looked at whenever the wake-up rings
        self.on_wake = on_wake
        self.lease = lease  # the lease a claim made now carries (appliance.nodes)
        self.consent = consent_rules(config)  # the cap per person, checked again at the claim
        # the database refusing writes (a full disk) or out of reach: no claim commits, so
        # nothing is handed out; the dispatcher tries again every second and says why once
        self.trouble = trouble or DatabaseTrouble()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatcher", daemon=True)
        self._lock = threading.Lock()  # one hand-out at a time: the thread's ticks and offers
        self.ticks = 0

    def start(self) -> Dispatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()
        self._thread.join(5)

    def wake(self) -> None:
        self.wakeup.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self.on_wake is not None:
                try:
                    self.on_wake()
                except Exception:  # a database hiccup: the request waits for the next wake
                    log.exception("the panel's requests could not be read")
            began = time.monotonic()
            try:
                deadline = self.tick()
                self.trouble.passed(UNAVAILABLE)  # it read: the database is reached
            except Exception as exc:  # the dispatcher must outlive a database hiccup
                trouble = outage_of(exc)
                if trouble is None:
                    log.exception("dispatch tick failed")
                    deadline = None
                else:  # said once; looked at again soon, so that sending resumes on its own
                    self.trouble.met(trouble, began)
                    deadline = self.clock.now() + OUTAGE_RETRY
            timeout = SAFETY_TICK
            if deadline is not None:
                timeout = min(timeout, max((deadline - self.clock.now()).total_seconds(), 0.0))
            self.wakeup.wait(timeout)

    def tick(self) -> datetime | None:
        """Hand out what can go now; return when something next becomes possible."""
        with self._lock:
            self.ticks += 1
            now = self.clock.now()
            deadline: datetime | None = None

            def soonest(when: datetime | None) -> None:
                nonlocal deadline
                if when is not None and (deadline is None or when < deadline):
                    deadline = when

            candidates = [(self._usage(worker, now), worker) for worker in self.pool.available()]
            # a SIM with errors in a row goes last: a healthy one takes the work first
            candidates.sort(key=lambda c: (c[1].breaker.streak, c[0][0], c[1].imei or ""))
            free = len(candidates)
            for (_, left), worker in candidates:
                ready_at = worker.pacer.ready_at(now)
                if ready_at is not None:
                    soonest(ready_at)
                    continue
                if self._hand_over(worker, now, left, self._avoid_own(worker, free > 1)):
                    free -= 1
            soonest(self.store.next_due(now))
            if quiet(now, self.config):
                soonest(end_of_quiet(now, self.config))
            # a message that expires is settled by the scheduler; a day change resets the caps
            return deadline if deadline is None else max(deadline, now + timedelta(milliseconds=1))

    def offer(self, worker: ModemWorker) -> bool:
        """A worker just became free: give it its next message at once, from its own thread.

        This skips two thread hand-overs (wake the dispatcher, hand the message back) between two
        sends of a busy modem. When there is nothing it may send now, the dispatcher is woken to
        work out when there will be (pacing, schedules, quiet hours).
        """
        handed = False
        if worker.available and worker.imei:
            with self._lock:
                now = self.clock.now()
                if worker.available and worker.pacer.ready_at(now) is None:
                    began = time.monotonic()
                    try:
                        _, left = self._usage(worker, now)
                        others = any(w is not worker for w in self.pool.available())
                        avoid_own = self._avoid_own(worker, others)
                        handed = self._hand_over(worker, now, left, avoid_own)
                    except Exception as exc:  # the dispatcher's thread tries again soon
                        trouble = outage_of(exc)
                        if trouble is None:
                            raise
                        self.trouble.met(trouble, began)
        if not handed:
            self.wakeup.set()
        return handed

    def claim_ahead(self, worker: ModemWorker) -> bool:
        """``worker`` is on the air and will be free in a moment: claim its next message now,
        from its prefetch thread (``appliance.worker.ahead``), so the claim is not in the gap
        between its two sends. What failed on this modem is left to the others whenever one is
        healthy (they claim ahead too). The claim is not yet the hand-over: the message is
        ``sending`` without ``sending_at`` until the worker is about to write its ``AT+CMGS``
        (``Store.hand_over``), so a crash or a dead node gives it back to the queue. It carries
        the node's lease like any claim; the database away, nothing is claimed ahead (the
        worker's send ends, and the dispatcher's thread looks again: ``DatabaseTrouble``)."""
        with self._lock:
            if not worker.takes_ahead or not worker.imei:
                return False
            now = self.clock.now()
            began = time.monotonic()
            try:
                _, left = self._usage(worker, now)
                avoid_own = self.pool.healthy_peers(worker) > 0
                return self._hand_over(worker, now, left, avoid_own, ahead=True)
            except Exception as exc:
                trouble = outage_of(exc)
                if trouble is None:
                    raise
                self.trouble.met(trouble, began)
                return False

    def _avoid_own(self, worker: ModemWorker, others_free: bool) -> bool:
        """What failed on this modem goes to another one when another is free: a transient error
        blames the SIM, not the message. When none is free, this modem takes it again itself
        (one bad draw is no fault), unless it failed twice in a row and a healthy modem (not
        pausing after errors) will soon be free: then it leaves its failures to that one."""
        return others_free or (worker.breaker.streak >= 2 and self.pool.healthy_peers(worker) > 0)

    def _usage(self, worker: ModemWorker, now: datetime) -> tuple[int, int]:
        """(parts its SIM sent today, parts its caps still allow: less those sent or on the air
        that the store does not count yet, ``ModemWorker.parts_unrecorded``)."""
        day, month = period_keys(now, self.config.timezone)
        sim = worker.sim_counts
        if sim is None and worker.iccid:
            sim = self.store.sim_counts(worker.iccid)
        left = remaining(
            worker.caps,
            day=day,
            month=month,
            counted_day=sim.day if sim else "",
            sent_day=sim.sent_day if sim else 0,
            counted_month=sim.month if sim else "",
            sent_month=sim.sent_month if sim else 0,
        )
        left = max(left - worker.parts_unrecorded, 0)
        return (sim.sent_day if sim and sim.day == day else 0), left

    def _hand_over(
        self, worker: ModemWorker, now: datetime, left: int, avoid_own: bool, ahead: bool = False
    ) -> bool:
        """Claim the best message ``worker`` may send now and give it to it (``avoid_own``: not
        one that last failed on it, ``_avoid_own``; ``ahead``: for when its send on the air
        ends, ``claim_ahead``)."""
        if left <= 0:
            return False
        claim = Claim(
            imei=worker.imei or "",
            iccid=worker.iccid,
            group=worker.group,
            node=self.config.node,
            max_parts=left,
            quiet=quiet(now, self.config),
            avoid_own_retries=avoid_own,
            consent=self.consent,
            lease_until=self.lease(now),
            # handed over by the worker, after the outcome it is still writing (issue 14)
            ahead=ahead or worker.outcomes_pending,
        )
        message = self.store.claim(claim, now)
        if message is None:
            return False
        self.trouble.passed()  # the claim committed: the store takes writes
        worker.send(message)
        return True
