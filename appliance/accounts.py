"""Panel users and API tokens.

Passwords are hashed with werkzeug's scrypt (salted, slow on purpose); tokens are 256-bit random
strings of which only the SHA-256 is stored (fast to check, and a stolen database reveals none).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .models import ApiToken, User
from .store import Store

ROLES = ("admin", "volunteer")
MIN_PASSWORD = 8
USAGE_RESOLUTION = timedelta(minutes=1)


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_count(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def add_user(store: Store, name: str, password: str, role: str, now: datetime) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("a user name is 1 to 64 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    with store.session() as session:
        if session.exec(select(User).where(User.name == name)).first() is not None:
            raise AccountError(f"there is already a user named {name!r}")
        user = User(
            name=name, password_hash=generate_password_hash(password), role=role, created_at=now
        )
        session.add(user)
        session.commit()
        return user


def check_login(store: Store, name: str, password: str, now: datetime) -> User | None:
    """The user if the password is right; None otherwise (same time either way)."""
    with store.session() as session:
        user = session.exec(select(User).where(User.name == name.strip())).first()
        if user is None:
            check_password_hash(_dummy_hash(), password)  # spend the same time
            return None
        if not check_password_hash(user.password_hash, password):
            return None
        user.last_login_at = now
        session.add(user)
        session.commit()
        return user


def get_user(store: Store, user_id: int) -> User | None:
    with store.session() as session:
        return session.get(User, user_id)


def users(store: Store) -> list[User]:
    with store.session() as session:
        return list(session.exec(select(User).order_by(col(User.name))).all())


def create_token(store: Store, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token: the row, and the secret itself (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 64:
        raise AccountError("a token name is 1 to 64 characters")
    secret = "smr_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_token_hash(secret), created_at=now)
    with store.session() as session:
        session.add(token)
        session.commit()
    return token, secret


def check_token(store: Store, secret: str, now: datetime) -> ApiToken | None:
    """The token's row if ``secret`` is a live token. A read-only lookup: the write lock is
    taken only to note its use, at most once a minute."""
    digest = _token_hash(secret)
    with store.reading() as session:
        token = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or token.revoked or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.last_used_at is None or now - token.last_used_at > USAGE_RESOLUTION:
        with store.session() as session:
            session.execute(
                update(ApiToken).where(col(ApiToken.id) == token.id).values(last_used_at=now)
            )
            session.commit()
        token.last_used_at = now
    return token


def tokens(store: Store) -> list[ApiToken]:
    with store.session() as session:
        return list(session.exec(select(ApiToken).order_by(col(ApiToken.id))).all())


def revoke_token(store: Store, token_id: int) -> bool:
    with store.session() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            return False
        token.revoked = True
        session.add(token)
        session.commit()
        return True


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, made on first use (scrypt takes 32 MiB and 0.2 s:
    not at every import of this module)."""
    return generate_password_hash("not a real password")
