"""The campaign pages (/campaigns): the list, a new campaign with its live preview, a
campaign's page (settings, statistics, charts, replies) and its CSV export. The moves on a
campaign (start, pause, edit, correct, follow up, codes) are in ``campaign_actions``; the
events file's upload in ``campaign_events``.

Everything a campaign does is decided by ``appliance.campaigning`` (``operations`` for the
moves and their rules, ``results`` for what is shown), the same for the CLI and the API: these
views parse forms and show the answer. A refused input (``CampaignInputError``) is shown next
to its field (400), an unknown campaign is a 404, never a 500.

Who may do what, as on the contact pages: everyone logged in sees the campaigns, their
statistics and replies; what sends to the contact base (create, start, edit, correct...) and
the export of its people is for admins.

**The live preview.** The create page renders the text for the first contacts of the audience
as typed (tags and field filter included) with each text's encoding, parts, the costly ones
(warnings) and what stops one (problems). ``static/campaign.js`` asks ``/campaigns/preview``
(JSON) a moment after typing stops; without JavaScript the "Preview" button posts the form and
the page comes back with the same preview (``_campaign_preview.html``), nothing created.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from appliance.campaigning import operations, results
from appliance.campaigning.operations import CampaignInputError, CampaignNotFound
from appliance.store.campaign_schema import Campaign, CampaignStatus
from web import campaign_charts, campaign_words
from web.reasons import reason_words
from web.services import services

from .campaign_forms import (
    FIELD_OF,
    MAX_TEXT,
    CampaignForm,
    CodeForm,
    FollowUpForm,
    TextForm,
    show_error,
)
from .common import ID, local_time, now, page_arg, page_group, role_required, zone

bp = page_group("campaigns", __name__)
bp.add_app_template_global(campaign_words.kind_options, "campaign_kind_options")
bp.add_app_template_global(campaign_words.preview_words, "campaign_preview_words")
bp.add_app_template_global(CampaignStatus, "CampaignStatus")

PAGE_SIZE = 50
PREVIEW_LIMIT = 5  # contacts the preview renders
REPLIES_SHOWN = 100
DRAFT_KEYS = ("name", "text", "tags", "field_name", "field_value")  # what the JSON preview reads


@bp.app_template_filter("when")
def when(text: str | None, empty: str = "—") -> str:
    """An ISO time of a campaign's view (``results``), as the panel writes times."""
    return local_time(datetime.fromisoformat(text)) if text else empty


@bp.app_template_filter("percent")
def percent(rate: float | None) -> str:
    """A rate of ``results.stats`` (0.3333) as people read it, with the locale's decimal mark
    ("33.3 %", "33,3 %"); none yet: "—"."""
    return "—" if rate is None else f"{format_decimal(round(100 * rate, 1), format='#,##0.#')} %"


def find_campaign(campaign_id: int) -> Campaign:
    try:
        return operations.find(services().store, campaign_id)
    except CampaignNotFound:
        abort(404)


def try_preview(
    campaign: Campaign, text: str | None = None
) -> tuple[dict[str, Any] | None, CampaignInputError | None]:
    """``operations.preview`` of ``campaign`` (with ``text`` instead of its own), or why not."""
    try:
        return operations.preview(services().store, campaign, text=text, limit=PREVIEW_LIMIT), None
    except CampaignInputError as error:
        return None, error


# --- the list ------------------------------------------------------------------------------------


@bp.route("/campaigns")
@role_required("volunteer")
def index() -> Any:
    store = services().store
    before = page_arg("before")
    found = [c for c in store.campaigns() if before is None or (c.id or 0) < before]
    rows = [(c, results.stats(store, c)) for c in found[:PAGE_SIZE]]
    more = len(found) > PAGE_SIZE
    return render_template(
        "campaigns.html",
        rows=rows,
        paged=before is not None,
        next_before=rows[-1][0].id if more else None,
        code_form=CodeForm(formdata=None),
    )


# --- a new campaign ------------------------------------------------------------------------------


def _new_page(
    form: CampaignForm, status: int = 200, preview: dict | None = None, problem: str | None = None
) -> Any:
    return render_template("campaign_new.html", form=form, preview=preview,
                           preview_problem=problem), status  # fmt: skip


@bp.route("/campaigns/new", methods=["GET", "POST"])
@role_required("admin")
def new() -> Any:
    form = CampaignForm()
    if request.method == "GET":
        return _new_page(form)
    if not form.validate():
        return _new_page(form, 400)
    if request.form.get("action") == "preview":
        preview, error = try_preview(form.draft())
        if error is not None:
            show_error(form, error)
            return _new_page(form, 400, problem=reason_words(error.why))
        return _new_page(form, preview=preview)
    store, config = services().store, services().config
    try:
        made = operations.create(store, config, now(), **form.create_args())
    except CampaignInputError as refused:
        show_error(form, refused)
        return _new_page(form, 400, try_preview(form.draft())[0])
    flash(
        _(
            "Campaign %(name)s created as a draft: check its preview, then start it.",
            name=made.name,
        ),
        "ok",
    )
    return redirect(url_for("campaigns.detail", campaign_id=made.id), 303)


