"""Process-level memory tuning for the long-running daemon (``smsrelay serve``).

The daemon lives for months on a Raspberry Pi with 30 threads (a worker and a serial reader per
modem, the dispatcher, the scheduler, the panel's waitress threads). Two things about that process
are worth tuning, and neither changes what it does:

- **glibc's malloc arenas.** glibc gives threads that allocate at the same time arenas of their
  own, up to 8 per core (32 on a 4-core Pi), and each keeps the memory it once held. Python's
  threads take turns under the GIL, so more than two arenas buy nothing but memory. The limit
  must be set before the threads start: :func:`limit_malloc_arenas`, early in ``serve``.
  ``MALLOC_ARENA_MAX`` in the environment (a systemd drop-in, say) wins over it.
- **The start-up heap.** Importing SQLAlchemy, sqlmodel, Flask and our models leaves about
  100,000 objects that live as long as the process; each full (generation 2) collection walks all
  of them, 60-80 ms here with the GIL held, which every worker thread waits through (a gap between
  two sends). :func:`settle_after_start` collects the start-up garbage once, then ``gc.freeze()``
  moves the survivors out of the collector's generations, so later collections walk only what
  was made since, and returns the freed heap pages to the system (``malloc_trim``).

Both are best effort: on a libc without these functions (musl, macOS) they do nothing.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt() parameter number, from glibc's <malloc.h>
DAEMON_ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    """The C library the interpreter runs on, or None where it cannot be loaded (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)  # the process's own symbols, libc's among them
    except OSError:
        return None


def _function(libc: ctypes.CDLL | None, name: str):
    """A libc function by name, or None when this libc has none (musl has no malloc_trim)."""
    if libc is None:
        return None
    try:
        return getattr(libc, name)
    except AttributeError:
        return None


def limit_malloc_arenas(arenas: int = DAEMON_ARENAS, *, libc: ctypes.CDLL | None = None) -> bool:
    """Cap glibc's malloc arenas; call before the daemon starts its threads.

    True when the cap was set; False when ``MALLOC_ARENA_MAX`` is already in the environment
    (glibc read it at start-up, the operator's choice stands) or this libc has no ``mallopt``.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = _function(libc or _libc(), "mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_ARENA_MAX, arenas) == 1  # glibc's mallopt returns 1 on success


@dataclass(frozen=True)
class Settled:
    """What :func:`settle_after_start` did, for the log and the tests."""

    collected: int  # unreachable objects the start-up left
    frozen: int  # objects moved out of the collector's generations
    trimmed: bool  # malloc_trim gave pages back to the system


def settle_after_start(*, libc: ctypes.CDLL | None = None) -> Settled:
    """Once everything is started: collect, freeze the survivors, give free heap pages back.

    Frozen objects are never collected; they are the modules, classes, tables and long-lived
    services of the start-up, which live as long as the process anyway. A start-up object that
    later ends up in an unreachable cycle stays in memory: a bounded cost, once.
    """
    collected = gc.collect()
    gc.freeze()
    trim = _function(libc or _libc(), "malloc_trim")
    trimmed = False
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        trimmed = trim(0) == 1  # 1: some memory was released
    settled = Settled(collected=collected, frozen=gc.get_freeze_count(), trimmed=trimmed)
    log.debug("start-up heap settled: %s", settled)
    return settled
