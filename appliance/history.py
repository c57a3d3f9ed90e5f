"""Read-only queries behind the panel's pages: history, inbox, queue and the modem charts.

Every list is paged by key, never by OFFSET: a page is "the ``limit`` rows whose id is below
(or above) the id the previous page ended on", so page 5 000 of a million rows costs what page 1
costs. Each filter lands on an index the schema already has:

- no filter, or a text search: the primary key, walked downwards from ``before``;
- a recipient: ``ix_message_recipient (recipient, id)``, which serves both the filter and the
  order;
- a status: the primary key, walked in windows, then ``ix_message_dispatch (status, rank,
  due_at, id)`` for a rare status (``_walk_by_status`` says why);
- a date range: two seeks on ``ix_message_created_at (created_at)`` turn it into a range of ids
  (ids follow creation order), which bounds the walk on the primary key;
- the inbox: the primary key of ``inbound``;
- the signal chart: ``ix_signal_sample_modem_at (modem_imei, at)``;
- the queue: ``ix_message_dispatch`` (queued ones in its very order);
- the hourly chart: ``ix_message_created_at``, looking back ``SENT_LOOKBACK``.

Measured on SQLite with 1 000 000 messages (a year of traffic, 5 000 recipients): a page of any
filter or combination in 1–6 ms, but for a status with no message among the 222 000 newest
(50 ms: the windows, then its index) and a text that matches fewer than a page of messages (the
whole table is read: 0.4 s). An index on ``(status, id)`` would make the status walk needless.

These sessions begin ``DEFERRED`` on SQLite: a page that only reads must not queue behind the
daemon's write lock (see ``appliance.database``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from .models import Inbound, Message, SignalSample, Status
from .store import Store

Row = TypeVar("Row", Message, Inbound)

PENDING = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)
SENT = (Status.SENT, Status.DELIVERED)


@dataclass(frozen=True)
class Page(Generic[Row]):
    """Rows newest first, and the ids to ask for the pages around them (None: no such page)."""

    rows: tuple[Row, ...]
    older: int | None  # pass as ``before`` for the next, older page
    newer: int | None  # pass as ``after`` for the previous, newer page


@dataclass(frozen=True)
class MessageFilter:
    """What the history page searches by; every field is optional (None: any)."""

    recipient: str | None = None  # E.164 (already normalised) or a short code
    text: str | None = None  # substring, any case
    status: str | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before


@contextmanager
def _reading(store: Store) -> Iterator[Session]:
    with store.reading() as session:
        yield session


def _keyset(
    query: Select, model: type, *, before: int | None, after: int | None, limit: int
) -> Select:
    """``query`` limited to one page of ``model`` rows by id.

    One row more than asked is read, to learn whether another page exists without counting.
    ``after`` pages towards newer rows: it reads upwards (``_finish`` turns the rows round).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    key = col(model.id)
    if after is not None:
        return query.where(key > after).order_by(key.asc()).limit(limit + 1)
    if before is not None:
        query = query.where(key < before)
    return query.order_by(key.desc()).limit(limit + 1)


def _finish(rows: list, *, before: int | None, after: int | None, limit: int) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    if after is not None:
        rows.reverse()
        if not rows:  # nothing newer than ``after``: offer the page that ends there
            return Page((), older=after + 1, newer=None)
        return Page(tuple(rows), older=rows[-1].id, newer=rows[0].id if more else None)
    older = rows[-1].id if more else None
    newer = rows[0].id if before is not None and rows else None
    return Page(tuple(rows), older=older, newer=newer)


