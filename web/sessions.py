"""Session cookies: HttpOnly and SameSite always, Secure whenever the request came over HTTPS.

A fixed ``SESSION_COOKIE_SECURE = True`` would lock volunteers out of a panel opened over plain
HTTP on the local network (browsers drop Secure cookies there); a fixed False would send the
cookie in clear behind a TLS proxy. So the flag follows the request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


class HttpsOnlySecureCookies(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def secret_key(data_dir: Path) -> bytes:
    """The key that signs sessions, made once per installation and kept private (mode 0600)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return path.read_bytes()
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    return key
