"""Fan-out: which deliveries a batch of new events becomes, where the cursor moves, and what
each event says (pure).

``sender.fan_out`` hands ``plan`` and the payload (``event_data`` signed up by
``signing.payload``) to ``appliance.store.webhook_queue.fan_out``, which reads the events, the
active webhooks and what each event is about, and writes one pending delivery per event and
webhook with the cursor, in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from appliance import views
from appliance.store.contact_schema import Contact
from appliance.store.schema import Event, Webhook
from appliance.store.webhook_queue import Subject

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
    order; ``sender.fan_out`` says more)."""
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


def event_data(event: Event, subject: Subject) -> dict[str, object]:
    """The ``data`` of an event: the message, the received message, the contact's consent, the
    missed call, the SIM's credit or the modem, as now; a campaign's, as it was logged."""
    if event.kind.startswith(("campaign.", "alert.")):  # as logged (alert: its JSON record)
        return campaign_data(event.detail, event.number)
    if event.kind.startswith("contact."):
        return contact_data(event.number, subject.contact)
    if event.kind == "message.received":
        inbound = subject.inbound
        return views.inbound(inbound) if inbound else {"modem": event.modem_imei}
    if event.kind.startswith("message."):
        message = subject.message
        return views.message(message) if message else {"id": event.message_id}
    if event.kind.startswith("call."):
        call = subject.call
        return views.missed_call(call) if call else {"id": event.message_id, "from": event.number}
    if event.kind.startswith("sim."):
        return views.sim_credit(event.modem_imei, subject.sim)
    modem = subject.modem
    return {
        "imei": event.modem_imei,
        "state": modem.state if modem else None,
        "reason": event.detail or (modem.reason if modem else None),
        "port": modem.port if modem else None,
        "operator": modem.operator if modem else None,
    }


def contact_data(number: str | None, contact: Contact | None) -> dict[str, object]:
    """A ``contact.*`` event's ``data``: the number and its consent record as it is now (all
    null when the contact was erased since)."""

    def iso(when: datetime | None) -> str | None:
        return when.isoformat() if when else None

    return {
        "number": number,
        "opted_in_at": iso(contact.opted_in_at) if contact else None,
        "opt_in_source": contact.opt_in_source if contact else None,
        "opt_in_proof": contact.opt_in_proof if contact else None,
        "opted_out_at": iso(contact.opted_out_at) if contact else None,
        "opt_out_how": contact.opt_out_how if contact else None,
    }


def campaign_data(detail: str | None, number: str | None) -> dict[str, object]:
    """A ``campaign.*`` event's ``data``: what the move logged (``{"id", "name", ...}``: the
    campaign's, and the move's counts), as it was then, with the ``number`` it is about when
    there is one (a reply, a code redeemed). A detail that is not a JSON object (written by
    hand) is passed on as ``{"detail": text}``."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"detail": detail}
    if number is not None:
        data["number"] = number
    return data
