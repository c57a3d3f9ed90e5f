"""``/inbox``: the messages the modems received, newest first."""

from __future__ import annotations

from flask import Response, jsonify

from appliance import views
from web.services import services

from .operations import Answer, operation
from .requests import PAGE_PARAMETERS, cursor, keyset_page, limit
from .schemas import InboundPage


@operation(
    "GET",
    "/inbox",
    operation_id="listInbox",
    summary="Received messages, newest first",
    parameters=PAGE_PARAMETERS,
    answer=Answer(200, "A page of received messages.", InboundPage),
    errors=(400,),
)
def inbox() -> Response:
    size = limit()
    rows = services().store.inbox(limit=size + 1, before_id=cursor())
    return jsonify(InboundPage.model_validate(keyset_page(rows, size, views.inbound)).body())
