"""Importing a contacts file from the panel (/contacts/import), in two steps as everywhere
(``appliance.contacts.importing``): upload and see the plan, then confirm.

1. The upload (multipart, up to ``MAX_FILE``) is kept on the appliance under a random token
   (``kept_uploads``) and read by ``plan_import``: the encoding and delimiter found, the column
   of each field, the first rows as they will be stored, the counts (new, updated, unchanged,
   duplicates merged, invalid) and every refused row by line and column. Nothing is written.
2. The confirmation names the token, never a path. It may first change the columns (a select
   per column, then a fresh preview), then imports: all or nothing by default (one refused row
   and nothing is written, the errors shown again), or only the good rows ("keep the good
   rows"), the refused ones offered as a CSV report.

Importing records consent for every new contact, so it is for admins. A file that cannot be read
at all, a missing or empty file, a file over 20 MB: a clear message next to the file field,
never a 500.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from appliance.contacts.csvfile import RowError, decode, sniff_delimiter
from appliance.contacts.headers import FIELDS
from appliance.contacts.importing import (
    ContactFileError,
    ImportPlan,
    ImportRefused,
    apply_import,
    plan_import,
)
from appliance.status import N_
from web.bodies import body_limit
from web.reasons import reason_words
from web.services import services

from .common import now, page_group, role_required
from .contact_forms import ImportForm, UploadForm
from .kept_uploads import KeptUploads, Upload

bp = page_group("imports", __name__)

MAX_FILE = 20 * 1024 * 1024
MAX_BODY = MAX_FILE + 1024 * 1024  # the file and the multipart's envelope
MAX_COLUMNS = 200  # column selects read back from a confirmation
ERRORS_SHOWN = 200  # the others are in the report
TOKEN = "string(length=32)"
# msgids, said through _ in the reader's language
TOO_LARGE = N_(
    "The file is over %(n)s MB. Split it into smaller files, or import it with `smsrelay "
    "contacts import FILE` on the appliance."
)
GONE = N_(
    "That upload is no longer here (an upload is kept for an hour and imported once): "
    "choose the file again."
)
DELIMITERS = {",": N_("comma (,)"), ";": N_("semicolon (;)"), "\t": N_("tab")}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": N_("UTF-8 with a BOM"),
    "cp1252": N_("Windows-1252 (Excel in France)"),
    "latin-1": "Latin-1",
}
REPORT_HEADER = (N_("line"), N_("column"), N_("reason"))  # importing.error_report's columns


def _uploads() -> KeptUploads:
    return KeptUploads(services().config.data_dir)


def _upload_page(status: int = 200, error: str | None = None) -> Any:
    form = UploadForm(formdata=None)
    if error:
        form.file.errors = [error]
    return render_template("contact_import.html", upload=form, max_mb=MAX_FILE // 2**20), status


def _plan(upload: Upload, mapping: dict[str, str] | None) -> ImportPlan:
    config = services().config
    return plan_import(services().store, upload.data, filename=upload.filename,
                       region=config.region, now=now(), mapping=mapping)  # fmt: skip


def _preview_page(
    upload: Upload,
    plan: ImportPlan | None,
    status: int = 200,
    problem: str | None = None,
    columns: list[tuple[str, str | None]] | None = None,
) -> Any:
    """The plan of ``upload`` with its column selects; without a plan (no column could be taken
    for the number), the selects alone, set as ``columns``."""
    if plan is not None:
        columns = list(plan.read.mapping.items())
        if plan.errors:
            _uploads().keep_report(upload.token, _report(plan.errors))
    return render_template(
        "contact_import.html",
        plan=plan,
        columns=columns or [],
        filename=upload.filename,
        token=upload.token,
        form=ImportForm(formdata=None),
        problem=problem,
        fields=FIELDS,
        errors_shown=ERRORS_SHOWN,
        delimiter=_(DELIMITERS[plan.read.delimiter])
        if plan and plan.read.delimiter in DELIMITERS
        else (plan.read.delimiter if plan else None),
        encoding=_(ENCODINGS[plan.read.encoding])
        if plan and plan.read.encoding in ENCODINGS
        else (plan.read.encoding if plan else None),
    ), status


def _report(errors: list[RowError]) -> str:
    """The refused rows as CSV, as ``importing.error_report`` writes them (the CLI's report) but
    in the reader's language: the file a volunteer opens to fix the rows (web.reasons)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_(name) for name in REPORT_HEADER])
    for error in errors:
        writer.writerow([error.line, error.column or "", reason_words(error.message)])
    return out.getvalue()


def _headers(data: bytes) -> list[str]:
    """The header line's cells, read as ``read_csv`` reads them (for the column selects of a
    file whose number column was not recognised)."""
    text, _ = decode(data)
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)):
        if any(cell.strip() for cell in cells):
            return [cell.strip() for cell in cells]
    return []


