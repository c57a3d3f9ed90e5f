"""``/contacts``: the organisation's contact base, one contact at a time: list and search, read,
create or update (never without consent), tag and untag, record an opt-out, erase.

Whole files (import, export) are in ``contact_files``. A contact is named in a path by its
phone number, as E.164 (``+`` is a plus in a path; ``%2B`` works too) or in the national form of
the appliance's region; it is normalised (``appliance.numbers``) before it is looked up, and
one that cannot be a person's number is refused (422, ``number``) rather than not found.

Writes log ``contact.created`` and ``contact.updated`` events (in the store's transaction) that
the webhooks read; an opt-out is logged by the store as ``contact.opted_out``.
"""

from __future__ import annotations

import dataclasses

from flask import Response, jsonify, url_for

from appliance import views
from appliance.numbers import InvalidRecipient, normalise
from appliance.store import ErasureRefused
from appliance.store.contacts import ContactRecord, ContactValues
from web.services import services

from .contact_schemas import (
    Contact,
    ContactChange,
    ContactNumber,
    ContactPage,
    Erasure,
    NewTag,
    OptOut,
    Search,
    TagFilter,
)
from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import PAGE_PARAMETERS, cursor, keyset_page, limit, read_body, text

NUMBER = Parameter(
    "number",
    "path",
    "The contact's number: E.164 (+33612345678; a + in a path is a +, %2B also works) or a "
    "national number of the appliance's region (0612345678). Not a phone number: 422.",
    ContactNumber,
)
VIA_API = "api"


def contact_number(raw: str, field: str = "number") -> str:
    """``raw`` in E.164, or a 422 naming ``field``: a contact is a person, so a short code is
    not one either."""
    region = services().config.region
    try:
        number = normalise(raw, region)
    except InvalidRecipient as exc:
        refuse(422, f"{raw.strip()!r} is not a phone number for {region}: {exc.why}", field)
    if not number.startswith("+"):
        refuse(422, f"{raw.strip()!r} is a short code, not a person's number", field)
    return number


def contact_body(record: ContactRecord) -> dict:
    """The contact as ``smsrelay contacts show --json`` shows it (``appliance.views``)."""
    return Contact.model_validate(views.contact(record)).body()


def _contact_or_404(number: str) -> ContactRecord:
    record = services().store.contact(number)
    if record is None:
        refuse(404, f"no contact {number}")
    return record


@operation(
    "GET",
    "/contacts",
    operation_id="listContacts",
    summary="Contacts, oldest first, found by name, number or tag",
    parameters=(
        Parameter(
            "search", "query", "Text in the first name, last name or number (any case).", Search
        ),
        Parameter("tag", "query", "Only contacts with this tag (any case or accents).", TagFilter),
        *PAGE_PARAMETERS,
    ),
    answer=Answer(200, "A page of contacts.", ContactPage),
    errors=(400,),
)
def list_contacts() -> Response:
    size = limit()
    rows = services().store.find_contacts(
        text("search"), text("tag"), limit=size + 1, cursor=cursor()
    )
    page = keyset_page(rows, size, contact_body, key="contacts")
    return jsonify(ContactPage.model_validate(page).body())


@operation(
    "GET",
    "/contacts/<contact_number:number>",
    operation_id="getContact",
    summary="One contact: names, language, tags, free fields and consent",
    parameters=(NUMBER,),
    answer=Answer(200, "The contact.", Contact),
    errors=(404,),
)
def get_contact(number: str) -> Response:
    return jsonify(contact_body(_contact_or_404(contact_number(number))))


_SAVE = {
    "description": "Creates the contact of `number`, opted in on the consent given "
    "(`opt_in`, required for a new contact: no consent, no contact), or updates it: "
    "values given replace the kept ones, tags and free fields are added. A number that "
    "opted out is never opted in again this way (422, `opt_in`).",
    "body": ContactChange,
    "answer": Answer(200, "Updated (or already so); the contact as it is now.", Contact),
    "also": (
        Answer(
            201,
            "Created; the contact.",
            Contact,
            {
                "Location": {
                    "schema": {"type": "string"},
                    "required": True,
                    "description": "The contact's URL.",
                }
            },
        ),
    ),
    "errors": (400, 413, 415),
}


