"""The campaigns' bodies (``/campaigns``, ``/codes``): what the API reads and answers, as
pydantic models.

Only the shape is checked here (strict types, no unknown field, strings that can be stored);
what a value means is checked once, for the CLI, the API and the panel alike, by
``appliance.campaigning.operations`` (a template that does not compile, a send time in the
past, a window that ends before it starts), whose ``CampaignInputError`` the views answer as a
422 naming the field. The limits stated in the schemas are repeated there so that a client
can read them; the answers are the plain dicts of ``appliance.campaigning.results``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from appliance.campaigning.operations import NAME_MAX
from appliance.contacts.headers import FIELD_NAME_MAX
from appliance.store.campaign_schema import CampaignStatus

from .contact_schemas import Tag
from .schemas import Answer, Count, Encoding, Timestamp, _storable

TEXT_MAX = 5000  # a template; what it renders to is held to the appliance's max_parts
WORD_MAX, REPLY_MAX = 64, 480
PREVIEW_MAX, REPLIES_MAX = 100, 500


def _text(most: int, *, required: bool = True) -> AfterValidator:
    """A storable string of at most ``most`` characters (and, ``required``, not only spaces)."""

    def check(value: str) -> str:
        value = _storable(value)
        if len(value) > most:
            raise PydanticCustomError("too_long", f"is longer than {most} characters")
        if required and not value.strip():
            raise PydanticCustomError("empty", "is empty")
        return value

    return AfterValidator(check)


def _schema(**limits: object) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", **limits})


def _word(value: str) -> str:
    if "," in value:
        raise PydanticCustomError("comma", "holds a comma: give each word apart")
    return value


def _field_name(value: str) -> str:
    if "=" in value:
        raise PydanticCustomError("equals", "holds '=': a field's name cannot")
    return value


def _whole(value: object) -> object:
    """7.0 is the whole number 7 (JSON Schema says so; strict pydantic would not)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


WindowDays = Annotated[int, Field(ge=1, le=31), BeforeValidator(_whole)]
PreviewLimit = Annotated[int, Field(ge=1, le=PREVIEW_MAX), BeforeValidator(_whole)]
Days = Annotated[int, Field(ge=0, le=365), BeforeValidator(_whole)]
CampaignName = Annotated[str, _text(NAME_MAX), _schema(minLength=1, maxLength=NAME_MAX)]
Template = Annotated[str, _text(TEXT_MAX), _schema(minLength=1, maxLength=TEXT_MAX)]
Word = Annotated[
    str, _text(WORD_MAX), AfterValidator(_word), _schema(minLength=1, maxLength=WORD_MAX)
]
ConfirmTag = Annotated[str, _text(WORD_MAX), _schema(minLength=1, maxLength=WORD_MAX)]
Reply = Annotated[str, _text(REPLY_MAX), _schema(minLength=1, maxLength=REPLY_MAX)]
FieldName = Annotated[
    str,
    _text(FIELD_NAME_MAX),
    AfterValidator(_field_name),
    _schema(minLength=1, maxLength=FIELD_NAME_MAX),
]
FieldValue = Annotated[str, _text(NAME_MAX, required=False), _schema(maxLength=NAME_MAX)]
Moment = Annotated[str, _text(64), _schema(minLength=1, maxLength=64)]
Window = Annotated[str, _text(32), _schema(minLength=1, maxLength=32, examples=["18:00-20:00"])]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- what the API reads -------------------------------------------------------------------------


class ReplyRules(Body):
    """How replies are read: a reply made of one of the words (ignoring case and accents) is a
    confirmation or a decline; anything else is free text kept for a person to read."""

    confirm_words: list[Word] | None = Field(
        None, description="Default OUI, YES, 1.", json_schema_extra={"minItems": 1}
    )
    decline_words: list[Word] | None = Field(
        None, description="Default NON, NO, 2.", json_schema_extra={"minItems": 1}
    )
    confirm_tag: ConfirmTag | None = Field(
        None, description='The tag a confirmation puts on the contact (default "confirmed").'
    )
    confirm_reply: Reply | None = Field(
        None, description="Sent back automatically to a confirmation; one SMS at most."
    )
    decline_reply: Reply | None = Field(
        None, description="Sent back automatically to a decline; one SMS at most."
    )


