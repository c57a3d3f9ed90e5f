"""``smsrelay contacts import``: a contacts CSV shown, then written all or nothing (or only its
good rows with ``--partial``), through ``appliance.contacts.importing``.

The person sees first what the file will do (how it was read, the first rows as they will be
stored, the counts, every bad row by line and column), because a spreadsheet's export often
surprises its own author; then they confirm. A script says ``--yes`` (without a terminal,
nobody could answer the question, so it exits 2 rather than hang), or ``--dry-run`` to check a
file: exit 0 if it would import, 2 if it would be refused.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    clock,
    config_option,
    confirm_or_exit,
    database_errors,
    fail,
    json_option,
    load,
    open_store,
)

PROGRESS_FROM = 2000  # contacts: below this an import takes about a second, no bar needed
PREVIEW_COLUMNS = ("number", "first_name", "last_name", "language", "tags", "fields")


@click.command("import")
@config_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="'HEADER=FIELD'",
    help="Read the column HEADER as FIELD (number, first_name, last_name, language, tags); "
    "wins over the automatic mapping. Repeatable.",
)
@click.option("--partial", is_flag=True, help="Import the good rows; report the bad ones.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --partial: where the CSV of the refused rows goes (default: FILE's name with "
    ".errors.csv, beside it).",
)
@click.option("--dry-run", is_flag=True, help="Show what it would do; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for a confirmation.")
@json_option
def import_contacts(
    config_path: Path | None,
    file: Path,
    pairs: tuple[str, ...],
    partial: bool,
    report: Path | None,
    dry_run: bool,
    yes: bool,
    as_json: bool,
) -> None:
    """Import contacts from a CSV file, all or nothing.

    FILE may be UTF-8 or cp1252, with ',' ';' or tab, French or English headers. New
    contacts are recorded as opted in, with the file and line as proof; an import never opts
    in again someone who opted out.

    All or nothing by default: one bad row and nothing is written (exit 2, each error
    named by line and column). --partial writes the good rows and a report of the others.
    Without a terminal (a script), --yes is required.

    \b
    Example:
      smsrelay contacts import adherents.csv --dry-run
      smsrelay contacts import adherents.csv --map 'GSM perso=number' --yes
      smsrelay contacts import adherents.csv --partial --report refused.csv --yes
    """
    from appliance.contacts.importing import ContactFileError, parse_mapping, plan_import

    if report is not None and not partial:
        fail(
            "--report goes with --partial (an all-or-nothing import writes nothing)", EXIT_BAD_INPUT
        )
    report = report or file.with_suffix(".errors.csv")
    if report.resolve() == file.resolve():
        fail(f"--report {report} is the file being imported: name another one", EXIT_BAD_INPUT)
    config = load(config_path)
    try:
        mapping = parse_mapping(pairs)
        data = file.read_bytes()
    except (ContactFileError, OSError) as exc:
        fail(_why(file, exc), EXIT_BAD_INPUT)
    store = open_store(config)
    now = clock().now()
    with database_errors(f"{file}: cannot preview the import"):
        try:
            plan = plan_import(
                store, data, filename=file.name, region=config.region, now=now, mapping=mapping
            )
        except (ContactFileError, csv.Error) as exc:
            fail(f"{file}: {exc}", EXIT_BAD_INPUT)
    result = plan.as_dict() | {"imported": None, "report": None}
    if not as_json:
        _show_plan(plan)

    refused = bool(plan.errors) and (not partial or not plan.read.rows)
    if refused or dry_run or not plan.read.rows:
        _json(result, as_json)
        if refused:
            fail(_refusal(plan, partial), EXIT_BAD_INPUT)
        if not plan.read.rows and not as_json:
            click.echo("nothing to import: the file has no contacts")
        raise SystemExit(EXIT_OK)

    would = plan.would
    confirm_or_exit(
        f"Import {len(plan.read.rows)} contact(s) ({would.new} new, {would.updated} updated)"
        + (f", leaving out {len(plan.errors)} bad row(s)" if plan.errors else "")
        + "?",
        yes,
    )
    done = _apply(store, plan, partial, file)
    if plan.errors:
        _write_report(report, plan.errors)
        result["report"] = str(report)
    counts = done.counts
    result["imported"] = {
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }
    if as_json:
        _json(result, True)
        return
    click.echo(
        f"imported {counts.new + counts.updated + counts.unchanged} contact(s): "
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged"
    )
    if plan.errors:
        click.echo(f"{len(plan.errors)} bad row(s) left out, listed in {report}")


def _json(result: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _why(file: Path, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{file}: no such file"
    if isinstance(exc, OSError):
        return f"{file}: cannot read it: {exc.strerror or exc}"
    return str(exc)


def _refusal(plan, partial: bool) -> str:
    from appliance.contacts.importing import ImportRefused

    if partial:
        return f"no row of the file can be imported ({len(plan.errors)} bad), nothing imported"
    return str(ImportRefused(plan.errors))


def _apply(store, plan, partial: bool, file: Path):
    """Write the plan in one transaction, with a progress bar on standard error for a long
    file (the bar reaches its end before the commit, which takes a moment more)."""
    from appliance.contacts.importing import apply_import

    with database_errors(f"{file}: the import failed, nothing was written"):
        total = len(plan.read.rows)
        if total <= PROGRESS_FROM:
            return apply_import(store, plan, now=clock().now(), partial=partial)
        with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:
            return apply_import(
                store, plan, now=clock().now(), partial=partial, progress=bar.update
            )


def _write_report(path: Path, errors) -> None:
    """The refused rows as CSV, with a BOM so that Excel shows the accents of the headers."""
    from appliance.contacts.importing import error_report

    try:
        path.write_text(error_report(errors), encoding="utf-8-sig")
    except OSError as exc:
        fail(
            f"the good rows were imported, but the report of the {len(errors)} bad row(s) "
            f"could not be written to {path}: {exc.strerror or exc}",
            EXIT_FAILED,
        )


def _show_plan(plan) -> None:
    """How the file was read, its first rows as they will be stored, the counts, the errors."""
    read, counts, would = plan.read, plan.read.counts, plan.would
    delimiter = {"\t": "tab", ",": "','", ";": "';'"}.get(read.delimiter, repr(read.delimiter))
    click.echo(f"{plan.filename}: {read.encoding or 'text'}, {delimiter} between cells")
    click.echo(
        "columns: "
        + ", ".join(f"{header} → {field or 'free field'}" for header, field in read.mapping.items())
    )
    if plan.preview:
        click.echo("first rows as they will be stored:")
        for line in _table(plan.preview):
            click.echo(f"  {line}")
    click.echo(
        f"{counts.read} row(s): {would.new} new, {would.updated} updated, "
        f"{would.unchanged} unchanged; {counts.duplicates} duplicate(s) merged, "
        f"{counts.empty} empty line(s), {counts.invalid} invalid"
    )
    for error in plan.errors:
        click.echo(f"  {error}")


def _table(rows: list[dict]) -> list[str]:
    """The preview rows as aligned text columns."""
    cells = [list(PREVIEW_COLUMNS)] + [[_cell(row.get(c)) for c in PREVIEW_COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(PREVIEW_COLUMNS))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{name}={v}" for name, v in value.items())
    return str(value)
