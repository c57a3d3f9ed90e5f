"""The panel's pages: modems, queue, history, inbox, compose, and the admin page.

Views are thin: they read through ``appliance.views`` and ``appliance.history``, enqueue through
``appliance.outbox`` and change messages through ``Store.cancel`` / ``Store.retry``, then wake
the daemon. Nothing here opens a serial port. Everything a modem, a sender or a user typed reaches
the page through Jinja's autoescape; no secret (password or token hash, PIN) is ever handed to a
template.

Roles: volunteers see modems, queue, history, inbox and compose; ``/admin`` (users and API
tokens) is for admins: add, rename, delete users, change their role or password (the rules are
``appliance.accounts``'s; a refusal is a 400 whose flash names the problem).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from appliance import views
from appliance.accounts import (
    AccountError,
    UnknownUser,
    add_user,
    create_token,
    delete_user,
    get_user,
    rename_user,
    revoke_token,
    set_password,
    set_role,
    tokens,
    users,
)
from appliance.numbers import InvalidRecipient, normalise
from appliance.outbox import BadRequest, prepare, wakeup_path
from appliance.store import history, tally
from appliance.store.history import MessageFilter
from appliance.store.schema import Status, User
from appliance.wakeup import notify
from modem import pdu

from . import charts
from .auth import role_required, session_key
from .services import services

bp = Blueprint("panel", __name__)

PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # ids beyond what the database can hold are 404 in the URL rule, not a 500
QUEUE_SHOWN = 100  # rows per status on the queue page; the counts say how many there are
RECENT_FAILURES = 20
MAX_RECIPIENTS = 500  # more than this is a campaign, not a message typed in the panel
MAX_COUNTED_TEXT = 10_000  # characters /count accepts (max_parts x 160 is far below)
CHART_SPAN = timedelta(hours=24)
STALE_AFTER = timedelta(minutes=3)  # the daemon polls every modem every 30 s

# What a modem in each state is doing, and why it does not send, in plain words; the daemon's own
# ``reason`` is shown instead whenever it gave one.
DOING = {
    "absent": "not connected",
    "probing": "being identified",
    "sim-locked": "waiting for its SIM to be unlocked",
    "no-sim": "waiting for a SIM card",
    "searching": "looking for a network",
    "ready": "idle, ready to send",
    "busy": "sending",
    "resetting": "being reset after it stopped answering",
    "failed": "out of service",
}
WHY_NOT_READY = {
    "absent": "The modem is unplugged or does not answer.",
    "probing": "The daemon is still finding out what this modem is.",
    "sim-locked": "The SIM asks for its PIN or PUK: set the right pin in the configuration.",
    "no-sim": "There is no SIM card in the modem, or it is badly seated.",
    "searching": "The modem is not registered on a network yet (no coverage, or SIM refused).",
    "resetting": "The modem stopped answering; the daemon is resetting it.",
    "failed": "The modem does not answer even after a reset: unplug it and plug it in again.",
}
SPLIT_NUMBERS = re.compile(r"[,;\n]+")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- shared helpers ------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return services().config.zone


def _now() -> datetime:
    return services().clock.now()


def local_time(when: datetime | None) -> str:
    """A time as people read it here: local, to the minute, with the date when not today."""
    if when is None:
        return "—"
    local = when.astimezone(_zone())
    today = _now().astimezone(_zone()).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y %H:%M")


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    config = services().config
    return {
        "local_time": local_time,
        "timezone": config.timezone,
        "config_max_parts": config.max_parts,
    }


def _wake_daemon() -> None:
    notify(wakeup_path(services().config))


def _back(default: str) -> str:
    """Where a form came from (a local path only), to return there after the change."""
    target = request.form.get("next", "")
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local and target.isprintable() else default


def _page_arg(name: str) -> int | None:
    """A ``before``/``after`` id from the query string; a malformed one is a 404 like a bad id."""
    text = request.args.get(name)
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        abort(404)
    return int(text)


# --- modems --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModemCard:
    """One modem as the panel shows it: the status contract plus what only the panel needs."""

    status: dict
    title: str  # manufacturer and model when known
    doing: str
    why: str | None  # plain words, when it cannot send (or is not heard from)
    cap_used: int | None  # percent of the daily cap used
    last_success_at: datetime | None
    last_error_at: datetime | None
    signal: charts.LineChart
    hourly: charts.BarChart


def _doing(state: str, sending: Any) -> str:
    if sending is not None:
        parts = f", {sending.parts} parts" if sending.parts > 1 else ""
        return f"sending message #{sending.id} to {sending.recipient}{parts}"
    return DOING.get(state, state)


def _why(status: dict, now: datetime, seen_at: datetime | None, node: str) -> str | None:
    state = status["state"]
    if state != "absent" and seen_at is not None and now - seen_at > STALE_AFTER:
        where = (
            f" on node {status['node']}" if status.get("node") and status["node"] != node else ""
        )
        return (
            f"Not heard from since {local_time(seen_at)}: is `smsrelay serve` running{where}? "
            "What follows may be out of date."
        )
    if state != "ready":
        reason = status["reason"]
        if reason and reason != "ready":
            return reason[0].upper() + reason[1:]
        return WHY_NOT_READY.get(state, f"The modem is {state}.")
    limit = status["daily_limit"]
    if limit and status["sent_today"] >= limit:
        return (
            f"Its daily cap is reached ({status['sent_today']} of {limit} parts today): "
            "it sends again after midnight."
        )
    return None


def _cards(now: datetime) -> tuple[dict, list[ModemCard]]:
    config, store = services().config, services().store
    data = views.status(config, store, now)
    rows = {m.imei: m for m in store.modems()}
    sending = history.sending_now(store)
    imeis = [status["imei"] for status in data["modems"]]
    since = now - CHART_SPAN
    signal = history.signal_slots(store, imeis, since, now)
    hours = charts.hour_starts(now, zone=config.zone)
    sent = history.sent_per_hour(store, hours, now)
    cards = []
    for status in data["modems"]:
        imei = status["imei"]
        row = rows.get(imei)
        limit = status["daily_limit"]
        cards.append(
            ModemCard(
                status=status,
                title=" ".join(x for x in (row.manufacturer, row.model) if x) if row else "",
                doing=_doing(status["state"], sending.get(imei)),
                why=_why(status, now, row.seen_at if row else None, config.node),
                cap_used=min(100, round(100 * status["sent_today"] / limit)) if limit else None,
                last_success_at=row.last_success_at if row else None,
                last_error_at=row.last_error_at if row else None,
                signal=charts.signal_chart(
                    signal[imei],
                    end=now,
                    zone=config.zone,
                    latest=history.latest_signal(store, imei, since, now) if signal[imei] else None,
                    span=CHART_SPAN,
                ),
                hourly=charts.hourly_bars(
                    sent.get(imei, [0] * len(hours)), end=now, zone=config.zone
                ),
            )
        )
    return data, cards


def _waiting(count: int) -> str:
    return "1 message waits" if count == 1 else f"{count} messages wait"


def _stalled(data: dict, cards: list[ModemCard]) -> str | None:
    """Why nothing moves, for the whole appliance, when messages wait and no modem can send."""
    waiting = data["queue"].get("queued", 0)
    if not cards:
        return "No modem seen yet. Is `smsrelay serve` running, and is a modem plugged in?" + (
            f" {_waiting(waiting)}." if waiting else ""
        )
    if waiting and not any(c.status["state"] in ("ready", "busy") and not c.why for c in cards):
        return f"{_waiting(waiting)} and no modem can send now: see the reasons below."
    return None


def _modems_context() -> dict[str, Any]:
    now = _now()
    data, cards = _cards(now)
    return {"data": data, "cards": cards, "stalled": _stalled(data, cards), "now": now}


@bp.route("/")
@role_required("volunteer")
def modems() -> Any:
    return render_template("modems.html", **_modems_context())


@bp.route("/fragments/modems")
@role_required("volunteer")
def modem_cards() -> Any:
    """The cards alone, which ``live.js`` fetches every few seconds to replace them in place.

    The charts come along on every refresh: thinned to 288 points and their settled part kept
    between requests (``history.signal_slots``), they are about a third of the fragment's 25-35
    ms of CPU at a million messages (bench/pages.py), and the newest point and the hour's bar
    move as the volunteer watches. Leaving them out of most refreshes would save that third at
    the price of a script that carries the old charts across each swap of the cards."""
    response = Response(render_template("_modem_cards.html", **_modems_context()))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- queue, cancel, retry ------------------------------------------------------------------------


@bp.route("/queue")
@role_required("volunteer")
def queue() -> Any:
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
    ok, why = do(message_id, _now())
    if ok:
        _wake_daemon()
        flash(f"Message #{message_id}: {why}.", "ok")
    else:
        flash(f"Cannot {action} message #{message_id}: {why}.", "error")
    return redirect(_back(url_for("panel.queue")), 303)


@bp.route(f"/messages/<int(max={MAX_ID}):message_id>/cancel", methods=["POST"])
@role_required("volunteer")
def cancel(message_id: int) -> Any:
    return _change(message_id, "cancel")


@bp.route(f"/messages/<int(max={MAX_ID}):message_id>/retry", methods=["POST"])
@role_required("volunteer")
def retry(message_id: int) -> Any:
    return _change(message_id, "retry")


# --- history and inbox ---------------------------------------------------------------------------


def _local_day(text: str, field: str, errors: dict[str, str]) -> datetime | None:
    """Midnight (local) of a ``YYYY-MM-DD`` date, as UTC."""
    if not text:
        return None
    try:
        if not DATE.match(text):
            raise ValueError
        day = datetime.fromisoformat(text).replace(tzinfo=_zone())
    except ValueError:
        errors[field] = f"{text!r} is not a date (YYYY-MM-DD)"
        return None
    return day.astimezone(_now().tzinfo)


def _history_filter(args: dict[str, str], errors: dict[str, str]) -> MessageFilter:
    recipient = None
    if args["to"]:
        try:
            recipient = normalise(args["to"], services().config.region)
        except InvalidRecipient as exc:
            errors["to"] = exc.why
    status = args["status"] or None
    if status is not None and status not in {s.value for s in Status}:
        errors["status"] = f"{status!r} is not a message status"
        status = None
    since = _local_day(args["from"], "from", errors)
    until = _local_day(args["until"], "until", errors)
    if until is not None:
        until += timedelta(days=1)  # the whole last day
    return MessageFilter(
        recipient=recipient, text=args["q"] or None, status=status, since=since, until=until
    )


@bp.route("/history", endpoint="history")
@role_required("volunteer")
def history_page() -> Any:
    args = {k: request.args.get(k, "").strip() for k in ("to", "q", "status", "from", "until")}
    errors: dict[str, str] = {}
    wanted = _history_filter(args, errors)
    before, after = _page_arg("before"), _page_arg("after")
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


@bp.route("/inbox")
@role_required("volunteer")
def inbox() -> Any:
    before, after = _page_arg("before"), _page_arg("after")
    page = history.received(services().store, before=before, after=after, limit=PAGE_SIZE)
    return render_template("inbox.html", page=page)


# --- compose and the counter ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComposeResult:
    """What the compose form gave: the messages to queue, or the errors to show by field."""

    prepared: tuple
    number_errors: tuple[tuple[str, str], ...]  # (number as typed, why)
    field_errors: dict[str, str]  # to, text, send_at, priority


def split_numbers(text: str) -> list[str]:
    """Numbers separated by commas, semicolons or line breaks (spaces stay: "06 12 34 56 78")."""
    return [n.strip() for n in SPLIT_NUMBERS.split(text) if n.strip()]


def validate_compose(form: dict[str, str], now: datetime) -> ComposeResult:
    """Prepare one message per number; any error means nothing is queued."""
    config = services().config
    numbers = split_numbers(form.get("to", ""))
    send_at = form.get("send_at", "").strip() if form.get("when") == "later" else None
    field_errors: dict[str, str] = {}
    number_errors: list[tuple[str, str]] = []
    if not numbers:
        field_errors["to"] = "enter at least one number"
    elif len(numbers) > MAX_RECIPIENTS:
        field_errors["to"] = (
            f"{len(numbers)} numbers: at most {MAX_RECIPIENTS} at once (use a campaign for more)"
        )
        numbers = []
    if form.get("when") == "later" and not send_at:
        field_errors["send_at"] = "choose when to send it"
        send_at = None
    prepared = []
    seen: set[str] = set()
    for number in numbers:
        try:
            new = prepare(
                config,
                to=number,
                text=form.get("text", ""),
                now=now,
                send_at=send_at,
                priority=form.get("priority", "normal") or "normal",
                source="panel",
            )
        except BadRequest as exc:
            if exc.field == "to":
                number_errors.append((number, exc.why))
            else:
                field_errors.setdefault(exc.field, exc.why)
            continue
        if new.recipient not in seen:  # the same person typed twice gets it once
            seen.add(new.recipient)
            prepared.append(new)
    if number_errors and "to" not in field_errors:
        bad = ", ".join(n for n, _ in number_errors)
        field_errors["to"] = f"cannot send to {bad}; nothing was queued"
    return ComposeResult(tuple(prepared), tuple(number_errors), field_errors)


@bp.route("/compose", methods=["GET", "POST"])
@role_required("volunteer")
def compose() -> Any:
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
    form = {k: request.form.get(k, "") for k in ("to", "text", "when", "send_at", "priority")}
    now = _now()
    result = validate_compose(form, now)
    if result.field_errors or not result.prepared:
        counted = pdu.count(form["text"][:MAX_COUNTED_TEXT])
        return render_template("compose.html", form=form, count=counted, result=result), 400
    store = services().store
    ids = [store.enqueue(new, now).id for new in result.prepared]
    _wake_daemon()
    when = f" for {local_time(result.prepared[0].due_at)}" if result.prepared[0].due_at else ""
    listed = ", ".join(f"#{i}" for i in ids[:10]) + (" …" if len(ids) > 10 else "")
    noun = "message" if len(ids) == 1 else "messages"
    flash(f"Queued {len(ids)} {noun}{when}: {listed}.", "ok")
    return redirect(url_for("panel.queue"), 303)


def count_json(text: str) -> dict[str, Any]:
    counted = pdu.count(text)
    return {
        "encoding": counted.encoding,
        "parts": counted.parts,
        "units": counted.units,
        "left": counted.left,
        "per_part": counted.per_part,
        "max_parts": services().config.max_parts,
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


# --- admin: users and API tokens -----------------------------------------------------------------


def _admin_page(status: int = 200, **extra: Any) -> Any:
    store = services().store
    response = Response(
        render_template("admin.html", users=users(store), tokens=tokens(store), **extra),
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"  # a new token may be on it
    return response


@bp.route("/admin")
@role_required("admin")
def admin() -> Any:
    return _admin_page()


@bp.route("/admin/users", methods=["POST"])
@role_required("admin")
def admin_add_user() -> Any:
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    role = request.form.get("role", "volunteer")
    if password != request.form.get("confirm", ""):
        flash("The two passwords differ.", "error")
        return _admin_page(400, new_user={"name": name, "role": role})
    try:
        user = add_user(services().store, name, password, role, _now())
    except AccountError as exc:
        flash(f"Cannot add the user: {exc}.", "error")
        return _admin_page(400, new_user={"name": name, "role": role})
    flash(f"User {user.name} ({user.role}) added.", "ok")
    return redirect(url_for("panel.admin"), 303)


@bp.route("/admin/tokens", methods=["POST"])
@role_required("admin")
def admin_create_token() -> Any:
    """Show the new token once, in this response only: never in a flash (the session cookie is
    signed, not encrypted) nor in a redirect."""
    try:
        token, secret = create_token(services().store, request.form.get("name", ""), _now())
    except AccountError as exc:
        flash(f"Cannot create the token: {exc}.", "error")
        return _admin_page(400)
    return _admin_page(201, new_token={"name": token.name, "secret": secret})


@bp.route(f"/admin/tokens/<int(max={MAX_ID}):token_id>/revoke", methods=["POST"])
@role_required("admin")
def admin_revoke_token(token_id: int) -> Any:
    if not revoke_token(services().store, token_id):
        abort(404)
    flash(f"Token #{token_id} revoked: it no longer opens the API.", "ok")
    return redirect(url_for("panel.admin"), 303)


# --- admin: changing a user ----------------------------------------------------------------------


def _refused(what: str, exc: AccountError) -> Response:
    """404 for a user that does not exist; else 400 with a flash naming the problem."""
    if isinstance(exc, UnknownUser):
        abort(404)
    flash(f"Cannot {what}: {exc}.", "error")
    return _admin_page(400)


def _keep_own_session(user: User) -> None:
    """An admin who renamed themself or changed their own password stays logged in in this
    browser; their other sessions end with the old fingerprint (``web.auth.session_key``)."""
    if user.id == g.user.id:
        session["user_key"] = session_key(user)


def _existing(user_id: int) -> User:
    user = get_user(services().store, user_id)
    if user is None:
        abort(404)
    return user


@bp.route(f"/admin/users/<int(max={MAX_ID}):user_id>/rename", methods=["POST"])
@role_required("admin")
def admin_rename_user(user_id: int) -> Any:
    old = _existing(user_id).name
    try:
        user = rename_user(services().store, user_id, request.form.get("name", ""))
    except AccountError as exc:
        return _refused(f"rename {old}", exc)
    _keep_own_session(user)
    flash(f"User {old} is now {user.name}; their open sessions have ended.", "ok")
    return redirect(url_for("panel.admin"), 303)


@bp.route(f"/admin/users/<int(max={MAX_ID}):user_id>/role", methods=["POST"])
@role_required("admin")
def admin_set_role(user_id: int) -> Any:
    try:
        user = set_role(services().store, user_id, request.form.get("role", ""))
    except AccountError as exc:
        return _refused("change the role", exc)
    flash(f"User {user.name} is now {user.role}.", "ok")
    if user.id == g.user.id and user.role != "admin":  # the admin page is closed to them now
        return redirect(url_for("panel.modems"), 303)
    return redirect(url_for("panel.admin"), 303)


@bp.route(f"/admin/users/<int(max={MAX_ID}):user_id>/password", methods=["POST"])
@role_required("admin")
def admin_set_password(user_id: int) -> Any:
    name = _existing(user_id).name
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        flash(f"Cannot change the password of {name}: the two passwords differ.", "error")
        return _admin_page(400)
    try:
        user = set_password(services().store, user_id, password)
    except AccountError as exc:
        return _refused(f"change the password of {name}", exc)
    _keep_own_session(user)
    flash(f"New password for {user.name}; their other sessions have ended.", "ok")
    return redirect(url_for("panel.admin"), 303)


@bp.route(f"/admin/users/<int(max={MAX_ID}):user_id>/delete", methods=["POST"])
@role_required("admin")
def admin_delete_user(user_id: int) -> Any:
    try:
        user = delete_user(services().store, user_id, acting=g.user)
    except AccountError as exc:
        return _refused("delete the user", exc)
    flash(f"User {user.name} deleted.", "ok")
    return redirect(url_for("panel.admin"), 303)
