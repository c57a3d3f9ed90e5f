"""The contact base's bodies (``/contacts``): what the API reads and answers, as pydantic models.

Kept apart from ``schemas`` (the messages', modems' and inbox's) so each stays small; the same
rules hold: strict types and no unknown field on what is read (400 for a wrong type, 422 for a
bad value, naming the field: ``tags[1]``, ``opt_in.proof``), closed schemas on what is answered.

Free fields are typed as a CSV import types them (``appliance.contacts.cells``): a JSON number
is a number; a string that reads as a date (``2026-12-12``, ``12/12/2026``) is a date, one that
reads as a number (``12,5``; not ``01000``, whose zero matters) a number, and any other text.
They are answered the same way back: numbers as JSON numbers, dates as ``YYYY-MM-DD``, so what
a GET gives can be sent back unchanged. The phone number is checked by the view (it depends on
the appliance's region).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from appliance.contacts import cells
from appliance.contacts.cells import FieldValue
from appliance.contacts.headers import FIELD_NAME_MAX, NAME_MAX, TAG_MAX
from appliance.store.contacts import tag_key

from .schemas import Answer, Count, Timestamp, _storable

SOURCE_MAX, HOW_MAX, PROOF_MAX = 16, 32, 2000


def _text(most: int) -> Any:
    """A string of at most ``most`` characters once stripped, storable, returned stripped."""

    def check(value: str) -> str:
        value = _storable(value).strip()
        if len(value) > most:
            raise PydanticCustomError("too_long", f"is longer than {most} characters")
        return value

    return AfterValidator(check)


def _required(value: str) -> str:
    if not value:
        raise PydanticCustomError("empty", "is empty")
    return value


def _tag(value: str) -> str:
    if len(tag_key(value)) > TAG_MAX:  # "ß" folds to "ss": the key may outgrow the tag
        raise PydanticCustomError("too_long", f"is longer than {TAG_MAX} characters once folded")
    return value


def _language(value: str) -> str | None:
    try:
        return cells.language(value)
    except ValueError as exc:
        raise PydanticCustomError("language", str(exc)) from None


def _free_value(value: Any) -> FieldValue | None:
    """A free field's value typed (None: an empty string, which leaves the kept value)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError("field_value_type", "must be a string or a number")
    if isinstance(value, str):
        return cells.free_field(_storable(value))
    if not math.isfinite(value) or abs(value) > 1e300:
        raise PydanticCustomError("too_large", "is too large")
    return value


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


