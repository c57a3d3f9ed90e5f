"""Every webhook statement in one place: the admin's webhooks and their delivery logs, the event
cursor and the fan-out of new events into deliveries, claiming due deliveries and recording
what came of them, pruning the log. Nothing else in ``appliance.webhooks`` runs SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Engine, delete, func, insert, or_, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from appliance import views
from appliance.store import Store
from appliance.store.schema import (
    Event,
    Inbound,
    Message,
    Modem,
    Webhook,
    WebhookCursor,
    WebhookDelivery,
)

from .delivery import DELIVERED, FAILED, PENDING, Attempt, Backoff, Outcome
from .fanout import delivery_values, plan, subscribers
from .signing import payload
from .validation import TEST_EVENT

CURSOR = "events"


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


# --- the admin's webhooks (``admin`` checks what is typed before it is written) -----------------


def add_webhook(
    store: Store, *, url: str, events: Iterable[str], secret: str, active: bool, now: datetime
) -> tuple[WebhookSummary, str]:
    """Save a new webhook (its settings already checked); returns it and its secret."""
    row = Webhook(url=url, events=",".join(events), secret=secret, active=active, created_at=now)
    with store.session() as session:
        if active:
            catch_up(session)  # the first active webhook starts now, not from old events
        session.add(row)
        session.commit()
    return _summary(row), row.secret


def list_webhooks(store: Store) -> list[WebhookSummary]:
    with store.session() as session:
        rows = session.exec(select(Webhook).order_by(col(Webhook.id))).all()
        counts: dict[int, dict[str, int]] = {}
        for webhook_id, status, n in session.exec(
            select(WebhookDelivery.webhook_id, WebhookDelivery.status, func.count()).group_by(
                col(WebhookDelivery.webhook_id), col(WebhookDelivery.status)
            )
        ).all():
            counts.setdefault(webhook_id, {})[status] = n
        return [_summary(row, counts.get(row.id or 0, {})) for row in rows]


def get_webhook(store: Store, webhook_id: int) -> WebhookSummary | None:
    with store.session() as session:
        row = session.get(Webhook, webhook_id)
        return None if row is None else _summary(row, _counts(session, webhook_id))


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


def send_test(store: Store, webhook_id: int, now: datetime) -> WebhookDelivery | None:
    """Queue a ``webhook.test`` delivery to this webhook only (even paused); None if unknown.

    It goes through the event log like any event (an ``Event`` row of kind ``webhook.test``, so
    the log says who was sent what), but its delivery is written here, for this webhook alone.
    """
    with store.session() as session:
        if session.get(Webhook, webhook_id) is None:
            return None
        event = Event(at=now, kind=TEST_EVENT, detail=f"test event for webhook {webhook_id}")
        session.add(event)
        session.flush()
        data = {"webhook": webhook_id, "text": "A test event from smsrelay: it works."}
        delivery = _delivery(webhook_id, event, data, now)
        session.add(delivery)
        session.commit()
        return delivery


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


def _counts(session: Session, webhook_id: int) -> dict[str, int]:
    rows = session.exec(
        select(WebhookDelivery.status, func.count())
        .where(WebhookDelivery.webhook_id == webhook_id)
        .group_by(col(WebhookDelivery.status))
    ).all()
    return dict(rows)


# --- fan-out: new events become deliveries -----------------------------------------------------


# The sender looks every second, in the daemon, on the interpreter lock the modem workers need:
# its statements are built once with bound parameters (``appliance.store.statements`` says why:
# built per call, SQLAlchemy's Python costs far more than the database's work) and run on a plain
# connection. Measured (a loop of turns, 4 new events each, SQLite): 5.2 ms of CPU per turn with
# no webhook configured, 0.2 ms now (the look alone; see ``WebhookSender._turn``); 7.1 ms with one
# webhook subscribed, 3.2 ms now (messages read in one query, deliveries in one INSERT).
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

# While no webhook is active the new events are for no one: the cursor is moved past them
# without reading them, in one statement that checks again that no webhook is active (a
# webhook enabled or created meanwhile gets every event logged after it). Creating or enabling
# a webhook runs it first, in the same transaction, so that the webhook starts from that moment
# however far behind the cursor was; the sender runs it at most every ``CATCH_UP_EVERY`` s.
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


def look(reader: Engine) -> Look:
    """One read of the cursor, the newest event, the next due delivery and whether a webhook
    is active, on ``reader`` (an engine whose SQLite transactions begin DEFERRED: the look
    never takes the write lock, so it never makes a worker wait)."""
    with reader.connect() as connection:
        cursor, newest, due, active = connection.execute(LOOK).one()
    return Look(cursor, newest or 0, due, bool(active))


def deferred(store: Store) -> Engine:
    """The store's engine with SQLite transactions that begin DEFERRED (reads take no lock)."""
    return store.engine.execution_options(sqlite_begin="DEFERRED")


