"""An events file (a CSV of collections, meetings, sessions) read into ``Event`` rows.

The people who keep these files keep them in the same spreadsheets as their contacts, so the
file is read as a contacts file is (``appliance.contacts.csvfile``): the encoding and the
delimiter are found, not asked for, headers are French or English and compared by their folded
key ("Heure de début" matches "HEURE DE DEBUT"), and every column that is not one of the
event's own is a free field kept under its header as written, for the templates.

The columns: an id, a place, a date, a start and an end time, tags (a theme) and an area (a
town, a zone). The id, the place and the date are required; times may be left empty (an
all-day event), and a start cell may hold a range ("8h-12h", "14h à 19h") when there is no end.

Every bad row becomes a ``RowError`` naming the line (the header is line 1) and the column as
written: ``line 4, Date: '31/02/2026' is not a date``. The good rows are kept so that the
person sees both. An id names one event: the ids are what a re-import of an edited file is
matched on (``schedule.diff``), so an id used twice is an error naming both lines, and neither
row is kept (which of the two is right is the person's call, not ours). Ids are compared
stripped and case-folded ("c3" is "C3"), since a retyped id is still the same event.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping

from appliance.contacts import cells
from appliance.contacts.cells import FieldValue
from appliance.contacts.csvfile import RowError, decode, sniff_delimiter
from appliance.contacts.headers import FIELD_NAME_MAX, key

ID, PLACE, DATE, START, END, TAGS, AREA = "id", "place", "date", "start", "end", "tags", "area"
FIELDS = (ID, PLACE, DATE, START, END, TAGS, AREA)
REQUIRED = (ID, PLACE, DATE)
ID_MAX, PLACE_MAX = 64, 256

__all__ = [
    "Event",
    "EventFileError",
    "ReadResult",
    "RowError",
    "id_key",
    "map_headers",
    "parse_date",
    "parse_time",
    "read_events",
]


class EventFileError(ValueError):
    """The file as a whole cannot be read as events (no header, a required column missing, a
    header twice): nothing is read, and the message says what to fix."""


def id_key(event_id: str) -> str:
    """What an id is compared on: stripped and case-folded."""
    return event_id.strip().casefold()


@dataclasses.dataclass(frozen=True)
class Event:
    """One event of the file. ``start`` and ``end`` are local wall times (the configured zone's)
    or ``None`` for an all-day event; ``line`` is where it was read, for messages only."""

    id: str
    place: str
    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    tags: tuple[str, ...] = ()
    area: str | None = None
    fields: Mapping[str, FieldValue] = dataclasses.field(default_factory=dict)
    line: int = 0

    @property
    def key(self) -> str:
        return id_key(self.id)

    def as_dict(self) -> dict[str, object]:
        """The event as the templates read it (``{event.place}``, ``{event.fields.NAME}``):
        typed values (dates, times), tags as a list."""
        return {
            "id": self.id,
            "place": self.place,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "tags": list(self.tags),
            "area": self.area,
            "fields": dict(self.fields),
        }


@dataclasses.dataclass(frozen=True)
class ReadResult:
    """What a file held: the events in file order, the refused rows, and how it was read
    (``encoding`` is ``None`` when text, not bytes, was given)."""

    events: list[Event]
    errors: list[RowError]
    encoding: str | None
    delimiter: str
    mapping: dict[str, str | None]


_NAMES = {
    ID: ("Identifiant", "ID", "Id collecte", "Id événement", "Référence", "Ref", "Code",
         "Event id", "Event"),
    PLACE: ("Lieu", "Adresse", "Salle", "Site", "Place", "Location", "Venue", "Address"),
    DATE: ("Date", "Jour", "Date de collecte", "Date de la collecte", "Day", "Event date"),
    START: ("Début", "Heure", "Heure de début", "Heure début", "Horaire", "Horaires", "Start",
            "Start time", "Time", "Hours", "From"),
    END: ("Fin", "Heure de fin", "Heure fin", "End", "End time", "Until"),
    TAGS: ("Thème", "Thèmes", "Theme", "Themes", "Tags", "Tag", "Catégorie", "Catégories",
           "Category", "Categories"),
    AREA: ("Zone", "Secteur", "Ville", "Commune", "Département", "Région", "Area", "Sector",
           "Town", "City", "Region"),
}  # fmt: skip
AUTOMATIC = {key(name): field for field, names in _NAMES.items() for name in names}
_EXAMPLES = {ID: "'Identifiant' or 'ID'", PLACE: "'Lieu' or 'Place'", DATE: "'Date'"}


def map_headers(
    headers: list[str], explicit: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Each header (as written) → the event field it fills, or ``None`` for a free field.

    As for contacts (``appliance.contacts.headers.map_headers``): ``explicit`` first, then the
    table, left to right, one column per field, empty headers left out. Raises
    ``EventFileError`` for a header twice, an unknown field in ``explicit``, a free field's name
    too long, or a required column (id, place, date) missing.
    """
    headers = [h.strip() for h in headers]
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise EventFileError(f"the column {header!r} appears twice in the header line")
        seen.add(header)
    wanted = {key(header): field for header, field in (explicit or {}).items()}
    unknown = sorted(set(wanted.values()) - set(FIELDS))
    if unknown:
        raise EventFileError(
            f"cannot map a column to {', '.join(map(repr, unknown))}: "
            f"the fields are {', '.join(FIELDS)}"
        )
    mapping: dict[str, str | None] = {h: None for h in headers if h}
    taken: set[str] = set()
    for source in (wanted, AUTOMATIC):
        for header in mapping:
            field = source.get(key(header))
            if mapping[header] is None and field is not None and field not in taken:
                mapping[header] = field
                taken.add(field)
    for header, field in mapping.items():
        if field is None and len(header) > FIELD_NAME_MAX:
            raise EventFileError(
                f"the column {header[:40]!r}… has a name over {FIELD_NAME_MAX} characters"
            )
    missing = [field for field in REQUIRED if field not in taken]
    if missing:
        seen_text = ", ".join(repr(h) for h in headers if h) or "none"
        names = "; ".join(f"the {field}: {_EXAMPLES[field]}" for field in missing)
        raise EventFileError(
            f"no column holds the {', the '.join(missing)} (headers seen: {seen_text}); "
            f"name them ({names}) or map them explicitly"
        )
    return mapping


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_TIME = re.compile(r"(\d{1,2})\s*(?:[hH]\s*(\d{2})?|:(\d{2})(?::(\d{2}))?)", re.ASCII)
_RANGE = re.compile(r"\s*(?:-|–|—|\bà\b|\ba\b|\bto\b)\s*", re.IGNORECASE)


def parse_date(text: str) -> dt.date:
    """A date as written in France or by ISO: ``12/12/2026``, ``12.12.26``, ``2026-12-12``
    (day first; a two-digit year is 2000–2068 or 1969–1999, as ``%y``). Raises ``ValueError``."""
    text = text.strip()
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                year += 2000 if year <= 68 else 1900
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (write it 12/12/2026 or 2026-12-12)")


def parse_time(text: str) -> dt.time:
    """A time of day: ``14h30``, ``14 h 30``, ``9h``, ``14:30``, ``14:30:00``. Raises
    ``ValueError``; a bare ``14`` is refused (is it an hour, a duration, a spreadsheet's
    fraction of a day?)."""
    text = text.strip()
    match = _TIME.fullmatch(text)
    try:
        if match:
            hour, minute_h, minute_colon, second = match.groups()
            minute = minute_h or minute_colon or "0"
            return dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a time of day (write it 14h30, 14:30 or 9h)")


def _time_range(text: str) -> tuple[dt.time, dt.time | None]:
    """A start cell's time, or its two times when it holds a range ("8h-12h", "14h à 19h")."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parse_time(parts[0]), parse_time(parts[1])
    return parse_time(text), None


def read_events(data: bytes | str, mapping: Mapping[str, str] | None = None) -> ReadResult:
    """Read an events file: every row checked, ids unique, problems listed by line and column.

    ``mapping`` maps headers to fields (``id``, ``place``, ``date``, ``start``, ``end``,
    ``tags``, ``area``) and wins over the automatic mapping. Raises ``EventFileError`` when the
    file has no header line or misses a required column.
    """
    text, encoding = (data, None) if isinstance(data, str) else decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _rows_of(reader)
    header = next((r for r in rows if any(c.strip() for c in r)), None)
    if header is None:
        raise EventFileError("the file is empty: it has no header line")
    columns = map_headers(header, mapping)
    headers = [h.strip() for h in header]
    plan = [(i, h, columns[h]) for i, h in enumerate(headers) if h in columns]
    read: list[tuple[int, str | None, Event | None]] = []  # (line, id as written, event)
    errors: list[RowError] = []
    line = reader.line_num + 1
    for values in rows:
        start, line = line, reader.line_num + 1
        if not "".join(values).strip():
            continue
        event, row_errors, event_id = _read_row(start, values, len(headers), plan)
        errors.extend(row_errors)
        read.append((start, event_id, event))
    first_line: dict[str, int] = {}
    doubled: set[str] = set()
    id_header = next(h for h, f in columns.items() if f == ID)
    for row_line, event_id, _ in read:
        if event_id is None:
            continue
        event_key = id_key(event_id)
        if event_key in first_line:
            doubled.add(event_key)
            errors.append(
                RowError(
                    row_line,
                    id_header,
                    f"the id {event_id!r} is also the id of line {first_line[event_key]}: "
                    "an id names one event, so neither row is kept",
                )
            )
        else:
            first_line[event_key] = row_line
    errors.sort(key=lambda error: error.line)
    events = [e for _, _, e in read if e is not None and e.key not in doubled]
    return ReadResult(events, errors, encoding, delimiter, columns)


def _rows_of(reader) -> Iterator[list[str]]:
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise EventFileError(
                f"line {reader.line_num}: cannot be read as CSV ({error})"
            ) from None


def _read_row(
    line: int, values: list[str], width: int, plan: list[tuple[int, str, str | None]]
) -> tuple[Event | None, list[RowError], str | None]:
    """One data row as an ``Event`` (or ``None``), its errors, and its id as written if it has
    one (a row refused for its date still holds its id against a second row)."""
    if len(values) < width or "".join(values[width:]).strip():
        message = f"{len(values)} cells where the header has {width} columns"
        return None, [RowError(line, None, message)], None
    found: dict[str, object] = {"fields": {}, "line": line}
    errors: list[RowError] = []
    headers_of: dict[str, str] = {}
    for index, header, field in plan:
        if field is not None:
            headers_of[field] = header
        try:
            _fill(found, header, field, values[index])
        except ValueError as error:
            errors.append(RowError(line, header, str(error)))
    event_id = str(found[ID]) if found.get(ID) else None
    start, end = found.get(START), found.get(END)
    if not errors and end is not None:
        where = headers_of.get(END) or headers_of[START]
        if start is None:
            errors.append(RowError(line, where, "an end time needs a start time"))
        elif end <= start:  # type: ignore[operator]
            errors.append(
                RowError(line, where, f"the end {end:%H:%M} is not after the start {start:%H:%M}")
            )
    if errors:
        return None, errors, event_id
    return Event(**found), [], event_id  # type: ignore[arg-type]


def _fill(found: dict, header: str, field: str | None, value: str) -> None:
    """Put one cell's meaning into ``found``; raises ``ValueError`` with the words to show."""
    text = value.strip()
    if "\x00" in value:
        raise ValueError("holds a NUL character (is the file UTF-16? save it as CSV UTF-8)")
    if field is None:
        typed = cells.free_field(value)
        if typed is not None:
            found["fields"][header] = typed
    elif field in REQUIRED and not text:
        raise ValueError(f"is empty: every event needs its {field}")
    elif field == ID:
        if len(text) > ID_MAX:
            raise ValueError(f"the id is longer than {ID_MAX} characters")
        found[ID] = text
    elif field == PLACE:
        if len(text) > PLACE_MAX:
            raise ValueError(f"is longer than {PLACE_MAX} characters")
        found[PLACE] = text
    elif field == DATE:
        found[DATE] = parse_date(text)
    elif field == START and text:
        start, end = _time_range(text)
        found[START] = start
        if end is not None and found.get(END) is None:
            found[END] = end
    elif field == END and text:
        found[END] = parse_time(text)
    elif field == TAGS:
        found[TAGS] = tuple(cells.tags(text))
    elif field == AREA:
        found[AREA] = text or None
