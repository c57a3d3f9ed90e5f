"""``/campaigns/{campaign}/...``: the moves on a campaign: start, pause, resume, cancel, send a
correction, follow up those who did not answer (issue 12).

Each is one ``appliance.campaigning.operations`` call (which also logs the ``campaign.*`` event
the webhooks deliver); a move that queues messages then wakes the daemon, as a send does, so
they leave within milliseconds rather than at its next look. A move the campaign's state does
not allow is a 409 saying why.
"""

from __future__ import annotations

from flask import Response, jsonify

from appliance.campaigning import operations
from appliance.outbox import wakeup_path
from appliance.wakeup import notify
from web.services import services

from .campaign_schemas import (
    Cancelled,
    Corrected,
    Correction,
    FollowedUp,
    FollowUp,
    Paused,
    Resumed,
    Started,
)
from .campaigns import (
    CAMPAIGN,
    LOCATION,
    STATE_ERROR,
    campaign_body,
    campaign_errors,
    campaign_or_404,
    campaign_url,
)
from .operations import Answer, operation
from .requests import read_body


def _wake() -> None:
    notify(wakeup_path(services().config))


def _moved(model, campaign: str, **counts: object) -> Response:
    """The campaign's name, its status as it is now, and what the move counted."""
    now = campaign_or_404(campaign)
    return jsonify(model.model_validate({"campaign": now.name, "status": now.status,
                                         **counts}).body())  # fmt: skip


@operation(
    "POST",
    "/campaigns/<campaign>/start",
    operation_id="startCampaign",
    summary="Start a campaign: queue a message for each person of its audience",
    description="At low priority (transactional sends go first), from its `send_at`, spread "
    "in its window if it has one, each person with a unique `{code}` when the text asks for "
    "one. People the cap per person holds, or whose text cannot be made, are skipped with the "
    "reason. Starting again queues only people new to the audience, never anyone twice; "
    "starting a paused campaign resumes it. Ended, or run from an events file: 409.",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "Started.", Started),
    errors=(404, STATE_ERROR),
)
def start_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    with campaign_errors():
        done = operations.start(services().store, services().config, found, services().clock.now())
    _wake()
    return _moved(Started, campaign, queued=done.queued, skipped=done.skipped or {})


@operation(
    "POST",
    "/campaigns/<campaign>/pause",
    operation_id="pauseCampaign",
    summary="Pause a running campaign: its queued messages wait",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "Paused.", Paused),
    errors=(404, STATE_ERROR),
)
def pause_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    with campaign_errors():
        held = operations.pause(services().store, found, services().clock.now())
    return _moved(Paused, campaign, held=held)


@operation(
    "POST",
    "/campaigns/<campaign>/resume",
    operation_id="resumeCampaign",
    summary="Resume a paused campaign",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "Running again.", Resumed),
    errors=(404, STATE_ERROR),
)
def resume_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    with campaign_errors():
        released = operations.resume(services().store, found, services().clock.now())
    _wake()
    return _moved(Resumed, campaign, released=released)


@operation(
    "POST",
    "/campaigns/<campaign>/cancel",
    operation_id="cancelCampaign",
    summary="Cancel a campaign and every message of it still queued",
    parameters=(CAMPAIGN,),
    answer=Answer(200, "Cancelled.", Cancelled),
    errors=(404, STATE_ERROR),
)
def cancel_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    with campaign_errors():
        cancelled = operations.cancel(services().store, found, services().clock.now())
    return _moved(Cancelled, campaign, cancelled=cancelled)


@operation(
    "POST",
    "/campaigns/<campaign>/corrections",
    operation_id="correctCampaign",
    summary="Send a correction to exactly the people already told",
    description="The text goes to the people one of whose messages of the campaign left, and "
    "to no one else: exempt from the cap per person (a fix is not a new solicitation), never "
    "from an opt-out. A campaign not started yet: 409 (edit its text instead).",
    parameters=(CAMPAIGN,),
    body=Correction,
    answer=Answer(200, "The correction is queued.", Corrected),
    errors=(400, 404, STATE_ERROR, 413, 415),
)
def correct_campaign(campaign: str) -> Response:
    found = campaign_or_404(campaign)
    text = read_body(Correction).text
    with campaign_errors():
        done = operations.correct(
            services().store, services().config, found, text, services().clock.now()
        )
    _wake()
    return _moved(Corrected, campaign, queued=done.queued, skipped=done.skipped or {})


@operation(
    "POST",
    "/campaigns/<campaign>/follow-ups",
    operation_id="followUpCampaign",
    summary="Follow up the people who have not answered",
    description="A new campaign, started at once, to the people of this one whose message left "
    "at least `days` days ago and who have not replied. Its name defaults to "
    '"<name> (relance)"; a name taken: 422 `name`.',
    parameters=(CAMPAIGN,),
    body=FollowUp,
    answer=Answer(
        201,
        "The follow-up campaign, started.",
        FollowedUp,
        LOCATION,
    ),
    errors=(400, 404, 413, 415),
)
def follow_up_campaign(campaign: str) -> tuple[Response, int, dict[str, str]]:
    found = campaign_or_404(campaign)
    asked = read_body(FollowUp)
    with campaign_errors():
        made, done = operations.follow_up(
            services().store, services().config, found, asked.text, services().clock.now(),
            days=asked.days, name=asked.name,
        )  # fmt: skip
    _wake()
    made = services().store.campaign(made.id) or made  # running now
    body = FollowedUp.model_validate({"campaign": campaign_body(made), "queued": done.queued,
                                      "skipped": done.skipped or {}}).body()  # fmt: skip
    return jsonify(body), 201, {"Location": campaign_url(made)}