def pending_work(store: Store) -> tuple[bool, datetime | None]:
    """(are there events past the cursor?, when is the next pending delivery due?) without the
    write lock, so the sender's once-a-second look never makes a worker wait."""
    seen = look(deferred(store))
    return seen.new_events, seen.due


def catch_up(session: Session) -> None:
    """Move the cursor past every event logged so far if no webhook is active (``CATCH_UP``),
    in the caller's write transaction."""
    session.connection().execute(CATCH_UP)


def fan_out(
    store: Store,
    now: datetime,
    *,
    batch: int = 200,
    still_waiting_for: Callable[[int], bool] = lambda event_id: False,
) -> int:
    """Turn up to ``batch`` new events into deliveries and move the cursor past them, in one
    transaction. Returns how many events it moved past.

    Event ids come from the database in commit order on SQLite, but on PostgreSQL a transaction
    may commit id 11 before id 10. When an id is missing, ``still_waiting_for(id)`` decides
    whether to stop there for now (the sender waits a few seconds for it to commit, then skips
    it: a rolled-back transaction leaves a hole for good).
    """
    with store.session() as session:
        cursor = session.exec(
            select(WebhookCursor).where(WebhookCursor.name == CURSOR).with_for_update()
        ).first()
        if cursor is None:  # a database stamped without migration 0003's row: start from now
            newest = session.exec(select(func.max(Event.id))).first() or 0
            session.add(WebhookCursor(name=CURSOR, last_event_id=newest))
            session.commit()
            return 0
        hooks = session.exec(select(Webhook).where(col(Webhook.active))).all()
        if not hooks:  # for no one: past them all in one statement, none read
            newest = session.exec(select(func.max(Event.id))).one() or 0
            catch_up(session)
            session.commit()
            return max(newest - cursor.last_event_id, 0)
        events = session.exec(
            select(Event)
            .where(col(Event.id) > cursor.last_event_id)
            .order_by(col(Event.id))
            .limit(batch)
        ).all()
        if not events:
            return 0
        batch_plan = plan(events, cursor.last_event_id, subscribers(hooks), still_waiting_for)
        # held while the events are read: the session's identity map keeps objects weakly
        loaded = _load_messages(session, [event for event, _ in batch_plan.wanted])
        rows = []
        for event, targets in batch_plan.wanted:
            assert event.id is not None and event.at is not None
            stored = payload(event.kind, event.id, event.at, event_data(session, event))
            rows.extend(delivery_values(i, event.kind, stored, now) for i in targets)
        del loaded
        if rows:  # one INSERT for the batch (the ORM's unit of work wrote them one by one)
            session.connection().execute(ADD_DELIVERY, rows)
        cursor.last_event_id = batch_plan.last
        session.add(cursor)
        session.commit()
        return batch_plan.moved


def event_data(session: Session, event: Event) -> dict[str, object]:
    """The ``data`` of an event: the message, the received message or the modem, as now."""
    if event.kind == "message.received":
        inbound = _inbound_of(session, event)
        return views.inbound(inbound) if inbound else {"modem": event.modem_imei}
    if event.kind.startswith("message."):
        message = session.get(Message, event.message_id) if event.message_id else None
        return views.message(message) if message else {"id": event.message_id}
    modem = session.get(Modem, event.modem_imei) if event.modem_imei else None
    return {
        "imei": event.modem_imei,
        "state": modem.state if modem else None,
        "reason": event.detail or (modem.reason if modem else None),
        "port": modem.port if modem else None,
        "operator": modem.operator if modem else None,
    }


