"""``appliance.store.tally``: message counts by status that stay exact without a GROUP BY per call.

The reference is ``Store.counts()`` (a plain ``GROUP BY status``). Messages move through the
store's own operations where the move is the product's (enqueue, claim, sent, failed, cancel,
retry, expire) and through a plain UPDATE where only the status matters. ``RECENT_IDS`` and
``TRACK_LIMIT`` are made small so that a few dozen messages exercise the older-message paths
that take a million rows in production.
"""

from __future__ import annotations

import gc
import random
import threading
import weakref
from datetime import timedelta

import pytest
from sqlalchemy import event, text, update
from sqlmodel import col

from appliance.config import Config
from appliance.outbox import prepare
from appliance.store import Claim, Store
from appliance.store import tally as tally_module
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Message, Status
from appliance.store.tally import Tally, full_counts, tally_for
from tests.appliance.conftest import T0

IMEI = "356938035643809"
ICCID = "8933150319000000001"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def small(monkeypatch) -> None:
    """Three newest ids counted at each call, two older moving messages tracked."""
    monkeypatch.setattr(tally_module, "RECENT_IDS", 3)
    monkeypatch.setattr(tally_module, "TRACK_LIMIT", 2)


def enqueue(store: Store, config: Config, n: int = 1, **options) -> list[int]:
    new = prepare(config, to="+33612345678", text="Collecte demain", now=T0, **options)
    return [store.enqueue(new, T0).id for _ in range(n)]


def set_status(store: Store, message_id: int, status: str) -> None:
    with store.session() as session:
        session.execute(update(Message).where(col(Message.id) == message_id).values(status=status))
        session.commit()


def claim(store: Store):
    return store.claim(Claim(IMEI, ICCID, None, "test-node", 100, False, False), T0)


def test_every_status_is_present_in_the_contract_order(store):
    counts = Tally(store).counts()
    assert list(counts) == [s.value for s in Status]
    assert set(counts.values()) == {0}


def test_the_full_count_agrees_whichever_status_is_taken_as_the_most_common(store, config):
    ids = enqueue(store, config, 12)
    for message_id, status in zip(ids, [*Status, *Status], strict=False):
        set_status(store, message_id, status)
    with store.reading() as session:
        for most_common in Status:
            assert full_counts(session, most_common) == store.counts()


def test_counts_follow_the_store_through_a_day_of_sending(store, config, small, monkeypatch):
    monkeypatch.setattr(tally_module, "TRACK_LIMIT", 5)  # every older message is followed
    tally = Tally(store)
    ids = enqueue(store, config, 8)
    assert tally.counts() == store.counts()  # the snapshot: 5 older ids, 3 recent ones
    for _ in range(3):  # older queued messages leave through a modem: tracked
        message = claim(store)
        assert tally.counts() == store.counts()
        store.mark_sent(message.id, [7], 1, ICCID, T0, "2026-11-23", "2026-11")
        assert tally.counts() == store.counts()
    failed = claim(store)
    store.mark_failed(failed.id, "+CMS ERROR: 1 (unallocated number)", T0)
    assert store.cancel(ids[-1], T0)[0]  # a recent one
    enqueue(store, config, 2, send_at="+1d")  # newer than the snapshot
    store.expire(T0 + timedelta(days=5))  # every queued one, older and newer
    for message_id in ids[:2]:  # delivery reports on older messages sent since the snapshot
        set_status(store, message_id, Status.DELIVERED)
    assert tally.counts() == store.counts()
    assert store.counts()["expired"] == 5 and store.counts()["delivered"] == 2


def test_older_queued_messages_are_followed_in_the_order_they_leave(store, config, small):
    """Beyond ``TRACK_LIMIT``, the ones the dispatcher takes first are the ones followed."""
    enqueue(store, config, 4, priority="low")
    urgent = enqueue(store, config, 1, priority="high")
    enqueue(store, config, 3)  # the recent ones
    tally = Tally(store)
    tally.refresh()
    assert list(tally._snapshot.tracked) == [urgent[0], 1]
    for _ in range(2):
        message = claim(store)
        store.mark_sent(message.id, [7], 1, ICCID, T0, "2026-11-23", "2026-11")
    assert tally.counts() == store.counts()


def test_a_change_the_snapshot_cannot_see_shows_after_the_next_recount(store, config, small):
    """An operator retries an older failed message: pending moves at once, failed only once
    counted again (the documented lag)."""
    ids = enqueue(store, config, 6)
    set_status(store, ids[0], Status.FAILED)
    tally = Tally(store)
    tally.counts()
    assert store.retry(ids[0], T0)[0]
    seen = tally.counts()
    assert seen["queued"] == store.counts()["queued"] == 6  # pending: exact at once
    assert seen["failed"] == 1 and store.counts()["failed"] == 0  # settled: not yet
    tally.refresh()
    assert tally.counts() == store.counts()


