"""The daemon wakes ``send --wait`` through the waiters' sockets (``appliance.waiters``).

The waits here are on events and sockets with timeouts; the safety re-read is set to an hour,
so a waiter that returns promptly can only have been woken.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from appliance import views, waiters
from appliance.clock import SystemClock
from appliance.ringing_store import SETTLING, RingingStore
from appliance.store import Store
from appliance.store.schema import Status
from appliance.waiters import ring, wait_for_outcome
from appliance.wakeup import Wakeup
from tests.appliance.conftest import enqueue
from tests.waiting import wait_until

NUMBER = "+33612345678"


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "waiters"


def sockets(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sock")) if folder.exists() else []


def test_ring_wakes_every_waiter(folder):
    with Wakeup(folder / "one.sock") as one, Wakeup(folder / "two.sock") as two:
        assert ring(folder) == 2
        assert one.wait(5) and two.wait(5)


def test_ring_without_a_folder_wakes_no_one(folder):
    assert ring(folder) == 0
    assert not folder.exists()


def test_ring_removes_the_socket_of_a_dead_waiter(folder):
    folder.mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(folder / "dead.sock"))
    dead.close()  # its process died: the file stays, nobody listens
    with Wakeup(folder / "alive.sock") as alive:
        assert ring(folder) == 1
        assert alive.wait(5)
    assert not (folder / "dead.sock").exists()


def test_ring_sends_only_to_sockets_never_through_a_link(folder, tmp_path):
    with Wakeup(tmp_path / "elsewhere.sock") as elsewhere:
        folder.mkdir()
        (folder / "note.sock").write_text("not a socket")
        os.symlink(tmp_path / "elsewhere.sock", folder / "link.sock")
        assert ring(folder) == 0
        assert not elsewhere.wait(0)
    assert (folder / "note.sock").exists()


def test_the_ringing_store_wraps_every_settling_operation_of_the_store():
    for name in SETTLING:
        assert callable(getattr(Store, name)), name
        assert name in RingingStore.__dict__, name


def waiting(store: Store, message_id: int, folder: Path, timeout: float):
    """``wait_for_outcome`` on a thread; returns (done event, result holder)."""
    done, result = threading.Event(), {}

    def run() -> None:
        result["message"] = wait_for_outcome(
            store, message_id, folder=folder, timeout=timeout, settled=views.SETTLED
        )
        result["at"] = time.monotonic()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, result


def test_the_waiter_is_woken_by_the_outcome_not_by_its_safety_reread(
    store, config, folder, monkeypatch
):
    monkeypatch.setattr(waiters, "REREAD_EVERY", 3600.0)
    ringing = RingingStore(store.engine, on_settled=lambda: ring(folder))
    message = enqueue(store, config, NUMBER, "attendu")
    done, result = waiting(store, message.id, folder, timeout=60)
    wait_until(lambda: sockets(folder), 5, "the waiter's socket")
    assert not done.is_set()
    settled_at = time.monotonic()
    ringing.mark_failed(message.id, "refused by the network", SystemClock().now())
    assert done.wait(10), "the waiter was not woken"
    assert result["message"].status == Status.FAILED
    assert result["at"] - settled_at < 0.5  # target 100 ms; generous for a loaded machine
    assert sockets(folder) == []  # the waiter removed its socket


def test_the_waiter_sees_an_outcome_recorded_before_it_waits(store, config, folder):
    message = enqueue(store, config, NUMBER, "déjà parti")
    store.mark_unknown(message.id, "may or may not have left", SystemClock().now())
    settled = wait_for_outcome(store, message.id, folder=folder, timeout=5, settled=views.SETTLED)
    assert settled is not None and settled.status == Status.UNKNOWN


def test_the_waiter_times_out_with_none(store, config, folder):
    message = enqueue(store, config, NUMBER, "personne")
    started = time.monotonic()
    assert (
        wait_for_outcome(store, message.id, folder=folder, timeout=0.2, settled=views.SETTLED)
        is None
    )
    assert 0.2 <= time.monotonic() - started < 3
    assert sockets(folder) == []


def test_a_waiter_that_cannot_bind_reads_again_instead(store, config, tmp_path, monkeypatch):
    """A folder path too long for a Unix socket: the waiter falls back to reading every
    ``POLL_WITHOUT_SOCKET`` seconds, and still sees the outcome."""
    monkeypatch.setattr(waiters, "POLL_WITHOUT_SOCKET", 0.01)
    too_long = tmp_path / ("x" * 120)
    message = enqueue(store, config, NUMBER, "sans socket")
    done, result = waiting(store, message.id, too_long, timeout=30)
    store.mark_failed(message.id, "refused", SystemClock().now())  # no ring at all
    assert done.wait(10)
    assert result["message"].status == Status.FAILED