def _inbound_of(session: Session, event: Event) -> Inbound | None:
    """The received message a ``message.received`` event is about.

    The worker logs it with the modem, ``detail = "from <sender>"`` and the very time it stored
    the message, but without the inbound id (``message_id`` is taken to be that id if a later
    version sets it); the newest match wins.
    """
    if event.message_id is not None:
        return session.get(Inbound, event.message_id)
    sender = event.detail.removeprefix("from ").strip()
    return session.exec(
        select(Inbound)
        .where(
            Inbound.modem_imei == event.modem_imei,
            Inbound.sender == sender,
            col(Inbound.received_at) <= event.at,
        )
        .order_by(col(Inbound.received_at).desc(), col(Inbound.id).desc())
        .limit(1)
    ).first()


def _load_messages(session: Session, events: Iterable[Event]) -> list[Message]:
    """Read the messages of these events in one query, so that ``event_data``'s
    ``session.get`` finds each in the session (while the caller holds the list) instead of
    asking the database once an event."""
    ids = {
        e.message_id for e in events if e.message_id is not None and e.kind != "message.received"
    }
    if not ids:
        return []
    return list(session.exec(select(Message).where(col(Message.id).in_(sorted(ids)))).all())


ADD_DELIVERY = insert(WebhookDelivery.__table__)


def _delivery(
    webhook_id: int, event: Event, data: Mapping[str, object], now: datetime
) -> WebhookDelivery:
    assert event.id is not None and event.at is not None
    return WebhookDelivery(
        webhook_id=webhook_id,
        event=event.kind,
        payload=payload(event.kind, event.id, event.at, data),
        status=PENDING,
        created_at=now,
        due_at=now,
    )


# --- delivery: claim and record --------------------------------------------------------------


def claim(
    store: Store,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    busy: Iterable[int] = (),
) -> list[Attempt]:
    """Lease up to ``limit`` due deliveries, the oldest first, one per webhook and none of the
    ``busy`` webhooks (one POST at a time per receiver): their ``due_at`` moves ``lease`` ahead,
    committed before any POST, so no other sender takes them meanwhile."""
    if limit <= 0:
        return []
    busy = set(busy)
    with store.session() as session:
        sendable = (
            select(func.min(WebhookDelivery.id))
            .join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
            .where(
                WebhookDelivery.status == PENDING,
                col(WebhookDelivery.due_at) <= now,
                col(WebhookDelivery.webhook_id).not_in(busy),
                or_(col(Webhook.active), WebhookDelivery.event == TEST_EVENT),
            )
            .group_by(col(WebhookDelivery.webhook_id))
        )  # the oldest due delivery of each webhook that may be sent to now
        rows = session.exec(
            select(WebhookDelivery, Webhook)
            .join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
            .where(col(WebhookDelivery.id).in_(sendable))
            .order_by(col(WebhookDelivery.due_at), col(WebhookDelivery.id))
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).all()
        attempts: list[Attempt] = []
        for delivery, hook in rows:
            assert delivery.id is not None and hook.id is not None
            delivery.due_at = now + lease
            session.add(delivery)
            attempts.append(
                Attempt(
                    delivery_id=delivery.id,
                    webhook_id=hook.id,
                    url=hook.url,
                    secret=hook.secret,
                    event=delivery.event,
                    payload=delivery.payload,
                    attempt=delivery.attempts + 1,
                )
            )
        session.commit()
        return attempts


def record(
    store: Store, attempt: Attempt, outcome: Outcome, now: datetime, backoff: Backoff
) -> str | None:
    """Save the outcome of an attempt; returns the delivery's new status (None if it is gone:
    its webhook was deleted meanwhile)."""
    with store.session() as session:
        delivery = session.get(WebhookDelivery, attempt.delivery_id)
        if delivery is None or delivery.status != PENDING:
            return None
        delivery.attempts += 1
        delivery.last_status = outcome.status
        delivery.last_error = None if outcome.ok else (outcome.error or "")[:1000]
        if outcome.ok:
            delivery.status = DELIVERED
            delivery.delivered_at = now
        else:
            delay = backoff.delay(delivery.attempts)
            if delay is None:
                delivery.status = FAILED
                delivery.due_at = now
            else:
                delivery.due_at = now + delay
        session.add(delivery)
        session.commit()
        return delivery.status


def prune(store: Store, before: datetime) -> int:
    """Forget finished deliveries created before ``before``: the log would otherwise grow by a
    row per event and webhook, for ever."""
    with store.session() as session:
        result = session.execute(
            delete(WebhookDelivery).where(
                col(WebhookDelivery.status).in_([DELIVERED, FAILED]),
                col(WebhookDelivery.created_at) < before,
            )
        )
        session.commit()
        return result.rowcount or 0
