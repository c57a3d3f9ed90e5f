"""Waking the daemon within milliseconds when another process has queued work.

The CLI and the panel never open serial ports: they write a queued row and the daemon sends it.
Polling the database every few seconds would make ``smsrelay send --wait`` feel slow and keep the
Pi's SD card busy, so the daemon binds a Unix datagram socket and anyone who has just committed
work sends it one empty datagram. The database stays the only source of truth: a datagram says
"look again", never what to do, so a lost one costs at most the daemon's slow safety poll.

Why a datagram socket: sending never blocks and needs no connection. If the daemon is not
running, ``notify`` learns it at once (no such file, or connection refused on a stale file) and
returns False; if the daemon's queue of datagrams is full, it is already going to wake, so the
send is dropped (``EAGAIN``) and counts as delivered. The socket is also a file descriptor, so
the daemon can wait on it together with other things (``fileno``).

The socket lives on the local file system: it wakes the daemon of this machine only. Nodes that
share a PostgreSQL database see each other's work through their poll.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import stat
import threading
import time
from pathlib import Path


def _warn(message: str, *args: object) -> None:
    """A warning in the log; ``logging`` imported only then (``notify`` runs in every
    ``smsrelay send``, whose start-up is counted: docs/benchmarks.md, "CLI start-up")."""
    import logging

    logging.getLogger(__name__).warning(message, *args)


MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes, the last one a NUL
_NOBODY_LISTENS = (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTSOCK)


def _address(path: Path) -> str:
    address = os.fspath(path)
    if len(os.fsencode(address)) > MAX_SOCKET_PATH:
        raise ValueError(
            f"{address}: a Unix socket path is limited to {MAX_SOCKET_PATH} bytes; "
            "choose a shorter data_dir"
        )
    return address


class WakeupInUse(OSError):
    """Another live process already listens on the socket path (a second daemon)."""


class Wakeup:
    """The daemon's end: a datagram socket bound at ``path`` that ``wait`` blocks on.

    A socket file left by a daemon that died is replaced; one that a live daemon still listens
    on is not (``WakeupInUse``), nor is a path that is not a socket (``FileExistsError``).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        address = _address(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale(address)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # A sender connected to our own socket: set() keeps working even if the path is
        # unlinked behind our back, because the connection holds the socket, not the name.
        self._self_sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self._socket.bind(address)
            # Writable by every local user (the panel may run as another one): a datagram
            # carries nothing but "look again", and the database decides who may queue what.
            os.chmod(address, 0o666)
            self._socket.setblocking(False)
            self._identity = _identity(self.path)
            self._self_sender.setblocking(False)
            self._self_sender.connect(address)
        except BaseException:
            self._socket.close()
            self._self_sender.close()
            raise
        self._poller = select.poll()
        self._poller.register(self._socket, select.POLLIN)
        self._closed = False
        self._close_lock = threading.Lock()

    @staticmethod
    def _remove_stale(address: str) -> None:
        try:
            mode = os.lstat(address).st_mode
        except FileNotFoundError:
            return
        if not stat.S_ISSOCK(mode):
            raise FileExistsError(
                errno.EEXIST, "exists and is not a socket; not removing it", address
            )
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            probe.connect(address)  # a datagram connect sends nothing: it only finds the peer
        except OSError as error:
            if error.errno != errno.ECONNREFUSED:
                raise
            os.unlink(address)  # nobody behind it: left by a daemon that died
            return
        finally:
            probe.close()
        raise WakeupInUse(errno.EADDRINUSE, "another process listens on this socket", address)

    def fileno(self) -> int:
        return self._socket.fileno()

    def set(self) -> None:
        """Wake the waiter from inside the process (any thread); never blocks."""
        try:
            self._self_sender.send(b"\0")
        except BlockingIOError:
            pass  # the queue is full: the waiter will wake anyway

    def wait(self, timeout: float | None) -> bool:
        """Block until woken or ``timeout`` seconds pass (None: forever); True if woken.

        Every wake-up pending at that moment is consumed, so a burst of notifies wakes the
        daemon once, and the daemon then reads all the work the burst announced. One thread
        waits (the daemon's loop); after ``close`` it returns False at once.
        """
        if self._closed:
            return False
        milliseconds = None if timeout is None else max(0, int(timeout * 1000 + 0.999))
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._poller.poll(milliseconds) and self._drain():
                return True
            if deadline is None:
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            milliseconds = max(1, int(remaining * 1000 + 0.999))

    def _drain(self) -> bool:
        woken = False
        while True:
            try:
                self._socket.recv(64)
            except BlockingIOError:
                return woken
            except OSError:
                if self._closed:  # closed while we waited: wake so the caller sees it
                    return True
                raise
            woken = True

    def close(self) -> None:
        """Stop listening and remove the socket file, unless a newer daemon has replaced it."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.set()  # a thread blocked in wait() returns
        self._self_sender.close()
        self._socket.close()
        try:
            if _identity(self.path) == self._identity:
                self.path.unlink()
        except FileNotFoundError:
            pass

    def __enter__(self) -> Wakeup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _identity(path: Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_dev, info.st_ino


def notify(path: Path) -> bool:
    """Tell the daemon listening at ``path`` to look for new work; never blocks, never raises.

    Returns False when no daemon listens (the work waits in the database for the next start).
    Any other failure (permission denied, say: the daemon runs as another user) is logged once
    per call as a warning and also gives False, because the caller's work is already committed.
    """
    try:
        address = _address(Path(path))
    except ValueError as error:
        _warn("cannot wake the daemon: %s", error)
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        try:
            sender.sendto(b"\0", address)
        except BlockingIOError:
            return True  # its queue is full: it is awake already
        except OSError as error:
            if error.errno not in _NOBODY_LISTENS:
                _warn("cannot wake the daemon at %s: %s", address, error)
            return False
    return True
