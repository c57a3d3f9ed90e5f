"""The queue page (/queue) and the Cancel and Retry buttons of every message list.

Messages change through ``Store.cancel`` / ``Store.retry`` (the status tables decide what may
move), then the daemon is woken; the flash says what happened or why not.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from appliance.states import Status
from appliance.store import history, tally
from appliance.store.history import MessageFilter
from web.reasons import reason_words
from web.services import services

from .common import ID, back, now, page_group, role_required, wake_daemon

bp = page_group("queue", __name__)

QUEUE_SHOWN = 100  # rows per status on the queue page; the counts say how many there are
RECENT_FAILURES = 20


@bp.route("/queue")
@role_required("volunteer")
def index() -> Any:
    store = services().store
    sections = [(status, history.pending(store, status, QUEUE_SHOWN)) for status in history.PENDING]
    failed = history.search_messages(
        store, MessageFilter(status=Status.FAILED), limit=RECENT_FAILURES
    ).rows
    # the pending counts only (exact, from the status index): the page shows no other
    return render_template(
        "queue.html",
        counts=tally.pending(store),
        sections=sections,
        failed=failed,
        shown=QUEUE_SHOWN,
    )


def _change(message_id: int, action: str) -> Any:
    store = services().store
    if store.get(message_id) is None:
        abort(404)
    do = store.cancel if action == "cancel" else store.retry
    ok, why = do(message_id, now())
    if ok:
        wake_daemon()
        flash(_("Message #%(id)s: %(why)s.", id=message_id, why=reason_words(why)), "ok")
    elif action == "cancel":
        flash(
            _("Cannot cancel message #%(id)s: %(why)s.", id=message_id, why=reason_words(why)),
            "error",
        )
    else:
        flash(
            _("Cannot retry message #%(id)s: %(why)s.", id=message_id, why=reason_words(why)),
            "error",
        )
    return redirect(back(url_for("queue.index")), 303)


@bp.route(f"/messages/<{ID}:message_id>/cancel", methods=["POST"])
@role_required("volunteer")
def cancel(message_id: int) -> Any:
    return _change(message_id, "cancel")


@bp.route(f"/messages/<{ID}:message_id>/retry", methods=["POST"])
@role_required("volunteer")
def retry(message_id: int) -> Any:
    return _change(message_id, "retry")
