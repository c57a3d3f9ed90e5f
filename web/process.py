"""The panel in a process of its own, started and watched by ``smsrelay serve``.

Why a process: the daemon's threads share one interpreter lock. Served from the daemon's own
process, the panel took that lock from the modem workers whenever it answered: with 50 API
clients the gap between two sends on a busy modem grew and dispatch efficiency fell
(docs/benchmarks.md §6). In a process of its own the panel runs on another core, and the daemon
does not carry Flask and its templates in its memory. It also keeps faults apart: a panel that
crashes is started again, and sending never stops for it.

What the two share is the database (the panel reads it and enqueues; ``appliance.outbox`` rings
the daemon's wake-up socket, as the CLI does) and the configuration, which the daemon hands over
pickled on the child's standard input (the very object ``serve`` built, ``--bind`` included). The
daemon keeps that pipe open: when the daemon ends, even by ``kill -9``, the child reads end-of-file
and stops, so no orphan keeps the port. The child says on its standard output, in one JSON line,
where it listens or why it cannot; its logs go to standard error, with the daemon's.

The child's entry point is ``python -m web.process`` (``main`` below).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

log = logging.getLogger(__name__)

# The panel yields the processor to the daemon: on a Pi with every core busy, a send waits for
# no page. At niceness 10 the kernel gives it about a tenth of a core the daemon also wants.
PANEL_NICENESS = 10
START_TIMEOUT = 60.0  # seconds for the child to import, open the database and listen
STOP_TIMEOUT = 5.0
RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # after the n-th crash in a row
STEADY_AFTER = 60.0  # a child that ran this long resets the crash count


class PanelError(RuntimeError):
    """The panel's process could not start (the reason is the child's own words)."""


class PanelProcess:
    """Runs the panel for ``config`` on ``bind`` in a child process and restarts it if it dies."""

    def __init__(
        self, config: Any, bind: str, cancelled: Callable[[], bool] = lambda: False
    ) -> None:
        self._config = config
        self._bind = bind
        self._cancelled = cancelled  # the daemon was asked to stop: give up starting at once
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="panel watcher", daemon=True)
        self.url = ""
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> PanelProcess:
        """Start the child and wait until it listens; ``PanelError`` if it cannot."""
        self._spawn()
        # a restart must come back on the same port, even when the first bind asked for port 0
        self._bind = self.url.removeprefix("http://").rstrip("/")
        self._watcher.start()
        return self

    def begin_stop(self) -> None:
        """Ask the child to stop (its standard input closes) without waiting for it: the daemon
        stops its own parts meanwhile. A busy child at niceness 10 on a loaded machine may take
        seconds to exit; waiting for it first made the whole stop that much longer."""
        self._stopping.set()
        process = self._process
        if process is not None and process.stdin is not None and not process.stdin.closed:
            try:
                process.stdin.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is not None:
            _end(process)
        if self._watcher.is_alive():
            self._watcher.join(STOP_TIMEOUT)

    def _spawn(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(pickle.dumps((self._config, self._bind)))
            process.stdin.flush()  # and kept open: its end-of-file tells the child to stop
            said = _first_line(process.stdout, START_TIMEOUT, self._cancelled)
        except StartCancelled:
            process.kill()  # it never served: no page to finish
            _end(process)
            raise PanelError("the daemon was asked to stop while the panel was starting") from None
        except (OSError, TimeoutError) as exc:
            _end(process)
            raise PanelError(f"the panel's process did not start: {exc}") from None
        if "url" not in said:
            _end(process)
            raise PanelError(said.get("error") or f"the panel's process said {said!r}")
        self._process, self.url = process, said["url"]

    def _watch(self) -> None:
        """Start the panel again whenever it ends without being asked to."""
        crashes = 0
        while not self._stopping.is_set():
            process = self._process
            assert process is not None
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            _end(process)  # its pipes
            crashes = 1 if time.monotonic() - started > STEADY_AFTER else crashes + 1
            delay = RESTART_DELAYS[min(crashes, len(RESTART_DELAYS)) - 1]
            log.error(
                "the panel's process ended (exit %s); starting it again in %.0f s", code, delay
            )
            while not self._stopping.wait(delay):
                try:
                    self._spawn()
                except PanelError as exc:
                    log.error("%s; trying again in %.0f s", exc, delay)
                    continue
                self.restarts += 1
                log.info("panel on %s again", self.url)
                break


def panel_frontend(daemon: Any, bind: str) -> PanelProcess:
    """The ``smsrelay.frontends`` entry point: the panel of a running daemon, in its process.

    A SIGTERM that reaches the daemon while the panel starts ends the wait at once: at niceness
    10 on a loaded machine the child may take many seconds to listen, and a stop must not wait
    for a start."""
    stop_asked = getattr(daemon, "stop_asked", None)
    cancelled = stop_asked.is_set if stop_asked is not None else (lambda: False)
    return PanelProcess(daemon.config, bind, cancelled).start()


class StartCancelled(Exception):
    """The daemon was asked to stop before the panel's process listened."""


def _first_line(
    stream: IO[bytes], timeout: float, cancelled: Callable[[], bool] = lambda: False
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while not selector.select(min(0.1, max(deadline - time.monotonic(), 0.0))):
            if cancelled():
                raise StartCancelled
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no answer in {timeout:.0f} s")
    line = stream.readline()
    if not line:
        raise OSError("it ended before listening")
    return json.loads(line)


def _end(process: subprocess.Popen[bytes]) -> None:
    """Close the child's standard input (it stops), then insist if it does not."""
    if process.stdin is not None and not process.stdin.closed:
        try:
            process.stdin.close()
        except OSError:
            pass
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


# --- the child ----------------------------------------------------------------------------------


def main() -> int:
    """Serve the panel until standard input closes (the daemon stopped or died)."""
    # Ctrl-C in the terminal reaches the whole process group: the daemon stops this process itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(PANEL_NICENESS)
    config, bind = pickle.load(sys.stdin.buffer)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        from .server import PanelServer

        server = PanelServer.for_config(config, bind)
    except Exception as exc:  # whatever it is, the daemon must hear it in words
        _say({"error": f"cannot serve the panel on {bind}: {exc}"})
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.start()
    _say({"url": server.url})
    try:
        while sys.stdin.buffer.read(4096):  # nothing more is sent; this waits for the end
            pass
    finally:
        server.stop()
    return 0


def _say(message: dict[str, str]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
