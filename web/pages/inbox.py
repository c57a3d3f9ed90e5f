"""The inbox page (/inbox): the SMS that came in, newest first, a page at a time, with the
latest missed calls above them; all the missed calls at /inbox/calls (issue 13)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from appliance.store import history
from web.services import services

from .common import page_arg, page_group, role_required
from .history import PAGE_SIZE

bp = page_group("inbox", __name__)

CALLS_SHOWN = 5  # the newest missed calls above the messages; /inbox/calls has them all


@bp.route("/inbox")
@role_required("volunteer")
def index() -> Any:
    before, after = page_arg("before"), page_arg("after")
    store = services().store
    page = history.received(store, before=before, after=after, limit=PAGE_SIZE)
    first = before is None and after is None
    calls = store.missed_calls(limit=CALLS_SHOWN) if first else None
    return render_template("inbox.html", page=page, calls=calls)


@bp.route("/inbox/calls")
@role_required("volunteer")
def calls() -> Any:
    before, after = page_arg("before"), page_arg("after")
    page = services().store.missed_calls(before=before, after=after, limit=PAGE_SIZE)
    return render_template("calls.html", page=page)
