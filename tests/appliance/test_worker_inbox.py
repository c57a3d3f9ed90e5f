"""The order in which a worker serves its inbox: sends before housekeeping, but never forever."""

from __future__ import annotations

import time

from appliance.store.schema import Message
from appliance.worker import ModemWorker, WorkerSettings
from appliance.worker.inbox import POLL_DEFER_MAX, _Poll, _Send


def _worker(store, manual_clock) -> ModemWorker:
    # not started: the test takes the items off the inbox itself, in the order the thread would
    return ModemWorker(
        WorkerSettings(port="/dev/null"),
        store=store,
        clock=manual_clock,
        node="test",
        on_idle=lambda worker: None,
    )


def _drain(worker: ModemWorker) -> list[object]:
    items = []
    while not worker._inbox.empty():
        items.append(worker._next(0))
    return items


def test_a_health_poll_waits_until_the_sends_already_handed_over_are_done(store, manual_clock):
    worker = _worker(store, manual_clock)
    worker.poll()
    worker.send(Message(id=1, recipient="+33612345678", text="a"))
    worker.send(Message(id=2, recipient="+33612345678", text="b"))
    kinds = [type(item) for item in _drain(worker)]
    assert kinds == [_Send, _Send, _Poll]


def test_polls_asked_for_while_one_waits_are_one_poll(store, manual_clock):
    worker = _worker(store, manual_clock)
    for _ in range(5):  # the scheduler asks every 30 s while the modem sends without a pause
        worker.poll()
    assert [type(item) for item in _drain(worker)] == [_Poll]
    worker.poll()  # once taken, the next one is queued again
    assert [type(item) for item in _drain(worker)] == [_Poll]


def test_a_poll_overdue_by_the_deferral_limit_goes_before_later_sends(store, manual_clock):
    worker = _worker(store, manual_clock)
    worker._polled_at = time.monotonic() - POLL_DEFER_MAX - 1
    worker.send(Message(id=1, recipient="+33612345678", text="a"))
    worker.poll()
    worker.send(Message(id=2, recipient="+33612345678", text="b"))
    kinds = [type(item) for item in _drain(worker)]
    assert kinds == [_Send, _Poll, _Send]
