"""How often one may guess a panel password: limits per account, per address and per both,
kept in the store (``appliance.store.logins``, which says how an attempt is counted atomically).

- **per account and address**, 5 failures in 5 minutes: someone mistyping their own password,
  the limit one meets first;
- **per account**, 10 failures in 15 minutes from anywhere: guesses at one account spread over
  many addresses;
- **per address**, 20 failures in 15 minutes on any accounts: one machine trying names.

An attempt over a limit is refused (429) even with the right password, and says when to try
again. Only the account's own good login from the same address forgets its failures there: a
good login on another account forgets nothing, and guesses at one account leave the others of
that address free to log in (until the address's own limit). The counts live in the database:
a restart of the panel forgets nothing, and the nodes sharing a PostgreSQL database share them.

One compromise is inherent to counting per account: someone who keeps guessing at an account
from many addresses keeps its owner out too, 15 minutes at a time; the event log and a new
password are then the answer, not a higher limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .accounts import check_login
from .store import Store
from .store.logins import Limit, forget_failures, reserve_attempt
from .store.schema import User

LIMITS = (
    Limit("both", 5, timedelta(minutes=5)),
    Limit("account", 10, timedelta(minutes=15)),
    Limit("address", 20, timedelta(minutes=15)),
)
KEY_LENGTH = 64  # the store's columns


class TooManyAttempts(Exception):
    """The attempt broke a limit; ``retry_at`` is when one more will be let through."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"too many failed logins: try again after {retry_at.isoformat()}")
        self.retry_at = retry_at


def log_in(store: Store, name: str, password: str, address: str, now: datetime) -> User | None:
    """The user if ``password`` is theirs, None if not; ``TooManyAttempts`` without checking
    it when a limit is reached. Counted whether or not the name exists."""
    account = name.strip()[:KEY_LENGTH]
    address = (address or "?")[:KEY_LENGTH]
    attempt = reserve_attempt(store, account, address, now, LIMITS)
    if isinstance(attempt, datetime):
        raise TooManyAttempts(attempt)
    user = check_login(store, name, password, now)
    if user is not None:
        forget_failures(store, account, address)
    return user
