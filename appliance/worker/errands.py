"""A worker's errands: what it does while its modem is on the air, on a thread of its own.

Two kinds, run in order on one thread per worker:

- the store writes of a send that has ended (its outcome: ``sent`` and the SIM's counters, or a
  refusal's retry, events and card), queued by the worker thread when the answer comes, so the
  next ``AT+CMGS=`` does not wait on a commit (about 2.5 ms, and 4-12 ms when the two cores are
  shared: docs/benchmarks.md section 8);
- the claim of the next message, armed when a send starts for a little before it should end
  (``ahead``), or at once when it ends earlier.

Outcomes run before an armed claim, so a message refused on the send before is back in the
queue when the next claim looks. ``flush`` waits for the outcomes queued so far: the worker calls
it before any write of its own (its card) so the store sees them in the order they happened. A
delivery report must find its message ``sent`` with its references: one read off the line is
handed to the report recorder by an errand, after the outcomes; one read from the SIM's storage
is filed after a flush (it is deleted from the SIM only once filed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__package__)


class Errands:
    """One worker's errand thread: queued jobs in order, and one claim armed for a time."""

    def __init__(self, claim: Callable[[], object], name: str) -> None:
        self._claim = claim
        self._cond = threading.Condition()
        self._jobs: deque[Callable[[], object]] = deque()
        self._running = False  # a job is being run (``flush`` waits for it)
        self._at: float | None = None  # time.monotonic() of the armed claim; None: none
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, job: Callable[[], object]) -> None:
        with self._cond:
            self._jobs.append(job)
            self._cond.notify_all()

    def arm(self, at: float) -> None:
        """Claim the next message at ``at`` (``time.monotonic()``)."""
        with self._cond:
            self._at = at
            self._cond.notify_all()

    def fire(self) -> None:
        """The send ended: claim now if a claim is still armed."""
        with self._cond:
            if self._at is not None:
                self._at = 0.0
                self._cond.notify_all()

    def disarm(self) -> None:
        with self._cond:
            self._at = None

    @property
    def pending(self) -> bool:
        """Jobs queued or one running (an outcome may not be committed yet)."""
        with self._cond:
            return bool(self._jobs) or self._running

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until the jobs queued so far are done (not on the errand thread itself)."""
        if threading.current_thread() is self._thread:
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            while (self._jobs or self._running) and self._thread.is_alive():
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("%s: store writes still queued after %.0f s", self._name, timeout)
                    return
                self._cond.wait(left)

    def stop(self) -> None:
        """Finish the queued jobs, drop the armed claim, end the thread."""
        with self._cond:
            self._stopping = True
            self._at = None
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(5)

    @property
    def _name(self) -> str:
        return self._thread.name

    def _next(self) -> Callable[[], object] | None:
        """The next thing to do (None: stop), waiting for it."""
        with self._cond:
            self._running = False
            self._cond.notify_all()  # a flush may be waiting for the job just done
            while True:
                if self._jobs:
                    self._running = True
                    return self._jobs.popleft()
                if self._stopping:
                    return None
                if self._at is not None and self._at <= time.monotonic():
                    self._at = None
                    self._running = True
                    return self._claim
                self._cond.wait(None if self._at is None else self._at - time.monotonic())

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                job()
            except Exception:  # a database hiccup: logged; the message stays "sending" (recover)
                log.exception("%s: errand failed", self._name)
        with self._cond:
            self._running = False
            self._cond.notify_all()
