"""Panel users and API tokens.

Passwords are hashed with werkzeug's scrypt (salted, slow on purpose); tokens are 256-bit random
strings of which only the SHA-256 is stored (fast to check, and a stolen database reveals none).

Users are added, renamed, deleted, given a role or a new password here, for the panel and the
CLI alike, with the rules a person expects: names are unique (1 to 64 characters, no spaces),
there is always an admin left (the last one can be neither deleted nor demoted; the check and
the change are one transaction, with the admins' rows locked on PostgreSQL, so two admins
demoting each other at once cannot both succeed), and an admin cannot delete the account they
are logged in with. A renamed, deleted or re-passworded user's sessions end at their next
request: the panel's session fingerprint (``web.auth.session_key``) covers id, name, creation
time and password hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .store import Store
from .store.schema import ApiToken, User

ROLES = ("admin", "volunteer")
MIN_PASSWORD = 8
USAGE_RESOLUTION = timedelta(minutes=1)


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why."""


class UnknownUser(AccountError):
    """No user has that name (or id)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_count(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("a user name is 1 to 64 characters without spaces")
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def _name_taken(session: Session, name: str) -> bool:
    return session.exec(select(User.id).where(User.name == name)).first() is not None


def add_user(store: Store, name: str, password: str, role: str, now: datetime) -> User:
    name = _checked_name(name)
    _check_role(role)
    _check_password(password)
    with store.session() as session:
        if _name_taken(session, name):
            raise AccountError(f"there is already a user named {name!r}")
        user = User(
            name=name, password_hash=generate_password_hash(password), role=role, created_at=now
        )
        session.add(user)
        session.commit()
        return user


def _find(session: Session, who: str | int) -> User:
    """The user named ``who`` (a str) or of id ``who`` (an int); UnknownUser otherwise."""
    if isinstance(who, int):
        user = session.get(User, who)
        missing = f"no user #{who}"
    else:
        user = session.exec(select(User).where(User.name == who.strip())).first()
        missing = f"no user named {who.strip()!r}"
    if user is None:
        raise UnknownUser(missing)
    return user


def find_user(store: Store, who: str | int) -> User:
    """The user named ``who`` (or of id ``who``); UnknownUser when there is none."""
    with store.reading() as session:
        return _find(session, who)


def _other_admins(session: Session, user: User) -> int:
    """Admins other than ``user``, their rows locked until the end of the transaction (on
    PostgreSQL; SQLite's writer already holds the whole database)."""
    rows = session.exec(select(User.id).where(User.role == "admin").with_for_update()).all()
    return sum(1 for user_id in rows if user_id != user.id)


def rename_user(store: Store, who: str | int, new_name: str) -> User:
    """Give the user ``who`` (name or id) a new name, under the rules of ``add_user``."""
    new_name = _checked_name(new_name)
    with store.session() as session:
        user = _find(session, who)
        if new_name == user.name:
            return user
        if _name_taken(session, new_name):
            raise AccountError(f"there is already a user named {new_name!r}")
        user.name = new_name
        session.add(user)
        session.commit()
        return user


def set_role(store: Store, who: str | int, role: str) -> User:
    """Make ``who`` an admin or a volunteer; the last admin stays one."""
    _check_role(role)
    with store.session() as session:
        user = _find(session, who)
        if user.role == "admin" and role != "admin" and _other_admins(session, user) == 0:
            raise AccountError(
                f"{user.name} is the last admin: make another user admin before this one "
                "becomes a volunteer"
            )
        user.role = role
        session.add(user)
        session.commit()
        return user


def set_password(store: Store, who: str | int, password: str) -> User:
    """A new password for ``who``: every session they have open ends."""
    _check_password(password)
    with store.session() as session:
        user = _find(session, who)
        user.password_hash = generate_password_hash(password)
        session.add(user)
        session.commit()
        return user


def delete_user(store: Store, who: str | int, *, acting: User | None = None) -> User:
    """Delete ``who``; ``acting`` is the admin asking in the panel, who may not delete the
    account they are logged in with. The last admin is never deleted."""
    with store.session() as session:
        user = _find(session, who)
        if acting is not None and acting.id == user.id:
            raise AccountError(
                "you cannot delete the account you are logged in with: another admin can, "
                "or `smsrelay user delete` on the appliance"
            )
        if user.role == "admin" and _other_admins(session, user) == 0:
            raise AccountError(f"{user.name} is the last admin and cannot be deleted")
        session.delete(user)
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
