"""Waking ``smsrelay send --wait`` the moment its message is settled: the wake-up's reverse path.

``appliance.wakeup`` lets the CLI and the panel wake the daemon; this lets the daemon wake the
processes that wait for a message's outcome. Each waiter binds a Unix datagram socket of its own,
with a unique name, in the folder ``waiters/`` next to the daemon's wake-up socket. Whenever the
daemon records an outcome (``sent``, ``failed``, ``unknown``, ``delivered``, ``expired``), it
sends one empty datagram to every socket in that folder (``ring``). As with the wake-up, a
datagram means "look again", never what happened: the waiter reads its message's status from the
database, which stays the only source of truth.

Robust by construction:

- The waiter binds its socket *before* its first read, so an outcome recorded at any moment is
  either seen by that read or rings the socket afterwards.
- A lost datagram (another node recorded the outcome, a daemon restarted) costs at most one safety
  re-read, every ``REREAD_EVERY`` seconds; a waiter that cannot bind its socket (a ``data_dir``
  path too long for a socket, a folder it may not write) reads every ``POLL_WITHOUT_SOCKET``.
- The daemon ignores anything in the folder that is not a socket (a symlink, say) and removes the
  socket of a waiter that died without removing it (the send is refused: nobody listens); a
  folder that does not exist means no one waits.
- Ringing never blocks and never raises: a waiter whose queue is full is awake already.

The daemon installs the ringing where the outcomes are recorded, in one place: ``RingingStore``
(``ringing_store``), the store it gives its workers, its report recorder and its scheduler, rings
after each of the store's settling operations (``SETTLING``). This module imports no database
code: ``smsrelay send --wait`` waits on the CLI's quick store too (``store.direct``).
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import socket
import stat
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .wakeup import Wakeup

if TYPE_CHECKING:
    from .config import Config

log = logging.getLogger(__name__)

REREAD_EVERY = 2.0  # seconds: the safety re-read, in case a notification was lost
POLL_WITHOUT_SOCKET = 0.2  # seconds: the re-read of a waiter that could not bind its socket
SUFFIX = ".sock"


def waiters_path(config: Config) -> Path:
    """The folder of the waiters' sockets, next to the daemon's wake-up socket."""
    return config.data_dir / "waiters"


def ring(folder: Path) -> int:
    """Wake every process waiting in ``folder``; returns how many were woken. Never blocks, never
    raises: a missing folder means nobody waits, a dead waiter's socket is removed."""
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.endswith(SUFFIX)]
    except OSError:  # no folder: no waiter yet
        return 0
    if not entries:
        return 0
    woken = 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for entry in entries:
            try:
                if not stat.S_ISSOCK(entry.stat(follow_symlinks=False).st_mode):
                    continue  # only sockets: never send through a symlink to somewhere else
                sender.sendto(b"\0", entry.path)
            except BlockingIOError:
                woken += 1  # its queue is full: it is awake already
            except ConnectionRefusedError:
                _remove(entry.path)  # nobody behind it: its waiter died
            except FileNotFoundError:
                pass  # its waiter finished meanwhile
            except OSError as error:  # another user's folder, say: the re-read covers it
                log.debug("cannot wake the waiter at %s: %s", entry.path, error)
            else:
                woken += 1
    return woken


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError as error:
        if error.errno != errno.ENOENT:
            log.debug("cannot remove the dead waiter's socket %s: %s", path, error)


class Readable(Protocol):
    """What a waiter reads: ``Store.get``, or the CLI's quick store's."""

    def get(self, message_id: int) -> Any: ...


def wait_for_outcome(
    store: Readable,
    message_id: int,
    *,
    folder: Path,
    timeout: float,
    settled: Collection[str],
) -> Any:
    """The message once its status is one of ``settled``, or None after ``timeout`` seconds.

    Reads the status when the daemon rings, every ``REREAD_EVERY`` seconds in case a ring was
    lost, and once at the start (after binding, so that no outcome falls in between).
    """
    deadline = time.monotonic() + timeout
    try:
        waiter: Wakeup | None = Wakeup(folder / f"{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}")
        every = REREAD_EVERY
    except (OSError, ValueError) as error:
        log.debug("no socket to be rung (%s): reading every %g s", error, POLL_WITHOUT_SOCKET)
        waiter, every = None, POLL_WITHOUT_SOCKET
    try:
        while True:
            current = store.get(message_id)
            if current is not None and current.status in settled:
                return current
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if waiter is not None:
                waiter.wait(min(every, remaining))
            else:
                time.sleep(min(every, remaining))
    finally:
        if waiter is not None:
            waiter.close()
