"""An uploaded contacts file kept between the import's preview and its confirmation.

The preview and the import are two requests; the file travels between them as a random token
and stays on the appliance, never in the browser: no client-side path is ever trusted, and the
person does not send 20 MB twice. It is kept in the data dir (``uploads/``, mode 0700) under
``<token>.csv``, beside ``<token>.json`` (the file's name as uploaded, who uploaded it, for the
opt-in proof and the owner check) and, once read, ``<token>.report.csv`` (the refused rows).

A token is 32 URL-safe characters from ``secrets``: only ``TOKEN`` matches are ever turned into
paths, and only the user who uploaded a file may read it back. Files older than ``KEEP`` are
swept at each new upload; a successful import deletes its file at once (the report stays until
swept, to be downloaded).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
KEEP = 3600  # seconds an upload and its report stay
_NAME_CHARS = 120


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    data: bytes


def clean_filename(name: str | None) -> str:
    """The name a browser sent, as text for the proof: its last path part, printable, short."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = "".join(c for c in base if c.isprintable())[:_NAME_CHARS]
    return base or "upload.csv"


class KeptUploads:
    """The uploads folder of one data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "uploads"

    def _path(self, token: str, suffix: str) -> Path | None:
        return self.folder / f"{token}{suffix}" if TOKEN.fullmatch(token) else None

    def _write(self, path: Path, data: bytes) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)

    def keep(self, data: bytes, filename: str, user_id: int) -> str:
        """Keep ``data``; returns its token."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.sweep()
        token = secrets.token_urlsafe(24)
        meta = {"filename": clean_filename(filename), "user": user_id}
        self._write(self.folder / f"{token}.json", json.dumps(meta).encode())
        self._write(self.folder / f"{token}.csv", data)
        return token

    def _owned(self, token: str, user_id: int) -> dict | None:
        path = self._path(token, ".json")
        try:
            meta = json.loads(path.read_bytes()) if path is not None else None
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) and meta.get("user") == user_id else None

    def load(self, token: str, user_id: int) -> Upload | None:
        """The file kept under ``token`` for ``user_id``, or None (gone, swept, not theirs)."""
        meta = self._owned(token, user_id)
        path = self._path(token, ".csv")
        if meta is None or path is None:
            return None
        try:
            return Upload(token, str(meta.get("filename", "upload.csv")), path.read_bytes())
        except OSError:
            return None

    def keep_report(self, token: str, text: str) -> None:
        path = self._path(token, ".report.csv")
        if path is not None:
            path.unlink(missing_ok=True)
            self._write(path, text.encode("utf-8-sig"))  # a BOM: spreadsheets then read UTF-8

    def report(self, token: str, user_id: int) -> bytes | None:
        """The report of refused rows kept under ``token`` for ``user_id``, or None."""
        path = self._path(token, ".report.csv")
        if path is None or self._owned(token, user_id) is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def drop_file(self, token: str) -> None:
        """Delete the uploaded file (imported); its name and report stay until swept."""
        path = self._path(token, ".csv")
        if path is not None:
            path.unlink(missing_ok=True)

    def sweep(self, now: float | None = None) -> None:
        """Delete what is older than ``KEEP``."""
        oldest = (time.time() if now is None else now) - KEEP
        for path in self.folder.glob("*"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
            except OSError:
                continue
