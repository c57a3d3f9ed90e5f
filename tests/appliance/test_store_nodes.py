"""The store's side of several nodes (issue 15), on SQLite and on a real PostgreSQL: claims with
a lease, renewed by their node and settled ``unknown`` by another once it passed; the scheduled
jobs' advisory locks; the notifications that wake every node; revision 0014 down and up."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlmodel import select

from appliance.store import Claim, NewMessage, Store
from appliance.store.attempt_schema import MessageAttempt
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Status
from appliance.store.work_listener import WorkListener
from tests.pg import fresh_database
from tests.waiting import wait_until as wait_for

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def _queue(store: Store, n: int = 1) -> list[int]:
    news = [NewMessage(recipient=f"+3361234567{i}", text=f"m{i}", parts=1, encoding="gsm7")
            for i in range(n)]  # fmt: skip
    return [m.id for m in store.enqueue_all(news, NOW)]


def _claim(store: Store, node: str, imei: str, now: datetime = NOW):
    claim = Claim(imei=imei, iccid=None, group=None, node=node, max_parts=10, quiet=False,
                  avoid_own_retries=False, lease_until=now + LEASE)  # fmt: skip
    return store.claim(claim, now)


def _message(store: Store, message_id: int):
    return next(m for m in store.messages(limit=100) if m.id == message_id)


def test_a_claim_carries_its_lease_and_its_node_renews_what_its_workers_hold(any_store):
    held, lost = _queue(any_store, 2)
    assert _claim(any_store, "pi-a", "350000000000001").lease_until == NOW + LEASE
    _claim(any_store, "pi-a", "350000000000002")
    assert _message(any_store, held).lease_until == NOW + LEASE
    later = NOW + timedelta(seconds=20)
    assert any_store.renew("pi-a", later, later + LEASE, {held}) == 1
    assert any_store.renew("pi-b", later, later + LEASE, {held}) == 0  # not pi-b's claim
    assert _message(any_store, held).lease_until == later + LEASE
    # a claim no worker holds (its answer lost with the connection) runs out, and is settled
    assert any_store.settle_expired_claims(NOW + LEASE + timedelta(seconds=1)) == [(lost, "pi-a")]
    assert _message(any_store, held).status == Status.SENDING


def test_a_dead_nodes_claims_are_settled_unknown_once_the_lease_passed(any_store):
    first, second, left = _queue(any_store, 3)
    assert _claim(any_store, "pi-a", "350000000000001").id == first
    assert _claim(any_store, "pi-b", "350000000000002").id == second
    assert any_store.settle_expired_claims(NOW + LEASE - timedelta(seconds=1)) == []
    settled = any_store.settle_expired_claims(NOW + LEASE + timedelta(seconds=1))
    assert sorted(settled) == [(first, "pi-a"), (second, "pi-b")]
    dead = _message(any_store, first)
    assert dead.status == Status.UNKNOWN
    with any_store.reading() as session:  # its attempt ended unknown too (issue 16)
        ended = session.exec(
            select(MessageAttempt.outcome).where(MessageAttempt.message_id == first)
        ).all()
    assert ended == ["unknown"]
    assert "node pi-a stopped renewing its claim" in dead.reason
    assert "may or may not have left" in dead.reason
    assert _message(any_store, left).status == Status.QUEUED  # never claimed: anyone's


def test_the_node_row_is_written_renewed_and_stopped(any_store):
    any_store.register_node("pi-a", "host-a", 1234, NOW, NOW + LEASE)
    any_store.renew("pi-a", NOW + timedelta(seconds=10), NOW + timedelta(seconds=40))
    (node,) = any_store.nodes()
    assert (node.name, node.host, node.pid) == ("pi-a", "host-a", 1234)
    assert node.lease_until == NOW + timedelta(seconds=40) and node.stopped_at is None
    any_store.node_stopped("pi-a", NOW + timedelta(seconds=11))
    assert any_store.node("pi-a").stopped_at == NOW + timedelta(seconds=11)


def test_sqlite_always_grants_a_job_to_its_one_node(store):
    with store.exclusive("expire") as first, store.exclusive("expire") as second:
        assert first and second


def test_one_node_at_a_time_runs_a_job_and_the_lock_dies_with_its_holder(postgresql_store):
    other = Store(create_engine_for(postgresql_store.engine.url.render_as_string(False)))
    try:
        with postgresql_store.exclusive("dated-campaigns") as mine:
            assert mine
            with other.exclusive("dated-campaigns") as theirs:
                assert not theirs
            with other.exclusive("retention") as another_job:
                assert another_job
        with other.exclusive("dated-campaigns") as theirs:
            assert theirs
        # a holder that dies (its connection closed without unlocking) frees the job
        held = postgresql_store.engine.connect()
        from appliance.store.engine import MIGRATION_LOCK
        from appliance.store.node_registry import job_lock_key

        held.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK}, {job_lock_key('sweep')})")
        with other.exclusive("sweep") as theirs:
            assert not theirs
        held.invalidate()  # the connection is closed, as a killed process's would be

        def taken() -> bool:  # once the server has seen the connection go
            with other.exclusive("sweep") as theirs:
                return theirs

        wait_for(taken, timeout=10, what="the dead holder's lock freed")
    finally:
        other.engine.dispose()


def test_every_node_hears_work_queued_or_cancelled_on_any_node(postgresql_store):
    url = postgresql_store.engine.url.render_as_string(False)
    heard = threading.Event()
    listener = WorkListener(url, heard.set).start()
    try:
        wait_for(listener.listening.is_set, timeout=10, what="LISTEN in force")
        wait_for(heard.is_set, timeout=5, what="the look after connecting")
        heard.clear()
        started = time.monotonic()
        (message_id,) = _queue(postgresql_store)
        wait_for(heard.is_set, timeout=5, what="the notification of an enqueue")
        assert time.monotonic() - started < 1.0
        heard.clear()
        _claim(postgresql_store, "pi-a", "350000000000001")  # sending: nothing to look at
        postgresql_store.mark_retry(message_id, "a transient error", NOW)  # freed
        wait_for(heard.is_set, timeout=5, what="the notification of a message given back")
        heard.clear()
        before = listener.heard
        assert postgresql_store.cancel(message_id, NOW)[0]
        wait_for(lambda: listener.heard > before, timeout=5, what="the cancel's notification")
        # a batch of 50 in one transaction: one notification
        before = listener.heard
        _queue(postgresql_store, 50)
        wait_for(lambda: listener.heard > before, timeout=5, what="the batch's notification")
        time.sleep(0.2)
        assert listener.heard == before + 1
    finally:
        listener.stop()


def test_revision_0014_goes_down_and_up_on_postgresql(postgresql_server):
    from tests.unit.test_database import _alembic

    with fresh_database(postgresql_server) as url:
        engine = create_engine_for(url)
        try:
            migrate(engine)
            triggers = (
                "SELECT count(*) FROM pg_trigger "
                "WHERE tgname IN ('message_work_inserted', 'message_work_updated')"
            )
            with engine.connect() as connection:
                assert connection.exec_driver_sql(triggers).scalar() == 2
            _alembic(engine, "downgrade", "0013")
            assert "node" not in inspect(engine).get_table_names()
            columns = {c["name"] for c in inspect(engine).get_columns("message")}
            assert "lease_until" not in columns
            with engine.connect() as connection:
                assert connection.exec_driver_sql(triggers).scalar() == 0
            _alembic(engine, "upgrade", "head")
            assert "node" in inspect(engine).get_table_names()
        finally:
            engine.dispose()


def test_revision_0014_goes_down_and_up_on_sqlite(store):
    from tests.unit.test_database import _alembic

    _alembic(store.engine, "downgrade", "0013")
    assert "node" not in inspect(store.engine).get_table_names()
    _alembic(store.engine, "upgrade", "head")
    assert "lease_until" in {c["name"] for c in inspect(store.engine).get_columns("message")}


def test_sent_moves_the_message_the_sim_the_modem_and_the_log_together(any_store):
    """On PostgreSQL ``mark_sent`` is one statement (``SENT_AT_ONCE``); the same outcome."""
    first, second = _queue(any_store, 2)
    imei, iccid = "350000000000001", "8933000000000000001"
    any_store.upsert_modem(imei, node="pi-a", state="ready", reason="ready")
    for message_id, refs, day in ((first, [7], "2026-12-03"), (second, [8, 9], "2026-12-04")):
        assert _claim(any_store, "pi-a", imei).id == message_id
        counts = any_store.mark_sent(message_id, refs, len(refs), iccid, NOW, day, "2026-12",
                                     imei=imei, recipient="+33612345670")  # fmt: skip
    assert tuple(counts) == ("2026-12-04", 2, "2026-12", 3)  # a new day starts from 0
    sent = _message(any_store, second)
    assert (sent.status, sent.part_refs, sent.parts_sent) == (Status.SENT, "8,9", 2)
    assert sent.sent_at == NOW and sent.finished_at == NOW and sent.reason is None
    assert any_store.sim(iccid).sent_total == 3
    assert any_store.modem(imei).last_success_at == NOW
    assert tuple(any_store.sim_counts(iccid)) == ("2026-12-04", 2, "2026-12", 3)
    with any_store.reading() as session:  # each claim's attempt ended sent (issue 16)
        outcomes = session.exec(select(MessageAttempt.outcome, MessageAttempt.part_refs)).all()
    assert sorted(outcomes) == [("sent", "7"), ("sent", "8,9")]


def test_the_fleet_view_names_every_node_and_a_stopped_nodes_modems_cannot_send(store, config):
    """``smsrelay status --json``, the panel and the API: every node's modems, with the node."""
    from appliance import views

    now = NOW + timedelta(minutes=5)
    store.register_node("pi-a", "host-a", 1, now, now + LEASE)
    store.register_node("pi-b", "host-b", 2, NOW, NOW + LEASE)  # its lease ran out: not running
    store.upsert_modem("350000000000001", node="pi-a", state="ready", reason="ready", seen_at=now)
    store.upsert_modem("350000000000002", node="pi-b", state="ready", reason="ready", seen_at=now)
    data = views.status(config, store, now)
    nodes = {n["name"]: n for n in data["nodes"]}
    assert nodes["pi-a"]["running"] and not nodes["pi-b"]["running"]
    modems = {m["node"]: m for m in data["modems"]}
    assert modems["pi-a"]["state"] == "ready"
    assert modems["pi-b"]["state"] == "absent"
    assert "node pi-b has not been heard from since" in modems["pi-b"]["reason"]
