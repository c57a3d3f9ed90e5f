"""The inbox page (/inbox): the SMS that came in, newest first, a page at a time."""

from __future__ import annotations

from typing import Any

from flask import render_template

from appliance.store import history
from web.services import services

from .common import page_arg, page_group, role_required
from .history import PAGE_SIZE

bp = page_group("inbox", __name__)


@bp.route("/inbox")
@role_required("volunteer")
def index() -> Any:
    before, after = page_arg("before"), page_arg("after")
    page = history.received(services().store, before=before, after=after, limit=PAGE_SIZE)
    return render_template("inbox.html", page=page)
