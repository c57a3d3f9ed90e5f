"""The database in trouble (refusing writes, or out of reach): known by the daemon's threads,
told to whoever asks (issues 14 and 15; the kinds and their words: ``store.outage``).

When the disk is full (or read-only), or the database server cannot be reached, the daemon
cannot write why into the database, which is where the panel, ``/healthz`` and ``smsrelay
status`` read everything else. So the words go to a note beside it, ``<data_dir>/
database-trouble``: a file of ``NOTE_SIZE`` bytes made when the daemon starts and kept open,
then only overwritten in place, which a full disk still allows (the blocks are the file's
already) and a folder made read-only too (the file is open). Its first line is the kind
(``refuses writes`` or ``unavailable``), the rest the words. A file system remounted read-only
refuses even that, so ``trouble_note.read_trouble`` also asks the file system of a SQLite
database itself (``statvfs``: read-only, or no block left for the daemon's user).

Whoever meets the trouble (a worker recording an outcome, the dispatcher claiming, the
delivery reports' thread) calls ``met``; what shows it passed calls ``passed``: a write that
commits ends any trouble, a read that answers ends only ``unavailable`` (a full disk still
reads). Only a change is logged.

What must not be lost (a send's outcome, a delivery report: known only in memory) is written
through ``kept``: tried again with a growing pause (0.2 s to 5 s) while the trouble lasts, the
one way the daemon keeps and retries (``worker.recording``, ``reports``). Each such write is one
transaction (a ``Store`` method), so trying it again after a failed commit applies it once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .store.outage import UNAVAILABLE, Outage, outage_of
from .trouble_note import NOTE, NOTE_SIZE

log = logging.getLogger(__name__)

T = TypeVar("T")
PAUSES = (0.2, 5.0)  # seconds: the first pause before a kept write is tried again, the longest


class DatabaseTrouble:
    """The daemon's one record of its database's trouble (thread-safe)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._lock = threading.Lock()
        self.now: Outage | None = None
        self._passed_at = 0.0  # time.monotonic() of the last write that passed
        self._fd: int | None = None
        if data_dir is not None:
            try:
                self._fd = os.open(data_dir / NOTE, os.O_RDWR | os.O_CREAT, 0o600)
                self._write(None)
            except OSError as exc:  # the note is a courtesy: the daemon runs without it
                log.warning("the database-trouble note cannot be made: %s", exc)
                self._close()

    def met(self, outage: Outage, began: float | None = None) -> None:
        """A write or read failed on ``outage``; ``began``: when it started (``time.monotonic``).
        A write that began before the last one that passed says nothing of now: it is ignored,
        or a stale trouble could stay in the note once writes pass and nothing more is written."""
        with self._lock:
            if began is not None and began < self._passed_at:
                return
            if self.now is None or self.now.kind != outage.kind:
                log.error("%s: no new message is taken until it passes; what is being sent "
                          "keeps its outcome until then", outage)  # fmt: skip
            self.now = outage
            self._write(outage)

    def passed(self, kind: str | None = None) -> None:
        """A write committed (``kind`` None: any trouble is over), or a read answered (``kind``
        ``UNAVAILABLE``: the database is reached again, though it may still refuse writes)."""
        with self._lock:
            if kind is None:
                self._passed_at = time.monotonic()
            if self.now is not None and kind in (None, self.now.kind):
                again = "answers" if self.now.kind == UNAVAILABLE else "takes writes"
                log.warning("the database %s again: sending resumes", again)
                self.now = None
                self._write(None)

    def close(self) -> None:
        with self._lock:
            self._write(None)
            self._close()

    def _write(self, outage: Outage | None) -> None:
        if self._fd is None:
            return
        text = f"{outage.kind}\n{outage.words}" if outage else ""
        data = text.encode("utf-8", "replace")[:NOTE_SIZE]
        with contextlib.suppress(OSError):  # read-only remount: read_trouble's statvfs says it
            os.pwrite(self._fd, data.ljust(NOTE_SIZE, b" "), 0)

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def kept(
    write: Callable[[], T],
    what: str,
    trouble: DatabaseTrouble,
    stopping: threading.Event,
    on_kept: Callable[[Outage], object] = lambda outage: None,
) -> T:
    """``write()``, tried again while the database is in trouble (``store.outage``), until it
    passes or ``stopping`` is set (then the last error is raised: ``what`` is lost, which the
    log says). A bug is raised at once. ``on_kept`` hears the first trouble (a worker puts it
    on its card)."""
    pause = PAUSES[0]
    said = False
    while True:
        began = time.monotonic()
        try:
            result = write()
        except Exception as exc:
            met = outage_of(exc)
            if met is None:
                raise
            trouble.met(met, began)
            if not said:
                said = True
                on_kept(met)
                log.error("%s; %s is kept and recorded once it passes", met, what)
            if stopping.wait(pause):
                log.error("stopped while the database was in trouble: %s was not recorded", what)
                raise
            pause = min(pause * 2, PAUSES[1])
            continue
        if said:
            trouble.passed()
            log.warning("%s recorded", what)
        return result
