"""What the status reads of a SIM, as plain records: shared by the full store (``fleet``,
``credit``) and the CLI's thin path (``direct``), which must not import SQLAlchemy to build
them, so the two paths cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class SimCounts(NamedTuple):
    """Parts a SIM sent in the local ``day`` and ``month`` they were counted in."""

    day: str
    sent_day: int
    month: str
    sent_month: int


class SimCredit(NamedTuple):
    """What the status shows of a SIM's credit."""

    answer: str | None
    amount: float | None
    currency: str | None
    checked_at: datetime | None
    error: str | None
    low: bool
    asked_at: datetime | None


class SimLabel(NamedTuple):
    """What the cards show of a SIM beside its counters: the name a volunteer gave it, the
    number the SIM stores for itself (AT+CNUM) and the one an admin typed in."""

    name: str | None
    msisdn: str | None
    number: str | None
