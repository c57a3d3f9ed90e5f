"""Privacy (issue 11) on top of the store: the right of access as the JSON handed to the person,
and the daily retention job.

- ``access_report``: everything held on one number (``Store.number_record``), as plain JSON
  (times in ISO 8601, UTC); ``smsrelay privacy access NUMBER --json`` prints it. It holds the
  contact with its consent record, tags and free fields, the messages written to the number, the
  messages received from it, its missed calls, the delivery reports and events naming it, and
  the webhook deliveries that carried it to the organisation's own systems.
- ``apply_retention``: what the daemon's scheduler runs every day (``Daemon._schedule``): the
  config's ``[retention]`` periods applied by ``Store.prune_older``, and an event
  ``retention.pruned`` that says what went. The erasure itself is ``Store.erase_contact``; its
  report (``Erased``) is a flat dataclass the CLI and the panel print as they are.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime

from .config.consent import RetentionConfig
from .store import NumberRecord, Pruned, Store
from .store.contacts import ContactRecord
from .store.schema import DeliveryReport, Event, InboundPart, WebhookDelivery
from .views import inbound, message, missed_call

log = logging.getLogger(__name__)

PRUNED = "retention.pruned"  # the event the daily job logs


def _iso(when: date | None) -> str | None:
    return when.isoformat() if when is not None else None


def contact_data(c: ContactRecord) -> dict:
    """A contact with its consent record, tags and typed free fields (dates as ISO text)."""
    return {
        "number": c.number,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "language": c.language,
        "created_at": _iso(c.created_at),
        "updated_at": _iso(c.updated_at),
        "consent": {
            "opted_in_at": _iso(c.opted_in_at),
            "opt_in_source": c.opt_in_source,
            "opt_in_proof": c.opt_in_proof,
            "opted_out_at": _iso(c.opted_out_at),
            "opt_out_how": c.opt_out_how,
        },
        "tags": list(c.tags),
        "fields": {k: _iso(v) if isinstance(v, date) else v for k, v in c.fields.items()},
    }


def _part(p: InboundPart) -> dict:
    return {"seq": p.seq, "total": p.total, "text": p.text, "received_at": _iso(p.received_at)}


def _report(r: DeliveryReport) -> dict:
    return {
        "message_id": r.message_id,
        "delivered": r.delivered,
        "status": r.status,
        "reason": r.reason,
        "discharged_at": _iso(r.discharged_at),
        "received_at": _iso(r.received_at),
    }


def _event(e: Event) -> dict:
    return {"at": _iso(e.at), "kind": e.kind, "detail": e.detail, "message_id": e.message_id}


def _delivery(d: WebhookDelivery) -> dict:
    try:
        payload: object = json.loads(d.payload)
    except ValueError:
        payload = d.payload
    return {
        "webhook_id": d.webhook_id,
        "event": d.event,
        "status": d.status,
        "created_at": _iso(d.created_at),
        "delivered_at": _iso(d.delivered_at),
        "payload": payload,
    }


def access_report(record: NumberRecord) -> dict:
    """``record`` as the JSON handed to the person who asked (the right of access)."""
    messages = []
    for m in record.messages:
        data = message(m)
        data.update(kind=m.kind, source=m.source, campaign_id=m.campaign_id)
        messages.append(data)
    received = []
    for m in record.inbound:
        data = inbound(m)
        data.update(handled=m.handled, campaign_id=m.campaign_id)
        received.append(data)
    return {
        "number": record.number,
        "contact": contact_data(record.contact) if record.contact is not None else None,
        "messages": messages,
        "inbound": received,
        "inbound_parts": [_part(p) for p in record.inbound_parts],
        "delivery_reports": [_report(r) for r in record.delivery_reports],
        "events": [_event(e) for e in record.events],
        "webhook_deliveries": [_delivery(d) for d in record.webhook_deliveries],
        "calls": [missed_call(c) for c in record.calls],
    }


def apply_retention(store: Store, retention: RetentionConfig, now: datetime) -> Pruned:
    """Forget what ``retention`` says is too old, then log ``retention.pruned`` with the counts
    (every day, "nothing" included: the log shows the rule runs)."""
    pruned = store.prune_older(retention.as_dict(), now)
    store.log(PRUNED, now, f"older than their retention: {pruned.words()}")
    log.info("retention: forgot %s", pruned.words())
    return pruned
