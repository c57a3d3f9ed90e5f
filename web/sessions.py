"""Panel sessions: who is logged in (Flask-Login), the cookie that carries it, and its key.

The cookie is HttpOnly and SameSite always, Secure whenever the request came over HTTPS: a fixed
``SESSION_COOKIE_SECURE = True`` would lock volunteers out of a panel opened over plain HTTP on
the local network (browsers drop Secure cookies there); a fixed False would send the cookie in
clear behind a TLS proxy. So the flag follows the request. Behind a reverse proxy that
terminates TLS, the request is known to be HTTPS only from the proxy's ``X-Forwarded-Proto``,
which the app believes when ``[security] behind_proxy = true`` says a proxy is there
(werkzeug's ``ProxyFix``, in ``web.app``); otherwise anyone could send it.

The id Flask-Login keeps in the cookie is the account's id *and* a fingerprint of it (name,
creation, password hash, session epoch): renaming a user, changing their password or deleting
them (SQLite may give a newcomer the old id) ends their sessions, as Flask-Login's documentation
suggests for "alternative tokens". The epoch (``User.session_epoch``) is what ends sessions on
the server: logging out, a new role or password and an admin's "log out everywhere" bump it, and
the user is read afresh on every request, so a copied cookie is worth nothing from then on.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin

from appliance.accounts import get_user
from appliance.store.file_modes import make_private_folder
from appliance.store.schema import User

from .services import services

login_manager = LoginManager()
login_manager.session_protection = None  # a session is not tied to an address: phones roam


@dataclass(frozen=True, eq=False)
class PanelUser(UserMixin):
    """The logged-in account as Flask-Login and the templates see it (``current_user``)."""

    account: User

    @property
    def id(self) -> int:
        return self.account.id  # type: ignore[return-value]

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def language(self) -> str | None:
        return self.account.language

    def get_id(self) -> str:
        return login_id(self.account)


def session_key(user: User) -> str:
    """A fingerprint of the account (id, name, creation, password hash, session epoch) kept in
    the session."""
    created = user.created_at.isoformat() if user.created_at else ""
    material = f"{user.id}|{user.name}|{created}|{user.password_hash}|{user.session_epoch}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def login_id(user: User) -> str:
    """What the session keeps for ``user``: its id and ``session_key``."""
    return f"{user.id}:{session_key(user)}"


@login_manager.user_loader
def _load(kept: str) -> PanelUser | None:
    user_id, _, key = kept.partition(":")
    user = get_user(services().store, int(user_id)) if user_id.isdigit() else None
    if user is None or key != session_key(user):
        session.clear()  # an account changed or gone: nothing of the old session stays
        return None
    return PanelUser(user)


class HttpsOnlySecureCookies(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def install(app: Flask) -> None:
    """Sessions on ``app``: the cookie's flags and Flask-Login (``current_user``)."""
    app.session_interface = HttpsOnlySecureCookies()
    login_manager.init_app(app)


def secret_key(data_dir: Path) -> bytes:
    """The key that signs sessions, made once per installation and kept private (mode 0600)."""
    make_private_folder(data_dir)
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
