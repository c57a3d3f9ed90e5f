"""One ``FakeModem`` on a real pseudo-terminal, so the driver talks to it through pyserial.

The technique of pyserial's own ``test/test_pty.py``: ``pty.openpty()`` gives a master (our end)
and a slave (the "serial port" the driver opens, ``/dev/pts/N``). The slave is set raw, and the
server keeps its own slave descriptor open, so reading the master never fails with EIO while no
client has the port open. A stable symlink (``/dev/gsm/...`` in production, a temp path in tests)
points at the current slave, as udev's links point at ``/dev/ttyUSBn``.

One thread owns the modem: it runs a ``select`` loop whose timeout is the modem's next deadline,
converted to real time by ``time_scale`` (real seconds per simulated second: 1.0 is real time,
0.01 makes a 5 s send take 50 ms). Other threads reach the modem only through ``call``.

Unplugging closes the master and the server's slave descriptor: a client that has the port open
then reads EIO, which pyserial raises as ``SerialException``, as when a USB modem is pulled.
Replugging makes a new pty (a new ``/dev/pts/N``) and repoints the link. A profile whose USB
device re-enumerates on ``AT+CFUN=1,1`` gets the same treatment from the modem itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pty
import queue
import select
import threading
import time
import tty
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from .dce import FakeModem
from .profile import Profile

T = TypeVar("T")

MAX_PENDING_OUTPUT = 64 * 1024  # bytes kept for a port nobody reads (a real UART drops them too)
CALL_TIMEOUT = 10.0


class SimServer:
    """Serves one modem on a pty behind a stable symlink; see the module docstring."""

    def __init__(
        self, modem: FakeModem, *, link: str | os.PathLike[str], time_scale: float = 1.0
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.modem = modem
        self.time_scale = time_scale
        self._link = os.fspath(link)
        self._master: int | None = None
        self._slave: int | None = None
        self._port: str | None = None
        self._out = bytearray()
        self._calls: queue.SimpleQueue[tuple[Callable[[FakeModem, float], Any], Future]] = (
            queue.SimpleQueue()
        )
        self._wake_r, self._wake_w = os.pipe()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._sim_origin = modem.now
        self._real_origin = time.monotonic()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> SimServer:
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        self._sim_origin = self.modem.now
        self._real_origin = time.monotonic()
        self._open_port()
        self._thread = threading.Thread(target=self._loop, name=f"sim {self._link}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stopping = True
        self._wake()
        self._thread.join(timeout=CALL_TIMEOUT)
        self._thread = None
        self._close_port()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests and the CLI use --------------------------------------------------------

    @property
    def port(self) -> str:
        """The current slave device, ``/dev/pts/N`` (changes on every replug)."""
        if self._port is None:
            raise RuntimeError("the modem is unplugged")
        return self._port

    @property
    def link(self) -> str:
        """The stable name the driver opens."""
        return self._link

    def now(self) -> float:
        """Simulated time."""
        return self._sim_origin + (time.monotonic() - self._real_origin) / self.time_scale

    def real_time(self, sim_time: float) -> float:
        """The ``time.monotonic()`` at which the modem reached ``sim_time`` (the inverse of
        ``now``): what a test compares the host's clock with."""
        return self._real_origin + (sim_time - self._sim_origin) * self.time_scale

    def call(self, fn: Callable[[FakeModem, float], T]) -> T:
        """Run ``fn(modem, now)`` in the server thread and return its result."""
        if threading.current_thread() is self._thread or self._thread is None:
            return fn(self.modem, self.now())
        future: Future[T] = Future()
        self._calls.put((fn, future))
        self._wake()
        return future.result(timeout=CALL_TIMEOUT)

    def unplug(self) -> None:
        """Pull the modem out: it loses power, the port and its link vanish."""

        def pull(modem: FakeModem, now: float) -> None:
            modem.power_off(now)
            self._close_port()

        self.call(pull)

    def replug(self, link: str | os.PathLike[str] | None = None) -> None:
        """Plug it back (under ``link`` if given): a new pty, the modem boots again."""

        def plug(modem: FakeModem, now: float) -> None:
            self._close_port()
            if link is not None:
                self._link = os.fspath(link)
            self._open_port()
            modem.power_on(now)

        self.call(plug)

    # --- the pty ---------------------------------------------------------------------------

    def _open_port(self) -> None:
        master, slave = pty.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self._port = os.ttyname(slave)
        self._out.clear()
        temporary = f"{self._link}.{os.getpid()}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(self._port, temporary)
        os.replace(temporary, self._link)  # atomic: the link never dangles half-made

    def _close_port(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = self._port = None
        self._out.clear()
        if os.path.islink(self._link):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._link)

    # --- the loop --------------------------------------------------------------------------

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def _serve_calls(self) -> None:
        while True:
            try:
                fn, future = self._calls.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(self.modem, self.now()))
            except BaseException as error:  # handed to the caller, who re-raises it
                future.set_exception(error)

    def _bus(self, now: float) -> None:
        for event in self.modem.take_bus_events(now):
            if event == "detach":
                if self._master is not None and self._out:
                    self._write_master()  # what the modem said before leaving the bus
                self._close_port()
            elif self._master is None:
                self._open_port()

    def _loop(self) -> None:
        while not self._stopping:
            self._serve_calls()
            now = self.now()
            emitted = self.modem.poll(now)
            if self._master is not None and emitted:
                self._out.extend(emitted)
                if len(self._out) > MAX_PENDING_OUTPUT:
                    del self._out[: len(self._out) - MAX_PENDING_OUTPUT]
            self._bus(now)
            deadline = self.modem.next_deadline()
            timeout = 1.0 if deadline is None else (deadline - now) * self.time_scale
            timeout = min(max(timeout, 0.0), 1.0)
            readers = [self._wake_r] + ([self._master] if self._master is not None else [])
            writers = [self._master] if self._master is not None and self._out else []
            try:
                readable, writable, _ = select.select(readers, writers, [], timeout)
            except (OSError, ValueError):
                continue  # a descriptor closed under us (unplug): go round again
            if self._wake_r in readable:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r, 4096)
            if self._master is not None and self._master in readable:
                self._read_master()
            if self._master is not None and self._master in writable:
                self._write_master()

    def _read_master(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 4096)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EIO):
                return
            raise
        if data:
            self.modem.receive(data, self.now())

    def _write_master(self) -> None:
        assert self._master is not None
        try:
            written = os.write(self._master, bytes(self._out))
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EIO):
                return
            raise
        del self._out[:written]