def _unreadable(
    upload: Upload, problem: str, mapping: dict[str, str] | None, *, automatic: bool = True
) -> Any:
    """A file the chosen (or automatic) columns cannot read: the automatic plan if it can be
    made (``automatic``: not known to fail), else the column selects alone when the header line
    allows a choice, else the upload form again."""
    if automatic:
        try:
            return _preview_page(upload, _plan(upload, None), 400, problem)
        except ContactFileError:
            pass
    headers = [h for h in _headers(upload.data) if h]
    choice = len(set(headers)) == len(headers) <= MAX_COLUMNS  # a header twice: no choice helps
    if headers and choice and all(h.isprintable() for h in headers):  # not a binary file
        columns = [(h, (mapping or {}).get(h)) for h in headers]
        return _preview_page(upload, None, 400, problem, columns)
    _uploads().drop_file(upload.token)
    return _upload_page(400, problem)


def _chosen_mapping() -> tuple[dict[str, str] | None, str | None]:
    """The columns as the confirmation's selects set them (header → field), or a problem."""
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    for index in range(MAX_COLUMNS):
        header = request.form.get(f"column-{index}")
        if header is None:
            break
        field = request.form.get(f"field-{index}", "")
        if not field:
            continue
        if field not in FIELDS:
            return None, _(
                "The column %(header)r cannot be %(field)r: the fields are %(fields)s",
                header=header,
                field=field,
                fields=", ".join(FIELDS),
            )
        if field in taken:
            return None, _(
                "The columns %(first)r and %(second)r cannot both be the %(field)s.",
                first=taken[field],
                second=header,
                field=field,
            )
        taken[field] = header
        mapping[header] = field
    return (mapping or None), None


@bp.errorhandler(413)
def _too_large(error: Exception) -> Any:
    return _upload_page(413, _(TOO_LARGE, n=MAX_FILE // (1024 * 1024)))


@bp.route("/contacts/import")
@role_required("admin")
def index() -> Any:
    return _upload_page()


@bp.route("/contacts/import", methods=["POST"])
@body_limit(MAX_BODY)
@role_required("admin")
def upload() -> Any:
    form = UploadForm()
    if not form.validate():
        return _upload_page(
            400,
            " ".join(str(error) for error in form.file.errors) or _("Choose a CSV file to import."),
        )
    storage = form.file.data
    data = storage.stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        return _upload_page(413, _(TOO_LARGE, n=MAX_FILE // (1024 * 1024)))
    if not data.strip():
        if storage.filename:
            return _upload_page(400, _("%(file)s is empty.", file=storage.filename))
        return _upload_page(400, _("The file is empty."))
    uploads = _uploads()
    token = uploads.keep(data, storage.filename or "", current_user.id)
    kept = uploads.load(token, current_user.id)
    try:
        plan = _plan(kept, None)
    except ContactFileError as error:
        problem = _(
            "%(file)s cannot be imported as it is: %(why)s.",
            file=kept.filename,
            why=reason_words(str(error)),
        )
        return _unreadable(kept, problem, None, automatic=False)
    return _preview_page(kept, plan)


@bp.route(f"/contacts/import/<{TOKEN}:token>", methods=["POST"])
@role_required("admin")
def confirm(token: str) -> Any:
    kept = _uploads().load(token, current_user.id)
    if kept is None:
        return _upload_page(410, _(GONE))
    mapping, problem = _chosen_mapping()
    if problem is not None:
        return _unreadable(kept, problem, None)
    try:
        plan = _plan(kept, mapping)
    except ContactFileError as error:
        problem = _(
            "Cannot read the file with these columns: %(why)s.", why=reason_words(str(error))
        )
        return _unreadable(kept, problem, mapping)
    if request.form.get("action") != "import":
        return _preview_page(kept, plan)
    form = ImportForm()
    try:
        done = apply_import(services().store, plan, now=now(), partial=bool(form.partial.data))
    except ImportRefused as refused:
        said = str(refused).replace("--partial", "“keep the good rows”")
        return _preview_page(kept, plan, 400, reason_words(said))
    _uploads().drop_file(token)
    return render_template("contact_import_done.html", done=done, plan=plan, token=token)


@bp.route(f"/contacts/import/<{TOKEN}:token>/refused.csv")
@role_required("admin")
def report(token: str) -> Any:
    data = _uploads().report(token, current_user.id)
    if data is None:
        return _upload_page(410, _(GONE))
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="refused-rows.csv"',
            "Cache-Control": "no-store",
        },
    )