def test_pending_alone_needs_no_snapshot(store, config):
    ids = enqueue(store, config, 3)
    set_status(store, ids[0], Status.UNKNOWN)
    set_status(store, ids[1], Status.DELIVERED)
    tally = Tally(store)
    assert tally.pending() == {"queued": 1, "sending": 0, "unknown": 1}
    assert tally.age() is None


@pytest.mark.parametrize("seed", range(6))
def test_random_moves_of_recent_and_tracked_messages_are_counted_exactly(
    store, config, small, seed
):
    """Anything may happen to the newest ids and to the older moving ones between snapshots."""
    rng = random.Random(seed)
    tally = Tally(store)
    ids = enqueue(store, config, 40)
    tally.refresh()
    moving = {i for i in ids if i > max(ids) - tally_module.RECENT_IDS}
    moving |= set(list(tally._snapshot.tracked)[: tally_module.TRACK_LIMIT])
    for step in range(60):
        if rng.random() < 0.2:
            moving |= set(enqueue(store, config, rng.randint(1, 3)))
        set_status(store, rng.choice(sorted(moving)), rng.choice(list(Status)))
        if step % 7 == 0:
            assert tally.counts() == store.counts()
        if rng.random() < 0.1:
            tally.refresh()
            snapshot = tally._snapshot
            moving = {i for i in moving if i > snapshot.boundary or i in snapshot.tracked}
    assert tally.counts() == store.counts()


def test_an_old_snapshot_is_counted_again_in_the_background(store, config):
    clock = FakeMonotonic()
    tally = Tally(store, refresh_after=60, monotonic=clock)
    enqueue(store, config, 2)
    first = tally.refresh()
    clock.now += 59
    tally.counts()
    assert tally._refreshing is None  # still young: no recount
    clock.now += 1
    tally.counts()  # answers from the old snapshot and starts a recount
    tally.wait_for_refresh(10)
    assert tally._snapshot is not first and tally.age() == 0


def test_a_failed_recount_is_logged_and_the_old_snapshot_serves_on(
    store, config, monkeypatch, caplog
):
    clock = FakeMonotonic()
    tally = Tally(store, refresh_after=1, monotonic=clock)
    enqueue(store, config, 2)
    first = tally.refresh()
    started = threading.Event()

    def broken(*args, **kwargs):
        started.set()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(tally_module, "take_snapshot", broken)
    clock.now += 5
    assert tally.counts()["queued"] == 2
    tally.wait_for_refresh(10)
    assert started.is_set() and tally._snapshot is first
    assert "counting the messages again failed" in caplog.text
    assert tally.counts()["queued"] == 2


def test_one_tally_per_store_and_gone_with_it(config):
    engine = create_engine_for(config.database)
    migrate(engine)
    store = Store(engine)
    assert tally_for(store) is tally_for(store)
    assert tally_for(store).counts()["queued"] == 0
    gone = weakref.ref(store)
    del store
    gc.collect()
    assert gone() is None
    engine.dispose()


def _plans(store: Store, run) -> list[str]:
    """The query plan of every statement ``run(session)`` sends, with its own parameters."""
    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.reading() as session:
            run(session)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    with store.engine.connect() as connection:
        return [
            " | ".join(
                row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", args)
            )
            for sql, args in sent
            if sql.lstrip().upper().startswith("SELECT")
        ]


def test_the_per_call_queries_read_only_what_they_count(store):
    """On SQLite: the pending count is a range of ``ix_message_dispatch``, the recent settled
    count a range of the primary key; neither scans the table."""
    (pending,) = _plans(store, tally_module.pending_counts)
    assert "COVERING INDEX ix_message_dispatch (status=?)" in pending, pending
    (recent,) = _plans(store, lambda session: tally_module.settled_above(session, 5))
    assert "INTEGER PRIMARY KEY (rowid>?)" in recent, recent


# --- on PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture
def pg_store(postgresql_store):
    return postgresql_store


def test_on_postgresql_the_counts_follow_the_store(pg_store, config, small):
    """The same counting on PostgreSQL, whose reads see one state per REPEATABLE READ
    transaction."""
    store = pg_store
    tally = Tally(store)
    ids = enqueue(store, config, 8)
    assert tally.counts() == store.counts()
    message = claim(store)
    store.mark_sent(message.id, [7], 1, ICCID, T0, "2026-11-23", "2026-11")
    set_status(store, ids[-1], Status.DELIVERED)
    store.cancel(ids[-2], T0)
    enqueue(store, config, 2)
    assert tally.counts() == store.counts()
    tally.refresh()
    assert tally.counts() == store.counts()
    assert tally.pending() == {"queued": 7, "sending": 0, "unknown": 0}


def test_on_postgresql_a_count_reads_one_state(pg_store):
    with pg_store.reading() as session:
        tally_module._consistent(session)
        assert session.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
