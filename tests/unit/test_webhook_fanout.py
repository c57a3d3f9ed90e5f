"""The fan-out plan without a database: which webhook gets which event, where the cursor stops."""

from __future__ import annotations

from datetime import UTC, datetime

from appliance.store.schema import Event, Webhook
from appliance.webhooks.fanout import plan, subscribers

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def event(event_id: int, kind: str) -> Event:
    return Event(id=event_id, at=AT, kind=kind)


def test_each_kind_goes_to_the_webhooks_that_chose_it():
    hooks = [
        Webhook(id=1, url="http://a", events="message.sent", secret="s" * 16),
        Webhook(id=2, url="http://b", events="message.sent,modem.up", secret="s" * 16),
    ]
    chosen = subscribers(hooks)
    assert chosen["message.sent"] == [1, 2] and chosen["modem.up"] == [2]
    batch = plan([event(11, "modem.up"), event(12, "modem.down")], 10, chosen, lambda i: False)
    assert (batch.last, batch.moved) == (12, 2)  # past an event no one chose, too
    assert [(e.id, targets) for e, targets in batch.wanted] == [(11, [2])]


def test_a_missing_id_stops_the_cursor_while_it_may_still_commit():
    events = [event(11, "modem.up"), event(13, "modem.up")]
    chosen = {"modem.up": [1]}
    waiting = plan(events, 10, chosen, still_waiting_for=lambda missing: missing == 12)
    assert (waiting.last, waiting.moved, len(waiting.wanted)) == (11, 1, 1)
    skipped = plan(events, 10, chosen, still_waiting_for=lambda missing: False)
    assert (skipped.last, skipped.moved, len(skipped.wanted)) == (13, 2, 2)
