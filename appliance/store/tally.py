"""How many messages are in each status, cheaply enough for a page refreshed every 5 s.

``GROUP BY status`` reads every message: 96–156 ms at a million rows on SQLite, on every
render of the modems page, its 5-second fragment, ``/metrics`` and ``smsrelay status``. Yet
the figures split in two kinds:

- **pending** (queued, sending, unknown): few rows, moving every second. Counted exactly at
  each call: a range count on ``ix_message_dispatch (status, ...)`` reads only those rows
  (0.4 ms with 2 000 pending among a million).
- **settled** (sent, delivered, failed, expired, cancelled): nearly all of the table, and
  growing. Counted in full once (a ``Snapshot``), then each call brings it up to now exactly:

  - the newest ``RECENT_IDS`` messages and every newer one are counted at each call, a
    primary-key range (1.5 ms for a thousand rows): that is where messages settle, and where
    delivery reports turn ``sent`` into ``delivered``;
  - the older messages that were queued or sending at the snapshot (scheduled sends, retries)
    are ``tracked``: their status now against their status then, by primary key.

  The snapshot is taken again in a background thread once it is ``refresh_after`` seconds
  old; no request waits for it (the old one serves meanwhile). What only the next recount
  shows (so at most ``refresh_after`` plus a recount late): a change to an older message that
  was settled or ``unknown`` at the snapshot (an operator's retry or cancel, a delivery report
  more than ``RECENT_IDS`` messages late), older queued messages beyond ``TRACK_LIMIT``; on
  PostgreSQL, an insert another node committed after a snapshot that saw higher ids.

The full count itself avoids ``GROUP BY`` too: each status but the most common is a range count
on the index, and the most common one is the total minus the others (SQLite counts a whole
table from its smallest index's pages without decoding rows: 13 ms for a million, against
76 ms to count the 78 % of them that are ``delivered``). A process that asks once, such as
``smsrelay status``, takes a snapshot then and there: its figures are exact.

Nothing here writes: ``Store.reading()`` sessions only (on SQLite they do not queue behind the
daemon's write lock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from .schema import FINAL_STATUSES, Message, Status

if TYPE_CHECKING:
    from . import Store

log = logging.getLogger(__name__)

PENDING = tuple(s for s in Status if s not in FINAL_STATUSES)  # queued, sending, unknown
FINAL = tuple(s for s in Status if s in FINAL_STATUSES)  # settled: sent ... cancelled
REFRESH_AFTER = 60.0  # seconds: the oldest a snapshot may be before a recount starts
MOVING = (Status.SENDING, Status.QUEUED)  # pending states left without anyone asking
RECENT_IDS = 1_000  # the newest ids: counted at every call (delivery reports come soon)
TRACK_LIMIT = 1_000  # older sending or queued messages followed by id after a snapshot


@dataclass(frozen=True)
class Snapshot:
    """Settled counts of the older messages at one moment, and what among them still moved."""

    settled: dict[str, int]  # settled messages with id <= boundary, by status
    boundary: int  # the newest RECENT_IDS ids are above it: counted at every call
    tracked: dict[int, str]  # id -> status then, of older messages that were moving
    taken_at: float  # monotonic seconds


def _unindexed(column):
    """The column written so that no database uses an index for it (``status || ''``): a
    primary-key range must stay a primary-key range."""
    return col(column).concat("")


def pending_counts(session: Session) -> dict[str, int]:
    """Exact counts of the pending statuses, from ``ix_message_dispatch``."""
    rows = session.exec(
        select(Message.status, func.count())
        .where(col(Message.status).in_(PENDING))
        .group_by(Message.status)
    ).all()
    counts = {status.value: 0 for status in PENDING}
    counts.update(dict(rows))
    return counts


def full_counts(session: Session, most_common: str = Status.DELIVERED) -> dict[str, int]:
    """Exact counts of every status, without reading every row: ``most_common`` is the total
    minus the others (``SELECT count(*)`` alone is a fast path on SQLite)."""
    counts = {}
    for status in Status:
        if status != most_common:
            counts[status.value] = session.exec(
                select(func.count()).select_from(Message).where(Message.status == status)
            ).one()
    total = session.exec(select(func.count()).select_from(Message)).one()
    counts[most_common] = total - sum(counts.values())
    return {status.value: counts[status.value] for status in Status}


def settled_above(session: Session, boundary: int) -> dict[str, int]:
    """Settled messages with an id above ``boundary``, by status: a primary-key range."""
    label = _unindexed(Message.status)
    rows = session.exec(
        select(label, func.count())
        .where(col(Message.id) > boundary, label.in_([s.value for s in FINAL]))
        .group_by(label)
    ).all()
    counts = {status.value: 0 for status in FINAL}
    counts.update(dict(rows))
    return counts


def _consistent(session: Session) -> None:
    """Every statement of this session reads the same state (SQLite's read transaction does
    already; PostgreSQL needs REPEATABLE READ for that)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def take_snapshot(session: Session, most_common: str, now: float) -> Snapshot:
    _consistent(session)
    counts = full_counts(session, most_common)
    high_water = session.exec(select(func.max(Message.id))).one() or 0
    boundary = max(high_water - RECENT_IDS, 0)
    recent = settled_above(session, boundary)
    settled = {s.value: counts[s.value] - recent[s.value] for s in FINAL}
    tracked: dict[int, str] = {}
    for status in MOVING:  # those sending, then the queued ones in the dispatcher's order
        rows = session.exec(
            select(Message.id)
            .where(Message.status == status, col(Message.id) <= boundary)
            .order_by(col(Message.rank), col(Message.due_at), col(Message.id))
            .limit(TRACK_LIMIT - len(tracked))
        ).all()
        tracked.update((i, status.value) for i in rows if i is not None)
    return Snapshot(settled, boundary, tracked, now)


