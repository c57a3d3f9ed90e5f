"""The panel in a process of its own (``web.process``): started, restarted, stopped, never orphaned.

These run real processes: ``python -m web.process`` children, and ``smsrelay serve`` itself.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from appliance.store.engine import create_engine_for, migrate
from tests.waiting import wait_until
from web.process import PANEL_NICENESS, PanelError, PanelProcess

REPO = Path(__file__).resolve().parents[2]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "healthz", timeout=2) as response:
            return response.status in (200, 503)  # 503: no modem ready, but the panel answers
    except urllib.error.HTTPError as exc:
        return exc.code == 503
    except OSError:
        return False


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _gone(pid: int) -> bool:
    """The process ended (a zombie waiting for its reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


@pytest.fixture
def migrated(config):
    engine = create_engine_for(config.database)
    migrate(engine)
    engine.dispose()
    return config


def test_the_panel_answers_from_a_child_process_and_stops_with_it(migrated):
    panel = PanelProcess(migrated, "127.0.0.1:0").start()
    try:
        assert panel.pid != os.getpid()
        assert _niceness(panel.pid) == os.getpriority(os.PRIO_PROCESS, 0) + PANEL_NICENESS
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", panel.url)
        assert _answers(panel.url)
    finally:
        panel.stop()
    wait_until(lambda: _gone(panel.pid), 10, "the panel's process to end")
    assert not _answers(panel.url)


def test_a_panel_that_dies_is_started_again_on_the_same_port(migrated):
    panel = PanelProcess(migrated, "127.0.0.1:0").start()
    try:
        first, url = panel.pid, panel.url
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: panel.restarts == 1 and _answers(panel.url), 30, "a restarted panel")
        assert panel.url == url and panel.pid != first
    finally:
        panel.stop()


def test_a_taken_port_is_an_error_in_words(migrated):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PanelError, match=rf"cannot serve the panel on 127\.0\.0\.1:{port}"):
            PanelProcess(migrated, f"127.0.0.1:{port}").start()


def _serve(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "appliance", "serve", "--simulate", "1", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _panel_url(serve: subprocess.Popen[str]) -> str:
    assert serve.stderr is not None
    for line in serve.stderr:
        found = re.search(r"panel on (http://\S+)", line)
        if found:
            return found.group(1)
    pytest.fail(f"smsrelay serve ended ({serve.wait()}) without a panel")


def test_kill_9_of_the_daemon_takes_the_panel_down_too(tmp_path):
    serve = _serve(tmp_path, "--bind", "127.0.0.1:0")
    try:
        url = _panel_url(serve)
        assert _answers(url)
        (child,) = [p for p in _children(serve.pid) if b"web.process" in _cmdline(p)]
        serve.kill()  # no chance to stop the panel itself
        serve.wait(10)
        wait_until(lambda: _gone(child), 15, "the orphaned panel to notice and stop")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)
        serve.stderr.close()


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def test_serve_says_why_it_cannot_serve_the_panel_and_exits_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = _serve(tmp_path, "--bind", f"127.0.0.1:{port}")
        _, err = serve.communicate(timeout=60)
    assert serve.returncode == 1
    assert f"error: cannot serve the panel on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_a_stop_asked_while_the_panel_starts_ends_the_start_at_once(migrated):
    """SIGTERM during the start (systemd stopping a slow start, say): the daemon does not wait
    for a child that, at niceness 10 on a busy machine, may take a minute to listen."""
    import threading
    import time

    asked = threading.Event()
    asked.set()
    started = time.monotonic()
    with pytest.raises(PanelError, match="asked to stop while the panel was starting"):
        PanelProcess(migrated, "127.0.0.1:0", asked.is_set).start()
    assert time.monotonic() - started < 5


def test_the_daemon_asked_to_stop_while_a_frontend_starts_stops_without_an_error(migrated):
    from appliance.daemon import Daemon

    def slow_frontend(daemon, bind):
        daemon.stop_asked.set()  # the signal arrives while this frontend starts
        raise PanelError("the daemon was asked to stop while the panel was starting")

    daemon = Daemon(migrated, frontends=[slow_frontend])
    try:
        assert daemon.start() is daemon  # no StartError: the stop was asked, not a failure
        assert daemon.frontends == []
    finally:
        daemon.stop()
