"""The fleet as the store keeps it: modems (keyed by IMEI), SIMs (by ICCID) and their send
counters, signal samples, and the event log.

A SIM's day, month and total counters move in the very transaction that marks a message sent
(``count_parts``, called by ``outbound``): a crash can never count a message without sending it
or the reverse. ``sim_counts`` is what the dispatcher reads before each hand-over: a plain row,
not a model.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func
from sqlmodel import col, select

from appliance.states import ModemState

from . import statements
from .schema import Message, Modem, SignalSample, Sim, Status
from .sim_records import SimCounts
from .transactions import Transactions

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def count_parts(
    connection: Connection,
    iccid: str | None,
    parts: int,
    now: datetime,
    day: str,
    month: str,
) -> SimCounts | None:
    """Move the SIM's day, month and total counters (a new day or month starts from 0), in the
    caller's transaction, and return them as they now are."""
    if iccid is None or parts <= 0:
        return None
    values = {"b_iccid": iccid, "b_parts": parts, "b_now": now, "b_day": day, "b_month": month}
    row = connection.execute(statements.COUNT, values).first()
    if row is not None:
        return SimCounts(*row)
    connection.execute(statements.NEW_SIM, values)
    return SimCounts(day, parts, month, parts)


class Fleet(Transactions):
    """Modems, SIMs, signal and events; each method is one transaction."""

    # --- SIMs ---------------------------------------------------------------------------------

    def sim(self, iccid: str) -> Sim | None:
        with self.reading() as session:
            return session.get(Sim, iccid)

    def sim_counts(self, iccid: str) -> SimCounts | None:
        """The SIM's day and month counters: what the dispatcher reads before every hand-over
        (a plain row, not a model: building a ``Sim`` cost more than the query)."""
        with self.reader.connect() as connection:
            row = connection.execute(statements.SIM_COUNTS, {"b_iccid": iccid}).first()
        return SimCounts(*row) if row is not None else None

    def upsert_sim(self, iccid: str, **values: object) -> Sim:
        with self.session() as session:
            sim = session.get(Sim, iccid) or Sim(iccid=iccid)
            for key, value in values.items():
                setattr(sim, key, value)
            session.add(sim)
            session.commit()
            return sim

    # --- modems, events, signal ---------------------------------------------------------------

    def upsert_modem(self, imei: str, **values: object) -> None:
        with self.session() as session:
            modem = session.get(Modem, imei) or Modem(imei=imei)
            for key, value in values.items():
                setattr(modem, key, value)
            session.add(modem)
            session.commit()

    def modem(self, imei: str) -> Modem | None:
        """The modem of this IMEI if it was ever seen (by any node), present or not."""
        with self.reading() as session:
            return session.get(Modem, imei)

    def modem_rejected_pin(self, imei: str) -> str | None:
        with self.reading() as session:
            modem = session.get(Modem, imei)
            return modem.rejected_pin if modem else None

    def sending_by_modem(self) -> dict[str, int]:
        """Which message each modem is sending now (its ``busy`` state is derived from this): of
        a busy modem's two, the one on the air, handed over first (its next, claimed ahead, has
        no ``sending_at`` until it is handed over: ``appliance.worker.ahead``)."""
        with self.reading() as session:
            rows = session.exec(
                select(Message.modem_imei, Message.id, Message.sending_at).where(
                    Message.status == Status.SENDING
                )
            ).all()
        # the first of each modem wins: handed over before claimed ahead, then the oldest
        ordered = sorted(rows, key=lambda r: (r[2] is None, r[2] or _EPOCH, r[1] or 0))
        ordered.reverse()
        return {imei: message_id for imei, message_id, _ in ordered if imei and message_id}

    def modems(self) -> list[Modem]:
        with self.reading() as session:
            return list(session.exec(select(Modem).order_by(col(Modem.imei))).all())

    def modems_ready(self) -> int:
        """How many modems are ``ready`` (``/healthz``); a read that takes no write lock."""
        with self.reading() as session:
            return session.exec(
                select(func.count()).select_from(Modem).where(Modem.state == ModemState.READY)
            ).one()

    def log(
        self,
        kind: str,
        now: datetime,
        detail: str = "",
        *,
        imei: str | None = None,
        message_id: int | None = None,
    ) -> None:
        with self._writing() as connection:
            connection.execute(
                statements.LOG,
                {
                    "b_at": now,
                    "b_kind": kind,
                    "b_imei": imei,
                    "b_message_id": message_id,
                    "b_detail": detail,
                },
            )

    def add_signal(self, imei: str, now: datetime, dbm: int | None, bars: int) -> None:
        with self.session() as session:
            session.add(SignalSample(modem_imei=imei, at=now, dbm=dbm, bars=bars))
            session.commit()
