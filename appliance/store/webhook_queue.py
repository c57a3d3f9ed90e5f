"""The webhook sender's side of the webhooks' tables: the event cursor and the once-a-second look
at it, the fan-out of new events into deliveries, leasing due deliveries and recording what came
of them.

What a batch of events becomes (which webhook wants which event, the payload of each) is decided
in ``appliance.webhooks``, which passes it in as callables (``plan``, ``payload``): the store
reads and writes the rows, in one transaction, and knows nothing of payloads or signatures.

The sender looks every second, in the daemon, on the interpreter lock the modem workers need:
its statements are built once with bound parameters (``statements`` says why: built per call,
SQLAlchemy's Python costs far more than the database's work) and run on a plain connection.
Measured (a loop of turns, 4 new events each, SQLite): 5.2 ms of CPU per turn with no webhook
configured, 0.2 ms now (the look alone, ``LOOK`` on the store's reader; see
``WebhookSender._turn``); 7.1 ms with one webhook subscribed, 3.2 ms now (messages read in one
query, deliveries in one INSERT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sqlalchemy import func, insert, or_, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from .call_schema import MissedCall
from .contact_schema import Contact
from .schema import (
    DELIVERED,
    FAILED,
    PENDING,
    Event,
    Inbound,
    Message,
    Modem,
    Sim,
    Webhook,
    WebhookCursor,
    WebhookDelivery,
)

if TYPE_CHECKING:
    from . import Store

CURSOR = "events"  # the one row of ``webhook_cursor``

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

ADD_DELIVERY = insert(WebhookDelivery.__table__)


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
    is active, on the store's reader (SQLite: ``BEGIN DEFERRED``): the look never takes the
    write lock, so it never makes a worker wait."""
    with store.reader.connect() as connection:
        cursor, newest, due, active = connection.execute(LOOK).one()
    return Look(cursor, newest or 0, due, bool(active))


def pending_work(store: Store) -> tuple[bool, datetime | None]:
    """(are there events past the cursor?, when is the next pending delivery due?) without the
    write lock."""
    seen = look(store)
    return seen.new_events, seen.due


def catch_up(session: Session) -> None:
    """Move the cursor past every event logged so far if no webhook is active (``CATCH_UP``),
    in the caller's write transaction (creating or enabling a webhook runs it first)."""
    session.connection().execute(CATCH_UP)


# --- fan-out: new events become deliveries -----------------------------------------------------


class Planned(Protocol):
    """What ``appliance.webhooks.fanout.plan`` makes of a batch of events."""

    @property
    def last(self) -> int: ...  # the cursor moves past this event id

    @property
    def moved(self) -> int: ...  # how many events it moves past

    @property
    def wanted(self) -> Sequence[tuple[Event, Sequence[int]]]: ...  # events and their webhooks


class Subject(NamedTuple):
    """What an event is about, read when it is fanned out: the message (``message.*`` but
    ``message.received``), the received message (``message.received``), the contact of the
    event's number (``contact.*``), the missed call (``call.missed``: its id is the event's
    ``message_id``), the modem and its SIM (``sim.*``), or the modem (the rest); None when it
    is gone or the event names none."""

    message: Message | None = None
    inbound: Inbound | None = None
    modem: Modem | None = None
    contact: Contact | None = None
    call: MissedCall | None = None
    sim: Sim | None = None


