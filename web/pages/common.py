"""What every page group shares, defined once: the id bound of URL rules, the role check, the
clock and zone of the appliance, the way back after a form, and the template helpers.

Page groups build their blueprint with ``page_group`` so each gets the same template helpers
(``local_time``, ``timezone``, ``config_max_parts``); which messages may be cancelled or retried
is a Jinja global (``TEMPLATE_GLOBALS``), for the macros of ``_messages.html`` see no context.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from appliance.outbox import wakeup_path
from appliance.states import ModemState, Status, sources_of
from appliance.store.schema import MAX_ID
from appliance.wakeup import notify
from web import words
from web.reasons import reason_words
from web.services import services

ID = f"int(max={MAX_ID})"  # the converter of every id in a URL: f"/messages/<{ID}:message_id>"

# The statuses whose messages show a Cancel or a Retry button: those the tables let move there
# (a message being sent is retried by the worker, not by a click).
MAY_CANCEL = sources_of(Status.CANCELLED)
MAY_RETRY = sources_of(Status.QUEUED) - {Status.SENDING}
TEMPLATE_GLOBALS = {"may_cancel": MAY_CANCEL, "may_retry": MAY_RETRY}


def zone() -> ZoneInfo:
    return services().config.zone


def now() -> datetime:
    return services().clock.now()


def local_time(when: datetime | None) -> str:
    """A time as people read it here: local, to the minute, with the date when not today, in
    the reader's language (``web.words.plain_time``)."""
    return words.plain_time(when, now())


def wake_daemon() -> None:
    notify(wakeup_path(services().config))


def back(default: str) -> str:
    """Where a form came from (a local path only), to return there after the change."""
    target = request.form.get("next", "")
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local and target.isprintable() else default


def page_arg(name: str) -> int | None:
    """A ``before``/``after`` id from the query string; a malformed one is a 404 like a bad id."""
    text = request.args.get(name)
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        abort(404)
    return int(text)


def role_required(role: str) -> Callable:
    """Only users of ``role`` (admins pass every check)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login"))
            if current_user.role != role and current_user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def template_helpers() -> dict[str, Any]:
    config = services().config
    return {
        "local_time": local_time,
        "timezone": config.timezone,
        "config_max_parts": config.max_parts,
        # states by name, never as bare strings in a template (appliance.states)
        "Status": Status,
        "ModemState": ModemState,
        # the appliance's codes and reasons in the reader's language (web.words, web.reasons)
        "state_words": words.state_words,
        "registration_words": words.registration_words,
        "sim_words": words.sim_words,
        "reason_words": reason_words,
    }


def page_group(name: str, import_name: str) -> Blueprint:
    """The blueprint of one group of pages, with the shared template helpers."""
    bp = Blueprint(name, import_name)
    bp.context_processor(template_helpers)
    return bp
