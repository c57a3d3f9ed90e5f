"""Keeping the data folder and the database files from other users of the machine.

They hold the panel's password hashes, the webhooks' secrets and everyone's numbers and texts.
Under the default umask (022) a folder is made 0755 and SQLite makes its files 0644: readable by
every local account. So, whatever the umask, the data folder is made 0700 and the database file
0600 (SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file). One umask is
taken as a choice: one that already keeps *others* out, as the systemd unit's ``UMask=0007``
does so that the members of group smsrelay may run ``smsrelay send``; then the group keeps what
that umask gives it (0770 and 0660).

What existed before is left as it is (changing the mode of an admin's folder could lock someone
out), but ``exposed`` says which of them others can open, and the daemon logs it at start with
the ``chmod`` that fixes it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OTHERS = 0o007


def current_umask() -> int:
    """The process's umask, read without changing it when Linux says it (/proc, since 4.7)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)  # elsewhere: read it by setting it, at once put back
    os.umask(mask)
    return mask


def private_modes() -> tuple[int, int]:
    """The modes (folder, file) to create data with under the current umask."""
    mask = current_umask()
    if mask & OTHERS == OTHERS:  # a deliberate umask that keeps others out: its group stays
        return 0o770 & ~mask, 0o660 & ~mask
    return 0o700, 0o600


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and its missing parents) if it is missing, the folder itself private."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    folder_mode, _ = private_modes()
    try:
        path.mkdir(mode=folder_mode)
    except FileExistsError:  # another process made it meanwhile
        return
    os.chmod(path, folder_mode)  # mkdir's mode goes through the umask: say it outright


def make_private_file(path: Path) -> None:
    """Create ``path`` empty and private if it is missing (an empty file is an empty SQLite
    database), so that SQLite opens it rather than creating it under the umask."""
    _, file_mode = private_modes()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, file_mode)
    finally:
        os.close(descriptor)


def exposed(paths: list[Path]) -> list[str]:
    """What ``paths`` (folders and files; the missing ones are skipped) let other users do, one
    sentence each with the command that stops it."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & OTHERS:
            found.append(f"{path} is open to other users (mode {mode:04o}): chmod o-rwx {path}")
    return found


def database_paths(database_url: str) -> list[Path]:
    """The folder and files of a SQLite database URL (nothing for PostgreSQL's)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database.startswith("file:"):
        return []
    path = Path(url.database).expanduser()
    return [path.parent, *(path.with_name(path.name + end) for end in ("", "-wal", "-shm"))]
