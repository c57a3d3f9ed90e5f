"""``/contacts/import`` and ``/contacts/export``: the contact base as CSV files.

Import takes the file as the raw body (``Content-Type: text/csv``; ``curl --data-binary
@contacts.csv``), not a multipart form: a script has the bytes at hand, and the encoding is
found from the bytes themselves (UTF-8 with or without BOM, cp1252), so nothing is lost on the
way. Options are query parameters: ``dry_run`` (the preview: what would be new, updated,
invalid, and the first rows as stored), ``partial`` (keep the good rows, skip the bad), ``map``
(``Header=field``, repeated), ``filename`` (named in each new contact's proof of opt-in).

By default an import is all or nothing, as from the CLI and the panel
(``appliance.contacts.importing``): one bad row and nothing is written, and the 422 lists every
bad row with its line and column. The body may be up to ``MAX_CSV_BYTES``, more than the 1 MB of
the API's JSON bodies: 100,000 contacts fit.

Export answers ``text/csv`` in the columns an import reads back (``csvfile.write_csv``), with
the contacts one may write to (``appliance.contacts.exporting`` says why not the others).
"""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from appliance.contacts.exporting import export_csv
from appliance.contacts.headers import FIELDS
from appliance.contacts.importing import (
    UTF16_BOMS,
    ContactFileError,
    ImportRefused,
    apply_import,
    parse_mapping,
    plan_import,
)
from web.bodies import body_limit
from web.services import services

from .contact_schemas import (
    ColumnMapping,
    FileName,
    Flag,
    ImportRefusal,
    ImportReport,
    TagFilter,
)
from .errors import ApiError, refuse
from .operations import Answer, Parameter, RawBody, operation
from .requests import boolean, text
from .schemas import Error

MAX_CSV_BYTES = 20 * 1024 * 1024  # as the panel's upload (web.pages.imports)
CSV = "text/csv"
DEFAULT_FILENAME = "api upload"


def _problems(errors) -> list[dict[str, object]]:
    return [
        {"line": e.line, "column": e.column, "message": e.message, "text": str(e)} for e in errors
    ]


def csv_body() -> bytes:
    if request.mimetype != CSV:
        refuse(415, "send the file as the body, with 'Content-Type: text/csv'")
    too_large = f"the file is over {MAX_CSV_BYTES // (1024 * 1024)} MB; split it in parts"
    if (request.content_length or 0) > MAX_CSV_BYTES:
        refuse(413, too_large)
    try:  # a chunked body has no Content-Length: the limit holds as it is read (body_limit)
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:
        refuse(413, too_large)
    if b"\x00" in data and not data.startswith(UTF16_BOMS):  # with its BOM, UTF-16 is read
        refuse(422, "the file holds NUL bytes, so it is not text as a CSV is (UTF-16 "
               "without its BOM?); save it as CSV UTF-8, or CSV with ';'")  # fmt: skip
    return data  # an empty file is refused by the reader: it has no header line (422)


def _mapping() -> dict[str, str]:
    try:
        mapping = parse_mapping(request.args.getlist("map"))
    except ContactFileError as exc:
        refuse(422, str(exc).replace("--map ", ""), "map")
    unknown = sorted(set(mapping.values()) - set(FIELDS))
    if unknown:
        refuse(422, f"cannot map a column to {unknown[0]!r}: the fields are {', '.join(FIELDS)}",
               "map")  # fmt: skip
    return mapping


def _filename() -> str:
    name = (text("filename") or DEFAULT_FILENAME).strip()
    if len(name) > 200 or not name.isprintable():
        refuse(422, "must be 1 to 200 printable characters", "filename")
    return name


@operation(
    "POST",
    "/contacts/import",
    operation_id="importContacts",
    summary="Import contacts from a CSV file",
    description="The body is the CSV file itself (`Content-Type: text/csv`, at most "
    f"{MAX_CSV_BYTES // (1024 * 1024)} MB): UTF-8 with or without BOM, or cp1252; `,`, `;` "
    "or tab; French or English headers (Téléphone, Prénom, Nom, Langue, Thème...), the other "
    "columns kept as free fields. New contacts are opted in with the file and line as proof; "
    "a contact who opted out stays so. All or nothing by default: one bad row and nothing is "
    "written (422 with every bad row); `partial=true` writes the good rows and lists the "
    "skipped ones. `dry_run=true` writes nothing and says what would happen.",
    parameters=(
        Parameter("dry_run", "query", "true: only the preview (default false).", Flag),
        Parameter("partial", "query", "true: skip the bad rows (default false).", Flag),
        Parameter(
            "map",
            "query",
            "A column mapped by hand, `Header=field` (fields: number, first_name, last_name, "
            "language, tags); repeat it for several.",
            list[ColumnMapping],
        ),
        Parameter(
            "filename",
            "query",
            "Named in each new contact's proof of opt-in (default: api upload).",
            FileName,
        ),
    ),
    body=RawBody(CSV, "The contacts file."),
    answer=Answer(200, "Imported (or, dry, what an import would do).", ImportReport),
    errors=(
        400,
        Answer(413, f"The file is over {MAX_CSV_BYTES // (1024 * 1024)} MB.", ImportRefusal),
        Answer(415, "The body is not text/csv.", Error),
        Answer(
            422,
            "Nothing written: bad rows (all of them in `errors`, by line and column), a file "
            "that cannot be read as contacts, or a bad parameter (`field`).",
            ImportRefusal,
        ),
    ),
)
@body_limit(MAX_CSV_BYTES)
def import_contacts() -> Response:
    dry_run, partial = boolean("dry_run", False), boolean("partial", False)
    mapping, filename = _mapping(), _filename()
    data = csv_body()
    store, config, now = services().store, services().config, services().clock.now()
    try:
        plan = plan_import(store, data, filename=filename, region=config.region, now=now,
                           mapping=mapping)  # fmt: skip
    except ContactFileError as exc:
        refuse(422, str(exc))
    report = plan.as_dict() | {"imported": None}
    if not dry_run:
        if plan.errors and partial and not plan.read.rows:
            why = f"no row of the file can be imported ({len(plan.errors)} bad), nothing imported"
            raise ApiError(422, why, extra={"errors": _problems(plan.errors)})
        try:
            counts = apply_import(store, plan, now=now, partial=partial).counts
        except ImportRefused as exc:
            why = str(exc).replace("(--partial)", "(partial=true)")
            raise ApiError(422, why, extra={"errors": _problems(exc.errors)}) from None
        report["imported"] = {"new": counts.new, "updated": counts.updated,
                              "unchanged": counts.unchanged}  # fmt: skip
    return jsonify(ImportReport.model_validate(report).body())


@operation(
    "GET",
    "/contacts/export",
    operation_id="exportContacts",
    summary="The contacts as a CSV file",
    description="The columns an import reads (number, first_name, last_name, language, tags, "
    "then the free fields), UTF-8, `,`. Only the contacts one may write to: those who opted "
    "out are left out, since a file that lists them would opt them in wherever it is "
    "imported.",
    parameters=(Parameter("tag", "query", "Only contacts with this tag.", TagFilter),),
    answer=Answer(
        200,
        "The CSV file.",
        None,
        {"Content-Disposition": {"schema": {"type": "string"}, "required": True}},
        media_type=CSV,
    ),
    errors=(400,),
)
def export_contacts() -> Response:
    return Response(
        export_csv(services().store, text("tag")),
        mimetype=CSV,
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )
