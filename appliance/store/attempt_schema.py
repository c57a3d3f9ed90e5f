"""The table of send attempts (issue 16, message detail): each time a modem took a message.

``message`` keeps one modem, one SIM and a count of attempts: the last claim's. The event log
says ``message.sent`` or ``message.error`` with the modem, but not the SIM, not when the attempt
began, not the ``+CMS ERROR`` code apart from its words, and nothing when a message became
``unknown`` or was given back unsent. So one row per claim: written ``sending`` in the claim's
own transaction (before AT+CMGS, like the message's row), ended in the transaction that records
the outcome. The message's detail (panel and API) reads it.

Kept apart from ``schema`` so that file stays about the send path's main tables;
``appliance.store`` imports this module, which registers the table on the same metadata
(migration 0015 creates it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .schema import _when


class Outcome(StrEnum):
    """How an attempt ended."""

    SENDING = "sending"  # under way (or the daemon stopped during it: ``unknown`` once recovered)
    SENT = "sent"  # the network accepted every part (+CMGS answered for each)
    REFUSED = "refused"  # refused before the text left: a +CMS/+CME error, the SIM, the port
    UNKNOWN = "unknown"  # the PDU was written but no answer came: it may or may not have left
    RETURNED = "returned"  # handed back to the queue unsent (the modem was not ready)


class MessageAttempt(SQLModel, table=True):
    """One claim of a message by a modem, and its outcome."""

    __tablename__ = "message_attempt"
    __table_args__ = (Index("ix_message_attempt_message", "message_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int
    number: int  # 1 for the first attempt (``message.attempts`` once claimed)
    modem_imei: str = Field(max_length=20)
    sim_iccid: str | None = Field(default=None, max_length=22)
    node: str | None = Field(default=None, max_length=64)
    first_part: int = 1  # where it resumed: parts before it left in an earlier attempt
    started_at: datetime | None = _when(nullable=False)
    ended_at: datetime | None = _when()
    outcome: str = Field(default=Outcome.SENDING, max_length=16)
    cms_code: int | None = None  # the +CMS ERROR code of a refusal
    reason: str | None = None  # the refusal in words, as the message's reason says it
    # message references (TP-MR) the modem returned in +CMGS for the parts this attempt sent
    part_refs: str = ""
