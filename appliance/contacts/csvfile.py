"""A contacts file read as people really export them, and written back.

Spreadsheets in France export CSV in cp1252 with ``;`` between cells; Google Sheets and
LibreOffice write UTF-8, sometimes with a BOM, and ``,``; address books write tabs. So the
encoding and the delimiter are found, not asked for, and the result says which were used so
that a person who sees "Ã©" in the preview knows why.

Reading never stops at the first bad row: every row is checked and each problem becomes a
``RowError`` naming the line as a spreadsheet counts it (the header is line 1) and the column
as written in the file, e.g. ``line 4, Téléphone: '12345' is not a valid number for FR: ...``.
The good rows are kept, so the caller can show both and let the person decide. Only a file
that cannot be read at all (no header, no number column) raises ``ContactFileError``.

The same number twice in one file is one contact typed twice (an update further down, or two
lists pasted together): the rows are merged, later non-empty values winning, tags and free
fields combined, and every line of the merged rows kept so a question can be traced back.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
from collections import Counter
from collections.abc import Iterator, Mapping

from appliance.contacts import cells
from appliance.contacts.cells import FieldValue
from appliance.contacts.headers import (
    FIELDS,
    FIRST_NAME,
    LANGUAGE,
    LAST_NAME,
    NAME_MAX,
    NUMBER,
    TAG_MAX,
    TAGS,
    ContactFileError,
    map_headers,
)
from appliance.numbers import InvalidRecipient, normalise
from appliance.store.contact_import import tag_key

DELIMITERS = ",;\t"
_SNIFFED_LINES = 20
_BOM = b"\xef\xbb\xbf"
# what a spreadsheet saved as itself starts with: a zip (.xlsx, .ods), an OLE2 file (.xls)
_SPREADSHEETS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

__all__ = [
    "UTF16_BOMS",
    "ContactFileError",
    "ContactRow",
    "Counts",
    "ReadResult",
    "RowError",
    "decode",
    "preview",
    "read_csv",
    "sniff_delimiter",
    "write_csv",
]


@dataclasses.dataclass(frozen=True)
class ContactRow:
    """One contact as the file describes it; ``lines`` are the file lines it was read from
    (more than one when duplicates were merged into it)."""

    number: str
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    fields: Mapping[str, FieldValue] = dataclasses.field(default_factory=dict)
    lines: tuple[int, ...] = ()

    def merged_with(self, later: ContactRow) -> ContactRow:
        """This row updated by a later row of the same number: its non-empty values win."""
        return ContactRow(
            number=self.number,
            first_name=later.first_name or self.first_name,
            last_name=later.last_name or self.last_name,
            language=later.language or self.language,
            tags=tuple(cells.merge_tags(list(self.tags), list(later.tags))),
            fields={**self.fields, **later.fields},
            lines=self.lines + later.lines,
        )

    def as_dict(self) -> dict[str, object]:
        """The row as it will be stored: plain values, dates as ISO text (JSON-ready)."""
        return {
            NUMBER: self.number,
            FIRST_NAME: self.first_name,
            LAST_NAME: self.last_name,
            LANGUAGE: self.language,
            TAGS: list(self.tags),
            "fields": {
                name: cells.as_text(value) if not isinstance(value, int | float) else value
                for name, value in self.fields.items()
            },
        }


@dataclasses.dataclass(frozen=True)
class RowError:
    """A row that was not imported: its line, the column at fault (``None`` for the whole
    row) and what is wrong, in words for the person who will fix the file."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.column is None else f"line {self.line}, {self.column}"
        return f"{where}: {self.message}"


@dataclasses.dataclass(frozen=True)
class Counts:
    """How many data rows were read, empty lines skipped, duplicate rows merged into an
    earlier one, and rows refused for an error."""

    read: int = 0
    empty: int = 0
    duplicates: int = 0
    invalid: int = 0


