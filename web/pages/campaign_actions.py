"""The moves on a campaign from its page (start, pause, resume, cancel, a new text, a
correction, a follow-up), and its codes looked up and redeemed at a desk.

Each move is one call of ``appliance.campaigning.operations``, which holds the rules (which
state allows what, what a correction reaches, who a follow-up is for); here a refused move
(``CampaignStateError``: pausing a draft) comes back as a message on the campaign's page, a
refused input (``CampaignInputError``: a text that does not compile) next to its field (400).
A move that queues messages rings the daemon, as Compose does.

The moves send to the contact base, so they are for admins; codes are for everyone logged in:
the volunteer at a collection's desk is the one who sees the code and marks it used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from appliance.campaigning import operations, results
from appliance.campaigning.operations import (
    CampaignInputError,
    CampaignNotFound,
    CampaignStateError,
)
from appliance.status import N_
from appliance.store import Expansion
from web.reasons import reason_words
from web.services import services
from web.words import skip_words

from .campaign_forms import CodeForm, FollowUpForm, TextForm, show_error
from .campaigns import detail_page, find_campaign, try_preview
from .common import ID, now, page_group, role_required, wake_daemon

bp = page_group("campaign_actions", __name__)
CAMPAIGN = f"/campaigns/<{ID}:campaign_id>"


def _back(campaign_id: int) -> Any:
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id), 303)


def _said(done: Expansion, msgid: str, skipped_msgid: str, **values: Any) -> str:
    """One of two whole sentences: ``msgid``, or ``skipped_msgid`` with ``%(skipped)s`` the
    counts skipped for each reason (the appliance's codes in words: "2 (a field of the text is
    missing)")."""
    skipped = {why: n for why, n in (done.skipped or {}).items() if n}
    if not skipped:
        return _(msgid, **values)
    listed = ", ".join(f"{n} ({skip_words(why)})" for why, n in skipped.items())
    return _(skipped_msgid, skipped=listed, **values)


def _move(campaign_id: int, move: Callable[..., Any], said: Callable[[Any], str]) -> Any:
    """Run a move that takes no input; its refusal is a message on the campaign's page."""
    campaign = find_campaign(campaign_id)
    try:
        done = move(campaign)
    except (CampaignStateError, CampaignInputError) as refused:
        flash(reason_words(str(refused)), "error")
        return _back(campaign_id)
    flash(said(done), "ok")
    return _back(campaign_id)


@bp.route(f"{CAMPAIGN}/start", methods=["POST"])
@role_required("admin")
def start(campaign_id: int) -> Any:
    store, config = services().store, services().config

    def run(campaign):
        done = operations.start(store, config, campaign, now())
        wake_daemon()
        return done

    return _move(campaign_id, run, lambda d: _said(
        d, N_("Started: %(n)s message(s) queued."),
        N_("Started: %(n)s message(s) queued; skipped: %(skipped)s."), n=d.queued))  # fmt: skip


@bp.route(f"{CAMPAIGN}/pause", methods=["POST"])
@role_required("admin")
def pause(campaign_id: int) -> Any:
    store = services().store
    return _move(
        campaign_id,
        lambda c: operations.pause(store, c, now()),
        lambda n: _("Paused: %(n)s queued message(s) wait until it resumes.", n=n),
    )


@bp.route(f"{CAMPAIGN}/resume", methods=["POST"])
@role_required("admin")
def resume(campaign_id: int) -> Any:
    store = services().store

    def run(campaign):
        released = operations.resume(store, campaign, now())
        wake_daemon()
        return released

    return _move(campaign_id, run, lambda n: _("Resumed: %(n)s message(s) go again.", n=n))


@bp.route(f"{CAMPAIGN}/cancel", methods=["POST"])
@role_required("admin")
def cancel(campaign_id: int) -> Any:
    store = services().store
    return _move(
        campaign_id,
        lambda c: operations.cancel(store, c, now()),
        lambda n: _("Cancelled, with its %(n)s message(s) still queued.", n=n),
    )


