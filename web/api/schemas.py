"""The API's bodies as pydantic models: what it reads, what it answers, and their JSON Schemas.

The OpenAPI document takes its schemas from these models (``web.api.openapi``), the request body
is validated by :class:`NewMessage`, and every answer is built through its model, so what the
document says is what the server does.

Some constraints are stated here but checked elsewhere, with words of their own: that ``to`` and
``text`` are not empty, that ``priority`` is one of its values, whether a number can receive an
SMS (numbering plans), whether a text fits ``max_parts`` SMS parts, whether a send time is past.
``appliance.outbox.prepare`` checks them (422 naming the field); JSON Schema cannot say the last
three at all. Those are given to the schema only (``json_schema_extra``, ``WithJsonSchema``).

Times are strings written by ``appliance.views`` (``isoformat()``, ``+00:00``), described as
``date-time``: a ``datetime`` field would write them ``Z`` instead.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from appliance.states import ModemState
from appliance.store.schema import MAX_ID, MessageKind, Priority, Status

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
IMEI = "[0-9]{14,16}"
CURSOR = "[0-9]{1,10}"

# U+0000 and lone surrogates: valid in a JSON string, but PostgreSQL cannot store the first and no
# encoder can write the second, so such a text would fail deep in the store instead of here.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_IMEI = re.compile(IMEI)


class Schemas(GenerateJsonSchema):
    """Pydantic's JSON Schema without a title on every property (the names say it), nor the
    docstrings of the appliance's enums."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def enum_schema(self, schema: Any) -> dict[str, Any]:
        described = super().enum_schema(schema)
        described.pop("description", None)  # an enum's docstring speaks to the code, not users
        return described


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0)]
Parts = Annotated[int, Field(ge=1)]
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Encoding = Literal["gsm7", "ucs2"]


# --- what the API reads -------------------------------------------------------------------------


def _storable(text: str) -> str:
    found = _UNSTORABLE.search(text)
    if found:
        what = "U+0000 (NUL)" if found[0] == "\x00" else f"a lone surrogate U+{ord(found[0]):04X}"
        raise PydanticCustomError(
            "unstorable",
            "contains {what} at character {at}, which cannot be stored nor sent",
            {"what": what, "at": found.start() + 1},
        )
    return text


def _imei(value: str) -> str:
    if not _IMEI.fullmatch(value):
        raise PydanticCustomError("imei", "is not an IMEI (15 digits)")
    return value


# Strict types (a number is not a string) and no unknown field; ``web.api.requests`` turns a
# ValidationError into the API's answer for the first fault: an unknown field, a missing one (422),
# a wrong type (400), then a value (422). The docstrings of the models are their descriptions in
# the document: they speak to the API's users.
class NewMessage(BaseModel):
    """An SMS to queue."""

    model_config = ConfigDict(extra="forbid", strict=True)

    to: str = Field(
        description="The recipient: E.164 (+33612345678), 00 then the country code, a national "
        "number of the appliance's region, or a short code.",
        examples=["+33612345678"],
        json_schema_extra={"minLength": 1},
    )
    text: Annotated[str, AfterValidator(_storable)] = Field(
        description="The text; long ones go as a concatenated SMS (at most the appliance's "
        "max_parts parts). U+0000 and lone surrogates are refused.",
        json_schema_extra={"minLength": 1},
    )
    send_at: str | None = Field(
        None,
        description="Not before: ISO 8601 (with an offset, or local time), or a delay such as "
        "+10m, +2h, +1d. Absent or null: now.",
        examples=["2026-12-01T08:00:00+01:00", "+2h"],
    )
    priority: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "enum": [*(p.value for p in Priority), None]}),
    ] = Field(None, description="Queue order; high also ignores quiet hours. Default: normal.")
    modem: Annotated[str, AfterValidator(_imei)] | None = Field(
        None,
        description="Send through this modem only (its IMEI).",
        json_schema_extra={"pattern": f"^{IMEI}$"},
    )
    kind: Annotated[
        str | None,
        WithJsonSchema(
            {"type": ["string", "null"], "enum": [*(k.value for k in MessageKind), None]}
        ),
    ] = Field(
        None,
        description="What it is for. Default transactional (a one-off: any number, never "
        "counted in the cap per person). campaign and reminder go only to opted-in contacts "
        "(else 422) and, with reply, count in the cap per person ([contacts] cap_messages in "
        "cap_period): over it the message is queued held, its reason saying when it may go. "
        "Quiet hours hold campaign and reminder.",
    )
    transactional: bool | None = Field(
        None,
        description="Strictly transactional (a one-time code, an appointment's confirmation): "
        "it may still go to a number that opted out if the appliance's config allows it "
        "([contacts] transactional_after_stop); otherwise such a number is refused with 422.",
    )