def _settled_now(session: Session, snapshot: Snapshot) -> dict[str, int]:
    """The settled counts now: the snapshot's, the recent ids' counted now, and the tracked
    messages' moves, all in the caller's read transaction."""
    settled = dict(snapshot.settled)
    for status, n in settled_above(session, snapshot.boundary).items():
        settled[status] += n
    if snapshot.tracked:
        now = dict(
            session.exec(
                select(Message.id, Message.status).where(
                    col(Message.id).in_(list(snapshot.tracked))
                )
            ).all()
        )
        for message_id, then in snapshot.tracked.items():
            current = now.get(message_id)
            if then == current:
                continue
            if then in settled:
                settled[then] -= 1
            if current in settled:
                settled[current] += 1
    return settled


class Tally:
    """Message counts by status for one store, kept cheap by a snapshot (see the module)."""

    def __init__(
        self,
        store: Store,
        *,
        refresh_after: float = REFRESH_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.refresh_after = refresh_after
        self._monotonic = monotonic
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()  # guards _snapshot and _refreshing
        self._first = threading.Lock()  # one first count, however many pages ask at once
        self._refreshing: threading.Thread | None = None

    def counts(self) -> dict[str, int]:
        """Every status (DESIGN.md's ``queue`` object), pending ones exact, settled ones as
        the module says."""
        snapshot = self._snapshot or self._first_snapshot()
        with self.store.reading() as session:
            _consistent(session)
            pending = pending_counts(session)
            settled = _settled_now(session, snapshot)
        if self._monotonic() - snapshot.taken_at >= self.refresh_after:
            self._refresh_in_background()
        both = pending | settled
        return {s.value: both[s.value] for s in Status}

    def pending(self) -> dict[str, int]:
        """Queued, sending and unknown only: exact, and no snapshot needed."""
        with self.store.reading() as session:
            return pending_counts(session)

    def age(self) -> float | None:
        """Seconds since the snapshot was taken (None before the first)."""
        snapshot = self._snapshot
        return None if snapshot is None else self._monotonic() - snapshot.taken_at

    def refresh(self) -> Snapshot:
        """Count everything again now (in the caller's thread) and keep the result."""
        previous = self._snapshot
        most_common = max(previous.settled, key=previous.settled.__getitem__) if previous else None
        with self.store.reading() as session:
            snapshot = take_snapshot(session, most_common or Status.DELIVERED, self._monotonic())
        with self._lock:
            if self._snapshot is None or self._snapshot.taken_at <= snapshot.taken_at:
                self._snapshot = snapshot
        return snapshot

    def _first_snapshot(self) -> Snapshot:
        with self._first:
            return self._snapshot or self.refresh()

    def wait_for_refresh(self, timeout: float | None = None) -> None:
        """Until a background recount in progress ends (tests, and a clean shutdown)."""
        thread = self._refreshing
        if thread is not None:
            thread.join(timeout)

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._refreshing is not None and self._refreshing.is_alive():
                return
            self._refreshing = threading.Thread(
                target=self._refresh_quietly, name="smsrelay-tally", daemon=True
            )
            self._refreshing.start()

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # a page must not fail for a recount; the old snapshot serves on
            log.warning("counting the messages again failed", exc_info=True)


def tally_for(store: Store) -> Tally:
    """The one ``Tally`` of this store in this process (the panel's requests share it): the
    store's own, ``Store.tally``."""
    return store.tally


def counts(store: Store) -> dict[str, int]:
    """Messages by status, every status present (see ``Tally.counts``)."""
    return tally_for(store).counts()


def pending(store: Store) -> dict[str, int]:
    """Queued, sending and unknown messages, exact."""
    return tally_for(store).pending()
