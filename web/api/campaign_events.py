"""``/events/import``: an events file into an events campaign (issue 12), as ``smsrelay events
import FILE`` does it: invitations and reminders queued at their local times, and an edited
file imported again moves, cancels and corrects what changed, never twice.

Like the contacts' import (``contact_files``), the file is the raw body (``Content-Type:
text/csv``; ``curl --data-binary @collectes.csv``), its encoding found from its bytes, and the
options are query parameters (``--url-query`` in curl, ``params=`` in requests). The rules are
``appliance.campaigning.events_import``'s: a file with bad rows writes nothing unless
``partial=true``; a text missing a value for someone of an event is refused, naming the text;
``dry_run=true`` answers the schedule the import would make and writes nothing.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from appliance.campaigning.events_import import import_events
from appliance.outbox import wakeup_path
from appliance.wakeup import notify
from web.bodies import body_limit
from web.services import services

from .campaign_schemas import EventDays, EventsCampaign, EventsReport, EventsText
from .campaigns import STATE_ERROR, campaign_errors
from .contact_files import CSV, MAX_CSV_BYTES, csv_body
from .contact_schemas import Flag, TagFilter
from .errors import refuse
from .operations import Answer, Parameter, RawBody, operation
from .requests import boolean, text, whole_number
from .schemas import Error

TEXTS = ("campaign", "invitation", "reminder", "correction", "area_field", "invitation_at",
         "reminder_at")  # fmt: skip
# The operation names a fault as the CLI's options; the file itself is no parameter.
_FIELDS = {"tag": "tag", "name": "campaign", "file": None}


def _text(name: str) -> str | None:
    value = text(name)
    if value is not None and "\x00" in value:
        refuse(422, "holds U+0000, which cannot be stored", name)
    return value


def _days(name: str) -> int | None:
    return whole_number(name, 0, 0, 365) if name in request.args else None


@operation(
    "POST",
    "/events/import",
    operation_id="importEvents",
    summary="Import an events file into an events campaign",
    description="The body is the CSV file itself (`Content-Type: text/csv`): one event a row "
    "with its id, place, date, start, end, tags or area and free fields (French or English "
    "headers; UTF-8 or cp1252; `,` or `;`). The campaign is made on the first import (give "
    "`invitation` and/or `reminder`); for each event, the contacts it selects (`tag`) who match "
    "the event's tags or area get the invitation `invitation_days` before at `invitation_at` "
    "and the reminder `reminder_days` before at `reminder_at`, local time. Imported again, "
    "edited: a removed event's pending messages are cancelled, a moved one's rewritten, and "
    "the people already told of a changed date, time or place get `correction`. Bad rows: "
    "422 and nothing written, unless `partial=true`.",
    parameters=(
        Parameter("campaign", "query", "The events campaign (made if new).", EventsCampaign, True),
        Parameter(
            "invitation", "query", "The invitation's template ({event.date}...).", EventsText
        ),
        Parameter("reminder", "query", "The reminder's template.", EventsText),
        Parameter("correction", "query", "The correction's template.", EventsText),
        Parameter(
            "tag",
            "query",
            "Only contacts with this tag (a new campaign); repeat it.",
            list[TagFilter],
        ),
        Parameter(
            "area_field",
            "query",
            "The contacts' free field an event's area is matched on (else a tag).",
            EventsText,
        ),
        Parameter("invitation_days", "query", "Days before the event (default 7).", EventDays),
        Parameter("invitation_at", "query", "Local time (default 10:00).", EventsText),
        Parameter("reminder_days", "query", "Days before the event (default 1).", EventDays),
        Parameter("reminder_at", "query", "Local time (default 18:00).", EventsText),
        Parameter("dry_run", "query", "true: only the schedule (default false).", Flag),
        Parameter("partial", "query", "true: skip the bad rows (default false).", Flag),
    ),
    body=RawBody(CSV, "The events file."),
    answer=Answer(200, "Imported (or, dry, what an import would do).", EventsReport),
    errors=(
        400,
        Answer(413, f"The file is over {MAX_CSV_BYTES // (1024 * 1024)} MB.", Error),
        Answer(415, "The body is not text/csv.", Error),
        STATE_ERROR,
    ),
)
@body_limit(MAX_CSV_BYTES)
def import_events_file() -> Response:
    texts = {name: _text(name) for name in TEXTS}
    campaign = texts.pop("campaign")
    if campaign is None:
        refuse(422, "is required: the events campaign to import into", "campaign")
    days = {name: _days(name) for name in ("invitation_days", "reminder_days")}
    tags = request.args.getlist("tag")
    for tag in tags:
        if not tag.strip() or "\x00" in tag:
            refuse(422, "is empty or holds U+0000", "tag")
    dry_run, partial = boolean("dry_run", False), boolean("partial", False)
    data = csv_body()
    config = services().config
    with campaign_errors(_FIELDS):
        report = import_events(
            services().store, config, services().clock.now(), data, campaign=campaign,
            tags=tags, dry_run=dry_run, partial=partial,
            **days, **texts,
        )  # fmt: skip
    if not dry_run:
        notify(wakeup_path(config))
    return jsonify(EventsReport.model_validate(report.as_dict()).body())
