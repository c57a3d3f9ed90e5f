"""Read-only queries behind the modems page's charts: each modem's signal and its messages
sent per hour, reduced by the database to what a chart can show.

- the signal chart: ``ix_signal_sample_modem_at (modem_imei, at)``, grouped into 5-minute slots;
  the slots that can no longer change are kept between requests (``SignalHistory``, one per
  store: ``Store.signal_history``);
- the hourly chart: ``ix_message_sent_at`` (revision 0005), counted per hour by the database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    bindparam,
    case,
    cast,
    extract,
    func,
    literal_column,
)
from sqlalchemy import Select as CoreSelect
from sqlalchemy import select as core_select

from .schema import Message, SignalSample

if TYPE_CHECKING:
    from . import Store

# --- the modems page's charts -------------------------------------------------------------------
#
# The page and its fragment (fetched every 5 s by each open page) chart 24 hours per modem: 2 880
# signal samples (one per 30 s) and a few thousand sent messages. Loaded as ORM objects and
# charted point by point that was 30 ms of CPU per modem for the signal and 17 ms per page for
# the messages (1 M messages, bench/pages.py): so both are reduced by the database, to what the
# charts can show, with statements built once (see ``statements`` for why).

SIGNAL_STEP = timedelta(minutes=5)  # one chart point per step: 288 a day, one per pixel or so


class SignalSlot(NamedTuple):
    """A modem's signal during one step of ``SIGNAL_STEP`` (slots are aligned on the Unix epoch,
    so they stay put from one refresh to the next)."""

    start: datetime
    weakest: int | None  # None: some sample in the slot measured no signal at all
    strongest: int | None


def thin_signal(
    samples: Iterable[tuple[datetime, int | None]], step: timedelta = SIGNAL_STEP
) -> list[SignalSlot]:
    """``samples`` (time, dBm; oldest first) reduced to one ``SignalSlot`` per step that holds
    any, the way ``signal_slots`` reduces them in the database (this is its specification, and
    the tests' oracle).

    Why the weakest sample and not the mean: the chart is read to explain failed sends, and a
    minute at -109 dBm among nine at -70 is what failed them; the mean (-74) would show a calm
    line, the weakest shows the drop. A sample without signal makes the whole slot a break in
    the line, as a lost signal is the drop that matters most. The strongest is kept for the
    chart's summary (its range stays the samples' range).
    """
    width = step.total_seconds()
    slots: dict[int, list[int | None]] = {}
    for at, dbm in samples:
        slots.setdefault(int(at.timestamp() // width), []).append(dbm)
    return [
        _slot(number, width, values, None in values) for number, values in sorted(slots.items())
    ]


def _slot(number: int, width: float, values: Sequence[int | None], unmeasured: bool) -> SignalSlot:
    start = datetime.fromtimestamp(number * width, UTC)
    measured = [v for v in values if v is not None]
    if unmeasured or not measured:
        return SignalSlot(start, None, max(measured, default=None))
    return SignalSlot(start, min(measured), max(measured))


_sample = SignalSample.__table__.c
_SLOT = literal_column("slot")  # the slot's label, which both databases group by


def _slot_number(dialect: str, width: int) -> ColumnElement[int]:
    """The slot a sample's ``at`` falls in: whole ``width``-second steps since the epoch."""
    if dialect == "postgresql":
        return cast(func.floor(extract("epoch", _sample.at) / width), BigInteger)
    return cast(func.strftime("%s", _sample.at), Integer) // width


@cache
def _signal_statement(dialect: str, width: int) -> CoreSelect:
    slot = _slot_number(dialect, width).label("slot")
    return (
        core_select(
            _sample.modem_imei,
            slot,
            func.min(_sample.dbm),
            func.max(_sample.dbm),
            func.count() - func.count(_sample.dbm),  # samples without signal
            func.count(),
        )
        .where(
            _sample.modem_imei.in_(bindparam("b_imeis", expanding=True)),
            _sample.at >= bindparam("b_since", type_=_sample.at.type),
            _sample.at < bindparam("b_until", type_=_sample.at.type),
        )
        .group_by(_sample.modem_imei, _SLOT)  # by name: PostgreSQL would not match the
        .order_by(_sample.modem_imei, _SLOT)  # expression's parameters with the SELECT's
    )


