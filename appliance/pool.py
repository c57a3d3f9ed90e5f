"""The pool: one ``ModemWorker`` per port, and who is who by IMEI.

Ports come and go (discovery, hot-plug, a simulator's replug); identity does not. When a modem
shows up on a new port with an IMEI another worker already drives, the pool retires the older
worker if its port has vanished (a replug under another tty name) and refuses the newcomer
otherwise (the same modem on two interfaces: only its AT port is ours).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .breaker import refusal_rate
from .clock import Clock
from .database_trouble import DatabaseTrouble
from .states import ModemState
from .store import Store
from .worker import ModemWorker, WorkerSettings

log = logging.getLogger(__name__)


class Pool:
    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        node: str,
        on_idle: Callable[[ModemWorker], object],
        record_report: Callable[..., object] | None = None,
        on_received: Callable[[int], object] | None = None,
        on_call: Callable[[int], object] | None = None,
        trouble: DatabaseTrouble | None = None,
        claim_ahead: Callable[[ModemWorker], object] = lambda worker: False,
    ) -> None:
        self.store = store
        self._trouble = trouble
        self._record_report = record_report
        self._on_received = on_received
        self._on_call = on_call
        self.clock = clock
        self.node = node
        self._on_idle = on_idle
        self._claim_ahead = claim_ahead  # the dispatcher: a worker's next message, while it sends
        self._lock = threading.Lock()
        self._by_port: dict[str, ModemWorker] = {}
        self._by_imei: dict[str, ModemWorker] = {}

    def add(self, settings: WorkerSettings) -> ModemWorker:
        """Start a worker for a port (no-op if one runs for it already)."""
        with self._lock:
            existing = self._by_port.get(settings.port)
            if existing is not None and existing.alive:
                return existing
            worker = ModemWorker(
                settings,
                store=self.store,
                clock=self.clock,
                node=self.node,
                on_idle=self._on_idle,
                claim_identity=self._claim_identity,
                record_report=self._record_report,
                on_received=self._on_received,
                on_call=self._on_call,
                healthy_peers=self.healthy_peers,
                trouble=self._trouble,
                refusal_rate=self.refusal_rate,
                claim_ahead=self._claim_ahead,
            )
            self._by_port[settings.port] = worker
        return worker.start()

    def remove(self, port: str) -> None:
        """The port is gone for good (hot-unplug of an auto-discovered modem)."""
        with self._lock:
            worker = self._by_port.pop(port, None)
            if worker is not None and worker.imei and self._by_imei.get(worker.imei) is worker:
                del self._by_imei[worker.imei]
        if worker is not None:
            threading.Thread(target=worker.stop, daemon=True).start()

    def _claim_identity(self, imei: str, worker: ModemWorker) -> bool:
        with self._lock:
            current = self._by_imei.get(imei)
            if current is None or current is worker:
                self._by_imei[imei] = worker
                return True
            if current.state in (ModemState.ABSENT, ModemState.FAILED) or not current.alive:
                log.info("modem %s moved from %s to %s", imei, current.port, worker.port)
                self._by_imei[imei] = worker
                if self._by_port.get(current.port) is current:
                    del self._by_port[current.port]
                threading.Thread(target=current.stop, daemon=True).start()
                return True
            return False

    def workers(self) -> list[ModemWorker]:
        with self._lock:
            return list(self._by_port.values())

    def ports(self) -> set[str]:
        with self._lock:
            return set(self._by_port)

    def available(self) -> list[ModemWorker]:
        return [w for w in self.workers() if w.available and w.imei]

    def holding(self) -> set[int]:
        """The messages this node's workers hold (claimed and not yet settled): the claims
        whose lease the node renews (``appliance.nodes``)."""
        return set().union(*(w.holding for w in self.workers()))

    def healthy_peers(self, worker: ModemWorker) -> int:
        """Modems other than ``worker`` that could send a message now or after their current
        send: ready or busy, and not pausing after errors in a row."""
        return sum(
            1
            for other in self.workers()
            if other is not worker
            and other.imei
            and other.state in (ModemState.READY, ModemState.BUSY)
            and not other.breaker.open
        )

    def refusal_rate(self, worker: ModemWorker) -> float | None:
        """The share of sends the other SIMs see refused by their SIM or network (their last
        sends together), or ``worker``'s own when it is alone: what chance alone gives, against
        which the breaker judges a streak (``appliance.breaker``)."""
        others = [other for other in self.workers() if other is not worker]
        if not others:
            return worker.breaker.rate
        tallies = [other.breaker.tally() for other in others]
        return refusal_rate(sum(t[0] for t in tallies), sum(t[1] for t in tallies))

    def check_credit(self, iccids: set[str]) -> None:
        """Hand the panel's credit requests to the workers of those SIMs (others' are left to
        the node that drives them)."""
        for worker in self.workers():
            if worker.iccid in iccids:
                worker.check_credit()

    def poll_all(self) -> None:
        for worker in self.workers():
            worker.poll()

    def stop(self) -> None:
        workers = self.workers()
        threads = [threading.Thread(target=w.stop, daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
