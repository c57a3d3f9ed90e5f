"""Waking the daemon from other processes through a Unix datagram socket."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from appliance.wakeup import Wakeup, WakeupInUse, notify

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "run" / "wakeup.sock"  # the folder does not exist yet


@pytest.fixture
def wakeup(path):
    with Wakeup(path) as listening:
        yield listening


def test_nothing_pending_means_wait_times_out(wakeup):
    start = time.monotonic()
    assert wakeup.wait(0.05) is False
    assert time.monotonic() - start >= 0.05
    assert wakeup.wait(0) is False


def test_set_wakes_and_wait_drains(wakeup):
    wakeup.set()
    wakeup.set()
    assert wakeup.wait(0) is True
    assert wakeup.wait(0) is False  # both wake-ups consumed at once


def test_set_from_another_thread_ends_a_blocked_wait(wakeup):
    threading.Timer(0.02, wakeup.set).start()
    start = time.monotonic()
    assert wakeup.wait(5) is True
    assert time.monotonic() - start < 1


def test_notify_reaches_the_daemon(wakeup, path):
    assert notify(path) is True
    assert wakeup.wait(0) is True


def test_fileno_can_be_selected_on(wakeup, path):
    notify(path)
    readable, _, _ = select.select([wakeup], [], [], 1)
    assert readable == [wakeup]
    assert wakeup.wait(0) is True


NOTIFIER = """
import sys
from pathlib import Path
from appliance.wakeup import notify

print("ready", flush=True)
sys.stdin.readline()
sys.exit(0 if notify(Path(sys.argv[1])) else 1)
"""


def test_a_notify_from_another_process_ends_wait_quickly(wakeup, path):
    with subprocess.Popen(
        [sys.executable, "-c", NOTIFIER, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout.readline() == "ready\n"  # imports done: time only the wake-up
        start = time.monotonic()
        child.stdin.write("go\n")
        child.stdin.flush()
        woken = wakeup.wait(5)
        latency = time.monotonic() - start
    print(f"woken {latency * 1000:.2f} ms after the other process was told to notify")
    assert woken is True
    assert child.returncode == 0
    assert latency < 1.0, f"woken after {latency * 1000:.1f} ms"  # a sanity bound only


def test_a_burst_of_notifies_never_blocks_and_wakes_once(wakeup, path):
    start = time.monotonic()
    results = [notify(path) for _ in range(10_000)]
    elapsed = time.monotonic() - start
    assert all(results)  # a full queue means "already awake", which is success
    assert elapsed < 5, f"10,000 notifies took {elapsed:.2f} s"
    assert wakeup.wait(0) is True
    assert wakeup.wait(0) is False


def test_set_never_blocks_on_a_full_queue(wakeup):
    for _ in range(10_000):
        wakeup.set()
    assert wakeup.wait(0) is True


def test_notify_with_nobody_listening_returns_false(tmp_path, path):
    assert notify(path) is False  # no file at all
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path.parent.mkdir(parents=True)
    stale.bind(str(path))
    stale.close()  # the file stays, as after a crash
    assert path.exists()
    assert notify(path) is False
    (tmp_path / "plain").write_text("not a socket")
    assert notify(tmp_path / "plain") is False


def test_a_stale_socket_file_is_replaced(path):
    path.parent.mkdir(parents=True)
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    crashed.bind(str(path))
    crashed.close()
    with Wakeup(path) as wakeup:
        assert notify(path) is True
        assert wakeup.wait(1) is True


def test_a_live_daemon_s_socket_is_not_taken_over(wakeup, path):
    with pytest.raises(WakeupInUse):
        Wakeup(path)
    assert notify(path) is True  # the first daemon still listens
    assert wakeup.wait(1) is True


def test_a_path_that_is_not_a_socket_is_left_alone(tmp_path):
    precious = tmp_path / "smsrelay.db"
    precious.write_text("data")
    with pytest.raises(FileExistsError):
        Wakeup(precious)
    assert precious.read_text() == "data"


def test_close_removes_the_socket_and_is_idempotent(path):
    wakeup = Wakeup(path)
    wakeup.close()
    wakeup.close()
    assert not path.exists()
    assert notify(path) is False
    assert wakeup.wait(0) is False


def test_closing_an_old_daemon_leaves_the_new_daemon_s_socket(path):
    old = Wakeup(path)
    path.unlink()  # say, an operator cleaned up by hand
    with Wakeup(path) as new:
        old.close()
        assert path.exists()
        assert notify(path) is True
        assert new.wait(1) is True


def test_set_still_works_when_the_socket_file_was_removed(wakeup, path):
    path.unlink()
    wakeup.set()
    assert wakeup.wait(1) is True


def test_close_wakes_a_blocked_waiter(path):
    wakeup = Wakeup(path)
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(wakeup.wait(5)))
    waiter.start()
    time.sleep(0.02)  # let it block
    wakeup.close()
    waiter.join(timeout=2)
    assert not waiter.is_alive()


def test_a_path_too_long_for_a_unix_socket(tmp_path):
    long_path = tmp_path / ("d" * 120) / "wakeup.sock"
    with pytest.raises(ValueError, match="limited to 107 bytes"):
        Wakeup(long_path)
    assert notify(long_path) is False
