"""The admin's changes to webhooks, checked before they are written: what the panel calls to add
a webhook, pause or enable it, or change its events. Reading, deleting and the test button need
no check: ``records`` has them (the package's ``__init__`` exports both)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from appliance.store import Store

from . import records
from .records import WebhookSummary
from .validation import check_events, check_secret, check_url


def create_webhook(
    store: Store,
    *,
    url: str,
    events: Iterable[str],
    now: datetime,
    secret: str | None = None,
    active: bool = True,
) -> tuple[WebhookSummary, str]:
    """Save a new webhook; returns it and its secret (generated unless one was typed), which the
    caller shows once. ``WebhookError`` names the field at fault."""
    return records.add_webhook(
        store,
        url=check_url(url),
        events=check_events(events),
        secret=check_secret(secret),
        active=active,
        now=now,
    )


def set_active(store: Store, webhook_id: int, active: bool) -> bool:
    """Enable or pause a webhook; False when there is no such webhook."""
    return records.update_webhook(store, webhook_id, active=active)


def set_events(store: Store, webhook_id: int, events: Iterable[str]) -> bool:
    return records.update_webhook(store, webhook_id, events=check_events(events))
