"""Read-only queries behind the panel's pages: history, inbox and queue (the modems page's charts
are ``charts``; the text matching of the search is ``text_search``).

Every list is paged by key, never by OFFSET: a page is "the ``limit`` rows whose id is below
(or above) the id the previous page ended on", so page 5 000 of a million rows costs what page 1
costs. Each filter lands on an index the schema already has:

- no filter: the primary key, walked downwards from ``before``;
- a text of three characters or more: the trigram index of migration 0004 (SQLite: the FTS5
  table ``message_text``, which offers candidates in id order; ``_walk_by_text``); PostgreSQL's
  planner uses its GIN trigram index for ``ILIKE`` by itself. A shorter text has no trigram:
  it is checked row by row on the primary key's walk (a scan when it is rare);
- a recipient: ``ix_message_recipient (recipient, id)``, which serves both the filter and the
  order (a text is then checked on the recipient's rows);
- a status: the primary key, walked in windows, then ``ix_message_dispatch (status, rank,
  due_at, id)`` for a rare status (``_walk_by_status`` says why); with a text, the text's
  candidates first (``_walk_by_text``);
- a date range: two seeks on ``ix_message_created_at (created_at)`` turn it into a range of ids
  (ids follow creation order), which bounds the walk on the primary key or the trigram index;
- the inbox: the primary key of ``inbound``;
- the queue: ``ix_message_dispatch`` (queued ones in its very order);

Measured on SQLite with 1 000 000 messages (a year of traffic, 5 000 recipients;
bench/history.py, whole requests): a page of any filter or combination in 2-40 ms at the median,
a status with no message among the 222 000 newest in 35-60 ms (the windows, then its index); a
text in a handful of messages or in none in 2-8 ms (it read the whole table, 0.7-1.1 s, before
the trigram index); a common text with a rare status in 15-45 ms. Still a scan: a text of one
or two characters found in fewer than a page of messages (0.3-0.9 s). An index on
``(status, id)`` would make the status walk needless.

These sessions begin ``DEFERRED`` on SQLite: a page that only reads must not queue behind the
daemon's write lock (see ``appliance.store.engine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from .schema import Inbound, Message, Status
from .text_search import (
    MESSAGE_TEXT_INDEX,
    TEXT_PROBE,
    _has_text_index,
    _text_candidates,
    _text_condition,
    _text_index,
    _trigram_query,
)

if TYPE_CHECKING:
    from . import Store

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
    with store.reading() as session:
        # The text is checked last, after the cheaper conditions (SQLite evaluates them in
        # order): a status or a date rules a row out before its text is read.
        checks = () if not wanted.text else (_text_condition(session, wanted.text),)
        bounds = _id_bounds(session, wanted)
        if bounds is None:
            rows: list[Message] = []
        elif wanted.text and not wanted.recipient and _has_text_index(session, wanted.text):
            rows = _walk_by_text(
                session, query, checks, wanted.text, wanted.status, bounds, before, after, limit
            )
        elif wanted.status and not wanted.recipient:
            rows = _walk_by_status(
                session, query, wanted.status, bounds, before, after, limit, checks
            )
        else:
            if wanted.status:  # the recipient's index is the narrow one: keep to it
                query = query.where(_unindexed(Message.status) == wanted.status)
            if wanted.since is not None or wanted.until is not None:
                query = query.where(col(Message.id) >= bounds[0], col(Message.id) < bounds[1])
            query = _keyset(query.where(*checks), Message, before=before, after=after, limit=limit)
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
    checks: tuple = (),
) -> list[Message]:
    """One page of messages of ``status``, fast whether the status is common or rare.

    The only index that starts with the status, ``ix_message_dispatch``, is ordered by rank and
    due time, not id: for a common status (``delivered``: most of the table) the database would
    read and sort every such row to return 50 (1.5 s at a million rows, measured). So the
    primary key is walked first, the status checked row by row, in growing windows of ids; a
    common status fills the page in the first window. When a page is still not full after
    ``sum(STATUS_WINDOWS)`` ids, the status is rare and its index is cheap: the rest comes from
    there. ``bounds`` ([floor, ceiling) of ids, from the date range) keep the walk inside it.
    ``checks`` (the text) come after the status, so only rows of that status are read for them.
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
            query.where(_unindexed(Message.status) == status, key >= low, key < high, *checks)
            .order_by(key.asc() if upwards else key.desc())
            .limit(want - len(rows))
        ).all()
        rows.extend(found)
        if len(rows) >= want:
            return rows
    low, high = (edge, ceiling) if upwards else (floor, edge)
    rows.extend(
        _by_status_index(session, query, status, low, high, upwards, want - len(rows), checks)
    )
    return rows


