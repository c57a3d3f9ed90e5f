"""Panel users and API tokens.

Passwords are hashed with werkzeug's scrypt (salted, slow on purpose); tokens are 256-bit random
strings of which only the SHA-256 is stored (fast to check, and a stolen database reveals none).

Users are added, renamed, deleted, given a role or a new password here, for the panel and the
CLI alike, with the rules a person expects: names are unique (1 to 64 characters, no spaces),
there is always an admin left (the last one can be neither deleted nor demoted; the check and
the change are one transaction, with the admins' rows locked on PostgreSQL, so two admins
demoting each other at once cannot both succeed), and an admin cannot delete the account they
are logged in with. The checks that need the database, and every query, are in
``appliance.store.accounts``; the shape of names and passwords, and the hashing, are here.

A renamed, deleted, re-passworded or re-roled user's sessions end at their next request, as do
all of them at a logout or ``end_sessions`` ("log out everywhere"): the panel's session
fingerprint (``web.sessions.session_key``) covers id, name, creation time, password hash and
the account's session epoch, which those changes bump. How often one may guess a password is
``appliance.login_limit``'s business.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from .store import Store
from .store import accounts as stored
from .store.accounts import AccountError, UnknownUser  # noqa: F401 - callers catch them here
from .store.schema import ApiToken, User

ROLES = ("admin", "volunteer")
MIN_PASSWORD = 8
USAGE_RESOLUTION = timedelta(minutes=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_count(store: Store) -> int:
    return stored.user_count(store)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("a user name is 1 to 64 characters without spaces")
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    """At least ``MIN_PASSWORD`` characters, not only spaces: eight spaces are among the first
    guesses of anyone (and a form filled by mistake)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if password.isspace():
        raise AccountError("the password must not be only spaces")


def add_user(store: Store, name: str, password: str, role: str, now: datetime) -> User:
    name = _checked_name(name)
    _check_role(role)
    _check_password(password)
    return stored.add_user(store, name, lambda: generate_password_hash(password), role, now)


def find_user(store: Store, who: str | int) -> User:
    """The user named ``who`` (or of id ``who``); UnknownUser when there is none."""
    return stored.find_user(store, who)


def rename_user(store: Store, who: str | int, new_name: str) -> User:
    """Give the user ``who`` (name or id) a new name, under the rules of ``add_user``."""
    return stored.rename_user(store, who, _checked_name(new_name))


def set_role(store: Store, who: str | int, role: str) -> User:
    """Make ``who`` an admin or a volunteer (their sessions end); the last admin stays one."""
    _check_role(role)
    return stored.set_role(store, who, role)


def set_language(store: Store, who: str | int, language: str | None) -> User:
    """The panel's language ``who`` chose ("fr", "en"; None: as their browser asks). Which
    languages exist is the panel's business (``web.i18n``); here only the shape is checked."""
    if language is not None and not (
        language.isascii() and language.isalpha() and len(language) <= 8
    ):
        raise AccountError(f"not a language code: {language!r}")
    return stored.set_language(store, who, language)


def set_password(store: Store, who: str | int, password: str) -> User:
    """A new password for ``who``: every session they have open ends."""
    _check_password(password)
    return stored.set_password(store, who, lambda: generate_password_hash(password))


def end_sessions(store: Store, who: str | int) -> User:
    """End every panel session of ``who`` (name or id), in every browser, at its next request."""
    return stored.end_sessions(store, who)


def delete_user(store: Store, who: str | int, *, acting: User | None = None) -> User:
    """Delete ``who``; ``acting`` is the admin asking in the panel, who may not delete the
    account they are logged in with. The last admin is never deleted."""
    return stored.delete_user(store, who, acting=acting)


def check_login(store: Store, name: str, password: str, now: datetime) -> User | None:
    """The user if the password is right; None otherwise (same time either way)."""

    def matches(password_hash: str | None) -> bool:
        if password_hash is None:
            check_password_hash(_dummy_hash(), password)  # spend the same time
            return False
        return check_password_hash(password_hash, password)

    return stored.log_in(store, name, now, matches)


def get_user(store: Store, user_id: int) -> User | None:
    return stored.get_user(store, user_id)


def users(store: Store) -> list[User]:
    return stored.users(store)


def create_token(store: Store, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token: the row, and the secret itself (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 64:
        raise AccountError("a token name is 1 to 64 characters")
    secret = "smr_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_token_hash(secret), created_at=now)
    return stored.add_token(store, token), secret


def check_token(store: Store, secret: str, now: datetime) -> ApiToken | None:
    """The token's row if ``secret`` is a live token. A read-only lookup: the write lock is
    taken only to note its use, at most once a minute."""
    digest = _token_hash(secret)
    token = stored.token_by_hash(store, digest)
    if token is None or token.revoked or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.last_used_at is None or now - token.last_used_at > USAGE_RESOLUTION:
        stored.note_token_use(store, token.id, now)
        token.last_used_at = now
    return token


def tokens(store: Store) -> list[ApiToken]:
    return stored.tokens(store)


def revoke_token(store: Store, token_id: int) -> bool:
    return stored.revoke_token(store, token_id)


_dummy: str | None = None
_dummy_lock = threading.Lock()


def _dummy_hash() -> str:
    """A real hash (the same method and cost as the users') to check unknown names against, so
    a wrong name takes as long as a wrong password. Made on first use, once, under a lock:
    scrypt takes 0.2 s and 32 MiB, which the daemon and every CLI command that never checks a
    login should not pay at import."""
    global _dummy
    if _dummy is None:
        with _dummy_lock:
            if _dummy is None:
                _dummy = generate_password_hash("not a real password")
    return _dummy
