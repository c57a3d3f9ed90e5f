"""The admin's webhooks, what the panel calls: add one, pause or enable it, change its events (each
checked before it is written), list them with their delivery counts, read a delivery log, delete
one, press the test button. The rows are read and written by ``appliance.store.webhooks``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from appliance.store import Store
from appliance.store import webhooks as stored
from appliance.store.schema import DELIVERED, FAILED, PENDING, Webhook, WebhookDelivery

from .destinations import Network
from .signing import payload
from .validation import TEST_EVENT, check_events, check_secret, check_url


@dataclass(frozen=True)
class WebhookSummary:
    """A webhook as the panel shows it: everything but the secret, plus its delivery counts."""

    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    pending: int = 0
    delivered: int = 0
    failed: int = 0


def create_webhook(
    store: Store,
    *,
    url: str,
    events: Iterable[str],
    now: datetime,
    secret: str | None = None,
    active: bool = True,
    allowed: Sequence[Network] = (),
) -> tuple[WebhookSummary, str]:
    """Save a new webhook; returns it and its secret (generated unless one was typed), which the
    caller shows once. ``WebhookError`` names the field at fault. Its URL must lead to a public
    address, or one in the ``allowed`` ranges (``[security] webhook_networks``)."""
    row = stored.add_webhook(
        store,
        url=check_url(url, allowed),
        events=check_events(events),
        secret=check_secret(secret),
        active=active,
        now=now,
    )
    return _summary(row), row.secret


def set_active(store: Store, webhook_id: int, active: bool) -> bool:
    """Enable or pause a webhook; False when there is no such webhook."""
    return stored.update_webhook(store, webhook_id, active=active)


def set_events(store: Store, webhook_id: int, events: Iterable[str]) -> bool:
    return stored.update_webhook(store, webhook_id, events=check_events(events))


def list_webhooks(store: Store) -> list[WebhookSummary]:
    return [_summary(row, counts) for row, counts in stored.webhooks_with_counts(store)]


def get_webhook(store: Store, webhook_id: int) -> WebhookSummary | None:
    found = stored.webhook_with_counts(store, webhook_id)
    return None if found is None else _summary(*found)


def delete_webhook(store: Store, webhook_id: int) -> bool:
    """Delete a webhook and its delivery log; False when there is no such webhook."""
    return stored.delete_webhook(store, webhook_id)


def deliveries(
    store: Store, webhook_id: int, *, limit: int = 50, before_id: int | None = None
) -> list[WebhookDelivery]:
    """The delivery log of one webhook, newest first (keyset pagination on the id)."""
    return stored.deliveries(store, webhook_id, limit=limit, before_id=before_id)


def send_test(store: Store, webhook_id: int, now: datetime) -> WebhookDelivery | None:
    """Queue a ``webhook.test`` delivery to this webhook only (even paused); None if unknown.

    It goes through the event log like any event (an ``Event`` row of kind ``webhook.test``, so
    the log says who was sent what), but its delivery is written for this webhook alone.
    """
    data = {"webhook": webhook_id, "text": "A test event from smsrelay: it works."}
    return stored.add_test_delivery(
        store,
        webhook_id,
        now,
        kind=TEST_EVENT,
        payload=lambda event_id, at: payload(TEST_EVENT, event_id, at, data),
    )


def _summary(row: Webhook, counts: Mapping[str, int] | None = None) -> WebhookSummary:
    assert row.id is not None and row.created_at is not None
    counts = counts or {}
    return WebhookSummary(
        id=row.id,
        url=row.url,
        events=tuple(kind for kind in row.events.split(",") if kind),
        active=row.active,
        created_at=row.created_at,
        pending=counts.get(PENDING, 0),
        delivered=counts.get(DELIVERED, 0),
        failed=counts.get(FAILED, 0),
    )
