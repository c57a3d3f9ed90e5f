"""Missed calls (issue 13): kept with their ``call.missed`` event, paged for the panel and the
API, and handed to the consent desk, which may answer them with an SMS.

A call and its event are written in one transaction, so the webhook fires for exactly the calls
the store holds. The event names the call by ``message_id`` (the call's id, as a
``message.received`` event may name its inbound message) and its caller by ``number``, so an
erase of that number takes the event with it. A call from a withheld number has no caller.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from .call_schema import MissedCall
from .history import Page, _finish, _keyset
from .schema import Event
from .transactions import Transactions

CALL = MissedCall.__table__
EVENT = Event.__table__
MISSED = "call.missed"  # the event (and webhook) of a missed call


class Calls(Transactions):
    """Missed calls: recorded by a modem's worker, answered by the consent desk."""

    def add_missed_call(
        self,
        *,
        caller: str | None,
        imei: str | None,
        iccid: str | None,
        rang_at: datetime,
        hung_up: bool,
    ) -> int:
        """Keep one missed call and log its ``call.missed`` event; returns the call's id."""
        with self._writing() as connection:
            call_id = connection.execute(
                insert(CALL)
                .values(caller=caller, modem_imei=imei, sim_iccid=iccid, rang_at=rang_at,
                        hung_up=hung_up)
                .returning(CALL.c.id)
            ).scalar_one()  # fmt: skip
            connection.execute(
                insert(EVENT).values(
                    at=rang_at,
                    kind=MISSED,
                    modem_imei=imei,
                    message_id=call_id,
                    number=caller,
                    detail=f"from {caller or 'a withheld number'}",
                )
            )
        return call_id

    def missed_calls(
        self, *, before: int | None = None, after: int | None = None, limit: int = 50
    ) -> Page[MissedCall]:
        """Missed calls, newest first, one page (by id, as the inbox)."""
        query = _keyset(select(MissedCall), MissedCall, before=before, after=after, limit=limit)
        with self.reading() as session:
            rows = list(session.scalars(query))
        return _finish(rows, before=before, after=after, limit=limit)

    def unhandled_calls(self, limit: int = 100) -> list[MissedCall]:
        """Calls the consent desk has not looked at yet, oldest first."""
        query = (
            select(MissedCall)
            .where(MissedCall.handled.is_(None))
            .order_by(MissedCall.id)
            .limit(limit)
        )
        with self.reading() as session:
            return list(session.scalars(query))

    def mark_call_handled(self, call_id: int, handled: str) -> None:
        with self._writing() as connection:
            connection.execute(update(CALL).where(CALL.c.id == call_id).values(handled=handled))
