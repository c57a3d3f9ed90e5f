"""A disk that fills up, or turns read-only, under a running ``smsrelay serve``, and comes back.

No tmpfs or loop device of a chosen size can be mounted without root, and a file-size rlimit
(``RLIMIT_FSIZE``) would also stop the daemon's log, so the fault goes where SQLite meets the
disk: a VFS, ``faultydisk``, registered as the default in every process of the daemon (its
``sitecustomize``, see ``site/``). It is the ``unix`` VFS with its writes looked at. A control
file, named by ``SMSRELAY_CHAOS_DISK``, says what the disk does now, so the test turns the fault
on and off from outside while the daemon runs:

- empty or absent: a healthy disk;
- ``full``: every write to a database file fails with ``SQLITE_FULL``, as ``ENOSPC`` makes it
  fail under ``unix``. A real full ext4 disk refuses only what needs a new block: SQLite goes on
  committing while a WAL rewound after a checkpoint has room to be written again in place (the
  first version of this fault did that, and 56 parts went on air "while the disk was full",
  each with its claim and outcome committed); the strict form makes the refusal certain, so
  that the test sees the daemon stop and resume every time;
- ``readonly``: the database's folder became read-only, as when the kernel remounts a file
  system read-only after an SD card error (``errors=remount-ro``): every write, truncation,
  creation and deletion of a database file fails, as ``EROFS`` makes them fail under ``unix``
  (``SQLITE_IOERR_WRITE``, ``SQLITE_CANTOPEN``, ``SQLITE_IOERR_DELETE``). A ``chmod a-w`` of the
  folder does part of this for a non-root daemon (no creation, no deletion) and nothing for
  root, which these tests may be; the VFS makes the fault the same for both.

Only the main database and its WAL are looked at; the ``-shm`` index and temporary files stay
``unix``'s. The ctypes structures are ``unsynced``'s (``unsynced.py`` says why ctypes, not apsw).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from tests.chaos.unsynced import (
    _WRITE,
    OPEN_MAIN_DB,
    OPEN_WAL,
    SQLITE_IOERR,
    SQLITE_OK,
    UnixShim,
    _IoMethods,
)

NAME = b"faultydisk"
ENV = "SMSRELAY_CHAOS_DISK"
FULL, READONLY, HEALTHY = "full", "readonly", ""

SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8)
SQLITE_IOERR_TRUNCATE = SQLITE_IOERR | (6 << 8)
SQLITE_IOERR_DELETE = SQLITE_IOERR | (10 << 8)
OPEN_CREATE = 0x00000004

_TRUNCATE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_longlong)


def environ(control: Path) -> dict[str, str]:
    """The variables that put a daemon's processes on the faulty disk ``control`` drives."""
    return {ENV: str(control)}


def set_disk(control: Path, state: str) -> None:
    """What the disk does from now on: ``FULL``, ``READONLY`` or ``HEALTHY``."""
    scratch = control.with_name(control.name + ".new")
    scratch.write_text(state, encoding="ascii")
    os.replace(scratch, control)  # atomic: a write never reads half a state


class FaultyDiskVfs(UnixShim):
    """The ``faultydisk`` VFS of this process (one per process: ``register``)."""

    def __init__(self, control: str) -> None:
        super().__init__(NAME)
        self.control = control
        self._unix: dict[int, tuple[object, object]] = {}  # file -> unix's write, truncate
        self._by_methods: dict[int, tuple[object, object]] = {}
        self._write = _WRITE(self._write_method)
        self._truncate = _TRUNCATE(self._truncate_method)

    def state(self) -> str:
        try:
            with open(self.control, encoding="ascii") as file:
                return file.read().strip()
        except FileNotFoundError:
            return HEALTHY

    # --- the VFS ---------------------------------------------------------------------------

    def _open(self, vfs, name, file, flags, out_flags) -> int:
        try:
            watched = bool(name) and bool(flags & (OPEN_MAIN_DB | OPEN_WAL))
            creates = watched and flags & OPEN_CREATE and self.state() == READONLY
            if creates and not os.path.exists(os.fsdecode(ctypes.string_at(name))):
                return SQLITE_CANTOPEN
            rc = self._unix_open(ctypes.addressof(self.unix), name, file, flags, out_flags)
            if rc != SQLITE_OK or not watched:
                return rc
            self._unix[file] = self._by_methods[self._take_over(file)]
            return rc
        except Exception:  # an exception must not cross into C
            return SQLITE_IOERR

    def _wrap(self, unix: _IoMethods, address: int) -> _IoMethods:
        ours = _IoMethods.from_buffer_copy(unix)
        ours.iVersion = min(unix.iVersion, 2)  # no xFetch: every write goes through xWrite
        self._by_methods[address] = (_WRITE(unix.xWrite), _TRUNCATE(unix.xTruncate))
        ours.xWrite = ctypes.cast(self._write, ctypes.c_void_p)
        ours.xTruncate = ctypes.cast(self._truncate, ctypes.c_void_p)
        return ours

    def _delete(self, vfs, name, sync_dir) -> int:
        try:
            if self.state() == READONLY:
                return SQLITE_IOERR_DELETE
            return self._unix_delete(ctypes.addressof(self.unix), name, sync_dir)
        except Exception:
            return SQLITE_IOERR

    # --- the files' methods ----------------------------------------------------------------

    def _write_method(self, file, data, amount, offset) -> int:
        try:
            write, _ = self._unix[file]
            state = self.state()
            if state == READONLY:
                return SQLITE_IOERR_WRITE
            if state == FULL:
                return SQLITE_FULL
            return write(file, data, amount, offset)
        except Exception:
            return SQLITE_IOERR

    def _truncate_method(self, file, size) -> int:
        try:
            _, truncate = self._unix[file]
            if self.state() == READONLY:
                return SQLITE_IOERR_TRUNCATE
            return truncate(file, size)
        except Exception:
            return SQLITE_IOERR


_registered: FaultyDiskVfs | None = None


def register(control: str) -> FaultyDiskVfs:
    """Register ``faultydisk`` in this process as the default VFS."""
    global _registered
    if _registered is None:
        _registered = FaultyDiskVfs(control)
        _registered.register(default=True)
    return _registered
