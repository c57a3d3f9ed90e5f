"""``/campaigns``: list, create, read, preview and edit campaigns (issue 12).

Thin: every rule is ``appliance.campaigning``'s, shared with the CLI and the panel; a view reads
its body (shape only, ``campaign_schemas``), calls the operation and answers its view. The
operation's errors become the API's (:func:`campaign_errors`): ``CampaignInputError`` a 422
naming the body's field, ``CampaignNotFound`` a 404, ``CampaignStateError`` a 409 (starting a
cancelled campaign).

A campaign is named in a path by its name or its id (``find``: a name made of digits wins over
the id it reads as). The moves on a running campaign are in ``campaign_moves``, what it did in
``campaign_results``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from flask import Response, jsonify, url_for

from appliance.campaigning import operations
from appliance.campaigning.operations import (
    NAME_MAX,
    CampaignInputError,
    CampaignNotFound,
    CampaignStateError,
)
from appliance.campaigning.results import campaign_view
from appliance.store.campaign_schema import Campaign as CampaignRow
from appliance.store.schema import MAX_ID
from web.services import services

from .campaign_schemas import (
    Campaign,
    CampaignKey,
    CampaignPage,
    Edited,
    NewCampaign,
    Preview,
    PreviewRequest,
    TextChange,
)
from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import PAGE_PARAMETERS, cursor, keyset_page, limit, read_body
from .schemas import Error

CAMPAIGN = Parameter(
    "campaign",
    "path",
    "The campaign's name (percent-encoded as any path) or its id.",
    CampaignKey,
)
STATE_ERROR = Answer(409, "The campaign's state does not allow it (say, it was cancelled).", Error)

LOCATION = {"Location": {"schema": {"type": "string"}, "required": True, "description": "Its URL."}}
REPLY_KEYS = ("confirm_words", "decline_words", "confirm_tag", "confirm_reply", "decline_reply")
# The operations name the field at fault as the CLI's options do; the body's name for it:
_BODY_FIELDS = {"tag": "tags", **{key: f"replies.{key}" for key in REPLY_KEYS}}
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@contextlib.contextmanager
def campaign_errors(fields: dict[str, str] | None = None) -> Iterator[None]:
    """The campaign operations' refusals as the API's: 422 naming the body's field (``fields``
    renames the operation's), 404, 409."""
    try:
        yield
    except CampaignInputError as exc:
        named = {**_BODY_FIELDS, **(fields or {})}
        refuse(422, exc.why, named.get(exc.field, exc.field))
    except CampaignNotFound as exc:
        refuse(404, str(exc))
    except CampaignStateError as exc:
        refuse(409, str(exc))


def campaign_or_404(raw: str) -> CampaignRow:
    """The campaign a path names: by name, else by id. Digits that cannot be an id (a
    superscript, a number past the id columns) are only a name."""
    store = services().store
    found: CampaignRow | None = None
    if len(raw) <= NAME_MAX and not _UNSTORABLE.search(raw):
        if raw.isdigit() and not (raw.isascii() and 1 <= int(raw) <= MAX_ID):
            found = store.campaign(raw)
        else:
            with contextlib.suppress(CampaignNotFound):
                found = operations.find(store, raw)
    if found is None:
        refuse(404, f"no campaign named {raw[:NAME_MAX]!r}")
    return found


def campaign_url(campaign: CampaignRow) -> str:
    """The campaign's URL: by name, unless the name holds a "/" (then by id)."""
    key = campaign.id if "/" in campaign.name else campaign.name
    return url_for("api.get_campaign", campaign=key)


def campaign_body(campaign: CampaignRow) -> dict:
    return Campaign.model_validate(campaign_view(campaign)).body()