def _save() -> tuple[Response, int, dict[str, str]]:
    change = read_body(ContactChange)
    number = contact_number(change.number)
    values = ContactValues(
        number=number,
        first_name=change.first_name or None,
        last_name=change.last_name or None,
        language=change.language,
        tags=tuple(change.tags or ()),
        fields={k: v for k, v in (change.fields or {}).items() if v is not None},
    )
    consent = (change.opt_in.source, change.opt_in.proof) if change.opt_in else None
    store = services().store
    outcome = store.save_contact(
        values, now=services().clock.now(), consent=consent, detail=VIA_API
    )
    if outcome == "no-consent":
        refuse(422, "is required for a new contact: no consent, no contact", "opt_in")
    if outcome == "opted-out":
        refuse(
            422,
            "this number opted out: only the person can opt in again, by SMS with the join keyword",
            "opt_in",
        )
    body = contact_body(_contact_or_404(number))
    if outcome == "created":
        return jsonify(body), 201, {"Location": url_for("api.get_contact", number=number)}
    return jsonify(body), 200, {}


@operation("POST", "/contacts", operation_id="saveContact", summary="Create or update a contact",
           **_SAVE)  # fmt: skip
def save_contact() -> tuple[Response, int, dict[str, str]]:
    return _save()


@operation("PUT", "/contacts", operation_id="putContact",
           summary="Create or update a contact (as POST)", **_SAVE)  # fmt: skip
def put_contact() -> tuple[Response, int, dict[str, str]]:
    return _save()


@operation(
    "POST",
    "/contacts/<contact_number:number>/tags",
    operation_id="tagContact",
    summary="Put a tag on a contact",
    parameters=(NUMBER,),
    body=NewTag,
    answer=Answer(200, "The contact as it is now.", Contact),
    errors=(400, 404, 413, 415),
)
def tag_contact(number: str) -> Response:
    number = contact_number(number)
    tag = read_body(NewTag).tag
    values = ContactValues(number=number, tags=(tag,))
    outcome = services().store.save_contact(
        values, now=services().clock.now(), consent=None, detail=VIA_API
    )
    if outcome == "no-consent":
        refuse(404, f"no contact {number}")
    return jsonify(contact_body(_contact_or_404(number)))


@operation(
    "DELETE",
    "/contacts/<contact_number:number>/tags/<path:tag>",
    operation_id="untagContact",
    summary="Take a tag off a contact",
    description="The tag is matched ignoring case and accents. A contact without it, or no "
    "contact at all: 404.",
    parameters=(
        NUMBER,
        Parameter("tag", "path", "The tag (percent-encoded as any path).", TagFilter),
    ),
    answer=Answer(200, "The contact as it is now.", Contact),
    errors=(404,),
)
def untag_contact(number: str, tag: str) -> Response:
    number = contact_number(number)
    store = services().store
    removed = store.remove_tag(number, tag, now=services().clock.now(), detail=VIA_API)
    if removed is None:
        refuse(404, f"no contact {number}")
    if not removed:
        refuse(404, f"the contact {number} has no tag {tag!r}", "tag")
    return jsonify(contact_body(_contact_or_404(number)))


@operation(
    "POST",
    "/contacts/<contact_number:number>/opt-out",
    operation_id="optOutContact",
    summary="Record that a number opted out",
    description="From now on nothing is sent to the number, from any path. A number that is "
    "not a contact is kept as a bare opted-out one, so that no later import opts it in. "
    "Recording it again keeps the first opt-out. The body may be left out.",
    parameters=(NUMBER,),
    body=OptOut,
    body_required=False,
    answer=Answer(200, "The contact as it is now.", Contact),
    errors=(400, 413, 415),
)
def opt_out_contact(number: str) -> Response:
    number = contact_number(number)
    how = read_body(OptOut, optional=True).how or VIA_API
    services().store.opt_out(number, now=services().clock.now(), how=how)
    return jsonify(contact_body(_contact_or_404(number)))


@operation(
    "DELETE",
    "/contacts/<contact_number:number>",
    operation_id="eraseContact",
    summary="Erase a contact (the right to be forgotten)",
    description="Deletes the contact with its tags and free fields, and forgets its opt-out "
    "too; the answer says what was erased.",
    parameters=(NUMBER,),
    answer=Answer(200, "What was erased.", Erasure),
    errors=(404, 409),
)
def erase_contact(number: str) -> Response:
    number = contact_number(number)
    try:
        report = services().store.erase_contact(number)
    except ErasureRefused as exc:  # a message to it is on the air: nothing was erased
        refuse(409, str(exc))
    if report is None:
        refuse(404, f"no contact {number}")
    return jsonify(Erasure.model_validate(dataclasses.asdict(report)).body())
