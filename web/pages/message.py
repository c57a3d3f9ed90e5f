"""A sent message's page (/messages/<id>): everything about it, as ``GET /api/v1/messages/{id}``
says it (``appliance.message_detail``): its parts with their references and delivery reports,
each attempt (modem, SIM, time, result), the reason in words, and the conversation around it.
Reached from the history, the queue and the conversation; for the same people as the history
(volunteers and admins)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from appliance import message_detail
from appliance.store.erasure import ERASED
from web.services import services

from .common import ID, page_group, role_required

bp = page_group("message", __name__)


@bp.route(f"/messages/<{ID}:message_id>")
@role_required("volunteer")
def show(message_id: int) -> Any:
    found = services().store.message_detail(message_id)
    if found is None:
        abort(404)
    return render_template(
        "message.html",
        m=found.message,
        d=message_detail.detail(found, when=lambda t: t),
        erased=found.message.recipient == ERASED,  # no number, no conversation
        here=request.full_path,
    )
