"""Many recipients for one ``smsrelay send``: a file (or standard input) of numbers, one a line,
or a CSV with a number column and a column per template field.

- **A list of numbers**, one a line (blank lines skipped), written as people write them
  ("06 12 34 56 78" in the config's region, or "+33612345678").
- **A CSV** as the contacts import reads it (``appliance.contacts.csvfile``: UTF-8 or cp1252,
  ``,`` ``;`` or tab, French or English headers, "Téléphone" or "Phone" for the number; the
  other columns are first_name, last_name, language or free fields). It is a CSV when its first
  line names a number column, else a list of numbers.

With a file, TEXT is a template as a campaign's (``appliance.campaigns.templates``, the same
sandboxed renderer): ``{first_name}``, ``{last_name}``, ``{fields.NAME}`` (a column, compared as
headers are: "Ville" is ``{fields.ville}``), ``{{`` and ``}}`` for a brace.

All or nothing: every line is read, rendered and checked (``outbox.prepare``, the one
validation of every message) before anything is queued, and every problem is reported with its
line as a spreadsheet counts it (the header is line 1). A number twice is sent once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .contacts.csvfile import ContactFileError, decode, read_csv, sniff_delimiter
from .contacts.headers import map_headers
from .outbox import BadRequest, prepare

if TYPE_CHECKING:
    from .config import Config
    from .store.admission import NewMessage


class RecipientsError(ValueError):
    """The file cannot be sent: ``problems`` lists each, with its line; nothing was queued."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:20] + (
            [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
        )
        super().__init__("\n".join(shown))
        self.problems = problems


@dataclass(frozen=True)
class Recipient:
    """One person to write to: the number as typed or read, its line, and what fills the
    template (``Template.render``'s contact mapping)."""

    line: int
    number: str
    contact: dict


@dataclass(frozen=True)
class Batch:
    """The messages to queue, each with the line it came from, and the duplicates dropped."""

    messages: list[NewMessage]
    lines: list[int]
    duplicates: int


def read_recipients(data: bytes, region: str) -> tuple[list[Recipient], list[str], int]:
    """The recipients of a file, the problems found reading it, and how many duplicates were
    merged into an earlier line."""
    text, _ = decode(data)
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise RecipientsError(["the file is empty: no number in it"])
    delimiter = sniff_delimiter(text)
    try:
        map_headers(next(csv.reader([first], delimiter=delimiter)))
    except ContactFileError as exc:
        if any(mark in first for mark in ",;\t"):  # cells, yet none is a number's header
            raise RecipientsError([f"line 1: {exc}"]) from None
        return _from_lines(text)  # no header: a list of numbers
    return _from_csv(text, region)


def _from_csv(text: str, region: str) -> tuple[list[Recipient], list[str], int]:
    try:
        result = read_csv(text, region)
    except ContactFileError as exc:
        raise RecipientsError([str(exc)]) from None
    recipients = [
        Recipient(
            row.lines[0],
            row.number,
            {
                "number": row.number,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "language": row.language,
                "fields": dict(row.fields),
            },
        )
        for row in result.rows
    ]
    return recipients, [str(error) for error in result.errors], result.counts.duplicates


def _from_lines(text: str) -> tuple[list[Recipient], list[str], int]:
    recipients, seen, duplicates = [], set(), 0
    for line, raw in enumerate(io.StringIO(text, newline=None), start=1):
        number = raw.strip()
        if not number:
            continue
        if number in seen:
            duplicates += 1
            continue
        seen.add(number)
        recipients.append(Recipient(line, number, {"number": number}))
    return recipients, [], duplicates


def prepare_batch(
    config: Config, data: bytes, template_text: str, now: datetime, **options: object
) -> Batch:
    """Every message of the file, rendered and checked with ``prepare(**options)``; raises
    ``RecipientsError`` listing every problem by line (nothing is queued then)."""
    from .campaigns.templates import Template, TemplateError

    try:
        template = Template(template_text)
    except TemplateError as exc:
        raise RecipientsError([f"text: {exc}"]) from None
    recipients, problems, duplicates = read_recipients(data, config.region)
    messages, lines, numbers = [], [], set()
    for recipient in recipients:
        try:
            text = template.render(recipient.contact)
            new = prepare(config, to=recipient.number, text=text, now=now, **options)
        except (TemplateError, BadRequest, ValueError) as exc:
            problems.append(f"line {recipient.line}: {exc}")
            continue
        if new.recipient in numbers:  # "06 12..." and "+336 12...": one person
            duplicates += 1
            continue
        numbers.add(new.recipient)
        messages.append(new)
        lines.append(recipient.line)
    if problems:
        raise RecipientsError(sorted(problems, key=_line_of))
    if not messages:
        raise RecipientsError(["the file holds no number"])
    return Batch(messages, lines, duplicates)


def _line_of(problem: str) -> int:
    words = problem.split(maxsplit=2)
    return int(words[1].rstrip(":,")) if words[:1] == ["line"] and len(words) > 1 else 0
