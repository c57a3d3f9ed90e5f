"""The admin's webhook pages (/admin/webhooks): add, pause, change, test, delete, delivery log.

The logic lives in ``appliance.webhooks``; these views parse forms and render. The secret is in
exactly one response, the one that creates the webhook (marked ``no-store`` so no cache keeps
it); the templates get ``WebhookSummary`` values, which have no secret field at all, and a secret
typed into a form that fails validation is not echoed back. Every URL, event detail and
receiver's error message reaches the page through Jinja's autoescape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from appliance import webhooks
from appliance.status import N_
from appliance.store.schema import DELIVERED, MAX_ID
from appliance.webhooks import WebhookError
from web.reasons import reason_words
from web.services import services

from .common import role_required

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

PAGE_SIZE = 50
EVENT_HELP = {  # msgids: shown through _ in the reader's language
    "message.sent": N_("a modem sent a message (the network accepted every part)"),
    "message.failed": N_("a message failed for good (bad number, barred, too many attempts)"),
    "message.delivered": N_("the network reported a sent message delivered"),
    "message.received": N_("an SMS came in"),
    "modem.down": N_("a modem stopped working (unplugged, no answer)"),
    "modem.up": N_("a modem is working again"),
    "contact.created": N_("a contact was created through the API, with its consent"),
    "contact.updated": N_("a contact's names, language, tags or fields changed through the API"),
    "contact.opted_in": N_("a number opted in (a join keyword, the panel, the API; not imports)"),
    "contact.opted_out": N_("a number opted out (STOP, the panel, the CLI, the API)"),
    "campaign.started": N_("a campaign started (or a follow-up did): how many queued and skipped"),
    "campaign.paused": N_("a campaign was paused: its queued messages wait"),
    "campaign.resumed": N_("a paused campaign runs again"),
    "campaign.cancelled": N_("a campaign was cancelled with what it still had queued"),
    "campaign.corrected": N_("a correction was sent to the people already told"),
    "campaign.events_imported": N_("an events file was imported (queued, cancelled, corrected)"),
    "campaign.replied": N_("someone answered a campaign (confirmed, declined or free text)"),
    "campaign.code_redeemed": N_("a campaign's unique code was redeemed"),
    "call.missed": N_("someone called a modem's number (hung up and kept as a missed call)"),
    "sim.low_credit": N_("a SIM's credit went below its modem's credit_low"),
}


@bp.before_request
@role_required("admin")
def _admins_only() -> None:
    """Every page here is for admins (anonymous users were sent to /login before this)."""
    return None


@bp.after_request
def _harden(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "when": _when,
        "event_help": {kind: _(words) for kind, words in EVENT_HELP.items()},
        "all_events": webhooks.EVENTS,
        "timezone": services().config.timezone,
        "DELIVERED": DELIVERED,  # a delivery's status (appliance.store.schema), not a bare string
    }


def _when(moment: datetime | None) -> str:
    """A time in the appliance's zone, to the second: a delivery log is read for exact times."""
    if moment is None:
        return "—"
    return moment.astimezone(services().config.zone).strftime("%Y-%m-%d %H:%M:%S")


def _found(webhook_id: int) -> webhooks.WebhookSummary:
    if webhook_id > MAX_ID:
        abort(404)
    hook = webhooks.get_webhook(services().store, webhook_id)
    if hook is None:
        abort(404)
    return hook


def _before() -> int | None:
    text = request.args.get("before", "")
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def _index_page(status: int = 200, **form: Any) -> Any:
    hooks = webhooks.list_webhooks(services().store)
    return render_template("webhooks.html", hooks=hooks, form=form), status


@bp.get("")
def index() -> Any:
    return _index_page(form_events=webhooks.EVENTS)


@bp.post("")
def create() -> Any:
    url = request.form.get("url", "")
    chosen = request.form.getlist("events")
    try:
        hook, secret = webhooks.create_webhook(
            services().store,
            url=url,
            events=chosen,
            secret=request.form.get("secret"),
            now=services().clock.now(),
            allowed=services().config.security.webhook_networks,
        )
    except WebhookError as error:
        return _index_page(400, url=url, form_events=chosen, error=error)
    response = Response(render_template("webhooks_created.html", hook=hook, secret=secret))
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:webhook_id>")
def detail(webhook_id: int) -> Any:
    hook = _found(webhook_id)
    before = _before()
    rows = webhooks.deliveries(services().store, webhook_id, limit=PAGE_SIZE + 1, before_id=before)
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render_template(
        "webhooks_detail.html",
        hook=hook,
        deliveries=rows[:PAGE_SIZE],
        older=older,
        paged=before is not None,
    )


@bp.post("/<int:webhook_id>/active")
def activate(webhook_id: int) -> Any:
    hook = _found(webhook_id)
    active = request.form.get("active") == "1"
    webhooks.set_active(services().store, hook.id, active)
    flash(
        _("Webhook enabled.") if active else _("Webhook paused: no new deliveries until enabled.")
    )
    return redirect(url_for("webhooks.detail", webhook_id=hook.id), 303)


@bp.post("/<int:webhook_id>/events")
def change_events(webhook_id: int) -> Any:
    hook = _found(webhook_id)
    try:
        webhooks.set_events(services().store, hook.id, request.form.getlist("events"))
    except WebhookError as error:
        flash(reason_words(error.why), "error")
    else:
        flash(_("Events saved."))
    return redirect(url_for("webhooks.detail", webhook_id=hook.id), 303)


@bp.post("/<int:webhook_id>/test")
def test(webhook_id: int) -> Any:
    hook = _found(webhook_id)
    webhooks.send_test(services().store, hook.id, services().clock.now())
    flash(_("Test event queued: it leaves within a second or two while smsrelay serve runs."))
    return redirect(url_for("webhooks.detail", webhook_id=hook.id), 303)


@bp.post("/<int:webhook_id>/delete")
def delete(webhook_id: int) -> Any:
    hook = _found(webhook_id)
    webhooks.delete_webhook(services().store, hook.id)
    flash(_("Webhook %(id)s and its delivery log deleted.", id=hook.id))
    return redirect(url_for("webhooks.index"), 303)