def _with_text(campaign_id: int, form_name: str, form: FlaskForm, apply: Callable) -> Any:
    """A move that takes a text (edit, correct, follow up): "Preview" shows it rendered for
    the first contacts; otherwise ``apply(campaign, form)`` and back to the page."""
    campaign = find_campaign(campaign_id)
    if not form.validate():
        return detail_page(campaign, 400, **{form_name: form})
    if request.form.get("action") == "preview":
        preview, error = try_preview(campaign, form.text.data or "")
        if error is not None:
            show_error(form, error)
        status = 400 if error else 200
        return detail_page(campaign, status, preview=preview, preview_for=form_name,
                           preview_problem=error.why if error else None,
                           **{form_name: form})  # fmt: skip
    try:
        return apply(campaign, form)
    except CampaignInputError as refused:
        show_error(form, refused)
        return detail_page(campaign, 400, **{form_name: form})
    except CampaignStateError as refused:
        flash(reason_words(str(refused)), "error")
        return _back(campaign_id)


@bp.route(f"{CAMPAIGN}/edit", methods=["POST"])
@role_required("admin")
def edit(campaign_id: int) -> Any:
    def apply(campaign, form):
        store, config = services().store, services().config
        rewritten = operations.edit(store, config, campaign, form.text.data or "", now())
        flash(_("Text saved; %(n)s queued message(s) rewritten.", n=rewritten), "ok")
        return _back(campaign_id)

    return _with_text(campaign_id, "edit_form", TextForm(), apply)


@bp.route(f"{CAMPAIGN}/correct", methods=["POST"])
@role_required("admin")
def correct(campaign_id: int) -> Any:
    def apply(campaign, form):
        store, config = services().store, services().config
        done = operations.correct(store, config, campaign, form.text.data or "", now())
        wake_daemon()
        said = _said(
            done,
            N_("Correction queued for %(n)s person(s) already told."),
            N_("Correction queued for %(n)s person(s) already told; skipped: %(skipped)s."),
            n=done.queued,
        )
        flash(said, "ok")
        return _back(campaign_id)

    return _with_text(campaign_id, "correct_form", TextForm(), apply)


@bp.route(f"{CAMPAIGN}/follow-up", methods=["POST"])
@role_required("admin")
def follow_up(campaign_id: int) -> Any:
    def apply(campaign, form):
        store, config = services().store, services().config
        made, done = operations.follow_up(
            store, config, campaign, form.text.data or "", now(),
            days=form.days.data if form.days.data is not None else 0,
            name=(form.name.data or "").strip() or None,
        )  # fmt: skip
        wake_daemon()
        said = _said(
            done,
            N_("Follow-up %(name)s started: %(n)s message(s) queued to the people who have not "
               "answered."),
            N_("Follow-up %(name)s started: %(n)s message(s) queued to the people who have not "
               "answered; skipped: %(skipped)s."),
            name=made.name, n=done.queued)  # fmt: skip
        flash(said, "ok")
        return redirect(url_for("campaigns.detail", campaign_id=made.id), 303)

    return _with_text(campaign_id, "follow_form", FollowUpForm(), apply)


# --- codes ---------------------------------------------------------------------------------------


def _code_page(form: CodeForm, found: dict | None = None, status: int = 200) -> Any:
    return render_template("campaign_code.html", form=form, found=found), status


@bp.route("/campaigns/code")
@role_required("volunteer")
def code() -> Any:
    """Look a code up: whose it is, of which campaign, redeemed or not."""
    form = CodeForm(request.args)
    typed = (form.code.data or "").strip()
    if not typed:
        return _code_page(form)
    if not form.validate():
        return _code_page(form, status=400)
    try:
        found = results.lookup_code(services().store, typed)
    except CampaignNotFound as missing:
        form.code.errors = [f"{reason_words(str(missing))}."]
        return _code_page(form, status=404)
    return _code_page(form, found)


@bp.route("/campaigns/code", methods=["POST"])
@role_required("volunteer")
def redeem() -> Any:
    form = CodeForm(request.form)
    typed = (form.code.data or "").strip()
    if not typed or not form.validate():
        form.code.errors = [*form.code.errors, _("Type a code.")] if not typed else form.code.errors
        return _code_page(form, status=400)
    try:
        found = results.redeem_code(services().store, typed, now())
    except CampaignNotFound as missing:
        form.code.errors = [f"{reason_words(str(missing))}."]
        return _code_page(form, status=404)
    except CampaignStateError as refused:
        flash(reason_words(str(refused)), "error")
        return redirect(url_for("campaign_actions.code", code=typed), 303)
    flash(_("Code %(code)s redeemed (%(number)s, campaign %(campaign)s).", code=found["code"],
            number=found["number"], campaign=found["campaign"]), "ok")  # fmt: skip
    return redirect(url_for("campaign_actions.code", code=found["code"]), 303)
