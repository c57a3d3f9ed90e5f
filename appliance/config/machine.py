"""What the machine decides when the file does not: which file, the data folder, the zone.

Which file (DESIGN.md, "Contracts"): the path given (``--config``), else ``$SMSRELAY_CONFIG``,
else ``/etc/smsrelay/smsrelay.toml`` if it exists, else no file at all. Data goes to
``$XDG_DATA_HOME/smsrelay`` (or ``~/.local/share/smsrelay``), and the time zone is the
machine's own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_VAR = "SMSRELAY_CONFIG"
SYSTEM_PATH = Path("/etc/smsrelay/smsrelay.toml")


def choose_path(path: str | Path | None, environ: Mapping[str, str]) -> Path | None:
    if path is not None:
        return Path(path)
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    return SYSTEM_PATH if SYSTEM_PATH.is_file() else None


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/smsrelay``, else ``~/.local/share/smsrelay`` (XDG base directories)."""
    xdg = environ.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the spec says to ignore a relative one
        return Path(xdg) / "smsrelay"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share" / "smsrelay"


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def system_timezone(environ: Mapping[str, str]) -> str:
    """The machine's IANA zone: ``$TZ``, ``/etc/timezone``, the ``/etc/localtime`` link, or UTC."""
    candidates = [environ.get("TZ", "").removeprefix(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.partition("zoneinfo/")[2])
    except OSError:
        pass
    return next((name for name in candidates if name and valid_zone(name)), "UTC")