# Query and path parameters (read in web.api.requests, described from these types).
StatusFilter = Status
RecipientFilter = Annotated[str, Field(min_length=1)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str, Field(pattern=f"^{CURSOR}$")]


# --- what the API answers -----------------------------------------------------------------------


class Answer(BaseModel):
    """A response body: its schema is closed (``additionalProperties: false``) and only the
    fields declared here go out, whatever else the dict it is built from holds."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class Error(Answer):
    error: str = Field(description="What was wrong, in plain words.")
    field: Annotated[str | None, WithJsonSchema({"type": "string"})] = Field(
        None,
        description="The field or parameter to blame, if one is.",
        json_schema_extra=_no_default,
    )


class MessageCreated(Answer):
    id: Id
    status: Status
    parts: Parts
    encoding: Encoding


class Message(Answer):
    id: Id
    to: str
    text: str
    status: Status
    parts: Parts
    encoding: Encoding
    priority: Priority
    modem: str | None = Field(description="IMEI of the modem that took it.")
    attempts: Count
    created_at: Timestamp
    send_at: Timestamp = Field(description="Not before this time.")
    sent_at: Timestamp | None
    delivered_at: Timestamp | None
    reason: str | None = Field(description="Why it failed or waits.")


class MessagePage(Answer):
    messages: list[Message]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null on the last page."
    )


class Inbound(Answer):
    id: Id
    sender: str = Field(alias="from")
    text: str
    status: str
    parts: Parts
    modem: str | None
    created_at: Timestamp = Field(description="When the appliance received it.")
    sent_at: Timestamp | None = Field(description="The SMSC's time stamp.")
    reason: None


class InboundPage(Answer):
    messages: list[Inbound]
    next_cursor: str | None


class SimCredit(Answer):
    """The SIM's credit as its last USSD balance query found it ([[modem]] credit_code)."""

    amount: float | None = Field(description="The amount read in the answer; null if none was.")
    currency: str | None = Field(
        description="ISO 4217 where the answer makes it sure (EUR), else as written (FCFA, $)."
    )
    answer: str | None = Field(description="The network's answer, as it came.")
    checked_at: Timestamp | None = Field(description="When it was answered.")
    low: bool = Field(description="Below the modem's credit_low (the sim.low_credit webhook).")
    error: str | None = Field(description="Why the last query gave no answer, if it did not.")
    asked_at: Timestamp | None = Field(description="A query asked for and not yet answered.")


class Modem(Answer):
    imei: str
    name: str | None = Field(default=None, description='What volunteers call it ("Clé 1").')
    iccid: str | None
    sim_name: str | None = Field(default=None, description='The SIM\'s name ("Orange 1").')
    sim_number: str | None = Field(
        default=None, description="The SIM's own number: read from the SIM, else typed in."
    )
    sim_number_from: str | None = Field(
        default=None, description='"sim" (AT+CNUM), "typed" (by an admin), or null.'
    )
    port: str | None
    state: ModemState
    reason: str | None = Field(description="Why it is not ready, in words.")
    why: str | None = Field(
        default=None,
        description=(
            "Why it does not send now, as the panel and `smsrelay status` say it "
            "(appliance.status), or null when it can send."
        ),
    )
    signal_dbm: int | None
    bars: Count
    sim: str | None
    registration: str | None
    operator: str | None
    sent_today: Count
    daily_limit: int | None
    last_error: str | None
    receives: bool = Field(
        description=(
            "False for a send-only modem (a phone that refuses every AT+CNMI and AT+CPMS): "
            "nothing it receives reaches the inbox."
        ),
    )
    capability: str | None = Field(
        default=None,
        description=(
            "What it cannot do even when it sends, as the panel and `smsrelay status` say it: "
            '"can send; cannot report received SMS" for a send-only modem; null otherwise.'
        ),
    )
    node: str
    seen_at: Timestamp | None
    credit: SimCredit | None = Field(
        default=None, description="The SIM's credit; null until it was first asked for."
    )


class ModemList(Answer):
    modems: list[Modem]


class ModemNames(BaseModel):
    """New names for a modem and its SIM; a field left out stays as it is, "" or null removes."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str | None = Field(None, description='The modem\'s name ("Clé 1"), at most 64.')
    sim_name: str | None = Field(None, description='Its SIM\'s name ("Orange 1"), at most 64.')
    sim_number: str | None = Field(
        None, description="The SIM's number, for a SIM that does not store its own."
    )
