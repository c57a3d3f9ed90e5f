"""The login limit's store (issue 14), on SQLite and PostgreSQL: an attempt is counted in the
transaction that checks the count, so guesses racing each other from several threads (or nodes)
never get past the limit, and a good login forgets only its own account's failures there."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from appliance.store.logins import Limit, forget_failures, reserve_attempt

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LIMITS = (
    Limit("both", 5, timedelta(minutes=5)),
    Limit("account", 10, timedelta(minutes=15)),
    Limit("address", 20, timedelta(minutes=15)),
)


def test_racing_attempts_never_pass_the_limit(any_store):
    racers = 16
    start = threading.Barrier(racers)

    def attempt(_: int) -> int | datetime:
        start.wait()
        return reserve_attempt(any_store, "alice", "192.0.2.1", T0, LIMITS)

    with ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(attempt, range(racers)))
    admitted = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, datetime)]
    assert len(admitted) == 5 and len(refused) == racers - 5
    assert set(refused) == {T0 + timedelta(minutes=5)}


def test_a_refusal_says_when_the_oldest_failure_that_counts_expires(any_store):
    for minute in range(5):
        reserve_attempt(any_store, "alice", "a", T0 + timedelta(minutes=minute), LIMITS)
    later = T0 + timedelta(minutes=4, seconds=30)
    assert reserve_attempt(any_store, "alice", "a", later, LIMITS) == T0 + timedelta(minutes=5)
    assert isinstance(
        reserve_attempt(any_store, "alice", "a", T0 + timedelta(minutes=5, seconds=1), LIMITS), int
    )


def test_a_good_login_forgets_only_its_own_failures_there(any_store):
    for _ in range(4):
        reserve_attempt(any_store, "alice", "a", T0, LIMITS)
        reserve_attempt(any_store, "bob", "a", T0, LIMITS)
        reserve_attempt(any_store, "alice", "b", T0, LIMITS)
    forget_failures(any_store, "alice", "a")
    for _ in range(5):
        assert isinstance(reserve_attempt(any_store, "alice", "a", T0, LIMITS), int)
    assert isinstance(reserve_attempt(any_store, "bob", "a", T0, LIMITS), int)
    assert isinstance(reserve_attempt(any_store, "bob", "a", T0, LIMITS), datetime)  # 5 kept
    # alice: 4 from b and 5 from a since: the account's 10 in 15 minutes is one away
    assert isinstance(reserve_attempt(any_store, "alice", "c", T0, LIMITS), int)
    assert isinstance(reserve_attempt(any_store, "alice", "d", T0, LIMITS), datetime)
