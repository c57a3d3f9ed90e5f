"""The send path's prebuilt statements (``appliance.store.statements``) on a real PostgreSQL.

SQLite runs them in every other test; here the same store methods run on PostgreSQL, where
several nodes claim from one queue: ``FOR UPDATE SKIP LOCKED`` must hand each message to one
claimer only.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from appliance.store import Claim, NewMessage
from appliance.store.schema import Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(postgresql_store):
    return postgresql_store


def _new(text: str, **values) -> NewMessage:
    return NewMessage(recipient="+33612345678", text=text, parts=1, encoding="gsm7", **values)


def _claim(imei: str, **values) -> Claim:
    fields = dict(imei=imei, iccid=f"ICC{imei}", group=None, node="pg", max_parts=10,
                  quiet=False, avoid_own_retries=False)  # fmt: skip
    fields.update(values)
    return Claim(**fields)


def test_claim_sent_counters_and_report_on_postgresql(store):
    store.upsert_modem("1", state="ready")
    queued = store.enqueue(_new("bonjour"), NOW)
    claimed = store.claim(_claim("1"), NOW)
    assert claimed.id == queued.id and claimed.status == Status.SENDING
    assert claimed.attempts == 1 and claimed.concat_ref == queued.id % 256
    assert store.claim(_claim("1"), NOW) is None  # nothing else queued

    store.mark_sent(claimed.id, [42], 1, "ICC1", NOW, "2026-11-23", "2026-11", imei="1",
                    recipient=claimed.recipient)  # fmt: skip
    assert store.get(claimed.id).status == Status.SENT
    assert store.sim_counts("ICC1") == ("2026-11-23", 1, "2026-11", 1)

    later = NOW + timedelta(seconds=5)
    report = dict(imei="1", recipient=None, status=0, delivered=True, final=True, reason="",
                  discharged_at=later, now=later)  # fmt: skip
    message = store.add_report(part_ref=42, **report)
    assert message is not None and message.id == claimed.id
    assert store.get(claimed.id).status == Status.DELIVERED
    assert store.add_report(part_ref=142, **report) is None  # no such reference: kept unmatched

    store.enqueue(_new("demain"), NOW)
    second = store.claim(_claim("1"), NOW)
    store.mark_sent(second.id, [43], 1, "ICC1", NOW, "2026-11-24", "2026-11")
    assert store.sim_counts("ICC1") == ("2026-11-24", 1, "2026-11", 2)  # a new day starts at 0


def test_claim_filters_on_postgresql(store):
    store.enqueue(_new("for modem 2", want_modem="2"), NOW)
    store.enqueue(_new("for group b", want_group="b"), NOW)
    store.enqueue(_new("later", due_at=NOW + timedelta(hours=1)), NOW)
    store.enqueue(_new("campaign", source="campaign"), NOW)
    assert store.claim(_claim("1", quiet=True), NOW) is None
    assert store.claim(_claim("1", group="b", quiet=True), NOW).text == "for group b"
    assert store.claim(_claim("2", quiet=True), NOW).text == "for modem 2"
    assert store.claim(_claim("1"), NOW).text == "campaign"
    assert store.claim(_claim("1"), NOW) is None


def test_concurrent_claimers_never_take_the_same_message(store):
    for i in range(60):
        store.enqueue(_new(f"m{i}"), NOW)
    taken: dict[str, list[int]] = {}

    def claimer(imei: str) -> None:
        mine = taken.setdefault(imei, [])
        while (message := store.claim(_claim(imei), NOW)) is not None:
            mine.append(message.id)

    threads = [threading.Thread(target=claimer, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [i for mine in taken.values() for i in mine]
    assert len(ids) == 60 and len(set(ids)) == 60


def test_commits_are_durable_even_if_the_server_says_synchronous_commit_off(
    postgresql_server, store
):
    """The test cluster runs with ``synchronous_commit = off`` (tests/pg.py, for speed): a
    power cut of the server could lose a claim already on air. The store's sessions turn it back
    on for themselves (issue 14), and a session that starts ``remote_apply`` keeps it."""
    from sqlalchemy import create_engine

    from appliance.store.engine import create_engine_for

    raw = create_engine(postgresql_server)
    with raw.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
    raw.dispose()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    stronger = create_engine_for(
        store.engine.url.render_as_string(hide_password=False)
        + "?options=-c%20synchronous_commit%3Dremote_apply"
    )
    with stronger.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "remote_apply"
    stronger.dispose()
