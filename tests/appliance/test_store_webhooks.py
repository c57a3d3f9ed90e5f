"""``appliance.store.webhooks`` and ``appliance.store.webhook_queue`` and the store's reads for
``/healthz`` and ``/metrics``: the queries ``appliance.webhooks`` and ``web.ops`` call.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from appliance import webhooks
from appliance.store import Claim, NewMessage, Store
from appliance.store import webhook_queue as queue
from appliance.store import webhooks as stored
from appliance.store.schema import Event, WebhookDelivery
from appliance.webhooks import sender

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _hook(store: Store, url: str = "https://example.org/hook", active: bool = True) -> int:
    summary, _ = webhooks.create_webhook(
        store, url=url, events=["message.sent"], now=NOW, active=active
    )
    return summary.id


def test_the_look_is_the_senders_look(store):
    assert queue.look(store) == queue.Look(cursor=0, newest=0, due=None, active=False)
    store.log("message.sent", NOW, imei="861234010000018")
    _hook(store)  # the first active webhook: the cursor moves past the event, for no one
    seen = queue.look(store)
    assert seen == queue.Look(cursor=1, newest=1, due=None, active=True)
    assert seen.active and seen.newest >= 1
    assert queue.look(store).new_events == queue.pending_work(store)[0]


def test_catch_up_moves_the_cursor_only_while_no_webhook_is_active(store):
    store.log("message.sent", NOW)
    sender.fan_out(store, NOW)  # makes the cursor row
    store.log("message.sent", NOW)
    with store.session() as session:
        queue.catch_up(session)
        session.commit()
    assert queue.look(store).cursor == queue.look(store).newest
    _hook(store)
    store.log("message.sent", NOW)
    with store.session() as session:
        queue.catch_up(session)
        session.commit()
    assert queue.look(store).new_events


def test_webhooks_their_counts_and_their_log(store):
    first, second = _hook(store), _hook(store, "https://example.org/other", active=False)
    with store.session() as session:
        session.add(Event(at=NOW, kind="message.sent"))
        for status in ("pending", "delivered", "delivered", "failed"):
            session.add(
                WebhookDelivery(
                    webhook_id=first, event="message.sent", payload="{}", status=status,
                    created_at=NOW - timedelta(days=40), due_at=NOW,
                )
            )  # fmt: skip
        session.commit()
    listed = stored.webhooks_with_counts(store)
    assert [(row.id, counts) for row, counts in listed] == [
        (first, {"pending": 1, "delivered": 2, "failed": 1}),
        (second, {}),
    ]
    expected = webhooks.list_webhooks(store)
    assert [(s.id, s.pending, s.delivered, s.failed) for s in expected] == [
        (row.id, c.get("pending", 0), c.get("delivered", 0), c.get("failed", 0))
        for row, c in listed
    ]
    row, counts = stored.webhook_with_counts(store, first)
    assert row.id == first and counts == {"pending": 1, "delivered": 2, "failed": 1}
    assert stored.webhook_with_counts(store, 999) is None
    log = stored.deliveries(store, first, limit=3)
    assert [d.id for d in log] == [d.id for d in webhooks.deliveries(store, first, limit=3)]
    assert [d.id for d in stored.deliveries(store, first, before_id=log[-1].id)] == [
        d.id for d in webhooks.deliveries(store, first, before_id=log[-1].id)
    ]
    assert stored.prune_deliveries(store, NOW - timedelta(days=30)) == 3
    assert [d.status for d in stored.deliveries(store, first)] == ["pending"]
    assert stored.delete_webhook(store, first) and not stored.delete_webhook(store, first)
    assert stored.deliveries(store, first) == []


def test_the_reads_of_healthz_and_metrics(store):
    assert store.modems_ready() == 0
    store.upsert_modem("861234010000018", state="ready", reason="ready")
    store.upsert_modem("861234010000026", state="absent")
    assert store.modems_ready() == 1
    for due in (NOW - timedelta(minutes=1), NOW, NOW + timedelta(hours=1)):
        store.enqueue(NewMessage("+33612345678", "x", 1, "gsm7", due_at=due), NOW)
    assert store.due_count(NOW) == 2
    claim = Claim("861234010000018", None, None, "node", 10, False, False)
    message = store.claim(claim, NOW)
    assert message is not None
    store.mark_sent(message.id, [1], 1, None, NOW + timedelta(seconds=3), "d", "m")
    assert store.due_count(NOW) == 1
    assert store.send_durations(NOW - timedelta(hours=24)) == [3.0]
    assert store.send_durations(NOW + timedelta(seconds=4)) == []
