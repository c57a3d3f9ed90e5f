"""Fan-out: which deliveries a batch of new events becomes, and where the cursor moves (pure).

``records.fan_out`` reads the events and the active webhooks, asks ``plan`` which event goes to
which webhook, and writes one pending delivery per pair (``delivery_values``) with the cursor,
in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from appliance.store.schema import Event, Webhook

from .delivery import PENDING
from .validation import EVENTS


class Plan(NamedTuple):
    """What a batch of events becomes."""

    last: int  # the cursor moves past this event id
    moved: int  # how many events it moves past
    wanted: list[tuple[Event, list[int]]]  # each event some webhook chose, and those webhooks


def subscribers(hooks: Iterable[Webhook]) -> dict[str, list[int]]:
    """The ids of the webhooks that chose each event kind."""
    hooks = list(hooks)
    return {
        kind: [h.id for h in hooks if h.id is not None and kind in h.events.split(",")]
        for kind in EVENTS
    }


def plan(
    events: Sequence[Event],
    after: int,
    chosen_by: dict[str, list[int]],
    still_waiting_for: Callable[[int], bool],
) -> Plan:
    """Walk ``events`` (in id order, all past the cursor ``after``) until an id is missing that
    ``still_waiting_for`` says to wait for (it may commit later: PostgreSQL commits out of id
    order; ``records.fan_out`` says more)."""
    last, moved = after, 0
    wanted: list[tuple[Event, list[int]]] = []
    for event in events:
        assert event.id is not None
        if event.id != last + 1 and still_waiting_for(last + 1):
            break
        last, moved = event.id, moved + 1
        targets = chosen_by.get(event.kind, [])
        if targets:
            wanted.append((event, targets))
    return Plan(last, moved, wanted)


def delivery_values(
    webhook_id: int, kind: str, stored_payload: str, now: datetime
) -> dict[str, object]:
    """The columns of a new pending delivery to one webhook (``records.ADD_DELIVERY``); the
    payload is the same for every webhook, so it is made once an event."""
    return {
        "webhook_id": webhook_id,
        "event": kind,
        "payload": stored_payload,
        "status": PENDING,
        "attempts": 0,
        "created_at": now,
        "due_at": now,
    }