LATEST_SIGNAL = (
    core_select(_sample.dbm)
    .where(
        _sample.modem_imei == bindparam("b_imei", type_=_sample.modem_imei.type),
        _sample.at >= bindparam("b_since", type_=_sample.at.type),
        _sample.at <= bindparam("b_until", type_=_sample.at.type),
        _sample.dbm.is_not(None),
    )
    .order_by(_sample.at.desc())
    .limit(1)
)


def read_signal_slots(
    store: Store,
    imeis: Sequence[str],
    since: datetime,
    until: datetime,
    step: timedelta = SIGNAL_STEP,
) -> dict[str, list[tuple[SignalSlot, int]]]:
    """Each modem's samples in [since, until), one ``SignalSlot`` per step (``thin_signal``) with
    how many samples it holds, oldest first; grouped by the database on
    ``ix_signal_sample_modem_at``: a day of a modem is 288 short rows instead of 2 880 objects."""
    width = int(step.total_seconds())
    found: dict[str, list[tuple[SignalSlot, int]]] = {imei: [] for imei in imeis}
    if not imeis:
        return found
    with store.reading() as session:
        connection = session.connection()
        rows = connection.execute(
            _signal_statement(connection.dialect.name, width),
            {"b_imeis": list(imeis), "b_since": since, "b_until": until},
        ).all()
    for imei, number, weakest, strongest, unmeasured, samples in rows:
        start = datetime.fromtimestamp(int(number) * width, UTC)
        slot = SignalSlot(start, None if unmeasured else weakest, strongest)
        found[imei].append((slot, samples))
    return found


SAMPLE_COUNT = core_select(func.count()).where(
    _sample.modem_imei.in_(bindparam("b_imeis", expanding=True)),
    _sample.at >= bindparam("b_since", type_=_sample.at.type),
    _sample.at < bindparam("b_until", type_=_sample.at.type),
)


@dataclass
class _Settled:
    """Slots that ended a while ago, as read from ``since`` up to ``boundary``."""

    imeis: frozenset[str]
    since: datetime
    boundary: datetime
    slots: dict[str, list[tuple[SignalSlot, int]]]
    samples: int  # how many samples they were made of: the check that nothing came late


class SignalHistory:
    """The modems page's signal slots, the settled ones kept between requests.

    The page and its fragment (every 5 s, per open page) ask for the same day of slots again
    and again, and only the newest slot changes: the daemon writes each sample at its time.
    Grouping the whole day costs the database 10-17 ms at four modems; so slots that ended more
    than ``SETTLE`` ago are kept, and each request reads only the newer samples, plus a count of
    the kept range from the index (under a millisecond). A sample that arrives late into the
    kept range (another node's clock, a slow commit) changes that count, and the day is read
    again: what the page shows is always what the table holds.
    """

    SETTLE = timedelta(minutes=1)  # a sample is written at most this long after its time

    def __init__(self, store: Store, step: timedelta = SIGNAL_STEP) -> None:
        self.store = store
        self.step = step
        self._settled: _Settled | None = None
        self._lock = threading.Lock()

    def slots(
        self, imeis: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, list[SignalSlot]]:
        """Each modem's slots in [since, until], oldest first (as ``read_signal_slots``; the
        first may hold samples up to a step older than ``since``, the rest of its slot)."""
        width = int(self.step.total_seconds())
        edge = (until - self.SETTLE).timestamp()
        boundary = datetime.fromtimestamp(edge - edge % width, UTC)
        with self._lock:
            settled = self._settled
            if not self._still_good(settled, imeis, since, boundary):
                start = since if settled is None else min(since, settled.since)
                found = read_signal_slots(self.store, imeis, start, boundary, self.step)
                total = sum(n for slots in found.values() for _, n in slots)
                settled = _Settled(frozenset(imeis), start, boundary, found, total)
            elif settled is not None and boundary > settled.boundary:
                newer = read_signal_slots(
                    self.store, sorted(settled.imeis), settled.boundary, boundary, self.step
                )
                for imei, slots in newer.items():
                    settled.slots[imei].extend(slots)
                settled.samples += sum(n for slots in newer.values() for _, n in slots)
                settled.boundary = boundary
            self._settled = settled
            assert settled is not None
            kept = {
                imei: [slot for slot, _ in settled.slots[imei] if slot.start + self.step > since]
                for imei in imeis
            }
        fresh = read_signal_slots(self.store, imeis, boundary, until + _TICK, self.step)
        return {imei: kept[imei] + [slot for slot, _ in fresh[imei]] for imei in imeis}

    def _still_good(
        self, settled: _Settled | None, imeis: Sequence[str], since: datetime, boundary: datetime
    ) -> bool:
        if settled is None or not settled.imeis.issuperset(imeis):
            return False
        if since < settled.since or boundary < settled.boundary:  # asked further back; clock
            return False
        if since - settled.since > timedelta(hours=1):  # let the old slots go now and then
            return False
        with self.store.reading() as session:
            counted = (
                session.connection()
                .execute(
                    SAMPLE_COUNT,
                    {
                        "b_imeis": sorted(settled.imeis),
                        "b_since": settled.since,
                        "b_until": settled.boundary,
                    },
                )
                .scalar()
            )
        return counted == settled.samples


