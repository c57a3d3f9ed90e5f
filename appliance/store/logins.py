"""The panel's login attempts as the store keeps them (the rules: ``appliance.login_limit``).

An attempt is recorded as a failure *before* its password is checked, in the same transaction
that counts the failures it must stay under: guesses sent at once each find the others counted,
so no more than the limit get through (a check, then a count after the slow password hash, let
every one of them pass). A good password then takes its own row away, and the earlier failures of
that account from that address (its owner's typos), never anyone else's. The transaction is the
writer's lock on SQLite (``BEGIN IMMEDIATE``) and an advisory lock on PostgreSQL, so the panels
of several nodes share the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, text
from sqlmodel import Session, col, select

from .schema import LoginFailure

if TYPE_CHECKING:
    from . import Store

LOGIN_LOCK = 0x736D726C  # "smrl": PostgreSQL advisory lock held while counting and recording


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` in ``window`` for the attempts that share ``by``: "account",
    "address" or "both"."""

    by: str
    failures: int
    window: timedelta


def _times(session: Session, limit: Limit, account: str, address: str, now: datetime) -> list:
    query = select(LoginFailure.at).where(col(LoginFailure.at) > now - limit.window)
    if limit.by in ("account", "both"):
        query = query.where(LoginFailure.account == account)
    if limit.by in ("address", "both"):
        query = query.where(LoginFailure.address == address)
    return list(session.exec(query.order_by(col(LoginFailure.at))).all())


def reserve_attempt(
    store: Store, account: str, address: str, now: datetime, limits: Sequence[Limit]
) -> int | datetime:
    """Record an attempt as a failure and return its id if every limit lets it through; else
    record nothing and return when the first limit it broke lets one more through."""
    with store.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SELECT pg_advisory_xact_lock({LOGIN_LOCK})"))
        longest = max(limit.window for limit in limits)
        session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= now - longest))
        retry_at: datetime | None = None
        for limit in limits:
            times = _times(session, limit, account, address, now)
            if len(times) >= limit.failures:
                frees = times[len(times) - limit.failures] + limit.window
                retry_at = frees if retry_at is None else max(retry_at, frees)
        if retry_at is not None:
            session.commit()
            return retry_at
        attempt = LoginFailure(at=now, account=account, address=address)
        session.add(attempt)
        session.commit()
        assert attempt.id is not None
        return attempt.id


def forget_failures(store: Store, account: str, address: str) -> None:
    """A good login: the failures of this account from this address go (this attempt's row
    with them); those of other accounts, or from other addresses, stay counted."""
    with store.session() as session:
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.account == account, LoginFailure.address == address
            )
        )
        session.commit()