@dataclasses.dataclass(frozen=True)
class ReadResult:
    """What a file held: the contacts (merged, in order of first appearance), the refused rows,
    and how it was read (``encoding`` is ``None`` when text, not bytes, was given)."""

    rows: list[ContactRow]
    errors: list[RowError]
    encoding: str | None
    delimiter: str
    mapping: dict[str, str | None]
    counts: Counts


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in.

    UTF-8 first (a BOM is dropped and reported as "utf-8-sig"): bytes that decode as UTF-8 are
    almost never meant as anything else. Then cp1252, what Excel writes in France, and latin-1
    for the five bytes cp1252 leaves unmapped (latin-1 decodes every byte). A file that starts
    with a UTF-16 BOM is Excel's "Unicode text" export: read as UTF-16 (every other byte NUL
    otherwise, and the header unrecognisable).
    """
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read on as bytes
    if data.startswith(_BOM):
        try:
            return data[len(_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:  # a BOM pasted before cp1252 text: read the text as it is
            data = data[len(_BOM) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab, whichever separates the cells of ``text``'s first lines.

    ``csv.Sniffer`` is asked first, limited to those three; its guess is kept when it splits
    the header into more than one cell. Otherwise (it failed, or the guess is useless) the
    delimiter chosen is the one that gives the same number of cells, above one, on the most
    of the first lines. A file of a single column gets ``,``.
    """
    lines = [line for line in text.splitlines() if line.strip()][:_SNIFFED_LINES]
    sample = "\n".join(lines)
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = None
    if guess and lines and len(next(csv.reader([lines[0]], delimiter=guess))) > 1:
        return guess

    def consistency(delimiter: str) -> tuple[int, int]:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        width, agreeing = widths.most_common(1)[0] if widths else (0, 0)
        return (agreeing if width > 1 else 0, width)

    return max(DELIMITERS, key=consistency) if lines else ","


def read_csv(
    data: bytes | str, region: str = "FR", mapping: Mapping[str, str] | None = None
) -> ReadResult:
    """Read a contacts file: every row checked, duplicates merged, problems listed.

    ``region`` is the country of numbers written without ``+`` ("06 12 34 56 78" in "FR").
    ``mapping`` maps headers to fields and wins over the automatic mapping (see ``headers``).
    Raises ``ContactFileError`` when the file has no header line or no number column.
    """
    if isinstance(data, bytes) and data.startswith(_SPREADSHEETS):
        raise ContactFileError(
            "this is a spreadsheet (.xlsx, .ods or .xls), not a CSV file: open it and save it "
            "as CSV UTF-8"
        )
    text, encoding = (data, None) if isinstance(data, str) else decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    # strict: a quote left open runs to the end of the file, swallowing every row after it into
    # one cell; the lenient reader would import that as somebody's name
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header, empty = _header(_rows_of(reader))
    columns = map_headers(header, mapping)
    rows = _Rows([h.strip() for h in header], columns, region)
    by_number: dict[str, ContactRow] = {}
    errors: list[RowError] = []
    read = duplicates = invalid = 0
    line = reader.line_num + 1
    for cells_ in _rows_of(reader):
        start, line = line, reader.line_num + 1
        if not "".join(cells_).strip():
            empty += 1
            continue
        read += 1
        row, row_errors = rows.read(start, cells_)
        if row is None:
            invalid += 1
            errors.extend(row_errors)
        elif row.number in by_number:
            duplicates += 1
            by_number[row.number] = by_number[row.number].merged_with(row)
        else:
            by_number[row.number] = row
    counts = Counts(read=read, empty=empty, duplicates=duplicates, invalid=invalid)
    return ReadResult(list(by_number.values()), errors, encoding, delimiter, columns, counts)


def _rows_of(reader) -> Iterator[list[str]]:
    """The reader's rows; a line the csv module cannot read (a cell over its 128 KiB limit, a
    quote left open to the end) is a ContactFileError naming the line."""
    while True:
        start = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise ContactFileError(
                    f'line {start}: a quote (") opens a cell that is never closed: every line '
                    "after it would be read into that cell"
                ) from None
            if "expected after '\"'" in str(error):
                raise ContactFileError(
                    f'line {reader.line_num}: text follows a closing quote ("Ann" Smith): put '
                    'the whole cell in quotes and double the quotes inside ("""Ann"" Smith")'
                ) from None
            if "field larger than field limit" in str(error):
                raise ContactFileError(
                    f"line {start}: a cell is over {csv.field_size_limit():,} characters, more "
                    "than any contact holds (a quote left open?)"
                ) from None
            raise ContactFileError(
                f"line {reader.line_num}: cannot be read as CSV ({error})"
            ) from None


def _header(reader: Iterator[list[str]]) -> tuple[list[str], int]:
    """The first non-empty line's cells, and how many empty lines came before it."""
    for empty, cells_ in enumerate(reader):
        if any(cell.strip() for cell in cells_):
            return cells_, empty
    raise ContactFileError("the file is empty: it has no header line")


