"""The history page (/history): every message, searched by number, text, status and dates.

The search itself is ``appliance.store.history.search_messages``; this page turns the query
string into a ``MessageFilter`` (dates are local days, a number is normalised like the compose
form's) and answers 400 with the errors next to their fields when it cannot.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from appliance.numbers import InvalidRecipient, normalise
from appliance.states import Status
from appliance.store import history
from appliance.store.history import MessageFilter
from web.reasons import reason_words
from web.services import services

from .common import now, page_arg, page_group, role_required, zone

bp = page_group("history", __name__)

PAGE_SIZE = 50
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# Days a search may name: a message is never older than the Unix epoch, and the last day's end
# (``until`` + 1 day) or a time zone's offset must not leave the years ``datetime`` can hold.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


def _local_day(text: str, field: str, errors: dict[str, str]) -> datetime | None:
    """Midnight (local) of a ``YYYY-MM-DD`` date, as UTC."""
    if not text:
        return None
    try:
        if not DATE.match(text):
            raise ValueError
        day = datetime.fromisoformat(text).replace(tzinfo=zone())
    except ValueError:
        errors[field] = _("%(text)r is not a date (YYYY-MM-DD)", text=text)
        return None
    if not FIRST_DAY <= day.date() <= LAST_DAY:
        errors[field] = _(
            "%(text)r is out of range (%(first)s to %(last)s)",
            text=text,
            first=FIRST_DAY,
            last=LAST_DAY,
        )
        return None
    return day.astimezone(now().tzinfo)


def _history_filter(args: dict[str, str], errors: dict[str, str]) -> MessageFilter:
    recipient = None
    if args["to"]:
        try:
            recipient = normalise(args["to"], services().config.region)
        except InvalidRecipient as exc:
            errors["to"] = reason_words(exc.why) or exc.why
    status = args["status"] or None
    if status is not None and status not in {s.value for s in Status}:
        errors["status"] = _("%(status)r is not a message status", status=status)
        status = None
    since = _local_day(args["from"], "from", errors)
    until = _local_day(args["until"], "until", errors)
    if until is not None:
        until += timedelta(days=1)  # the whole last day
    return MessageFilter(
        recipient=recipient, text=args["q"] or None, status=status, since=since, until=until
    )


@bp.route("/history")
@role_required("volunteer")
def index() -> Any:
    args = {k: request.args.get(k, "").strip() for k in ("to", "q", "status", "from", "until")}
    errors: dict[str, str] = {}
    wanted = _history_filter(args, errors)
    before, after = page_arg("before"), page_arg("after")
    if errors:
        page = history.Page((), None, None)
    else:
        page = history.search_messages(
            services().store, wanted, before=before, after=after, limit=PAGE_SIZE
        )
    kept = {k: v for k, v in args.items() if v}
    return render_template(
        "history.html",
        args=args,
        kept=kept,
        errors=errors,
        page=page,
        statuses=[s.value for s in Status],
        here=request.full_path,
    ), (400 if errors else 200)
