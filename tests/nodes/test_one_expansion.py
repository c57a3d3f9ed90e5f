"""A scheduled campaign seen by two nodes is expanded once (issue 15): the daemon's hourly job
(``run_dated_campaigns``) runs under the job's advisory lock (``Membership.exclusive``), so of
two nodes running it at the same moment one does the work and the other finds it taken; and
when the node holding it dies, the next run of another node takes it."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, date, datetime, timedelta

from appliance.campaigning import operations as ops
from appliance.campaigning.dated import run_dated_campaigns
from appliance.clock import ManualClock
from appliance.config import load_config
from appliance.config.consent import ConsentConfig
from appliance.nodes import Membership
from appliance.store import Store
from appliance.store.contacts import ContactValues
from appliance.store.engine import MIGRATION_LOCK, create_engine_for
from appliance.store.node_registry import job_lock_key
from tests.waiting import wait_until

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PEOPLE = 40


def test_a_dated_campaign_seen_by_two_nodes_is_expanded_once(postgresql_store, tmp_path):
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path), "TZ": "UTC"})
    cfg = dataclasses.replace(
        base, timezone="Europe/Paris", consent=ConsentConfig(cap_messages=None)
    )
    store_a = postgresql_store
    store_b = Store(create_engine_for(store_a.engine.url.render_as_string(False)))
    rows = [ContactValues(f"+336123{n:05d}", f"P{n}", tags=("d",),
                          fields={"Dernier don": date(2026, 10, 12)}, line=n + 2)
            for n in range(PEOPLE)]  # fmt: skip
    store_a.upsert_contacts(rows, now=NOW - timedelta(days=60), source="import",
                            proof_of=lambda row: "file")  # fmt: skip
    campaign = ops.create(store_a, cfg, NOW, name="again", text="Vous pouvez redonner",
                          tags=["d"], extra={"date_field": "dernier don", "date_days": 56,
                                             "date_at": "10:00"})  # fmt: skip
    assert ops.start(store_a, cfg, campaign, NOW).queued == 0  # due 7 Dec: beyond the horizon
    later = NOW + timedelta(days=3)  # 7 Dec is within two days now: both nodes' jobs see it
    clock = ManualClock(later)
    ran: list[tuple[str, int]] = []
    gate = threading.Barrier(2)

    def node(name: str, store: Store) -> None:
        membership = Membership(store, dataclasses.replace(cfg, node=name), clock, lambda: None)
        job = membership.exclusive(
            "dated-campaigns", lambda: ran.append((name, run_dated_campaigns(store, cfg, later)))
        )
        gate.wait()
        job()

    try:
        threads = [threading.Thread(target=node, args=(n, s))
                   for n, s in (("pi-a", store_a), ("pi-b", store_b))]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        messages = store_a.messages(limit=PEOPLE * 3)
        assert len(messages) == PEOPLE
        assert len({m.recipient for m in messages}) == PEOPLE
        assert sum(queued for _, queued in ran) == PEOPLE  # one run did it all
        # the node holding the lock dies mid-job: the next run of the other takes it
        held = store_a.engine.connect()
        key = job_lock_key("dated-campaigns")
        held.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK}, {key})")
        b = Membership(store_b, dataclasses.replace(cfg, node="pi-b"), clock, lambda: None)
        runs: list[str] = []
        b.exclusive("dated-campaigns", lambda: runs.append("b"))()
        assert runs == []
        held.invalidate()  # its connection gone, as a killed node's: the next run takes it
        wait_until(
            lambda: b.exclusive("dated-campaigns", lambda: runs.append("b"))() or runs,
            timeout=10, what="the next run to take the dead holder's lock",
        )  # fmt: skip
        assert runs == ["b"]
    finally:
        store_b.engine.dispose()
