"""The names a volunteer gives modems and SIMs ("Orange 1"), and a SIM's own number.

A modem is named by its IMEI and a SIM by its ICCID (``imsi:<IMSI>`` for a modem that reads no
ICCID: ``modem.device.status``), never by the port, so a name follows the card and the stick
through replugs, as their counters do. The number of a SIM is the one it stores for itself,
read by AT+CNUM at each bring-up (``record_msisdn``), else the one an admin typed in
(``name_sim``); the card shows the first there is and says which. Checking what a name or a
number may look like is ``appliance.naming``'s; this module only writes what it was given.
"""

from __future__ import annotations

from sqlalchemy import select

from .schema import Modem, Sim
from .sim_records import SimLabel
from .transactions import Transactions

UNCHANGED = object()  # a keyword left as it is


class UnknownDevice(LookupError):
    """No modem (or SIM) of that IMEI (or ICCID) was ever seen; the message says which."""


class Naming(Transactions):
    """Names and numbers; each method one transaction."""

    def name_modem(self, imei: str, name: str | None) -> Modem:
        """Give the modem ``imei`` its name (None: none); UnknownDevice if never seen."""
        with self.session() as session:
            modem = session.get(Modem, imei)
            if modem is None:
                raise UnknownDevice(
                    f"no modem {imei} was ever seen here; smsrelay status lists them"
                )
            modem.name = name
            session.add(modem)
            session.commit()
            return modem

    def name_sim(self, iccid: str, *, name: object = UNCHANGED, number: object = UNCHANGED) -> Sim:
        """Set the SIM's name and/or typed number (None clears); UnknownDevice if never seen."""
        with self.session() as session:
            sim = session.get(Sim, iccid)
            if sim is None:
                raise UnknownDevice(
                    f"no SIM {iccid} was ever seen here; smsrelay status lists them"
                )
            if name is not UNCHANGED:
                sim.name = name  # type: ignore[assignment]
            if number is not UNCHANGED:
                sim.number = number  # type: ignore[assignment]
            session.add(sim)
            session.commit()
            return sim

    def record_msisdn(self, iccid: str, msisdn: str | None) -> None:
        """What AT+CNUM said at bring-up (None: the SIM stores no number)."""
        with self.session() as session:
            sim = session.get(Sim, iccid)
            if sim is not None and sim.msisdn != msisdn:
                sim.msisdn = msisdn
                session.add(sim)
                session.commit()

    def sim_labels(self) -> dict[str, SimLabel]:
        """Every SIM's name and numbers, by ICCID (one query for the whole status)."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(Sim.iccid, Sim.name, Sim.msisdn, Sim.number)).all()
        return {iccid: SimLabel(*rest) for iccid, *rest in rows}
