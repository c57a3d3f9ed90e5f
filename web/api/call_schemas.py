"""The bodies of the calls and credit operations (issue 13), as pydantic models (see
``schemas`` for the conventions)."""

from __future__ import annotations

from pydantic import Field

from .schemas import Answer, Id, Timestamp


class MissedCall(Answer):
    """A call to a modem's number: the appliance answers none."""

    id: Id
    sender: str | None = Field(alias="from", description="The caller; null when withheld.")
    modem: str | None = Field(description="IMEI of the modem it rang on.")
    sim: str | None = Field(description="ICCID of the SIM it rang on.")
    rang_at: Timestamp = Field(description="When it started ringing.")
    hung_up: bool = Field(description="The modem ended it (hangup_calls); else it rang out.")
    handled: str | None = Field(
        description="What the consent desk did: reply (answered by SMS, [calls] reply), "
        "no-reply (the rules held the answer back), none; null while it has not looked."
    )


class CallPage(Answer):
    calls: list[MissedCall]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null on the last page."
    )


class CreditAsked(Answer):
    """A credit query asked for: the daemon that drives the modem runs it between two sends,
    and GET /modems shows the answer in the modem's credit."""

    imei: str
    iccid: str
    asked_at: Timestamp
