"""The tables of alerts and of mail (issue 16, revision 0020).

``alert``: one row per condition and subject (a modem's IMEI, a SIM's ICCID, or "" for the
queue and the disk) from the moment the condition is first seen; ``fired_at`` once it lasted
long enough and the person was told, ``resolved_at`` once it cleared (the "resolved" sent). A
row with no ``resolved_at`` is open: the job never fires a second alert for it, and a restart
finds it again, so it neither repeats nor forgets one (``appliance.alerts``).

``mail_cursor``: the last received message forwarded to the mailbox (``appliance.mail``), so a
restart neither forwards one twice nor skips one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .schema import _when


class Alert(SQLModel, table=True):
    """A condition on one subject: seen since, fired, resolved."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_open", "condition", "subject", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    condition: str = Field(max_length=32)  # modem_down, sim_cap, queue_stuck, low_credit, disk
    subject: str = Field(default="", max_length=32)
    detail: str = ""  # what it is, in words, as last seen
    since: datetime | None = _when(nullable=False)  # first seen
    fired_at: datetime | None = _when()
    resolved_at: datetime | None = _when()
    told: str = ""  # how the channels took it ("sms #12 queued; email sent; ...")


class MailCursor(SQLModel, table=True):
    """The id of the last received message forwarded to the mailbox."""

    __tablename__ = "mail_cursor"

    name: str = Field(primary_key=True, max_length=32)
    last_inbound_id: int = 0
