"""The webhooks' tables as the store keeps them: the webhooks, their delivery log, and the
cursor that marks how far in the event log the sender has fanned out.

``appliance.webhooks`` (the checks of what an admin typed, the payloads, the signatures, the
POSTs and the sender's thread) runs its own queries today; these are the functions it is to
call instead, the same queries, so that only this package runs SQL. The sender's once-a-second
``look`` is one prebuilt statement on the store's reader (SQLite: ``BEGIN DEFERRED``), so it
never takes the write lock a worker may be waiting for.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import delete, func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from .schema import Event, Webhook, WebhookCursor, WebhookDelivery

if TYPE_CHECKING:
    from . import Store

CURSOR = "events"  # the one row of ``webhook_cursor``
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

_cursor = WebhookCursor.__table__.c
_event = Event.__table__.c
_due = WebhookDelivery.__table__.c
_hook = Webhook.__table__.c
_ANY_ACTIVE = core_select(_hook.id).where(_hook.active).exists()

LOOK = core_select(
    core_select(_cursor.last_event_id)
    .where(_cursor.name == CURSOR)
    .scalar_subquery()
    .label("cursor"),
    core_select(func.max(_event.id)).scalar_subquery().label("newest"),
    core_select(func.min(_due.due_at)).where(_due.status == PENDING).scalar_subquery().label("due"),
    _ANY_ACTIVE.label("active"),
)

# The cursor moved past every event logged so far, unread, while no webhook is active (checked
# again in the statement itself: a webhook enabled meanwhile gets every event after it).
_NEWEST = core_select(func.coalesce(func.max(_event.id), 0)).scalar_subquery()
CATCH_UP = (
    update(WebhookCursor.__table__)
    .where(_cursor.name == CURSOR, _cursor.last_event_id < _NEWEST, ~_ANY_ACTIVE)
    .values(last_event_id=_NEWEST)
)


class Look(NamedTuple):
    """What the sender's once-a-second look sees."""

    cursor: int | None  # None: no cursor row (a database stamped without migration 0003's)
    newest: int  # the newest event id (0: none yet)
    due: datetime | None  # when the next pending delivery is due
    active: bool  # whether any webhook is active

    @property
    def new_events(self) -> bool:
        return self.cursor is None or self.newest > self.cursor


def look(store: Store) -> Look:
    """One read of the cursor, the newest event, the next due delivery and whether a webhook
    is active; it never takes the write lock."""
    with store.reader.connect() as connection:
        cursor, newest, due, active = connection.execute(LOOK).one()
    return Look(cursor, newest or 0, due, bool(active))


def catch_up(session: Session) -> None:
    """Move the cursor past every event logged so far if no webhook is active, in the caller's
    write transaction (creating or enabling a webhook runs it first)."""
    session.connection().execute(CATCH_UP)


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
