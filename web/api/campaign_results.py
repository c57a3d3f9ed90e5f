"""What a campaign did (issue 12): its statistics, its activity by hour, its replies, its
recipients as CSV; and the unique codes it gave (``{code}``), looked up and redeemed.

The bodies are ``appliance.campaigning.results``' views, the same the CLI's ``--json`` and the
panel show. A code is looked up as a person types it back (any case, spaces or dashes); one
that cannot be a code (too long) is simply not found.
"""

from __future__ import annotations

from flask import Response, jsonify

from appliance.campaigning import results
from web.services import services

from .campaign_schemas import REPLIES_MAX, Activity, CodeKey, RepliesLimit, ReplyList, Stats
from .campaign_schemas import Code as CodeAnswer
from .campaigns import CAMPAIGN, campaign_errors, campaign_or_404
from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import whole_number
from .schemas import Error

CSV = "text/csv"
CODE_MAX = 64  # a code is 8 characters; typed back with spaces or dashes, a few more
CODE = Parameter(
    "code", "path", "The code as the person gives it (any case; spaces or dashes ignored).", CodeKey
)


@operation(
    "GET",
    "/campaigns/<campaign>/stats",
    operation_id="campaignStats",
    summary="A campaign's statistics and funnel",
    description="People targeted, skipped by reason, messages by status, people reached, who "
    "replied, confirmed, declined or opted out since, codes given and redeemed, the response "
    "and redemption rates, and the funnel (targeted → queued → sent → delivered → replied → "
    "confirmed).",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "The statistics.", Stats),
    errors=(404,),
)
def campaign_stats(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    return jsonify(Stats.model_validate(results.stats(services().store, found)).body())


@operation(
    "GET",
    "/campaigns/<campaign>/activity",
    operation_id="campaignActivity",
    summary="A campaign's sends and replies per hour",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "Per local hour, oldest first.", Activity),
    errors=(404,),
)
def campaign_activity(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    data = results.activity(services().store, found, services().config.zone)
    return jsonify(Activity.model_validate(data).body())


@operation(
    "GET",
    "/campaigns/<campaign>/replies",
    operation_id="campaignReplies",
    summary="The messages received in answer to a campaign, newest first",
    description="Each with who sent it and how it was read: `confirmed`, `declined`, or "
    "`text` (free text, kept for a person to read).",
    parameters=(
        CAMPAIGN,
        Parameter("limit", "query", "How many (default 100).", RepliesLimit),
    ),
    answer=Answer(200, "The replies.", ReplyList),
    errors=(400, 404),
)
def campaign_replies(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    size = whole_number("limit", 100, 1, REPLIES_MAX)
    rows = results.replies(services().store, found, size)
    return jsonify(ReplyList.model_validate({"replies": rows}).body())


@operation(
    "GET",
    "/campaigns/<campaign>/export.csv",
    operation_id="exportCampaign",
    summary="A campaign's recipients as a CSV file",
    description="One row a person and step: "
    f"{', '.join(results.EXPORT_COLUMNS)}. UTF-8, `,`, streamed.",
    parameters=(CAMPAIGN,),
    answer=Answer(
        200,
        "The CSV file.",
        None,
        {"Content-Disposition": {"schema": {"type": "string"}, "required": True}},
        media_type=CSV,
    ),
    errors=(404,),
)
def export_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    lines = results.export_csv(services().store, found)
    return Response(
        lines,
        mimetype=CSV,
        headers={"Content-Disposition": f'attachment; filename="campaign-{found.id}.csv"'},
    )


def _code(raw: str) -> str:
    if len(raw) > CODE_MAX:
        refuse(404, "no such code")
    return raw


@operation(
    "GET",
    "/codes/<code>",
    operation_id="getCode",
    summary="Look up a campaign's unique code",
    parameters=(CODE,),
    answer=Answer(200, "The code: whose it is, and whether it was redeemed.", CodeAnswer),
    errors=(404,),
)
def get_code(code: str) -> Response:
    with campaign_errors():
        found = results.lookup_code(services().store, _code(code))
    return jsonify(CodeAnswer.model_validate(found).body())


@operation(
    "POST",
    "/codes/<code>/redeem",
    operation_id="redeemCode",
    summary="Mark a code redeemed",
    description="Once: a code redeemed already is a 409 saying when (a coupon is used once).",
    parameters=(CODE,),
    answer=Answer(200, "Redeemed now.", CodeAnswer),
    errors=(404, Answer(409, "Redeemed already; the error says when.", Error)),
)
def redeem_code(code: str) -> Response:
    with campaign_errors():
        found = results.redeem_code(services().store, _code(code), services().clock.now())
    return jsonify(CodeAnswer.model_validate(found).body())