class NewCampaign(Body):
    """A campaign to create, as a draft: nothing is sent before ``start``."""

    name: CampaignName = Field(description="Unique; names the campaign in paths.")
    text: Template = Field(
        description="The template: {first_name}, {last_name}, {fields.NAME}, {code} (a unique "
        "short code per person)... Dates come out in each contact's language.",
        examples=["Bonjour {first_name}, collecte samedi à {fields.ville}. Répondez OUI."],
    )
    tags: list[Tag] | None = Field(
        None, description="Contacts with ANY of these tags; none: every opted-in contact."
    )
    field: Annotated[dict[FieldName, FieldValue], Field(min_length=1, max_length=1)] | None = Field(
        None,
        description="Only contacts whose free field NAME holds exactly VALUE: {NAME: VALUE}.",
        examples=[{"ville": "Lyon"}],
    )
    kind: Literal["campaign", "reminder"] | None = Field(None, description="Default campaign.")
    send_at: Moment | None = Field(
        None,
        description="Not before: ISO 8601 (local time without an offset) or +10m, +2h, +1d.",
        examples=["2026-12-05T18:00", "+1d"],
    )
    window: Window | None = Field(
        None, description="Spread the sends inside this daily local window (HH:MM-HH:MM)."
    )
    window_days: WindowDays | None = Field(None, description="Over this many days (default 1).")
    replies: ReplyRules | None = None


class PreviewRequest(Body):
    """What to preview (the body may be left out: the campaign's own text, 5 contacts)."""

    text: Template | None = Field(None, description="Another wording to try (nothing saved).")
    limit: PreviewLimit | None = Field(
        None, description="How many contacts of the audience to render (default 5)."
    )


class TextChange(Body):
    """A new text for the campaign and every message of it still queued."""

    text: Template


class Correction(Body):
    """A correction, sent to exactly the people whose earlier message left."""

    text: Template = Field(examples=["Rectificatif : la collecte de samedi ouvre à 9h."])


class FollowUp(Body):
    """A follow-up: a new campaign, started at once, to the people who have not answered."""

    text: Template
    days: Days = Field(description="Only people whose message left at least this many days ago.")
    name: CampaignName | None = Field(None, description='Default: "<name> (relance)".')


# Path and query parameters (read in the views, described from these types).
CampaignKey = Annotated[str, Field(min_length=1)]
CodeKey = Annotated[str, Field(min_length=1)]
RepliesLimit = Annotated[int, Field(ge=1, le=REPLIES_MAX)]


# --- what the API answers -----------------------------------------------------------------------


class ReplySettings(Answer):
    confirm_words: list[str]
    decline_words: list[str]
    confirm_tag: str
    confirm_reply: str | None
    decline_reply: str | None


class Campaign(Answer):
    """A campaign's settings and state, as ``smsrelay campaign ... --json`` shows them."""

    id: int
    name: str
    kind: str
    status: CampaignStatus
    text: str
    tags: list[str] = Field(description="Tag keys (folded: no case, no accents).")
    field: dict[str, str | None] | None
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    send_at: Timestamp | None
    paused_at: Timestamp | None
    window: str | None
    window_days: int | None
    replies: ReplySettings
    follows: int | None = Field(description="The id of the campaign this one follows up.")
    events: bool = Field(description="Runs from an events file (invitations and reminders).")
    reminder_text: str | None
    correction_text: str | None
    date_field: str | None
    date_days: int | None
    date_at: str | None


class CampaignPage(Answer):
    campaigns: list[Campaign]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null on the last page."
    )


class PreviewText(Answer):
    contact: str = Field(description="Who, in words (name and number).")
    text: str
    encoding: Encoding
    parts: int
    units: int = Field(description="Septets (gsm7) or UTF-16 code units (ucs2).")
    warning: str | None = Field(description="Why it costs more than one plain SMS.")


class Preview(Answer):
    """The text as the first people of the audience will get it. ``problems`` (a value missing
    for someone) would skip those people at start: fix them first."""

    campaign: str
    audience: Count = Field(description="How many people the campaign targets now.")
    contacts: Count = Field(description="How many were rendered.")
    previews: list[PreviewText]
    warnings: list[str]
    problems: list[str]


