"""A number's conversation (/conversation/<number>): everything sent to it, received from it and
its consent as one timeline, with the contact's fields at the top (the store's
``Conversation.conversation``). Reached from the history, the inbox and the contact pages; a
number that is not a contact has its conversation too (a script's sends, a stranger's SMS)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from appliance.store.conversation import Cursor, Kind
from web.services import services

from .common import page_group, role_required
from .contacts import NUMBER

bp = page_group("conversation", __name__)

PAGE_SIZE = 100


@bp.route(f"/conversation/<{NUMBER}:number>")
@role_required("volunteer")
def show(number: str) -> Any:
    before = None
    if "before" in request.args:
        before = Cursor.parse(request.args["before"])
        if before is None:
            abort(404)
    store = services().store
    timeline = store.conversation(number, before=before, limit=PAGE_SIZE)
    return render_template(
        "conversation.html",
        number=number,
        contact=store.contact(number),
        timeline=timeline,
        paged=before is not None,
        Kind=Kind,
    )
