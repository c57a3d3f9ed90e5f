"""``/messages``: queue an SMS, list them, follow one (with its detail), cancel one."""

from __future__ import annotations

from flask import Response, g, jsonify, request, url_for

from appliance import message_detail, views
from appliance.numbers import InvalidRecipient, normalise
from appliance.outbox import BadRequest, QuotaExceeded, Refused, prepare, submit
from appliance.senders import token_rules
from appliance.store.schema import Status
from web.services import services

from .detail_schemas import MessageDetail
from .errors import refuse
from .operations import Answer, Parameter, operation
from .requests import (
    PAGE_PARAMETERS,
    cursor,
    keyset_page,
    limit,
    message_id_in_range,
    read_body,
)
from .schemas import (
    Id,
    Message,
    MessageCreated,
    MessagePage,
    NewMessage,
    RecipientFilter,
    StatusFilter,
)

MESSAGE_ID = Parameter(
    "message_id",
    "path",
    "The id returned when the message was queued. Unknown or out of range: 404.",
    Id,
)


def _message_or_404(message_id: int):
    message = services().store.get(message_id) if message_id_in_range(message_id) else None
    if message is None:
        refuse(404, f"no message {message_id}")
    return message


def _message(row) -> dict:
    return Message.model_validate(views.message(row)).body()


@operation(
    "POST",
    "/messages",
    operation_id="sendMessage",
    summary="Queue an SMS",
    description="Validates and queues the message; the appliance's daemon sends it as soon as a "
    "modem may (pacing, caps, quiet hours for campaigns). Follow it with GET on the Location.",
    body=NewMessage,
    answer=Answer(
        201,
        "Queued.",
        MessageCreated,
        {
            "Location": {
                "schema": {"type": "string"},
                "required": True,
                "description": "The message's URL.",
            }
        },
    ),
    errors=(400, 413, 415, 429),
)
def send_message() -> tuple[Response, int, dict[str, str]]:
    fields = read_body(NewMessage)
    config, store, now = services().config, services().store, services().clock.now()
    try:
        new = prepare(
            config,
            to=fields.to,
            text=fields.text,
            now=now,
            send_at=fields.send_at,
            priority=fields.priority or "normal",
            modem=fields.modem,
            source="api",
            strict=bool(fields.transactional),
            kind=fields.kind or "transactional",
        )
    except BadRequest as exc:
        refuse(422, exc.why, exc.field)
    except (OverflowError, ValueError):
        if not fields.send_at:
            raise
        refuse(422, "is too far from now", "send_at")
    try:
        message = submit(store, config, new, now, token_rules(config, g.api_token))
    except QuotaExceeded as exc:  # the token's quota of the day: nothing was queued
        refuse(429, exc.why, exc.field)
    except Refused as exc:  # the number opted out, or a country the token may not reach
        refuse(422, exc.why, exc.field)
    body = MessageCreated.model_validate(
        {
            "id": message.id,
            "status": message.status,
            "parts": message.parts,
            "encoding": message.encoding,
        }
    ).body()
    location = url_for("api.get_message", message_id=message.id)
    return jsonify(body), 201, {"Location": location}


@operation(
    "GET",
    "/messages",
    operation_id="listMessages",
    summary="Sent and queued messages, newest first",
    parameters=(
        Parameter("status", "query", "Only messages in this state.", StatusFilter),
        Parameter(
            "to",
            "query",
            "Only messages to this number (in any form `to` accepts); a leading + sent "
            "unencoded (which reads as a space) counts as +.",
            RecipientFilter,
        ),
        *PAGE_PARAMETERS,
    ),
    answer=Answer(200, "A page of messages.", MessagePage),
    errors=(400,),
)
def list_messages() -> Response:
    status = request.args.get("status")
    if status is not None and status not in {s.value for s in Status}:
        refuse(422, f"is not one of {', '.join(s.value for s in Status)}", "status")
    recipient = request.args.get("to")
    if recipient is not None:
        if recipient[:1] == " " and recipient[1:2].isdigit():
            recipient = "+" + recipient[1:]  # ?to=+336...: an unencoded "+" reads as a space
        try:
            recipient = normalise(recipient, services().config.region)
        except InvalidRecipient as exc:
            refuse(422, str(exc), "to")
    size = limit()
    rows = services().store.messages(
        status=status, recipient=recipient, limit=size + 1, before_id=cursor()
    )
    page = MessagePage.model_validate(keyset_page(rows, size, views.message))
    return jsonify(page.body())


@operation(
    "GET",
    "/messages/<api_id:message_id>",
    operation_id="getMessage",
    summary="One message, its outcome and everything about it",
    description="The message's fields as listed, and in detail: each part with its references "
    "(concatenation reference, TP-MR) and delivery reports, each attempt (modem, SIM, time, "
    "result with the +CMS code and reason), and the conversation around it.",
    parameters=(MESSAGE_ID,),
    answer=Answer(200, "The message.", MessageDetail),
    errors=(404,),
)
def get_message(message_id: int) -> Response:
    found = services().store.message_detail(message_id) if message_id_in_range(message_id) else None
    if found is None:
        refuse(404, f"no message {message_id}")
    body = {**views.message(found.message), "detail": message_detail.detail(found)}
    return jsonify(MessageDetail.model_validate(body).body())


@operation(
    "DELETE",
    "/messages/<api_id:message_id>",
    operation_id="cancelMessage",
    summary="Cancel a message that has not left",
    description="Only a queued message (or one whose outcome is unknown) can be cancelled; one "
    "that is sending or already left answers 409.",
    parameters=(MESSAGE_ID,),
    answer=Answer(200, "Cancelled; the message as it is now.", Message),
    errors=(404, 409),
)
def cancel_message(message_id: int) -> Response:
    _message_or_404(message_id)
    done, why = services().store.cancel(message_id, services().clock.now())
    if not done:
        refuse(409, why)
    return jsonify(_message(_message_or_404(message_id)))
