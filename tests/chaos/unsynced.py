"""A power cut for SQLite: what was written but not fsynced is lost, as lazyfs does it.

A disk keeps only what ``fsync`` put on it; the rest sits in the page cache and a power cut
takes it. Killing a process is not that (the kernel keeps its writes), so this module gives the
database files a second copy, the *disk*: ``<file>.durable``. The real file stays what every
process reads and writes (the page cache, shared by the daemon, the panel and this test); a
write is noted, and an ``fsync`` (SQLite's ``xSync``) copies the noted ranges and the file's size
to the durable copy. ``cut_power`` then puts the durable copies in place of the real files once
every process is dead: the daemon restarts on what a disk would have kept. Worst case on
purpose: nothing that was not synced survives, not even part of it.

How it gets under the daemon: a SQLite VFS, ``unsynced``, written here with ctypes against the
very SQLite library the stdlib ``sqlite3`` module runs on (``_sqlite3``'s own symbols), and
registered as the default VFS. It is the ``unix`` VFS with three methods replaced: ``xOpen``
(the main database and its WAL get the noting methods; the ``-shm`` index, which SQLite rebuilds
after a crash, and temporary files stay ``unix``'s), ``xDelete`` (the durable copy goes with the
file), and, on the files it opened, ``xWrite`` (note the range, then write) and ``xSync`` (copy
the noted ranges; no real fsync: the durable copy *is* the disk here). Locks, the shared-memory
index and reads are ``unix``'s own C code. So the daemon runs its production driver (the
stdlib ``sqlite3`` under SQLAlchemy), unchanged, with only the disk beneath it faked.

Why not apsw, whose VFS class is made for this: apsw ships its own SQLite, and a VFS registered
there is invisible to the stdlib ``sqlite3`` the daemon uses; running the daemon on apsw would
need a DB-API adapter for SQLAlchemy and would test another driver than the one that ships. Why
not lazyfs (FUSE): it needs root and ``/dev/fuse``, which CI runners and developers' machines do
not all give. Limits: a process must register the VFS before it opens the database (the
daemon's processes do it in ``sitecustomize``, see ``site/``); creating and deleting a file
count as durable at once (SQLite in WAL mode does not rely on directory syncs for commits); a
process that does not use the VFS may read, but its writes would not be noted.
"""

from __future__ import annotations

import _sqlite3
import ctypes
import os
import shutil
import threading
from pathlib import Path

DURABLE = ".durable"
NAME = b"unsynced"

SQLITE_OK = 0
SQLITE_IOERR = 10
OPEN_MAIN_DB = 0x00000100
OPEN_WAL = 0x00080000

_lib = ctypes.CDLL(_sqlite3.__file__)  # dlsym reaches the libsqlite3 it is linked with
_lib.sqlite3_vfs_find.restype = ctypes.c_void_p
_lib.sqlite3_vfs_find.argtypes = [ctypes.c_char_p]
_lib.sqlite3_vfs_register.restype = ctypes.c_int
_lib.sqlite3_vfs_register.argtypes = [ctypes.c_void_p, ctypes.c_int]

_int64 = ctypes.c_longlong
# File names pass as raw pointers: unix's xOpen keeps the pointer it is given (the file's path
# for its -shm and its locks), so it must be SQLite's own string, not a copy ctypes frees.
_OPEN = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
    ctypes.POINTER(ctypes.c_int),
)  # fmt: skip
_DELETE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, _int64)
_SYNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)


_VFS_METHODS = """xAccess xFullPathname xDlOpen xDlError xDlSym xDlClose xRandomness xSleep
    xCurrentTime xGetLastError xCurrentTimeInt64 xSetSystemCall xGetSystemCall xNextSystemCall"""
_FILE_METHODS = """xClose xRead xWrite xTruncate xSync xFileSize xLock xUnlock xCheckReservedLock
    xFileControl xSectorSize xDeviceCharacteristics xShmMap xShmLock xShmBarrier xShmUnmap
    xFetch xUnfetch"""  # in the order of sqlite3.h