def start_fleet(
    n: int,
    *,
    profile: str | Profile = "generic",
    directory: str | os.PathLike[str],
    time_scale: float = 1.0,
    seed: int = 0,
    per_modem: Sequence[Mapping[str, Any]] | None = None,
    make: Callable[[int, str | Profile, int], FakeModem] | None = None,
    msisdns: Sequence[str | None] = (),
    **faults: Any,
) -> list[SimServer]:
    """``n`` started servers with links ``<directory>/ttySIM<i>`` and distinct identities.

    ``profile`` is a profile's name or a ``Profile`` itself (one with its ``quirks`` set).

    ``faults`` set fields of each modem's ``Faults`` (``send_delay=0.5``, ``fail_rate=0.1``),
    ``per_modem[i]`` those of modem ``i`` alone, on top. ``make(index, profile, seed)`` builds
    each modem (a ``FakeModem`` by default; the benchmarks pass one that notes its sends).
    ``msisdns[i]`` is the own number stored on modem ``i``'s SIM (AT+CNUM), none by default.
    """
    os.makedirs(directory, exist_ok=True)
    servers: list[SimServer] = []
    try:
        for index in range(n):
            if make is None:
                modem = FakeModem(profile, seed=seed * 1000 + index)
            else:
                modem = make(index, profile, seed * 1000 + index)
            if index < len(msisdns):
                modem.sim.msisdn = msisdns[index]
            mine = dict(faults)
            if per_modem is not None and index < len(per_modem):
                mine.update(per_modem[index])
            for name, value in mine.items():
                if not hasattr(modem.faults, name):
                    raise TypeError(f"unknown fault {name!r}")
                if name == "fail_codes":
                    value = tuple(value)
                setattr(modem.faults, name, value)
            link = os.path.join(directory, f"ttySIM{index}")
            servers.append(SimServer(modem, link=link, time_scale=time_scale).start())
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers
