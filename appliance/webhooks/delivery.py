"""One delivery's life, as plain values: one ``Attempt`` to make and its ``Outcome``, and the
``Backoff`` that says when to try again after a failure (pure: no I/O). Its statuses
(``PENDING``, ``DELIVERED``, ``FAILED``) are the store's, in ``appliance.store.schema``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """When to try a failed delivery again: ``first``, then times ``factor``, at most ``cap``;
    after ``attempts`` failures, give up."""

    first: timedelta = timedelta(seconds=10)
    factor: float = 3.0
    cap: timedelta = timedelta(hours=1)
    attempts: int = 8

    def delay(self, failures: int) -> timedelta | None:
        """The wait after the ``failures``-th failed attempt, or None when it is time to stop."""
        if failures >= self.attempts:
            return None
        return min(self.first * self.factor ** (failures - 1), self.cap)


@dataclass(frozen=True)
class Attempt:
    """One POST to make: a leased delivery, with what it takes to sign it."""

    delivery_id: int
    webhook_id: int
    url: str
    secret: str
    event: str
    payload: str
    attempt: int  # 1 for the first try


@dataclass(frozen=True)
class Outcome:
    """What came of one POST: the HTTP status if there was an answer, and the error if any."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
