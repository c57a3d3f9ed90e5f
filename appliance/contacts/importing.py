"""One contacts import, the same from the CLI, the panel and the API: read, preview, then write.

A person imports a file in two steps: first they see what it will do (the first rows as they
will be stored; how many contacts are new, updated, unchanged; every bad row with its line and
column), then they confirm. ``plan_import`` is the first step: it reads the file and asks the
store for a dry run, writing nothing. ``apply_import`` is the second.

By default an import is all or nothing: one bad row and nothing is written, and the errors say
what to fix. ``partial=True`` writes the good rows and leaves the bad ones to a report
(``error_report``: a CSV of the refused lines with the reason, for the person to fix and import
again). Either way the write is one transaction (``Store.upsert_contacts``).

Every new contact's opt-in proof names the file and its line ("import contacts.csv line 4"), so
consent can be traced back to the row a person typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from appliance.store import Store
from appliance.store.contact_import import ContactValues, UpsertCounts

from .csvfile import UTF16_BOMS, ContactRow, ReadResult, RowError, preview, read_csv
from .headers import ContactFileError

__all__ = [
    "UTF16_BOMS",
    "ContactFileError",
    "ImportDone",
    "ImportPlan",
    "ImportRefused",
    "apply_import",
    "error_report",
    "parse_mapping",
    "plan_import",
]

PREVIEW_ROWS = 5


class ImportRefused(ValueError):
    """An all-or-nothing import with bad rows: nothing was written; ``errors`` say why."""

    def __init__(self, errors: list[RowError]) -> None:
        shown = "; ".join(str(e) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(
            f"{len(errors)} row(s) refused, nothing imported: {shown}{more}. Fix them, or "
            "import the good rows only (--partial) and get a report of the others"
        )
        self.errors = errors


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would do, written nowhere yet."""

    filename: str
    read: ReadResult
    would: UpsertCounts  # of the good rows: new, updated, unchanged
    preview: list[dict[str, object]]

    @property
    def errors(self) -> list[RowError]:
        return self.read.errors

    def as_dict(self) -> dict[str, object]:
        """The plan as JSON-ready data (the CLI's --json, the API's and the panel's preview)."""
        counts = self.read.counts
        return {
            "file": self.filename,
            "encoding": self.read.encoding,
            "delimiter": self.read.delimiter,
            "columns": self.read.mapping,
            "rows": counts.read,
            "empty_lines": counts.empty,
            "duplicates_merged": counts.duplicates,
            "invalid": counts.invalid,
            "new": self.would.new,
            "updated": self.would.updated,
            "unchanged": self.would.unchanged,
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message, "text": str(e)}
                for e in self.errors
            ],
            "preview": self.preview,
        }


@dataclass(frozen=True)
class ImportDone:
    """What an import wrote (``skipped``: the bad rows left out by a partial import)."""

    counts: UpsertCounts
    skipped: list[RowError]


def parse_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["GSM perso=number", "Prénom usuel=first_name"]`` as a mapping header → field.
    Raises ContactFileError naming the pair that has no ``=``."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise ContactFileError(f"--map {pair!r}: write it as 'Column header=field'")
        mapping[header.strip()] = field.strip()
    return mapping


def values_of(rows: list[ContactRow]) -> list[ContactValues]:
    """The read rows as the store takes them (the first line of each, for the proof)."""
    return [
        ContactValues(
            number=row.number,
            first_name=row.first_name,
            last_name=row.last_name,
            language=row.language,
            tags=row.tags,
            fields=dict(row.fields),
            line=row.lines[0] if row.lines else None,
        )
        for row in rows
    ]


def _proof(filename: str) -> Callable[[ContactValues], str]:
    return lambda values: f"import {filename} line {values.line}"


def plan_import(
    store: Store,
    data: bytes,
    *,
    filename: str,
    region: str,
    now: datetime,
    mapping: Mapping[str, str] | None = None,
) -> ImportPlan:
    """Read ``data`` and count what importing it would do; writes nothing.
    Raises ContactFileError for a file that cannot be read at all (no header, no number column)."""
    read = read_csv(data, region=region, mapping=mapping)
    would = store.upsert_contacts(
        values_of(read.rows), now=now, source="import", proof_of=_proof(filename), dry_run=True
    )
    return ImportPlan(filename, read, would, preview(read, PREVIEW_ROWS))


def apply_import(
    store: Store,
    plan: ImportPlan,
    *,
    now: datetime,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportDone:
    """Write the plan's good rows in one transaction. Without ``partial`` a plan with any bad
    row raises ImportRefused and writes nothing. ``progress`` is called after each chunk with
    how many contacts it held (the CLI's progress bar: ``bar.update``)."""
    if plan.errors and not partial:
        raise ImportRefused(plan.errors)
    values = values_of(plan.read.rows)
    counts = store.upsert_contacts(
        values, now=now, source="import", proof_of=_proof(plan.filename), progress=progress
    )
    return ImportDone(counts, list(plan.errors))


def error_report(errors: list[RowError]) -> str:
    """The refused rows as CSV (line, column, reason), for ``--partial``'s report file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "column", "reason"])
    for error in errors:
        writer.writerow([error.line, error.column or "", error.message])
    return out.getvalue()