Skipped = dict[str, int]


class Started(Answer):
    campaign: str
    status: CampaignStatus
    queued: Count = Field(description="Messages queued by this start.")
    skipped: Skipped = Field(description="People skipped by this start, by reason.")


class Paused(Answer):
    campaign: str
    status: CampaignStatus
    held: Count = Field(description="Queued messages now held.")


class Resumed(Answer):
    campaign: str
    status: CampaignStatus
    released: Count = Field(description="Held messages released.")


class Cancelled(Answer):
    campaign: str
    status: CampaignStatus
    cancelled: Count = Field(description="Queued messages cancelled (what left has left).")


class Edited(Answer):
    campaign: str
    status: CampaignStatus
    rewritten: Count = Field(description="Queued messages given the new text.")


class Corrected(Answer):
    campaign: str
    status: CampaignStatus
    queued: Count = Field(description="Corrections queued.")
    skipped: Skipped


class FollowedUp(Answer):
    campaign: Campaign = Field(description="The new campaign.")
    queued: Count
    skipped: Skipped


class FunnelStage(Answer):
    stage: Literal["targeted", "queued", "sent", "delivered", "replied", "confirmed"]
    count: Count


class Stats(Answer):
    """A campaign's counts, in people where people are meant (see the README)."""

    campaign: str
    status: CampaignStatus
    targeted: Count
    skipped: Skipped
    messages: dict[str, int] = Field(description="Messages by status, every status listed.")
    reached: Count = Field(description="People one of whose messages left.")
    replied: Count
    confirmed: Count
    declined: Count
    opted_out: Count = Field(description="Recipients who opted out since it started.")
    codes: Count
    redeemed: Count
    response_rate: float | None = Field(description="replied / reached; null before any left.")
    redemption_rate: float | None = Field(description="redeemed / codes; null without codes.")
    funnel: list[FunnelStage]


class HourCount(Answer):
    hour: Timestamp = Field(description="The local hour's start.")
    count: Count


class Activity(Answer):
    """Sends and replies per hour of the appliance's time zone, oldest first."""

    sent: list[HourCount]
    replies: list[HourCount]


class CampaignReply(Answer):
    id: int = Field(description="The received message's id.")
    number: str
    text: str
    received_at: Timestamp
    contact_id: int | None
    name: str | None
    answer: Literal["confirmed", "declined", "text"] | None


class ReplyList(Answer):
    replies: list[CampaignReply] = Field(description="Newest first.")


class Code(Answer):
    code: str
    campaign: str
    campaign_id: int
    number: str
    redeemed: bool
    redeemed_at: Timestamp | None


# --- an events file -------------------------------------------------------------------------------

EventsText = Annotated[str, Field(min_length=1, max_length=TEXT_MAX)]
EventsCampaign = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
EventDays = Annotated[int, Field(ge=0, le=365)]


class EventChanges(Answer):
    """The events' ids by what changed since the last import of the file."""

    added: list[str]
    moved: list[str]
    time_changed: list[str]
    edited: list[str]
    removed: list[str]
    unchanged: list[str]


class ScheduledStep(Answer):
    event: str
    place: str | None
    date: str = Field(description="The event's date, YYYY-MM-DD.")
    step: Literal["invitation", "reminder"]
    wall: str = Field(description="When it goes, local wall time (YYYY-MM-DD HH:MM).")
    due: Timestamp | None = Field(description="When it goes, UTC; null when skipped.")
    skipped: str | None = Field(description="Why this step is not sent (too late...).")
    note: str | None
    people: Count = Field(description="How many people it reaches now.")


class EventsReport(Answer):
    """What an import found and did (a dry run: what it would do), as ``smsrelay events import
    --json`` says it."""

    campaign: str
    created: bool = Field(description="The campaign was made by this import.")
    dry_run: bool
    events: Count
    errors: list[str] = Field(description="The bad rows, by line and column (skipped).")
    changes: EventChanges
    schedule: list[ScheduledStep]
    queued: Count
    skipped: Skipped
    cancelled: Count = Field(description="Pending messages of removed events, cancelled.")
    rewritten: Count = Field(description="Pending messages given a moved event's text and time.")
    corrected: Count = Field(description="Corrections queued to the people already told.")
