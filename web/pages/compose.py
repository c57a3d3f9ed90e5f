"""The compose page (/compose) and its live counter (/count).

One text to one number or several: ``appliance.intake.take_in`` prepares one message per number,
all or nothing; this page shows its errors next to their fields (400) or queues the messages,
wakes the daemon and goes to the queue. The counter says how the driver will cut the text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from appliance.intake import take_in
from appliance.outbox import Refused, submit_all
from appliance.senders import user_rules
from modem import pdu
from web.services import services

from .common import local_time, now, page_group, role_required

bp = page_group("compose", __name__)

MAX_COUNTED_TEXT = 10_000  # characters /count accepts (max_parts x 160 is far below)
FIELDS = ("to", "text", "when", "send_at", "priority")


@bp.route("/compose", methods=["GET", "POST"])
@role_required("volunteer")
def index() -> Any:
    if request.method == "GET":
        form = {
            "to": request.args.get("to", ""),
            "text": request.args.get("text", ""),
            "when": "now",
            "send_at": "",
            "priority": "normal",
        }
        counted = pdu.count(form["text"][:MAX_COUNTED_TEXT])
        return render_template("compose.html", form=form, count=counted, result=None)
    form = {k: request.form.get(k, "") for k in FIELDS}
    moment = now()
    result = take_in(
        services().config,
        numbers=form["to"],
        text=form["text"],
        now=moment,
        later=form["when"] == "later",
        send_at=form["send_at"],
        priority=form["priority"],
        source="panel",
    )
    if not result.ok:
        counted = pdu.count(form["text"][:MAX_COUNTED_TEXT])
        return render_template("compose.html", form=form, count=counted, result=result), 400
    try:
        config = services().config
        sender = user_rules(config, current_user.account)  # the countries this user may reach
        queued = submit_all(services().store, config, list(result.prepared), moment, sender)
    except Refused as exc:  # a number opted out, or a country not allowed: nothing queued
        counted = pdu.count(form["text"][:MAX_COUNTED_TEXT])
        refused = replace(result, field_errors={**result.field_errors, "to": exc.why})
        return render_template("compose.html", form=form, count=counted, result=refused), 422
    ids = [message.id for message in queued]
    listed = ", ".join(f"#{i}" for i in ids[:10]) + (" …" if len(ids) > 10 else "")
    due = result.prepared[0].due_at
    if due:
        said = ngettext(
            "Queued %(num)s message for %(when)s: %(ids)s.",
            "Queued %(num)s messages for %(when)s: %(ids)s.",
            len(ids),
            when=local_time(due),
            ids=listed,
        )
    else:
        said = ngettext(
            "Queued %(num)s message: %(ids)s.",
            "Queued %(num)s messages: %(ids)s.",
            len(ids),
            ids=listed,
        )
    flash(said, "ok")
    return redirect(url_for("queue.index"), 303)


def count_json(text: str) -> dict[str, Any]:
    counted = pdu.count(text)
    return {
        "encoding": counted.encoding,
        "parts": counted.parts,
        "units": counted.units,
        "left": counted.left,
        "per_part": counted.per_part,
        "max_parts": services().config.max_parts,
        # the counter's words in the reader's language, which compose.js shows as they are
        "words": render_template("_counter.html", count=counted),
    }


@bp.route("/count", methods=["POST"])
@role_required("volunteer")
def count() -> Any:
    """The compose counter: how the driver will cut this text (``modem.pdu.count``)."""
    if request.is_json:
        payload = request.get_json(silent=True)
        text = payload.get("text") if isinstance(payload, dict) else None
    else:
        text = request.form.get("text")
    if not isinstance(text, str):
        return jsonify(error="text: must be a string", field="text"), 400
    if len(text) > MAX_COUNTED_TEXT:
        return jsonify(error=f"text: longer than {MAX_COUNTED_TEXT} characters", field="text"), 400
    return jsonify(count_json(text))
