"""The admin's webhooks and their delivery logs, as the store keeps them: add, change, list
with their counts, delete, the test button's delivery, pruning the log.

The sender's side (the event cursor, the fan-out, leasing and recording deliveries) is
``webhook_queue``. The checks of what an admin typed, the payloads and the signatures stay in
``appliance.webhooks``, which calls these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from .schema import DELIVERED, FAILED, PENDING, Event, Webhook, WebhookDelivery
from .webhook_queue import catch_up

if TYPE_CHECKING:
    from . import Store


def add_webhook(
    store: Store, *, url: str, events: Iterable[str], secret: str, active: bool, now: datetime
) -> Webhook:
    """Save a new webhook (its settings already checked)."""
    row = Webhook(url=url, events=",".join(events), secret=secret, active=active, created_at=now)
    with store.session() as session:
        if active:
            catch_up(session)  # the first active webhook starts now, not from old events
        session.add(row)
        session.commit()
    return row


def update_webhook(
    store: Store,
    webhook_id: int,
    *,
    active: bool | None = None,
    events: Iterable[str] | None = None,
) -> bool:
    """Enable or pause a webhook, or change its events (already checked); False when there is
    no such webhook."""
    values: dict[str, object] = {}
    if active is not None:
        values["active"] = active
    if events is not None:
        values["events"] = ",".join(events)
    with store.session() as session:
        row = session.get(Webhook, webhook_id)
        if row is None:
            return False
        if values.get("active") and not row.active:
            catch_up(session)  # enabled while none was: it starts now, not from old events
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.commit()
        return True


def delivery_counts(session: Session, webhook_id: int) -> dict[str, int]:
    """One webhook's deliveries by status."""
    rows = session.exec(
        select(WebhookDelivery.status, func.count())
        .where(WebhookDelivery.webhook_id == webhook_id)
        .group_by(col(WebhookDelivery.status))
    ).all()
    return dict(rows)


def webhooks_with_counts(store: Store) -> list[tuple[Webhook, dict[str, int]]]:
    """Every webhook, oldest first, with its deliveries by status."""
    with store.session() as session:
        rows = session.exec(select(Webhook).order_by(col(Webhook.id))).all()
        counts: dict[int, dict[str, int]] = {}
        for webhook_id, status, n in session.exec(
            select(WebhookDelivery.webhook_id, WebhookDelivery.status, func.count()).group_by(
                col(WebhookDelivery.webhook_id), col(WebhookDelivery.status)
            )
        ).all():
            counts.setdefault(webhook_id, {})[status] = n
        return [(row, counts.get(row.id or 0, {})) for row in rows]


def webhook_with_counts(store: Store, webhook_id: int) -> tuple[Webhook, dict[str, int]] | None:
    with store.session() as session:
        row = session.get(Webhook, webhook_id)
        return None if row is None else (row, delivery_counts(session, webhook_id))


def delete_webhook(store: Store, webhook_id: int) -> bool:
    """Delete a webhook and its delivery log; False when there is no such webhook."""
    with store.session() as session:
        row = session.get(Webhook, webhook_id)
        if row is None:
            return False
        session.execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == webhook_id)
        )
        session.delete(row)
        session.commit()
        return True


def deliveries(
    store: Store, webhook_id: int, *, limit: int = 50, before_id: int | None = None
) -> list[WebhookDelivery]:
    """The delivery log of one webhook, newest first (keyset pagination on the id)."""
    with store.session() as session:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(col(WebhookDelivery.id).desc())
            .limit(limit)
        )
        if before_id is not None:
            query = query.where(col(WebhookDelivery.id) < before_id)
        return list(session.exec(query).all())


def prune_deliveries(store: Store, before: datetime) -> int:
    """Forget finished deliveries created before ``before``; how many were forgotten."""
    with store.session() as session:
        result = session.execute(
            delete(WebhookDelivery).where(
                col(WebhookDelivery.status).in_([DELIVERED, FAILED]),
                col(WebhookDelivery.created_at) < before,
            )
        )
        session.commit()
        return result.rowcount or 0


def add_test_delivery(
    store: Store,
    webhook_id: int,
    now: datetime,
    *,
    kind: str,
    payload: Callable[[int, datetime], str],
) -> WebhookDelivery | None:
    """Queue a delivery of a test event (of kind ``kind``) to this webhook only, even paused;
    None if there is no such webhook.

    It goes through the event log like any event (an ``Event`` row, so the log says who was
    sent what), but its delivery is written here, for this webhook alone, with the payload
    ``payload(event id, event time)``.
    """
    with store.session() as session:
        if session.get(Webhook, webhook_id) is None:
            return None
        event = Event(at=now, kind=kind, detail=f"test event for webhook {webhook_id}")
        session.add(event)
        session.flush()
        assert event.id is not None and event.at is not None
        delivery = WebhookDelivery(
            webhook_id=webhook_id,
            event=event.kind,
            payload=payload(event.id, event.at),
            status=PENDING,
            created_at=now,
            due_at=now,
        )
        session.add(delivery)
        session.commit()
        return delivery
