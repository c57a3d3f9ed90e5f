"""Forgetting what is older than its retention period (issue 11): the daily clean-up's SQL.

One rule per kind of record, set in the config's ``[retention]`` table (``appliance.config``):

- ``messages``: messages in a final state (sent, delivered, failed, expired, cancelled), by the
  time they ended (``finished_at``, else ``created_at``); never a queued, sending or unknown
  one, whatever its age. Their delivery reports go with them. The text search index follows by
  itself (revision 0004's triggers remove a deleted message's text from it).
- ``inbound``: received messages by ``received_at``, and the parts of unfinished ones; missed
  calls (issue 13) by ``rang_at``, under the same period (they are the people's too).
- ``signal_samples``: by ``at``.
- ``webhook_deliveries``: delivered or failed ones, by ``created_at``; never a pending one.
- ``events``: the event log, by ``at``.

Deletes go in batches of ``BATCH`` rows, each its own transaction: the oldest first, found by
an index, so that a table of a million rows never holds the write lock for long and the
daemon's sends go on between the batches. A message's end comes after its creation, so the
messages are walked on the ``created_at`` index and then checked on their end (each batch reads
only the rows it deletes: 100,000 messages go in 5.7 s here, in batches of 57 ms).

Deleted rows leave no copy behind on SQLite: every connection runs with ``secure_delete=ON``
(``engine``), which overwrites them with zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Select, delete, func, select

from .attempt_schema import MessageAttempt
from .call_schema import MissedCall
from .schema import (
    DELIVERED,
    FAILED,
    FINAL_STATUSES,
    DeliveryReport,
    Event,
    Inbound,
    InboundPart,
    Message,
    SignalSample,
    UtcDateTime,
    WebhookDelivery,
)
from .transactions import Transactions

# rows per transaction. Measured (SQLite, 100,000 delivered messages, this machine): 57 ms a
# batch of 1,000 messages (their text leaves the search index too), 209 ms for 5,000; the write
# lock is held that long, so the sends wait at most about that between two batches.
BATCH = 1_000

MESSAGE = Message.__table__
REPORT = DeliveryReport.__table__
INBOUND = Inbound.__table__
INBOUND_PART = InboundPart.__table__
SAMPLE = SignalSample.__table__
DELIVERY = WebhookDelivery.__table__
EVENT = Event.__table__
ATTEMPT = MessageAttempt.__table__
CALL = MissedCall.__table__


@dataclass(frozen=True)
class Pruned:
    """Rows forgotten, per table."""

    messages: int = 0
    delivery_reports: int = 0
    inbound: int = 0
    inbound_parts: int = 0
    signal_samples: int = 0
    webhook_deliveries: int = 0
    events: int = 0
    calls: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())

    def words(self) -> str:
        """The counts in words, e.g. "messages 12, events 340" (zeros left out), or "nothing"."""
        counts = [f"{name.replace('_', ' ')} {n}" for name, n in asdict(self).items() if n]
        return ", ".join(counts) or "nothing"


def _older(table, when, cutoff: datetime, *also) -> Select:
    """The ids of ``table`` with ``when`` before ``cutoff`` (and ``also``), oldest first."""
    return select(table.c.id).where(when < cutoff, *also).order_by(when, table.c.id)


class Retention(Transactions):
    """The clean-up of old records; ``prune_older`` runs one transaction per batch."""

    def prune_older(
        self, keep: Mapping[str, timedelta | None], now: datetime, *, batch: int = BATCH
    ) -> Pruned:
        """Forget what is older than ``now - keep[kind]`` for each kind of ``Pruned`` that
        ``keep`` names (a kind missing or None is kept for ever: the config's ``[retention]``
        as ``RetentionConfig.as_dict()``). Returns how many rows went, per table."""
        counts: dict[str, int] = {}

        def cutoff(kind: str) -> datetime | None:
            period = keep.get(kind)
            return now - period if period is not None else None

        if (before := cutoff("messages")) is not None:
            m = MESSAGE.c
            ended = func.coalesce(m.finished_at, m.created_at, type_=UtcDateTime())
            # ``status || ''``: no index for it, or SQLite walks ix_message_dispatch's final
            # statuses (nearly the whole table) and sorts them, at every batch
            final = m.status.concat("").in_(sorted(FINAL_STATUSES))
            ids = _older(MESSAGE, m.created_at, before, final, ended < before)
            counts["messages"], counts["delivery_reports"] = self._batches(
                MESSAGE, ids, batch, also=REPORT, also_key=REPORT.c.message_id
            )
            # reports that matched no message (too late, or an unknown reference)
            orphans = _older(REPORT, REPORT.c.received_at, before, REPORT.c.message_id.is_(None))
            counts["delivery_reports"] += self._batches(REPORT, orphans, batch)[0]
        if (before := cutoff("inbound")) is not None:
            counts["inbound"] = self._batches(
                INBOUND, _older(INBOUND, INBOUND.c.received_at, before), batch
            )[0]
            parts = _older(INBOUND_PART, INBOUND_PART.c.received_at, before)
            counts["inbound_parts"] = self._batches(INBOUND_PART, parts, batch)[0]
            calls = _older(CALL, CALL.c.rang_at, before)
            counts["calls"] = self._batches(CALL, calls, batch)[0]
        if (before := cutoff("signal_samples")) is not None:
            samples = _older(SAMPLE, SAMPLE.c.at, before)
            counts["signal_samples"] = self._batches(SAMPLE, samples, batch)[0]
        if (before := cutoff("webhook_deliveries")) is not None:
            finished = DELIVERY.c.status.in_([DELIVERED, FAILED])
            done = _older(DELIVERY, DELIVERY.c.created_at, before, finished)
            counts["webhook_deliveries"] = self._batches(DELIVERY, done, batch)[0]
        if (before := cutoff("events")) is not None:
            counts["events"] = self._batches(EVENT, _older(EVENT, EVENT.c.at, before), batch)[0]
        return Pruned(**counts)

    def _batches(self, table, ids: Select, batch: int, *, also=None, also_key=None):
        """Delete the rows ``ids`` selects, ``batch`` at a time, each batch one transaction
        (with the rows of ``also`` whose ``also_key`` is one of them). Returns (rows of
        ``table``, rows of ``also``)."""
        gone = gone_also = 0
        while True:
            with self._writing() as connection:
                chunk = list(connection.execute(ids.limit(batch)).scalars())
                if not chunk:
                    return gone, gone_also
                if also is not None:
                    gone_also += _delete(connection, also, also_key, chunk)
                if table is MESSAGE:  # a message's attempts go with it (issue 16)
                    _delete(connection, ATTEMPT, ATTEMPT.c.message_id, chunk)
                gone += _delete(connection, table, table.c.id, chunk)
            if len(chunk) < batch:
                return gone, gone_also


def _delete(connection: Connection, table, key, ids: list[int]) -> int:
    return connection.execute(delete(table).where(key.in_(ids))).rowcount