class _Vfs(ctypes.Structure):
    """``sqlite3_vfs`` (version 3); the methods we keep from ``unix`` are copied as pointers."""

    _fields_ = [
        ("iVersion", ctypes.c_int),
        ("szOsFile", ctypes.c_int),
        ("mxPathname", ctypes.c_int),
        ("pNext", ctypes.c_void_p),
        ("zName", ctypes.c_char_p),
        ("pAppData", ctypes.c_void_p),
        ("xOpen", ctypes.c_void_p),
        ("xDelete", ctypes.c_void_p),
        *((name, ctypes.c_void_p) for name in _VFS_METHODS.split()),
    ]


class _IoMethods(ctypes.Structure):
    """``sqlite3_io_methods``, up to version 3."""

    _fields_ = [("iVersion", ctypes.c_int)] + [
        (name, ctypes.c_void_p) for name in _FILE_METHODS.split()
    ]


class _File(ctypes.Structure):
    """The head of every ``sqlite3_file``: the methods SQLite calls on it."""

    _fields_ = [("pMethods", ctypes.POINTER(_IoMethods))]


class _Tracked:
    """One database file of this process: the ranges written since its last sync."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.written: list[tuple[int, int]] = []

    def sync(self) -> None:
        """What ``fsync`` makes durable: the written ranges, and the size the file has now."""
        with self.lock:
            ranges, self.written = merged(self.written), []
            with open(self.path, "rb") as real, open(self.path + DURABLE, "r+b") as disk:
                for start, end in ranges:
                    real.seek(start)
                    data = real.read(end - start)
                    disk.seek(start)
                    disk.write(data)
                disk.truncate(os.fstat(real.fileno()).st_size)


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(start, end)`` ranges, sorted, overlapping and touching ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


class UnixShim:
    """The ``unix`` VFS under another ``name``, with a subclass's ``_open`` and ``_delete`` as
    its xOpen and xDelete (this module's VFS and ``faulty_disk``'s)."""

    def __init__(self, name: bytes) -> None:
        unix_address = _lib.sqlite3_vfs_find(b"unix")
        if not unix_address:
            raise RuntimeError("this SQLite has no unix VFS")
        self.unix = _Vfs.from_address(unix_address)
        self.vfs = _Vfs.from_buffer_copy(self.unix)
        self.vfs.zName = name
        self.vfs.pNext = None
        self._unix_open = _OPEN(self.unix.xOpen)
        self._unix_delete = _DELETE(self.unix.xDelete)
        self._callbacks = [_OPEN(self._open), _DELETE(self._delete)]  # kept alive
        self.vfs.xOpen = ctypes.cast(self._callbacks[0], ctypes.c_void_p)
        self.vfs.xDelete = ctypes.cast(self._callbacks[1], ctypes.c_void_p)
        self._methods: dict[int, _IoMethods] = {}  # unix's methods -> ours around them

    def _take_over(self, file: int) -> int:
        """Put our methods (``_wrap``'s, made once per set of unix's) on ``file``, which unix
        just opened; returns the address of unix's methods, the key of what ``_wrap`` kept."""
        head = _File.from_address(file)
        unix_methods = ctypes.cast(head.pMethods, ctypes.c_void_p).value
        ours = self._methods.get(unix_methods)
        if ours is None:
            ours = self._methods[unix_methods] = self._wrap(head.pMethods.contents, unix_methods)
        head.pMethods = ctypes.pointer(ours)
        return unix_methods

    def _wrap(self, unix: _IoMethods, address: int) -> _IoMethods:
        raise NotImplementedError

    def register(self, default: bool) -> None:
        rc = _lib.sqlite3_vfs_register(ctypes.addressof(self.vfs), int(default))
        if rc != SQLITE_OK:
            raise RuntimeError(f"sqlite3_vfs_register failed: {rc}")

    def _open(self, vfs, name, file, flags, out_flags) -> int:
        raise NotImplementedError

    def _delete(self, vfs, name, sync_dir) -> int:
        raise NotImplementedError


