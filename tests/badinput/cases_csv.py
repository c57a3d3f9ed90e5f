"""Contacts files given to ``smsrelay contacts import`` (all or nothing unless ``--partial``) and
to the panel's upload."""

from __future__ import annotations

import io

from tests.badinput.catalogue import Case, Seen

HEADER = b"number,first_name\n"
ANN = b"+33612345678,Ann\n"


def _import(data: bytes, *options: str):
    def run(rig):
        path = rig.folder / "contacts.csv"
        path.write_bytes(data)
        return rig.cli("contacts import", str(path), "--yes", *options)

    return run


def _upload(data: bytes):
    def run(rig):
        return rig.post_form("/contacts/import", {"file": (io.BytesIO(data), "contacts.csv")})

    return run


CSV_CASES = [
    Case("csv", "one-bad-row", "a good row and the number `abc`",
         _import(HEADER + ANN + b"abc,Bob\n"), Seen('exit 2', "error: 1 row(s) refused, nothing imported: line 3, number: 'abc' is not a valid number for FR: it contains letters; an SMS goes to digits only. Fix them, or import the good rows only (--partial) and get a report of the others")),
    Case("csv", "one-bad-row-partial", "the same with `--partial`",
         _import(HEADER + ANN + b"abc,Bob\n", "--partial"), Seen('exit 0', '1 bad row(s) left out, listed in contacts.errors.csv'),
         written={"contact": 1}),
    Case("csv", "short-row", "a row of one cell under a header of two",
         _import(HEADER + b"+33612345678\n"), Seen('exit 2', 'error: 1 row(s) refused, nothing imported: line 2: 1 cells where the header has 2 columns. Fix them, or import the good rows only (--partial) and get a report of the others')),
    Case("csv", "unbalanced-quote", "`+33612345678,\"Ann` then more rows: a quote never closed",
         _import(HEADER + b'+33612345678,"Ann\n+33612345679,Bob\n'), Seen('exit 2', 'error: contacts.csv: line 2: a quote (") opens a cell that is never closed: every line after it would be read into that cell'),
         note="imported as one contact named `Ann\\n+33612345679,Bob` before issue 14"),
    Case("csv", "text-after-a-quote", "`+33612345678,\"Ann\" Smith`: text after a closing quote",
         _import(HEADER + b'+33612345678,"Ann" Smith\n'), Seen('exit 2', 'error: contacts.csv: line 2: text follows a closing quote ("Ann" Smith): put the whole cell in quotes and double the quotes inside ("""Ann"" Smith")')),
    Case("csv", "nul-in-cell", "a cell holding NUL",
         _import(HEADER + b"+33612345678,A\x00nn\n"), Seen('exit 2', 'error: 1 row(s) refused, nothing imported: line 2, first_name: holds a NUL character (is the file UTF-16? save it as CSV UTF-8). Fix them, or import the good rows only (--partial) and get a report of the others')),
    Case("csv", "utf16-with-bom", "Excel's \"Unicode text\": UTF-16 with its BOM, tabs",
         _import("number\tfirst_name\n+33612345678\tZoé\n".encode("utf-16")), Seen('exit 0', 'imported 1 contact(s): 1 new, 0 updated, 0 unchanged'),
         written={"contact": 1}, note="refused as 'no column holds the phone number' before issue 14"),
    Case("csv", "cp1252", "a cp1252 file (`\\xe9` for é) with a bad row",
         _import(HEADER + b"+33612345678,H\xe9l\xe8ne\n0612,Zo\xe9\n"), Seen('exit 2', "error: 1 row(s) refused, nothing imported: line 3, number: '0612' is not a valid number for FR: it is too short for a number of +33 (FR). Fix them, or import the good rows only (--partial) and get a report of the others")),
    Case("csv", "bom-and-semicolons", "UTF-8 with a BOM, `;` between cells, a bad number",
         _import(b"\xef\xbb\xbfT\xc3\xa9l\xc3\xa9phone;Pr\xc3\xa9nom\n06 12 34;Ann\n"),
         Seen('exit 2', "error: 1 row(s) refused, nothing imported: line 2, Téléphone: '06 12 34' is not a valid number for FR: it is too short for a number of +33 (FR). Fix them, or import the good rows only (--partial) and get a report of the others")),
    Case("csv", "huge-cell", "a cell of 200,000 characters",
         _import(HEADER + b"+33612345678," + b"x" * 200_000 + b"\n"), Seen('exit 2', 'error: contacts.csv: line 2: a cell is over 131,072 characters, more than any contact holds (a quote left open?)')),
    Case("csv", "empty-file", "an empty file",
         _import(b""), Seen('exit 2', 'error: contacts.csv: the file is empty: it has no header line')),
    Case("csv", "no-number-column", "a header without a number column",
         _import(b"first_name\nAnn\n"), Seen('exit 2', "error: contacts.csv: no column holds the phone number (headers seen: 'first_name'); name it 'Téléphone' or 'Phone', or map it explicitly (e.g. --map 'GSM perso=number')")),
    Case("csv", "spreadsheet", "an .xlsx workbook (a zip) renamed contacts.csv",
         _import(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256))), Seen('exit 2', 'error: contacts.csv: this is a spreadsheet (.xlsx, .ods or .xls), not a CSV file: open it and save it as CSV UTF-8'),
         note="'no column holds the phone number (headers seen: PK...)' before issue 14"),
    Case("csv", "binary-file", "a PNG image named contacts.csv",
         _import(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), Seen('exit 2', "error: contacts.csv: no column holds the phone number (headers seen: '\\x89PNG'); name it 'Téléphone' or 'Phone', or map it explicitly (e.g. --map 'GSM perso=number')")),
    Case("csv", "panel-upload-bad-row", "panel upload: a good row and the number `abc`",
         _upload(HEADER + ANN + b"abc,Bob\n"), Seen('HTTP 200', "line 3, number: 'abc' is not a valid number for FR: it contains letters; an SMS goes to digits only")),
    Case("csv", "panel-upload-over-20mb", "panel upload: a 21 MB file",
         _upload(HEADER + ANN * 1_300_000), Seen('HTTP 413', 'The file is over 20 MB. Split it into smaller files, or import it with `smsrelay contacts import FILE` on the appliance.')),
]  # fmt: skip
