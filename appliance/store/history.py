"""Read-only queries behind the panel's pages: history, inbox, queue and the modem charts.

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

from sqlalchemy import TableClause, column, func, table
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

# The modems page's charts: the panel reads them through this module too (``history.X``).
from .charts import (  # noqa: F401
    SIGNAL_STEP,
    SignalHistory,
    SignalSlot,
    latest_signal,
    read_signal_slots,
    sent_per_hour,
    signal_slots,
    thin_signal,
)
from .schema import Inbound, Message, Status

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


# --- the text search ----------------------------------------------------------------------------
#
# Semantics, the same on every path and both databases: the text is a substring, any case. Case
# is folded letter by letter (``_fold``) for Latin (accented letters included), Greek and
# Cyrillic, the scripts SQLite's FTS5 folds too; other characters (digits, emoji, other
# scripts) must be typed as they are. ``%``, ``_`` and ``/`` are plain characters.
# PostgreSQL's ILIKE folds with its locale, which agrees for those scripts.

MESSAGE_TEXT_INDEX = "message_text"  # SQLite: the FTS5 trigram table of migration 0004
TRIGRAM = 3  # a search text shorter than this holds no trigram: no index serves it, it is scanned
MAX_TRIGRAMS = 4  # trigrams asked of the index; the candidates are checked with the whole text
TEXT_PROBE = 500  # text candidates checked for a status before the status walk takes over

# Code points folded to lower case: those FTS5's trigram tokenizer (``case_sensitive 0``) folds
# too, so that its candidates hold every match. It knows the case pairs of Unicode 6.1: below,
# Latin, Greek, Cyrillic and their extensions, but for the few letters added later (Greek Yot,
# four Cyrillic ones). tests/appliance/test_history_search.py checks every one against SQLite.
FOLDED_RANGES = ((0x0000, 0x0530), (0x1E00, 0x2000))
NOT_FOLDED_BY_FTS5 = frozenset({0x037F, 0x0528, 0x052A, 0x052C, 0x052E})


def _fold_table() -> dict[int, str]:
    folded = {}
    for first, end in FOLDED_RANGES:
        for point in range(first, end):
            lower = chr(point).lower()
            # "İ".lower() is two characters: keep it as it is (it is no ASCII "i" either)
            if lower != chr(point) and len(lower) == 1 and point not in NOT_FOLDED_BY_FTS5:
                folded[point] = lower
    return folded


FOLD = _fold_table()
# Characters beyond ASCII that have a case in FOLD: a search text with none of them needs no
# folding function, as SQLite's LIKE already ignores the case of ASCII letters.
CASED_BEYOND_ASCII = frozenset(
    c for point, lower in FOLD.items() for c in (chr(point), lower) if not c.isascii()
)
FOLD_FUNCTION = "smsrelay_fold"


def _fold(value: str) -> str:
    """``value`` with every letter of ``FOLDED_RANGES`` in lower case (the search's notion of
    "any case")."""
    return value.translate(FOLD)


def _like_pattern(searched: str) -> str:
    """``%searched%`` with LIKE's wildcards in it made literal (escape character ``/``)."""
    escaped = searched.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _text_condition(session: Session, searched: str):
    """The exact condition "``Message.text`` contains ``searched``, any case", for this database.

    SQLite: ``LIKE`` when ``searched`` has no letter beyond ASCII with a case (LIKE ignores ASCII
    case, in C: 0.45 s for a million rows, against 0.86 s for ``lower(text) LIKE``); otherwise
    ``instr`` on the folded text, through ``smsrelay_fold`` (``_fold``, registered on the
    connection). PostgreSQL: ``ILIKE``, which the trigram index serves.
    """
    column = col(Message.text)
    if session.get_bind().dialect.name == "postgresql":
        return column.ilike(_like_pattern(searched), escape="/")
    if CASED_BEYOND_ASCII.isdisjoint(searched):
        return column.like(_like_pattern(searched), escape="/")
    driver = session.connection().connection.driver_connection
    driver.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    return func.instr(getattr(func, FOLD_FUNCTION)(column), _fold(searched)) > 0


def _has_text_index(session: Session, searched: str) -> bool:
    """Whether ``_walk_by_text`` can serve ``searched``: on SQLite, and three characters or more.

    A shorter text has no trigram, so no trigram index can find it: it is checked row by row on
    the other paths (a scan of the table when fewer than a page of messages hold it: 0.5-1 s at
    a million messages). On PostgreSQL the planner picks the trigram index for ``ILIKE`` itself.
    """
    return session.get_bind().dialect.name == "sqlite" and len(searched) >= TRIGRAM


def _trigram_query(searched: str) -> str:
    """An FTS5 query for the messages holding ``searched``'s trigrams (case folded by FTS5).

    Every trigram of ``searched`` is in a message that holds it, so asking for some of them
    finds every match, and a few others the exact condition then drops. Each trigram asked
    costs a walk of its list of messages: a long text (a whole message pasted in) would ask for
    dozens of common ones (450 ms measured for 62 of them), so at most ``MAX_TRIGRAMS`` are
    asked, spread over the text (16 ms for the same text, the same 21 messages).
    """
    pieces = [searched[i : i + TRIGRAM] for i in range(len(searched) - TRIGRAM + 1)]
    if len(pieces) > MAX_TRIGRAMS:
        step = (len(pieces) - 1) / (MAX_TRIGRAMS - 1)
        pieces = [pieces[round(n * step)] for n in range(MAX_TRIGRAMS)]
    quoted = ('"' + piece.replace('"', '""') + '"' for piece in dict.fromkeys(pieces))
    return " AND ".join(quoted)


def _text_index() -> TableClause:
    return table(MESSAGE_TEXT_INDEX, column("rowid"), column(MESSAGE_TEXT_INDEX))


def _text_candidates(
    session: Session, match: str, low: int, high: int, upwards: bool, limit: int
) -> list[int]:
    """Up to ``limit`` ids in [low, high) of messages the trigram index offers, in page order."""
    index = _text_index()
    key = index.c.rowid
    found = session.exec(
        select(key)
        .where(index.c[MESSAGE_TEXT_INDEX].op("MATCH")(match), key >= low, key < high)
        .order_by(key.asc() if upwards else key.desc())
        .limit(limit)
    )
    return list(found.all())


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
