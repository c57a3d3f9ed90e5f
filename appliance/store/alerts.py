"""Alerts as the store keeps them (issue 16): the facts the conditions are judged on, and each
condition's row moved in one transaction with its ``alert.fired`` or ``alert.resolved`` event.

The conditions themselves (what "down", "stuck" or "full" means) are judged in
``appliance.alerts``; this module only reads and writes rows. The event is written in the same
transaction as the row that says the alert fired, so the webhook sender (which reads the event
log) posts it exactly when the row says it happened, and a restart neither repeats nor forgets
one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import func
from sqlmodel import col, select

from .alert_schema import Alert
from .schema import Event, Message, Modem, Sim

if TYPE_CHECKING:
    from . import Store

FIRED = "alert.fired"
RESOLVED = "alert.resolved"


class SimFacts(NamedTuple):
    iccid: str
    modem_imei: str | None
    day: str
    sent_day: int
    daily_limit: int | None  # the limit of the modem it is in (None: no cap)
    credit_low: bool
    credit_amount: float | None
    credit_currency: str | None


@dataclass(frozen=True)
class Facts:
    """What the conditions are judged on, read in one transaction."""

    modems: list[Modem]
    sims: list[SimFacts]
    oldest_due: datetime | None  # the oldest queued message that may go now
    waiting: int  # queued messages that may go now
    last_sent: datetime | None


class Seen(NamedTuple):
    """A condition that holds now on one subject, and how long it must last to fire."""

    detail: str
    after: timedelta


@dataclass(frozen=True)
class AlertRecord:
    """An alert as the panel, the API and the channels see it."""

    id: int
    condition: str
    subject: str
    detail: str
    since: datetime
    fired_at: datetime | None
    resolved_at: datetime | None
    told: str

    def data(self) -> dict[str, object]:
        """The JSON of the API and of the ``alert.*`` webhooks."""

        def iso(when: datetime | None) -> str | None:
            return when.isoformat() if when else None

        return {
            "id": self.id,
            "condition": self.condition,
            "subject": self.subject or None,
            "detail": self.detail,
            "since": iso(self.since),
            "fired_at": iso(self.fired_at),
            "resolved_at": iso(self.resolved_at),
        }


def _record(row: Alert) -> AlertRecord:
    assert row.id is not None and row.since is not None
    return AlertRecord(
        row.id, row.condition, row.subject, row.detail, row.since, row.fired_at,
        row.resolved_at, row.told,
    )  # fmt: skip


def read_facts(store: Store, now: datetime) -> Facts:
    with store.reading() as session:
        modems = list(session.exec(select(Modem).order_by(Modem.imei)).all())
        limits = {m.iccid: m.daily_limit for m in modems if m.iccid}
        sims = [
            SimFacts(
                s.iccid,
                s.modem_imei,
                s.day,
                s.sent_day,
                limits.get(s.iccid),
                s.credit_low,
                s.credit_amount,
                s.credit_currency,
            )
            for s in session.exec(select(Sim).order_by(Sim.iccid)).all()
        ]
        due = (Message.status == "queued", col(Message.due_at) <= now)
        oldest, waiting = session.exec(
            select(func.min(Message.due_at), func.count()).where(*due)
        ).one()
        last_sent = session.exec(select(func.max(Message.sent_at))).one()
    return Facts(modems, sims, oldest, waiting, last_sent)


def settle_alerts(
    store: Store, seen: Mapping[tuple[str, str], Seen], now: datetime
) -> tuple[list[AlertRecord], list[AlertRecord]]:
    """Move every condition's row to what holds now, in one transaction: a new condition is
    recorded (fired at once when its ``after`` is zero), one that lasted its ``after`` fires, one
    that cleared is resolved (or forgotten, if it never fired). Returns (fired, resolved), each
    with its event logged."""
    fired: list[Alert] = []
    resolved: list[Alert] = []
    if not _moves(store, seen, now):
        return [], []  # the usual run: one read, no write lock taken
    with store.session() as session:
        open_rows = {
            (row.condition, row.subject): row
            for row in session.exec(select(Alert).where(col(Alert.resolved_at).is_(None)))
        }
        for key, (detail, after) in seen.items():
            row = open_rows.get(key)
            if row is None:
                row = Alert(condition=key[0], subject=key[1], detail=detail, since=now)
            elif row.fired_at is None:
                row.detail = detail
            if row.fired_at is None and now - (row.since or now) >= after:
                row.fired_at = now
                fired.append(row)
            session.add(row)
        for key, row in open_rows.items():
            if key in seen:
                continue
            if row.fired_at is None:
                session.delete(row)
                continue
            row.resolved_at = now
            session.add(row)
            resolved.append(row)
        session.flush()
        for kind, rows in ((FIRED, fired), (RESOLVED, resolved)):
            for row in rows:
                data = json.dumps(_record(row).data())
                session.add(Event(at=now, kind=kind, detail=data))
        session.commit()
        return [_record(row) for row in fired], [_record(row) for row in resolved]


def _moves(store: Store, seen: Mapping[tuple[str, str], Seen], now: datetime) -> bool:
    """Whether any row would change: a condition new or gone, or one that lasted long enough."""
    with store.reading() as session:
        rows = session.exec(select(Alert).where(col(Alert.resolved_at).is_(None))).all()
    open_rows = {(row.condition, row.subject): row for row in rows}
    if set(open_rows) != set(seen):
        return True
    return any(
        row.fired_at is None and now - (row.since or now) >= seen[key].after
        for key, row in open_rows.items()
    )


def record_told(store: Store, alert_id: int, told: str) -> None:
    """What the channels made of an alert ("sms #12 queued; email sent"), for the panel."""
    with store.session() as session:
        row = session.get(Alert, alert_id)
        if row is not None:
            row.told = told
            session.add(row)
            session.commit()


def recent_alerts(store: Store, limit: int = 50) -> list[AlertRecord]:
    """The open alerts (fired, not resolved) first, then the latest resolved; newest first.
    Conditions seen but not yet fired are not alerts."""
    with store.reading() as session:
        rows = session.exec(
            select(Alert)
            .where(col(Alert.fired_at).is_not(None))
            .order_by(col(Alert.resolved_at).is_not(None), col(Alert.fired_at).desc())
            .limit(limit)
        ).all()
        return [_record(row) for row in rows]
