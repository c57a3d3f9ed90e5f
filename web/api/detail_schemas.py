"""The ``detail`` of ``GET /api/v1/messages/{id}`` (issue 16): parts and their references,
attempts, delivery reports, the conversation. Built by ``appliance.message_detail.detail``;
kept apart from ``schemas`` so that file stays about the API's common bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from appliance.store.attempt_schema import Outcome

from .schemas import Answer, Count, Id, Message, Parts, Timestamp

Reference = Annotated[int, Field(ge=0, le=255)]


class ModemNamed(Answer):
    """A modem as the detail names it."""

    imei: str
    name: str | None = Field(description='The name a volunteer gave it ("Orange 1"), if any.')
    model: str | None = Field(description="Its manufacturer and model, as it reported them.")


class PartReport(Answer):
    """A delivery report (SMS-STATUS-REPORT) the network sent about a part."""

    status: Annotated[int, Field(ge=0, le=255)] = Field(
        description="TP-Status (3GPP TS 23.040 9.2.3.15): 0-31 done, 32-63 still trying, "
        "64 and above failed."
    )
    state: Literal["delivered", "pending", "failed"]
    reason: str | None = Field(description="The status in words.")
    discharged_at: Timestamp | None = Field(description="When the network delivered or gave up.")
    received_at: Timestamp = Field(description="When the report reached the appliance.")


class Part(Answer):
    """One part (SMS) of the message."""

    number: Parts = Field(description="Its place in the concatenated message, from 1.")
    reference: Reference | None = Field(
        description="The message reference (TP-MR) the modem returned in +CMGS; null until it left."
    )
    attempt: Annotated[int, Field(ge=1)] | None = Field(
        description="The attempt that sent it; null when none recorded it (not sent yet, or "
        "sent before the appliance kept attempts)."
    )
    reports: list[PartReport] = Field(description="Its delivery reports, as received.")


class Attempt(Answer):
    """One time a modem took the message."""

    number: Annotated[int, Field(ge=1)]
    modem: ModemNamed
    sim: str | None = Field(description="The SIM's ICCID.")
    node: str | None = Field(description="The appliance that sent it (several share a database).")
    started_at: Timestamp
    ended_at: Timestamp | None
    result: Outcome = Field(
        description="sent: every part accepted; refused: an error before the text left "
        "(cms_code and reason say which); unknown: it may or may not have left; returned: "
        "given back unsent (the modem was not ready); sending: under way."
    )
    cms_code: int | None = Field(description="The +CMS ERROR code of a refusal.")
    reason: str | None = Field(description="The refusal in plain words.")
    first_part: Parts = Field(description="The part it began with (earlier ones had left).")
    references: list[Reference] = Field(description="TP-MR of the parts it sent, in order.")


class ConversationMessage(Answer):
    """A message to or from the number."""

    direction: Literal["sent", "received"]
    id: Id = Field(description="A sent one's is the id of GET /messages/{id}; a received one's "
                   "is the inbox's.")  # fmt: skip
    at: Timestamp = Field(description="When it was queued (sent) or received.")
    text: str
    status: str
    parts: Parts
    current: bool = Field(description="True for the message this detail is about.")


class Conversation(Answer):
    """The messages just before and after this one, to and from its number, oldest first."""

    number: str
    more_earlier: bool = Field(description="Older messages exist beyond these.")
    more_later: bool = Field(description="Newer messages exist beyond these.")
    messages: list[ConversationMessage]


class Detail(Answer):
    """Everything else known about the message."""

    source: str = Field(description="Where it came from: cli, api, panel, campaign...")
    kind: str = Field(description="What it is for: transactional, campaign, reminder...")
    campaign_id: int | None
    modem: ModemNamed | None = Field(description="The modem of the last attempt.")
    sim: str | None = Field(description="The ICCID of the last attempt's SIM.")
    concat_ref: Reference | None = Field(
        description="The concatenation reference in every part's header; null for one part."
    )
    parts_sent: Count
    parts: list[Part]
    attempts: list[Attempt] = Field(description="Oldest first.")
    finished_at: Timestamp | None
    conversation: Conversation


class MessageDetail(Message):
    """A message, its outcome and, in ``detail``, everything about it."""

    detail: Detail
