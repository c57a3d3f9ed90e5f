"""Panel users and API tokens as the store keeps them.

The rules that need the database are kept here, each check in the same transaction as the
change it guards: a name is unique; there is always an admin left (the other admins' rows are
locked on PostgreSQL while the last one is demoted or deleted, so two admins demoting each other
at once cannot both succeed); an admin cannot delete the account they are logged in with. The
rules on what a name, role or password may look like, and the hashing, are
``appliance.accounts``'s: this module only ever sees hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from .schema import ApiToken, User

if TYPE_CHECKING:
    from . import Store


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why."""


class UnknownUser(AccountError):
    """No user has that name (or id)."""


def user_count(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def _name_taken(session: Session, name: str) -> bool:
    return session.exec(select(User.id).where(User.name == name)).first() is not None


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


def _other_admins(session: Session, user: User) -> int:
    """Admins other than ``user``, their rows locked until the end of the transaction (on
    PostgreSQL; SQLite's writer already holds the whole database)."""
    rows = session.exec(select(User.id).where(User.role == "admin").with_for_update()).all()
    return sum(1 for user_id in rows if user_id != user.id)


def add_user(
    store: Store, name: str, password_hash: Callable[[], str], role: str, now: datetime
) -> User:
    """A new user; ``password_hash`` is called once the name is known to be free."""
    with store.session() as session:
        if _name_taken(session, name):
            raise AccountError(f"there is already a user named {name!r}")
        user = User(name=name, password_hash=password_hash(), role=role, created_at=now)
        session.add(user)
        session.commit()
        return user


def find_user(store: Store, who: str | int) -> User:
    """The user named ``who`` (or of id ``who``); UnknownUser when there is none."""
    with store.reading() as session:
        return _find(session, who)


def rename_user(store: Store, who: str | int, new_name: str) -> User:
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
    with store.session() as session:
        user = _find(session, who)
        if user.role == "admin" and role != "admin" and _other_admins(session, user) == 0:
            raise AccountError(
                f"{user.name} is the last admin: make another user admin before this one "
                "becomes a volunteer"
            )
        if user.role != role:
            user.role = role
            user.session_epoch += 1  # their sessions end: the new role starts at a new login
        session.add(user)
        session.commit()
        return user


def set_language(store: Store, who: str | int, language: str | None) -> User:
    """The panel's language of ``who`` (None: as their browser asks)."""
    with store.session() as session:
        user = _find(session, who)
        user.language = language
        session.add(user)
        session.commit()
        return user


def set_password(store: Store, who: str | int, password_hash: Callable[[], str]) -> User:
    """A new password hash for ``who`` (``password_hash`` is called once the user is found)."""
    with store.session() as session:
        user = _find(session, who)
        user.password_hash = password_hash()
        user.session_epoch += 1
        session.add(user)
        session.commit()
        return user


def end_sessions(store: Store, who: str | int) -> User:
    """End every panel session of ``who`` (logout, "log out everywhere")."""
    with store.session() as session:
        user = _find(session, who)
        user.session_epoch += 1
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


def log_in(
    store: Store, name: str, now: datetime, password_matches: Callable[[str | None], bool]
) -> User | None:
    """The user named ``name`` if ``password_matches`` its hash (called with None for an
    unknown name, so that it can spend the same time), its last login noted; None otherwise."""
    with store.session() as session:
        user = session.exec(select(User).where(User.name == name.strip())).first()
        if not password_matches(None if user is None else user.password_hash) or user is None:
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


def add_token(store: Store, token: ApiToken) -> ApiToken:
    with store.session() as session:
        session.add(token)
        session.commit()
    return token


def token_by_hash(store: Store, digest: str) -> ApiToken | None:
    """The token whose SHA-256 is ``digest``, revoked or not; a read that takes no lock."""
    with store.reading() as session:
        return session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()


def note_token_use(store: Store, token_id: int | None, now: datetime) -> None:
    with store.session() as session:
        session.execute(
            update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now)
        )
        session.commit()


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