def _by_status_index(
    session: Session,
    query: Select,
    status: str,
    low: int,
    high: int,
    upwards: bool,
    want: int,
    checks: tuple,
) -> list[Message]:
    """Up to ``want`` messages of a rare ``status`` with ids in [low, high), from its index."""
    key = col(Message.id)
    rare = query.where(Message.status == status, key >= low, key < high, *checks)
    order = key.asc() if upwards else key.desc()
    return list(session.exec(rare.order_by(order).limit(want)).all())


# A status held by fewer messages than this is rare enough to be read from its index whole.
RARE_STATUS = 10_000


def _is_rare(session: Session, status: str) -> bool:
    """Whether fewer than ``RARE_STATUS`` messages have ``status`` (reads at most that many
    entries of ``ix_message_dispatch``, which starts with the status: 1-3 ms)."""
    held = select(Message.id).where(Message.status == status).limit(RARE_STATUS).subquery()
    return session.exec(select(func.count()).select_from(held)).one() < RARE_STATUS


def _walk_by_text(
    session: Session,
    query: Select,
    checks: tuple,
    searched: str,
    status: str | None,
    bounds: tuple[int, int],
    before: int | None,
    after: int | None,
    limit: int,
) -> list[Message]:
    """One page of messages holding ``searched`` (and of ``status``), from the trigram index.

    Without a status, one query: the index offers candidates in id order, each row is read by
    id and checked (dates, then the exact text), until the page is full: a rare text costs its
    few candidates (1-2 ms), a common one a page of them. With a status, a common text may hold
    few messages of that status (``unknown``: 0.2 %), and walking all its candidates would read
    most of the table: the first ``TEXT_PROBE`` candidates are checked, and if they neither fill
    the page nor are all there is, the rest comes, from where the probe stopped, from the
    status's index when the status is rare (``_is_rare``), else from ``_walk_by_status`` (a
    common text and a common status fill a page from the primary key quickly).
    """
    floor, ceiling = bounds
    want = limit + 1
    upwards = after is not None
    if upwards:
        low, high = max(after + 1, floor), ceiling
    else:
        low, high = floor, min(before, ceiling) if before is not None else ceiling
    if low >= high:
        return []
    match = _trigram_query(searched)
    key = col(Message.id)
    if status is None:
        index = _text_index()
        found = session.exec(
            query.join_from(index, Message, key == index.c.rowid)
            .where(
                index.c[MESSAGE_TEXT_INDEX].op("MATCH")(match),
                index.c.rowid >= low,
                index.c.rowid < high,
                *checks,
            )
            .order_by(index.c.rowid.asc() if upwards else index.c.rowid.desc())
            .limit(want)
        )
        return list(found.all())
    ids = _text_candidates(session, match, low, high, upwards, TEXT_PROBE)
    rows: list[Message] = []
    if ids:
        rows = list(
            session.exec(
                query.where(key.in_(ids), _unindexed(Message.status) == status, *checks)
                .order_by(key.asc() if upwards else key.desc())
                .limit(want)
            ).all()
        )
    if len(rows) >= want or len(ids) < TEXT_PROBE:
        return rows  # a full page, or every candidate seen
    edge = ids[-1]
    if _is_rare(session, status):
        low, high = (edge + 1, high) if upwards else (low, edge)
        more = _by_status_index(
            session, query, status, low, high, upwards, want - len(rows), checks
        )
    else:
        rest = want - len(rows) - 1  # the status walk reads one more than its limit
        if upwards:
            more = _walk_by_status(session, query, status, bounds, None, edge, rest, checks)
        else:
            more = _walk_by_status(session, query, status, bounds, edge, None, rest, checks)
    return rows + more


def received(
    store: Store, *, before: int | None = None, after: int | None = None, limit: int = 50
) -> Page[Inbound]:
    """The inbox, newest first, one page."""
    query = _keyset(select(Inbound), Inbound, before=before, after=after, limit=limit)
    with store.reading() as session:
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
    with store.reading() as session:
        return list(session.exec(query).all())


def sending_now(store: Store) -> dict[str, Message]:
    """What each modem is sending at this moment, by IMEI."""
    with store.reading() as session:
        rows = session.exec(select(Message).where(Message.status == Status.SENDING)).all()
    return {m.modem_imei: m for m in rows if m.modem_imei}