@operation(
    "GET",
    "/campaigns",
    operation_id="listCampaigns",
    summary="Campaigns, newest first",
    parameters=PAGE_PARAMETERS,
    answer=Answer(200, "A page of campaigns.", CampaignPage),
    errors=(400,),
)
def list_campaigns() -> Response:
    size, after = limit(), cursor()
    rows = [c for c in services().store.campaigns() if after is None or c.id < after]
    page = keyset_page(rows[: size + 1], size, campaign_body, key="campaigns")
    return jsonify(CampaignPage.model_validate(page).body())


@operation(
    "POST",
    "/campaigns",
    operation_id="createCampaign",
    summary="Create a campaign (a draft)",
    description="Nothing is sent before `POST .../start`. The audience is the opted-in "
    "contacts with any of `tags` (all of them without tags), and with `field`; who opted out "
    "is never in it. A template that does not compile (named by line and column), a send time "
    "in the past, a bad window or a name taken: 422 naming the field.",
    body=NewCampaign,
    answer=Answer(
        201,
        "Created; the campaign.",
        Campaign,
        LOCATION,
    ),
    errors=(400, 413, 415),
)
def create_campaign() -> tuple[Response, int, dict[str, str]]:
    new = read_body(NewCampaign)
    replies = new.replies.model_dump(exclude_none=True) if new.replies else {}
    for key in ("confirm_words", "decline_words"):
        if key in replies:
            replies[key] = ",".join(replies[key])
    field = None
    if new.field:
        ((name, value),) = new.field.items()
        field = f"{name}={value}"
    with campaign_errors():
        made = operations.create(
            services().store, services().config, services().clock.now(), name=new.name,
            text=new.text, tags=tuple(new.tags or ()), field=field,
            kind=new.kind or "campaign", send_at=new.send_at, window=new.window,
            window_days=new.window_days or 1, replies=replies,
        )  # fmt: skip
    return jsonify(campaign_body(made)), 201, {"Location": campaign_url(made)}


@operation(
    "GET",
    "/campaigns/<campaign>",
    operation_id="getCampaign",
    summary="One campaign: its settings and state",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "The campaign.", Campaign),
    errors=(404,),
)
def get_campaign(campaign: str) -> Response:
    return jsonify(campaign_body(campaign_or_404(campaign)))


@operation(
    "PATCH",
    "/campaigns/<campaign>",
    operation_id="editCampaign",
    summary="Give a campaign a new text",
    description="The new text replaces the campaign's and that of every message of it still "
    "queued (what left has left). If it cannot be made for one of them (a missing value), "
    "nothing changes: 422 naming the person. An ended campaign, or one run from an events "
    "file (import the file again with the new texts): 409.",
    parameters=(CAMPAIGN,),
    body=TextChange,
    answer=Answer(200, "Edited.", Edited),
    errors=(400, 404, STATE_ERROR, 413, 415),
)
def edit_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    text = read_body(TextChange).text
    with campaign_errors():
        rewritten = operations.edit(
            services().store, services().config, found, text, services().clock.now()
        )
    return jsonify(
        Edited.model_validate(
            {"campaign": found.name, "status": found.status, "rewritten": rewritten}
        ).body()
    )


@operation(
    "POST",
    "/campaigns/<campaign>/preview",
    operation_id="previewCampaign",
    summary="Render a campaign's text for the first people of its audience",
    description="Each text as it will be sent, with its encoding and parts (the modem driver's "
    "own count); `warnings` name the costly ones (over one part, or UCS-2 because of one "
    "character), `problems` those a value is missing for (they would be skipped at start). "
    "`text` previews another wording without saving it. The body may be left out.",
    parameters=(CAMPAIGN,),
    body=PreviewRequest,
    body_required=False,
    answer=Answer(200, "The preview.", Preview),
    errors=(400, 404, 413, 415),
)
def preview_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    asked = read_body(PreviewRequest, optional=True)
    with campaign_errors():
        data = operations.preview(services().store, found, text=asked.text, limit=asked.limit or 5)
    return jsonify(Preview.model_validate(data).body())