Name = Annotated[str, _text(NAME_MAX), WithJsonSchema({"type": "string", "maxLength": NAME_MAX})]
Tag = Annotated[
    str,
    _text(TAG_MAX),
    AfterValidator(_required),
    AfterValidator(_tag),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": TAG_MAX}),
]
FieldName = Annotated[
    str,
    _text(FIELD_NAME_MAX),
    AfterValidator(_required),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": FIELD_NAME_MAX}),
]
FreeValue = Annotated[
    Any, PlainValidator(_free_value), WithJsonSchema({"type": ["string", "number"]})
]
Language = Annotated[
    str,
    AfterValidator(_language),
    WithJsonSchema({"type": "string", "examples": ["fr", "en", "Français"]}),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- what the API reads -------------------------------------------------------------------------


class OptIn(Body):
    """How the person agreed to receive SMS. Required to create a contact: no consent, no
    contact."""

    source: Annotated[str, _text(SOURCE_MAX), AfterValidator(_required)] = Field(
        description="Where the consent was given: form, paper, website, ...",
        examples=["form"],
        json_schema_extra={"minLength": 1, "maxLength": SOURCE_MAX},
    )
    proof: Annotated[str, _text(PROOF_MAX), AfterValidator(_required)] = Field(
        description="What shows it: the form and its date, a signed sheet's reference, ...",
        examples=["signup form of 2026-12-01, ip 192.0.2.7"],
        json_schema_extra={"minLength": 1, "maxLength": PROOF_MAX},
    )


class ContactChange(Body):
    """A contact to create or update, merged with what is kept: a value given replaces the
    kept one, an absent, null or empty one leaves it; tags are added to the kept ones (take
    one off with DELETE .../tags/{tag}); free fields are merged by name."""

    number: str = Field(
        description="E.164 (+33612345678) or a national number of the appliance's region.",
        examples=["+33612345678"],
        json_schema_extra={"minLength": 1},
    )
    first_name: Name | None = None
    last_name: Name | None = None
    language: Language | None = Field(
        None, description="fr or en (also written as French, anglais, ...)."
    )
    tags: list[Tag] | None = None
    fields: dict[FieldName, FreeValue] | None = Field(
        None,
        description="Free fields by name: numbers, dates (YYYY-MM-DD or DD/MM/YYYY) or text.",
        examples=[{"area": "Nord", "joined": "2026-01-15", "points": 3}],
    )
    opt_in: OptIn | None = Field(
        None,
        description="Required for a new contact. Ignored for an existing one (its consent is "
        "kept as recorded), and refused (422) for a number that opted out: only the person "
        "can opt in again, by SMS with the join keyword.",
    )


class NewTag(Body):
    """A tag to put on a contact."""

    tag: Tag


class OptOut(Body):
    """How the opt-out reached you (the body may be left out: "api")."""

    how: Annotated[str, _text(HOW_MAX), AfterValidator(_required)] | None = Field(
        None,
        description='Kept with the opt-out; default "api".',
        examples=["phone call"],
        json_schema_extra={"minLength": 1, "maxLength": HOW_MAX},
    )


# Query and path parameters (read in web.api.contacts, described from these types).
ContactNumber = Annotated[str, Field(min_length=1)]
Search = Annotated[str, Field(min_length=1)]
TagFilter = Annotated[str, Field(min_length=1)]
Flag = Literal["true", "false"]
ColumnMapping = Annotated[str, Field(pattern="=")]
FileName = Annotated[str, Field(min_length=1, max_length=200)]


# --- what the API answers -----------------------------------------------------------------------


class Contact(Answer):
    id: int
    number: str
    first_name: str | None
    last_name: str | None
    language: str | None
    tags: list[str] = Field(description="As first written; matched ignoring case and accents.")
    fields: dict[str, str | int | float] = Field(
        description="Free fields: numbers, dates as YYYY-MM-DD, text."
    )
    consent: Literal["opted-in", "opted-out", "none"] = Field(
        description='"none": a number kept only for its opt-out (a STOP from a stranger).'
    )
    opted_in_at: Timestamp | None
    opt_in_source: str | None
    opt_in_proof: str | None
    opted_out_at: Timestamp | None
    opt_out_how: str | None
    created_at: Timestamp
    updated_at: Timestamp


class ContactPage(Answer):
    contacts: list[Contact]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null on the last page."
    )


class Erasure(Answer):
    """What was erased: the number and how many rows of each kind went with it."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    number: str


class RowProblem(Answer):
    line: int = Field(description="The file's line, the header being line 1.")
    column: str | None = Field(description="The column's header, or null for the whole row.")
    message: str
    text: str = Field(description="The whole problem in words, with its line and column.")


class PreviewRow(Answer):
    number: str
    first_name: str | None
    last_name: str | None
    language: str | None
    tags: list[str]
    fields: dict[str, str | int | float]


class ImportCounts(Answer):
    new: Count
    updated: Count
    unchanged: Count


class ImportReport(Answer):
    """What an import would do (the counts, the bad rows, a preview) and, unless it was a dry
    run, what it did (``imported``); as ``smsrelay contacts import --json`` says it."""

    file: str
    encoding: str | None = Field(description="The encoding found: utf-8, utf-8-sig, cp1252...")
    delimiter: str
    columns: dict[str, str | None] = Field(
        description="Each header and the field it fills (null: a free field)."
    )
    rows: Count
    empty_lines: Count
    duplicates_merged: Count
    invalid: Count
    new: Count = Field(description="Contacts the file would create (its good rows).")
    updated: Count
    unchanged: Count
    errors: list[RowProblem] = Field(
        description="The bad rows: in a partial import, the rows skipped."
    )
    preview: list[PreviewRow] = Field(description="The first contacts as they are stored.")
    imported: ImportCounts | None = Field(description="What was written: null on a dry run.")


class ImportRefusal(Answer):
    """An import refused: nothing was written; ``errors`` lists every bad row when that is why."""

    error: str = Field(description="What was wrong, in plain words.")
    field: Annotated[str | None, WithJsonSchema({"type": "string"})] = Field(
        None, description="The parameter to blame, if one is.", json_schema_extra=_no_default
    )
    errors: list[RowProblem] | None = Field(None, json_schema_extra=_no_default)
