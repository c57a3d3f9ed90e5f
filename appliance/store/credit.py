"""A SIM's credit (issue 13): the last answer to its USSD balance query, asked for by the
panel, recorded by the modem's worker, read by the status, the panel and ``/metrics``.

The panel never opens a port: it writes ``credit_asked_at`` on the SIM and wakes the daemon,
whose dispatcher loop hands the request to the worker of the modem that holds the SIM
(``credit_requests``); the worker's answer clears it. Recording an answer also decides the
``sim.low_credit`` event, in the same transaction: it fires when the SIM goes below its
threshold, not at every query that finds it still below.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from .schema import Event, Modem, Sim
from .sim_records import SimCredit
from .transactions import Transactions

SIM = Sim.__table__
MODEM = Modem.__table__
EVENT = Event.__table__
LOW_CREDIT = "sim.low_credit"  # the event (and webhook) of a SIM going below its threshold


_COLUMNS = (SIM.c.credit_answer, SIM.c.credit_amount, SIM.c.credit_currency,
            SIM.c.credit_checked_at, SIM.c.credit_error, SIM.c.credit_low,
            SIM.c.credit_asked_at)  # fmt: skip


class Credit(Transactions):
    """Credit queries asked for, recorded and read."""

    def ask_credit(self, imei: str, now: datetime) -> str | None:
        """Ask for a credit query of the SIM in modem ``imei`` (the panel's button); returns
        its ICCID, or None when the modem is unknown or holds no known SIM."""
        with self._writing() as connection:
            iccid = connection.execute(select(MODEM.c.iccid).where(MODEM.c.imei == imei)).scalar()
            if iccid is None:
                return None
            changed = connection.execute(
                update(SIM).where(SIM.c.iccid == iccid).values(credit_asked_at=now)
            ).rowcount
        return iccid if changed else None

    def credit_requests(self) -> list[str]:
        """The ICCIDs of the SIMs whose credit the panel asked for and nobody queried yet."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(SIM.c.iccid).where(SIM.c.credit_asked_at.is_not(None)))
            return [iccid for (iccid,) in rows]

    def record_credit(
        self,
        iccid: str,
        now: datetime,
        *,
        imei: str | None,
        answer: str | None = None,
        amount: float | None = None,
        currency: str | None = None,
        error: str | None = None,
        low: bool | None = None,
    ) -> bool:
        """Save a query's outcome and clear the panel's request. An answer (``error`` None)
        replaces the last one; a failure keeps it and says why. ``low`` None keeps the mark as
        it was (an answer with no amount in it). Returns True when the SIM went low now, and
        then a ``sim.low_credit`` event was logged with it."""
        values: dict[str, object] = {"credit_asked_at": None, "credit_error": error}
        if error is None:
            values.update(credit_answer=answer, credit_amount=amount, credit_currency=currency,
                          credit_checked_at=now)  # fmt: skip
        with self._writing() as connection:
            was_low = connection.execute(
                select(SIM.c.credit_low).where(SIM.c.iccid == iccid)
            ).scalar()
            if was_low is None:  # no such SIM (erased meanwhile?): nothing to record
                return False
            if low is not None:
                values["credit_low"] = low
            connection.execute(update(SIM).where(SIM.c.iccid == iccid).values(**values))
            went_low = bool(low) and not was_low
            if went_low:
                shown = f"{amount:g} {currency or ''}".strip() if amount is not None else "?"
                connection.execute(
                    insert(EVENT).values(
                        at=now,
                        kind=LOW_CREDIT,
                        modem_imei=imei,
                        detail=f"SIM {iccid}: credit {shown}",
                    )
                )
        return went_low

    def credits(self) -> dict[str, SimCredit]:
        """Every SIM's credit, by ICCID (one query for the whole status)."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(SIM.c.iccid, *_COLUMNS)).all()
        return {iccid: SimCredit(*rest) for iccid, *rest in rows}