@bp.route("/campaigns/preview", methods=["POST"])
@role_required("admin")
def live_preview() -> Any:
    """The live preview as JSON: ``{"text", "tags", "field_name", "field_value"}`` for a new
    campaign, or ``{"campaign": id, "text"}`` for another text of an existing one. Answers
    ``operations.preview``'s dict, or 422 ``{"field", "error"}`` naming what stops it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(field="body", error="send a JSON object"), 400
    text = payload.get("text")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return jsonify(
            field="text", error=_("a string of at most %(n)s characters", n=MAX_TEXT)
        ), 400
    campaign_id = payload.get("campaign")
    if campaign_id is not None:
        if not isinstance(campaign_id, int) or isinstance(campaign_id, bool):
            return jsonify(field="campaign", error="a campaign's id (a number)"), 400
        try:
            campaign = operations.find(services().store, campaign_id)
        except CampaignNotFound as missing:
            return jsonify(field="campaign", error=str(missing)), 404
    else:
        typed = {k: payload[k] for k in DRAFT_KEYS if isinstance(payload.get(k), str)}
        form = CampaignForm(formdata=MultiDict(typed), meta={"csrf": False})
        if not form.validate():
            field, errors = next(iter(form.errors.items()))
            return _refused(field, " ".join(map(str, errors))), 422
        campaign = form.draft()
    preview, error = try_preview(campaign, text)
    if error is not None:
        return _refused(error.field, reason_words(error.why)), 422
    return jsonify(preview_in_words(preview))


def _refused(field: str, error: str) -> Response:
    """What stops the live preview: the field's name, why, and the sentence the script shows
    (the field by its label, as the form says it), in the reader's language."""
    found = getattr(CampaignForm(formdata=None, meta={"csrf": False}), FIELD_OF.get(field, field),
                    None)  # fmt: skip
    label = str(found.label.text) if found is not None and hasattr(found, "label") else field
    return jsonify(field=field, error=error, said=_("%(field)s: %(why)s", field=label, why=error))


def preview_in_words(preview: dict[str, Any]) -> dict[str, Any]:
    """``operations.preview``'s dict (the API's, in English) with its problems and warnings in
    the reader's language, for the panel's script."""
    return {
        **preview,
        "previews": [{**p, "warning": reason_words(p["warning"])} for p in preview["previews"]],
        "warnings": [reason_words(w) for w in preview["warnings"]],
        "problems": [reason_words(p) for p in preview["problems"]],
    }


# --- one campaign --------------------------------------------------------------------------------


def detail_page(campaign: Campaign, status: int = 200, **extra: Any) -> Any:
    """A campaign's page; ``extra``: a form sent back with its errors (``edit_form``,
    ``correct_form``, ``follow_form``), or a preview asked without JavaScript (``preview``,
    ``preview_for``: which form's text it shows)."""
    store = services().store
    counts = results.stats(store, campaign)
    parent = store.campaign(campaign.parent_id) if campaign.parent_id else None
    forms = {
        "edit_form": TextForm(formdata=None, text=campaign.template),
        "correct_form": TextForm(formdata=None, text=campaign.correction_template or ""),
        "follow_form": FollowUpForm(formdata=None),
        **{k: v for k, v in extra.items() if k.endswith("_form")},
    }
    return render_template(
        "campaign.html",
        c=campaign,
        view=results.campaign_view(campaign),
        stats=counts,
        funnel=campaign_charts.funnel_chart(counts["funnel"]),
        activity=campaign_charts.activity_chart(results.activity(store, campaign, zone()), zone()),
        replies=results.replies(store, campaign, REPLIES_SHOWN),
        replies_shown=REPLIES_SHOWN,
        parent=parent,
        code_form=CodeForm(formdata=None),
        preview=extra.get("preview"),
        preview_for=extra.get("preview_for"),
        preview_problem=extra.get("preview_problem"),
        **forms,
    ), status


@bp.route(f"/campaigns/<{ID}:campaign_id>")
@role_required("volunteer")
def detail(campaign_id: int) -> Any:
    campaign = find_campaign(campaign_id)
    preview = None
    if campaign.status == CampaignStatus.DRAFT:  # what it will send, before it is started
        preview, _ = try_preview(campaign)
    return detail_page(campaign, preview=preview, preview_for="draft" if preview else None)


@bp.route(f"/campaigns/<{ID}:campaign_id>/export.csv")
@role_required("admin")
def export(campaign_id: int) -> Any:
    """Every recipient of every step as CSV (``results.export_csv``), streamed; with a BOM, so
    that spreadsheets read it as UTF-8."""
    campaign = find_campaign(campaign_id)
    lines = results.export_csv(services().store, campaign)

    def with_bom():
        yield "\ufeff"
        yield from lines

    return Response(
        stream_with_context(with_bom()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="campaign-{campaign.id}.csv"',
            "Cache-Control": "no-store",
        },
    )
