"""``smsrelay events import FILE``: an events file into an events campaign, and again when the
file is edited (issue 12; ``appliance.campaigning.events_import`` holds the rules).

Exit codes: 0 imported (or previewed), 1 not allowed (the campaign was cancelled), 2 bad input
(an unreadable file, bad rows without --partial, a text missing a value for someone).
"""

from __future__ import annotations

from pathlib import Path

import click

from .campaigns import _errors
from .common import (
    EXIT_BAD_INPUT,
    clock,
    config_option,
    database_errors,
    emit,
    fail,
    json_option,
    load,
    open_store,
)


@click.group()
def events() -> None:
    """Events files: collections, sessions, meetings, with invitations and reminders.

    \b
    Example:
      smsrelay events import collectes.csv --campaign collectes \\
        --invitation "Collecte {event.date} à {event.place}, {event.start}-{event.end}" \\
        --reminder "Rappel : demain {event.start} à {event.place}" --area-field Ville
    """


@events.command(name="import")
@config_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "name", required=True, help="The events campaign (made if new).")
@click.option("--invitation", default=None, help="The invitation's template.")
@click.option("--reminder", default=None, help="The reminder's template.")
@click.option("--correction", default=None,
              help="The correction sent to those already told when a date, time or place "
                   "changes.")  # fmt: skip
@click.option("--tag", "tags", multiple=True, help="Only contacts with this tag (new campaign).")
@click.option(
    "--area-field",
    default=None,
    help="The contacts' free field an event's area is matched on (else a tag).",
)
@click.option(
    "--invite-days",
    "invitation_days",
    type=int,
    default=None,
    help="Days before the event the invitation goes [7].",
)
@click.option("--invite-at", "invitation_at", default=None, help="Its local time [10:00].")
@click.option(
    "--remind-days",
    "reminder_days",
    type=int,
    default=None,
    help="Days before the event the reminder goes [1].",
)
@click.option("--remind-at", "reminder_at", default=None, help="Its local time [18:00].")
@click.option("--dry-run", is_flag=True, help="Show the schedule; write nothing.")
@click.option("--partial", is_flag=True, help="Import the good rows when some are bad.")
@json_option
def import_events(config_path: Path | None, file: Path, name: str, invitation: str | None,
                  reminder: str | None, correction: str | None, tags: tuple[str, ...],
                  area_field: str | None, invitation_days: int | None,
                  invitation_at: str | None, reminder_days: int | None,
                  reminder_at: str | None, dry_run: bool, partial: bool,
                  as_json: bool) -> None:  # fmt: skip
    """Import FILE (CSV: id, place, date, start, end, tags, area, free fields) into the events
    campaign --campaign: invitations and reminders queued at their local times; an edited file
    imported again moves, cancels and corrects what changed, never twice.

    \b
    Example:
      smsrelay events import collectes.csv --campaign collectes --dry-run
    """
    from appliance.campaigning.events_import import import_events as run
    from appliance.outbox import wakeup_path
    from appliance.wakeup import notify

    config = load(config_path)
    try:
        data = file.read_bytes()
    except OSError as error:
        fail(f"{file}: {error.strerror}", EXIT_BAD_INPUT)
    store = open_store(config)
    with _errors(), database_errors("the import stopped part way (import the file again)"):
        report = run(store, config, clock().now(), data, campaign=name, invitation=invitation,
                     reminder=reminder, correction=correction, tags=tags,
                     area_field=area_field, invitation_days=invitation_days,
                     invitation_at=invitation_at, reminder_days=reminder_days,
                     reminder_at=reminder_at, dry_run=dry_run, partial=partial)  # fmt: skip
    if not dry_run:
        notify(wakeup_path(config))
    data_out = report.as_dict()
    changes = ", ".join(f"{k} {len(v)}" for k, v in report.changes.items() if v) or "none"
    lines = [f"{report.campaign}: {report.events} event(s); {changes}"]
    lines += [f"error: {e}" for e in report.errors]
    for row in report.schedule:
        when = row["skipped"] or f"{row['wall']} local, {row['people']} person(s)"
        lines.append(f"  {row['event']} {row['date']} {row['place']}: {row['step']} {when}"
                     + (f" ({row['note']})" if row["note"] else ""))  # fmt: skip
    if dry_run:
        lines.append("dry run: nothing written")
    else:
        skipped = ", ".join(f"{n} {why}" for why, n in report.skipped.items() if n) or "none"
        lines.append(f"queued {report.queued}, skipped: {skipped}; cancelled {report.cancelled}, "
                     f"rewritten {report.rewritten}, corrections {report.corrected}")  # fmt: skip
    emit(data_out, as_json, lines)
