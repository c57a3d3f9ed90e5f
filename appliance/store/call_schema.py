"""The table of missed calls (issue 13): who called a modem's SIM, when, and what was done.

An SMS appliance answers no call, but a person who calls its number expects someone to know;
so every incoming call is kept (the number, or None when the caller withheld it, the modem and
SIM it rang on, when it started ringing), shown in the panel's inbox, and handed to the
consent desk, which may answer it with the configured SMS (``[calls] reply``) and writes in
``handled`` what it did. Kept apart from ``schema`` so that file stays about the send path;
``appliance.store`` imports this module, which registers the table on the same metadata
(migration 0010 creates it).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from .schema import _when


class MissedCall(SQLModel, table=True):
    """One incoming call nobody answered (the appliance never answers): one row a call, however
    many times it rang."""

    __tablename__ = "missed_call"

    id: int | None = Field(default=None, primary_key=True)
    caller: str | None = Field(default=None, max_length=32, index=True)  # None: withheld
    modem_imei: str | None = Field(default=None, max_length=20)
    sim_iccid: str | None = Field(default=None, max_length=22)
    rang_at: datetime | None = _when(nullable=False, index=True)
    hung_up: bool = False  # the modem ended it ([[modem]] hangup_calls); else it rang out
    handled: str | None = Field(default=None, max_length=16)  # the desk: "reply", "none"...
