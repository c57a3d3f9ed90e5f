"""An events file imported from the panel (/campaigns/events), in two steps like the contacts
import: upload and see the schedule it will make, then import.

1. The upload (multipart, up to ``MAX_FILE``) is kept on the appliance under a random token
   (``kept_uploads``, as the contacts import keeps its file) and imported as a dry run
   (``events_import.import_events(dry_run=True)``): the events read, the bad rows by line and
   column, what changed since the last import of the campaign's file (added, moved, time
   changed, edited, removed), and the schedule, one row per event and step with its local time,
   how many people it reaches, or why it is skipped. Nothing is written.
2. The preview page keeps the campaign's settings editable (texts, days, hours, area field):
   "Preview again" runs the dry run with them, "Import" runs the import itself, all or nothing
   unless "keep the good rows" is ticked, then goes to the campaign's page.

The rules (what a re-import moves, cancels or corrects) are ``events_import``'s, the same as
``smsrelay events import``; here its ``CampaignInputError`` is shown next to the field it names
(the file's next to the file), never a 500. An import sends to the contact base: admins only.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from appliance.campaigning.events_import import EventsReport, import_events
from appliance.campaigning.operations import (
    CampaignInputError,
    CampaignNotFound,
    CampaignStateError,
    find,
)
from appliance.status import N_
from web.bodies import body_limit
from web.events_file_words import change_words, step_words
from web.reasons import reason_words
from web.services import services
from web.words import skip_words

from .campaign_forms import EventsForm, EventsUploadForm, show_error
from .common import now, page_group, role_required, wake_daemon
from .kept_uploads import KeptUploads, Upload

bp = page_group("campaign_events", __name__)
bp.add_app_template_global(change_words, "change_words")
bp.add_app_template_global(step_words, "step_words")

MAX_FILE = 5 * 1024 * 1024
MAX_BODY = MAX_FILE + 1024 * 1024  # the file, the texts and the multipart's envelope
TOKEN = "string(length=32)"
TOO_LARGE = N_("The file is over %(n)s MB: is it an events file?")  # msgids, said through _
GONE = N_(
    "That upload is no longer here (an upload is kept for an hour and imported once): "
    "choose the file again."
)


def _uploads() -> KeptUploads:
    return KeptUploads(services().config.data_dir)


def _upload_page(form: EventsUploadForm, status: int = 200) -> Any:
    return render_template("campaign_events.html", upload=form,
                           max_mb=MAX_FILE // 2**20), status  # fmt: skip


def _preview_page(
    upload: Upload,
    form: EventsForm,
    report: EventsReport | None,
    status: int = 200,
    problem: str | None = None,
) -> Any:
    return render_template("campaign_events.html", form=form, report=report,
                           filename=upload.filename, token=upload.token,
                           problem=problem), status  # fmt: skip


def _run(upload: Upload, form: EventsForm, *, dry_run: bool) -> EventsReport:
    store, config = services().store, services().config
    return import_events(store, config, now(), upload.data, dry_run=dry_run,
                         **form.import_args())  # fmt: skip


def _dry_run(upload: Upload, form: EventsForm, status: int = 200, problem: str | None = None):
    """The preview page with the dry run's schedule, or with why it cannot be made."""
    try:
        report = _run(upload, form, dry_run=True)
    except CampaignInputError as refused:
        if refused.field == "file":  # the file itself cannot be read: choose another
            _uploads().drop_file(upload.token)
            again = EventsUploadForm(formdata=None, data=form.data)
            again.file.errors = [f"{upload.filename}: {reason_words(refused.why)}"]
            return _upload_page(again, 400)
        show_error(form, refused)
        return _preview_page(upload, form, None, 400, problem)
    except CampaignStateError as refused:
        return _preview_page(upload, form, None, 409, reason_words(str(refused)))
    return _preview_page(upload, form, report, status, problem)


@bp.errorhandler(413)
def _too_large(error: Exception) -> Any:
    form = EventsUploadForm(formdata=None)
    form.file.errors = [_(TOO_LARGE, n=MAX_FILE // (1024 * 1024))]
    return _upload_page(form, 413)


@bp.route("/campaigns/events")
@role_required("admin")
def index() -> Any:
    """The upload form; ``?campaign=ID`` fills it with an events campaign's settings."""
    form = EventsUploadForm(formdata=None)
    chosen = request.args.get("campaign", "")[:128]
    if chosen:
        try:
            form.fill_from(find(services().store, chosen))
        except CampaignNotFound:
            form.campaign.data = chosen
    return _upload_page(form)


@bp.route("/campaigns/events", methods=["POST"])
@body_limit(MAX_BODY)
@role_required("admin")
def upload() -> Any:
    form = EventsUploadForm()
    if not form.validate():
        return _upload_page(form, 400)
    data = form.file.data.stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        form.file.errors = [_(TOO_LARGE, n=MAX_FILE // (1024 * 1024))]
        return _upload_page(form, 413)
    if not data.strip():
        name = form.file.data.filename
        form.file.errors = [_("%(file)s is empty.", file=name) if name else _("The file is empty.")]
        return _upload_page(form, 400)
    uploads = _uploads()
    token = uploads.keep(data, form.file.data.filename or "", current_user.id)
    return _dry_run(uploads.load(token, current_user.id), form)


@bp.route(f"/campaigns/events/<{TOKEN}:token>", methods=["POST"])
@role_required("admin")
def confirm(token: str) -> Any:
    kept = _uploads().load(token, current_user.id)
    form = EventsForm()
    if kept is None:
        again = EventsUploadForm(formdata=None, data=form.data)
        again.file.errors = [_(GONE)]
        return _upload_page(again, 410)
    if not form.validate():
        return _preview_page(kept, form, None, 400)
    if request.form.get("action") != "import":
        return _dry_run(kept, form)
    try:
        report = _run(kept, form, dry_run=False)
    except CampaignInputError as refused:
        why = refused.why.replace("with --partial", "with “keep the good rows”")
        if refused.field == "file":
            return _dry_run(kept, form, 400, reason_words(why))
        show_error(form, refused)
        return _preview_page(kept, form, None, 400)
    except CampaignStateError as refused:
        return _preview_page(kept, form, None, 409, reason_words(str(refused)))
    _uploads().drop_file(token)
    wake_daemon()
    skipped = ", ".join(f"{n} ({skip_words(why)})" for why, n in report.skipped.items() if n)
    skipped = skipped or _("none")
    said = _(
        "%(file)s imported into %(campaign)s: %(events)s event(s), %(queued)s message(s) queued, "
        "skipped: %(skipped)s; %(cancelled)s cancelled, %(rewritten)s rewritten, "
        "%(corrected)s correction(s).",
        file=kept.filename,
        campaign=report.campaign,
        events=report.events,
        queued=report.queued,
        skipped=skipped,
        cancelled=report.cancelled,
        rewritten=report.rewritten,
        corrected=report.corrected,
    )
    flash(said, "ok")
    campaign = services().store.campaign(report.campaign)
    if campaign is None:  # renamed or gone meanwhile
        return redirect(url_for("campaigns.index"), 303)
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id), 303)