def fan_out(
    store: Store,
    now: datetime,
    *,
    batch: int,
    plan: Callable[[Sequence[Event], int, Sequence[Webhook]], Planned],
    payload: Callable[[Event, Subject], str],
) -> int:
    """Turn up to ``batch`` new events into deliveries and move the cursor past them, in one
    transaction. Returns how many events it moved past.

    ``plan(events, cursor, active webhooks)`` says how far the cursor moves and which event goes
    to which webhook; ``payload(event, subject)`` makes the stored payload of an event, the same
    for each of its webhooks.
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
        chosen = plan(events, cursor.last_event_id, hooks)
        # held while the events are read: the session's identity map keeps objects weakly
        loaded = _load_messages(session, [event for event, _ in chosen.wanted])
        rows = []
        for event, targets in chosen.wanted:
            stored = payload(event, _subject(session, event))
            rows.extend(_delivery_values(i, event.kind, stored, now) for i in targets)
        del loaded
        if rows:  # one INSERT for the batch (the ORM's unit of work wrote them one by one)
            session.connection().execute(ADD_DELIVERY, rows)
        cursor.last_event_id = chosen.last
        session.add(cursor)
        session.commit()
        return chosen.moved


def _subject(session: Session, event: Event) -> Subject:
    if event.kind.startswith("contact."):
        if event.number is None:
            return Subject()
        return Subject(
            contact=session.exec(select(Contact).where(Contact.number == event.number)).first()
        )
    if event.kind == "message.received":
        return Subject(inbound=_inbound_of(session, event))
    if event.kind.startswith("message."):
        message = session.get(Message, event.message_id) if event.message_id else None
        return Subject(message=message)
    if event.kind.startswith("call."):
        return Subject(call=session.get(MissedCall, event.message_id) if event.message_id else None)
    modem = session.get(Modem, event.modem_imei) if event.modem_imei else None
    if event.kind.startswith("sim."):
        sim = session.get(Sim, modem.iccid) if modem is not None and modem.iccid else None
        return Subject(modem=modem, sim=sim)
    return Subject(modem=modem)


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
    """Read the messages of these events in one query, so that ``_subject``'s ``session.get``
    finds each in the session (while the caller holds the list) instead of asking the database
    once an event."""
    ids = {
        e.message_id
        for e in events
        if e.message_id is not None
        and e.kind.startswith("message.")
        and e.kind != "message.received"
    }
    if not ids:
        return []
    return list(session.exec(select(Message).where(col(Message.id).in_(sorted(ids)))).all())


def _delivery_values(
    webhook_id: int, kind: str, stored_payload: str, now: datetime
) -> dict[str, object]:
    """The columns of a new pending delivery to one webhook (``ADD_DELIVERY``)."""
    return {
        "webhook_id": webhook_id,
        "event": kind,
        "payload": stored_payload,
        "status": PENDING,
        "attempts": 0,
        "created_at": now,
        "due_at": now,
    }


# --- delivery: lease and record ----------------------------------------------------------------


def claim(
    store: Store,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    busy: Iterable[int] = (),
    even_paused: str,
) -> list[tuple[WebhookDelivery, Webhook]]:
    """Lease up to ``limit`` due deliveries, the oldest first, one per webhook and none of the
    ``busy`` webhooks (one POST at a time per receiver), with their webhooks: their ``due_at``
    moves ``lease`` ahead, committed before any POST, so no other sender takes them meanwhile.
    Deliveries of the event kind ``even_paused`` (the test button's) go to paused webhooks too.
    """
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
                or_(col(Webhook.active), WebhookDelivery.event == even_paused),
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
        leased = []
        for delivery, hook in rows:
            delivery.due_at = now + lease
            session.add(delivery)
            leased.append((delivery, hook))
        session.commit()
        return leased


def record(
    store: Store,
    delivery_id: int,
    now: datetime,
    *,
    ok: bool,
    http_status: int | None,
    error: str | None,
    retry_after: Callable[[int], timedelta | None],
) -> str | None:
    """Save the outcome of an attempt; returns the delivery's new status (None if it is gone:
    its webhook was deleted meanwhile). After a failure, ``retry_after(failures)`` says when to
    try again, None to give up."""
    with store.session() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != PENDING:
            return None
        delivery.attempts += 1
        delivery.last_status = http_status
        delivery.last_error = None if ok else (error or "")[:1000]
        if ok:
            delivery.status = DELIVERED
            delivery.delivered_at = now
        else:
            delay = retry_after(delivery.attempts)
            if delay is None:
                delivery.status = FAILED
                delivery.due_at = now
            else:
                delivery.due_at = now + delay
        session.add(delivery)
        session.commit()
        return delivery.status