class _Rows:
    """How the data rows of one file become contacts: which cell fills what, and what the
    cells seen so far meant.

    Cells repeat down a column (a town, a theme, a year of birth, a number typed twice), so each
    distinct text of a column kind is read once per file: phonenumbers' parse alone is most of
    the time a file takes to read (about 50 µs a number). Every reading is a function of the
    text alone (and of the region, fixed for the file), so a remembered one is the one that
    would be made again, error message included. The memory goes with the file.
    """

    def __init__(self, headers: list[str], columns: Mapping[str, str | None], region: str):
        self.width = len(headers)
        # (index, header, field) of each mapped column, in the file's order
        self.plan = [(i, h, columns[h]) for i, h in enumerate(headers) if h in columns]
        self.region = region
        self._verdicts: dict[str, tuple[bool, str]] = {}  # text -> (valid, E.164 or message)
        self._free_field = functools.lru_cache(maxsize=8192)(cells.free_field)
        self._tags = functools.lru_cache(maxsize=1024)(lambda text: tuple(cells.tags(text)))
        self._language = functools.lru_cache(maxsize=64)(cells.language)  # errors: not kept

    def read(self, line: int, values: list[str]) -> tuple[ContactRow | None, list[RowError]]:
        """One data row as a ``ContactRow``, or ``None`` and every problem found in it."""
        if len(values) < self.width or "".join(values[self.width :]).strip():
            message = f"{len(values)} cells where the header has {self.width} columns"
            return None, [RowError(line, None, message)]
        found: dict[str, object] = {"fields": {}, "lines": (line,)}
        errors: list[RowError] = []
        for index, header, field in self.plan:
            try:
                self._fill(found, header, field, values[index])
            except ValueError as error:
                errors.append(RowError(line, header, str(error)))
        if errors:
            return None, errors
        return ContactRow(**found), []  # type: ignore[arg-type]

    def _fill(self, found: dict, header: str, field: str | None, value: str) -> None:
        """Put one cell's meaning into ``found``; raises ``ValueError`` with the words to show."""
        if "\x00" in value:
            raise ValueError("holds a NUL character (is the file UTF-16? save it as CSV UTF-8)")
        if field is None:
            typed = self._free_field(value)
            if typed is not None:
                found["fields"][header] = typed
        elif field == NUMBER:
            found[NUMBER] = self._number(value)
        elif field == LANGUAGE:
            found[LANGUAGE] = self._language(value)
        elif field == TAGS:
            found[TAGS] = self._tags(value)
            for tag in found[TAGS]:
                if len(tag) > TAG_MAX or len(tag_key(tag)) > TAG_MAX:
                    raise ValueError(f"the tag {tag[:40]!r} is longer than {TAG_MAX} characters")
        else:
            name = value.strip() or None
            if name is not None and len(name) > NAME_MAX:
                raise ValueError(f"is longer than {NAME_MAX} characters")
            found[field] = name

    def _number(self, value: str) -> str:
        text = value.strip()
        verdict = self._verdicts.get(text)
        if verdict is None:
            try:
                verdict = (True, _number(text, self.region))
            except ValueError as error:
                verdict = (False, str(error))
            self._verdicts[text] = verdict
        valid, said = verdict
        if not valid:
            raise ValueError(said)
        return said


def _number(value: str, region: str) -> str:
    """The cell's number in E.164; a contact is a person, so a short code is refused too."""
    text = value.strip()
    if not text:
        raise ValueError(f"the number is empty (numbers without '+' are read as {region})")
    try:
        number = normalise(text, region)
    except InvalidRecipient as error:
        raise ValueError(f"{text!r} is not a valid number for {region}: {error.why}") from None
    if not number.startswith("+"):
        raise ValueError(
            f"{text!r} is not a valid number for {region}: it is a short code, "
            "not a person's number"
        )
    return number


def preview(result: ReadResult, n: int = 5) -> list[dict[str, object]]:
    """The first ``n`` contacts as they will be stored, for the CLI's and the panel's preview."""
    return [row.as_dict() for row in result.rows[:n]]


def write_csv(rows: list[ContactRow]) -> str:
    """``rows`` as CSV text (UTF-8 when encoded, no BOM, ``,`` between cells) that
    ``read_csv`` reads back as the same rows.

    Columns: the fields (``number``, ``first_name``, ``last_name``, ``language``, ``tags``
    joined with ", "), then the free fields under their headers as written, in the order they
    first appear among the rows.
    """
    free: dict[str, None] = {}
    for row in rows:
        free.update(dict.fromkeys(row.fields))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIELDS, *free])
    for row in rows:
        writer.writerow(
            [
                row.number,
                row.first_name or "",
                row.last_name or "",
                row.language or "",
                ", ".join(row.tags),
                *(cells.as_text(row.fields[h]) if h in row.fields else "" for h in free),
            ]
        )
    return out.getvalue()