_TICK = timedelta(microseconds=1)  # [since, until] as [since, until + 1 µs)


def signal_slots(
    store: Store, imeis: Sequence[str], since: datetime, until: datetime
) -> dict[str, list[SignalSlot]]:
    """Each modem's signal in [since, until], one ``SignalSlot`` per ``SIGNAL_STEP``
    (``thin_signal``), oldest first, through this process's ``SignalHistory`` of ``store``
    (``Store.signal_history``)."""
    return store.signal_history.slots(imeis, since, until)


def latest_signal(store: Store, imei: str, since: datetime, until: datetime) -> int | None:
    """The last dBm measured for a modem in [since, until] (None: none measured)."""
    with store.reading() as session:
        return (
            session.connection()
            .execute(LATEST_SIGNAL, {"b_imei": imei, "b_since": since, "b_until": until})
            .scalar()
        )


_message = Message.__table__.c


@cache
def _per_hour_statement(hours: int) -> CoreSelect:
    """Messages sent per modem in each of ``hours`` consecutive slots, whose starts are the
    parameters ``b_0`` ... ``b_<hours - 1>``, up to ``b_until``: the slot is picked by a CASE,
    so any boundaries work (local hours in any time zone, across a change of clock)."""
    starts = [bindparam(f"b_{n}", type_=_message.sent_at.type) for n in range(hours)]
    slot = case(
        *((_message.sent_at < starts[n], n - 1) for n in range(1, hours)), else_=hours - 1
    ).label("slot")
    return (
        core_select(_message.modem_imei, slot, func.count())
        .where(
            _message.sent_at >= starts[0],
            _message.sent_at <= bindparam("b_until", type_=_message.sent_at.type),
        )
        .group_by(_message.modem_imei, _SLOT)
    )


def sent_per_hour(
    store: Store, starts: Sequence[datetime], until: datetime
) -> dict[str | None, list[int]]:
    """How many messages each modem sent in each slot beginning at ``starts[n]`` (the last slot
    ends at ``until``), by modem IMEI, for the hourly chart.

    A range on ``ix_message_sent_at`` (revision 0005), counted by the database: a day of
    traffic comes back as at most 24 rows per modem.
    """
    if not starts:
        return {}
    values: dict[str, datetime] = {f"b_{n}": at for n, at in enumerate(starts)}
    values["b_until"] = until
    counts: dict[str | None, list[int]] = {}
    with store.reading() as session:
        rows = session.connection().execute(_per_hour_statement(len(starts)), values).all()
    for imei, slot, sent in rows:
        counts.setdefault(imei, [0] * len(starts))[slot] = sent
    return counts