class UnsyncedVfs(UnixShim):
    """The ``unsynced`` VFS of this process (one per process: ``register``)."""

    def __init__(self) -> None:
        super().__init__(NAME)
        # sqlite3_file address -> its database file, and unix's xWrite for it
        self._files: dict[int, tuple[_Tracked, object]] = {}
        self._tracked: dict[str, _Tracked] = {}  # path -> the same, shared by its handles
        self._unix_write: dict[int, object] = {}  # unix's methods -> their xWrite
        self._lock = threading.Lock()
        self._write = _WRITE(self._write_method)
        self._sync = _SYNC(self._sync_method)

    # --- the VFS ---------------------------------------------------------------------------

    def _open(self, vfs, name, file, flags, out_flags) -> int:
        try:
            rc = self._unix_open(ctypes.addressof(self.unix), name, file, flags, out_flags)
            if rc != SQLITE_OK or not name or not flags & (OPEN_MAIN_DB | OPEN_WAL):
                return rc
            path = os.fsdecode(ctypes.string_at(name))
            durable = path + DURABLE
            if not os.path.exists(durable):  # what the file holds now was put there before us
                shutil.copyfile(path, durable)
            with self._lock:
                tracked = self._tracked.setdefault(path, _Tracked(path))
                unix_methods = self._take_over(file)
                self._files[file] = (tracked, self._unix_write[unix_methods])
            return rc
        except Exception:  # an exception must not cross into C
            return SQLITE_IOERR

    def _wrap(self, unix: _IoMethods, address: int) -> _IoMethods:
        ours = _IoMethods.from_buffer_copy(unix)
        ours.iVersion = min(unix.iVersion, 2)  # no xFetch: every read goes through xRead
        self._unix_write[address] = _WRITE(unix.xWrite)
        ours.xWrite = ctypes.cast(self._write, ctypes.c_void_p)
        ours.xSync = ctypes.cast(self._sync, ctypes.c_void_p)
        return ours

    def _delete(self, vfs, name, sync_dir) -> int:
        try:
            rc = self._unix_delete(ctypes.addressof(self.unix), name, sync_dir)
            path = os.fsdecode(ctypes.string_at(name))
            with self._lock:
                self._tracked.pop(path, None)
            if os.path.exists(path + DURABLE):
                os.unlink(path + DURABLE)
            return rc
        except Exception:
            return SQLITE_IOERR

    # --- the files' methods ----------------------------------------------------------------

    def _write_method(self, file, data, amount, offset) -> int:
        try:
            tracked, unix_write = self._files[file]
            rc = unix_write(file, data, amount, offset)
            if rc == SQLITE_OK:
                with tracked.lock:
                    tracked.written.append((offset, offset + amount))
            return rc
        except Exception:
            return SQLITE_IOERR

    def _sync_method(self, file, flags) -> int:
        try:
            self._files[file][0].sync()
        except Exception:
            return SQLITE_IOERR
        return SQLITE_OK


_registered: UnsyncedVfs | None = None


def register(default: bool = True) -> UnsyncedVfs:
    """Register ``unsynced`` in this process (the default VFS unless told otherwise)."""
    global _registered
    if _registered is None:
        _registered = UnsyncedVfs()
        _registered.register(default)
    return _registered


def url(database: Path) -> str:
    """A SQLAlchemy URL that opens ``database`` through this VFS (``register`` it first)."""
    return f"sqlite:///file:{database}?vfs={NAME.decode()}&uri=true"


def cut_power(folder: Path) -> list[Path]:
    """Every file of ``folder`` with a durable copy goes back to that copy (its processes must
    be dead: this is the reboot after the cut). Returns the files put back."""
    restored = []
    for durable in sorted(folder.glob(f"*{DURABLE}")):
        real = durable.with_name(durable.name.removesuffix(DURABLE))
        scratch = real.with_name(real.name + ".restoring")
        shutil.copyfile(durable, scratch)
        os.replace(scratch, real)
        restored.append(real)
    return restored