def search_messages(
    store: Store,
    wanted: MessageFilter = MessageFilter(),
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> Page[Message]:
    """Sent and queued messages matching ``wanted``, newest first, one page."""
    query = select(Message)
    if wanted.recipient:
        query = query.where(Message.recipient == wanted.recipient)
    if wanted.since is not None:
        query = query.where(col(Message.created_at) >= wanted.since)
    if wanted.until is not None:
        query = query.where(col(Message.created_at) < wanted.until)
    if wanted.text:
        query = query.where(col(Message.text).icontains(wanted.text, autoescape=True))
    with _reading(store) as session:
        bounds = _id_bounds(session, wanted)
        if bounds is None:
            rows: list[Message] = []
        elif wanted.status and not wanted.recipient:
            rows = _walk_by_status(session, query, wanted.status, bounds, before, after, limit)
        else:
            if wanted.status:  # the recipient's index is the narrow one: keep to it
                query = query.where(_unindexed(Message.status) == wanted.status)
            if wanted.since is not None or wanted.until is not None:
                query = query.where(col(Message.id) >= bounds[0], col(Message.id) < bounds[1])
            query = _keyset(query, Message, before=before, after=after, limit=limit)
            rows = list(session.exec(query).all())
    return _finish(rows, before=before, after=after, limit=limit)


def _unindexed(column):
    """The same value written so that no database picks an index for it (``status || ''``)."""
    return col(column).concat("")


# Ids are given in creation order, so a date range is also a range of ids; this many ids of
# slack keep it exact when clocks disagree a little (several nodes, an NTP step).
ID_SLACK = 1_000


def _first_id_from(session: Session, moment: datetime) -> int | None:
    """The id of the first message created at or after ``moment`` (a seek on created_at)."""
    return session.exec(
        select(Message.id)
        .where(col(Message.created_at) >= moment)
        .order_by(col(Message.created_at), col(Message.id))
        .limit(1)
    ).first()


def _id_bounds(session: Session, wanted: MessageFilter) -> tuple[int, int] | None:
    """[floor, ceiling) of the ids a message in the date range can have; None if none can."""
    floor = 1
    ceiling = (session.exec(select(func.max(Message.id))).one() or 0) + 1
    if wanted.since is not None:
        first = _first_id_from(session, wanted.since)
        if first is None:
            return None
        floor = max(1, first - ID_SLACK)
    if wanted.until is not None:
        first = _first_id_from(session, wanted.until)
        if first is not None:
            ceiling = min(ceiling, first + ID_SLACK)
    return floor, ceiling


# Ids walked on the primary key, window after window, before a status is deemed rare.
STATUS_WINDOWS = (2_000, 20_000, 200_000)


def _walk_by_status(
    session: Session,
    query: Select,
    status: str,
    bounds: tuple[int, int],
    before: int | None,
    after: int | None,
    limit: int,
) -> list[Message]:
    """One page of messages of ``status``, fast whether the status is common or rare.

    The only index that starts with the status, ``ix_message_dispatch``, is ordered by rank and
    due time, not id: for a common status (``delivered``: most of the table) the database would
    read and sort every such row to return 50 (1.5 s at a million rows, measured). So the
    primary key is walked first, the status checked row by row, in growing windows of ids; a
    common status fills the page in the first window. When a page is still not full after
    ``sum(STATUS_WINDOWS)`` ids, the status is rare and its index is cheap: the rest comes from
    there. ``bounds`` ([floor, ceiling) of ids, from the date range) keep the walk inside it.
    """
    key = col(Message.id)
    floor, ceiling = bounds
    want = limit + 1
    rows: list[Message] = []
    upwards = after is not None
    if upwards:
        edge = max(after + 1, floor)
    else:
        edge = min(before, ceiling) if before is not None else ceiling
    for width in STATUS_WINDOWS:
        if (upwards and edge >= ceiling) or (not upwards and edge <= floor):
            return rows
        if upwards:
            low, high = edge, min(edge + width, ceiling)
            edge = high
        else:
            low, high = max(edge - width, floor), edge
            edge = low
        found = session.exec(
            query.where(_unindexed(Message.status) == status, key >= low, key < high)
            .order_by(key.asc() if upwards else key.desc())
            .limit(want - len(rows))
        ).all()
        rows.extend(found)
        if len(rows) >= want:
            return rows
    if upwards:
        rare = query.where(Message.status == status, key >= edge, key < ceiling)
    else:
        rare = query.where(Message.status == status, key >= floor, key < edge)
    order = key.asc() if upwards else key.desc()
    rows.extend(session.exec(rare.order_by(order).limit(want - len(rows))).all())
    return rows


def received(
    store: Store, *, before: int | None = None, after: int | None = None, limit: int = 50
) -> Page[Inbound]:
    """The inbox, newest first, one page."""
    query = _keyset(select(Inbound), Inbound, before=before, after=after, limit=limit)
    with _reading(store) as session:
        rows = list(session.exec(query).all())
    return _finish(rows, before=before, after=after, limit=limit)


def pending(store: Store, status: str, limit: int = 100) -> list[Message]:
    """Messages of one pending status: queued ones in the order the dispatcher takes them
    (priority, due time, id), the others newest first."""
    query = select(Message).where(Message.status == status).limit(limit)
    if status == Status.QUEUED:
        query = query.order_by(col(Message.rank), col(Message.due_at), col(Message.id))
    else:
        query = query.order_by(col(Message.id).desc())
    with _reading(store) as session:
        return list(session.exec(query).all())


def sending_now(store: Store) -> dict[str, Message]:
    """What each modem is sending at this moment, by IMEI."""
    with _reading(store) as session:
        rows = session.exec(select(Message).where(Message.status == Status.SENDING)).all()
    return {m.modem_imei: m for m in rows if m.modem_imei}


def signal_since(store: Store, imei: str, since: datetime) -> list[SignalSample]:
    """The signal samples of one modem from ``since`` on, oldest first."""
    with _reading(store) as session:
        return list(
            session.exec(
                select(SignalSample)
                .where(SignalSample.modem_imei == imei, col(SignalSample.at) >= since)
                .order_by(col(SignalSample.at))
            ).all()
        )


# A message sent in the chart's window was created at most this long before it: scheduled sends
# further ahead than this are left out of the hourly chart, in exchange for an indexed query.
SENT_LOOKBACK = timedelta(days=7)


def sent_times(store: Store, since: datetime, until: datetime) -> list[tuple[str | None, datetime]]:
    """(modem IMEI, sent at) of every message sent in [since, until), for the hourly chart.

    ``sent_at`` has no index; ``created_at`` has one, and a message is created before it is
    sent, so the query reads only what was created from ``since - SENT_LOOKBACK`` on.
    """
    with _reading(store) as session:
        rows = session.exec(
            select(Message.modem_imei, Message.sent_at).where(
                col(Message.created_at) >= since - SENT_LOOKBACK,
                col(Message.sent_at) >= since,
                col(Message.sent_at) < until,
            )
        ).all()
    return [(imei, at) for imei, at in rows if at is not None]
