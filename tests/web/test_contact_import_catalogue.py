"""Every problem a contacts file or a contact form can put before a volunteer, in French
(issue 16).

``appliance.contacts`` (csvfile, headers, cells, importing) and ``appliance.store.erasure`` say
what is wrong in English: the CLI's and the API's words, kept. The panel says them again by
their shape (web.contact_import_words, through web.reasons.reason_words). One real sample of
each, made by the code that makes it (a file fed to the real reader, a mapping parsed, an
import refused), else the literal it formats. Under a French reader each must come out
translated, no English word left (tests/web/test_i18n_pages.py's vocabulary) once its values
are taken out, and every value (a line, a column as written, a cell, a count) kept.
"""

from __future__ import annotations

import csv

import pytest
from flask_babel import format_decimal

from appliance.contacts import cells
from appliance.contacts.csvfile import read_csv
from appliance.contacts.headers import ContactFileError, map_headers
from appliance.contacts.importing import ImportRefused, parse_mapping
from tests.web.test_reasons_catalogue import assert_said_in_french
from web.reasons import reason_words

HEADER = "Téléphone;Prénom;Nom;Langue;Thèmes;Adhésion\n"
GOOD = "06 12 34 56 78;Alice;Martin;fr;Sport;12/12/2026\n"
FIELDS = "number, first_name, last_name, language, tags"
TOO_LONG_CELL = '06 98 76 54 32;"' + "M" * (csv.field_size_limit() + 10) + '";;;;\n'


def file_error(data: bytes | str, mapping: dict | None = None) -> str:
    """The refusal of a whole file by the real reader."""
    with pytest.raises(ContactFileError) as refused:
        read_csv(data, region="FR", mapping=mapping)
    return str(refused.value)


def row_errors(*rows: str, header: str = HEADER) -> list[str]:
    """The refused rows of a file made of ``header``, a good row, then ``rows``: each as the
    panel lists it (``str(RowError)``, "line 3, Téléphone: …")."""
    result = read_csv(header + GOOD + "".join(rows), region="FR")
    assert result.errors, "the reader refused nothing"
    return [str(error) for error in result.errors]


def row_error(row: str, header: str = HEADER) -> str:
    (error,) = row_errors(row, header=header)
    return error


def refused(*rows: str, panel: bool = False) -> str:
    """An all-or-nothing import of bad rows, as importing.ImportRefused says it (the panel says
    “keep the good rows” where the CLI says --partial, web.pages.imports)."""
    errors = read_csv(HEADER + GOOD + "".join(rows), region="FR").errors
    said = str(ImportRefused(errors))
    return said.replace("--partial", "“keep the good rows”") if panel else said


def mapping_error(pair: str) -> str:
    with pytest.raises(ContactFileError) as refused_:
        parse_mapping([pair])
    return str(refused_.value)


def language_error(text: str) -> str:
    with pytest.raises(ValueError) as refused_:
        cells.language(text)
    return str(refused_.value)


def headers_error(headers: list[str]) -> str:
    with pytest.raises(ContactFileError) as refused_:
        map_headers(headers)
    return str(refused_.value)


BAD_ROWS = ("12345;Bob;;;;\n", "06 98 76 54 32;Chloé;;xx;;\n", "36 15;Dan;;;;\n",
            ";Eve;;;;\n", "06 11 22 33 44;Fred\n")  # fmt: skip

# (the problem as the appliance writes it, the values that must come out as they went in)
SHAPES: list[tuple[str, tuple[str, ...]]] = [
    # a file that cannot be read at all (csvfile.read_csv, csvfile._rows_of, headers.map_headers)
    (file_error(b"PK\x03\x04 not a csv"), (".xlsx", ".ods", ".xls", "CSV UTF-8")),
    (file_error(b"\n \n"), ()),
    (file_error(HEADER + GOOD + '06 98 76 54 32;"Bob;Durand\n0611223344;Chloé\n'),
     ("3", '"')),
    (file_error(HEADER + '06 98 76 54 32;"Ann" Smith;;;;\n'),
     ("2", '("Ann" Smith)', '("""Ann"" Smith")')),
    (file_error(HEADER + GOOD + TOO_LONG_CELL), ("3",)),
    ("line 4: cannot be read as CSV (new-line character seen in unquoted field)",
     ("4", "new-line character seen in unquoted field")),
    (file_error("Tél;Nom;Nom\n"), ("'Nom'",)),
    (file_error(HEADER, {"Adhésion": "mobile"}), ("'mobile'", FIELDS)),
    (file_error(HEADER, {"Adhésion": "mobile", "Nom": "zip"}), ("'mobile', 'zip'", FIELDS)),
    (file_error("Téléphone;" + "N" * 80 + "\n"), ("'" + "N" * 40 + "'", "64")),
    (file_error("Nom;Prénom;GSM perso\n"),
     ("'Nom', 'Prénom', 'GSM perso'", "'Téléphone'", "'Phone'", "--map 'GSM perso=number'")),
    (headers_error(["", ""]), ("'Téléphone'", "'Phone'", "--map 'GSM perso=number'")),
    (mapping_error("GSM perso"), ("--map 'GSM perso'",)),
    # a refused row (csvfile._Rows.read, csvfile._number, cells.language), by line and column
    (row_error("06 98 76 54 32;Bob\n"), ("3", "2", "6")),
    (row_error("06 98 76 54 32;Bob;;;;;x\n"), ("3", "7", "6")),
    (row_error(";Bob;;;;\n"), ("3", "Téléphone", "'+'", "FR")),
    (row_error("12345;Bob;;;;\n"), ("3", "Téléphone", "'12345'", "FR")),
    (row_error("06 12;Bob;;;;\n"), ("3", "Téléphone", "'06 12'", "FR")),
    (row_error("06 12 34 56 78 90 12;Bob;;;;\n"), ("3", "'06 12 34 56 78 90 12'", "FR")),
    (row_error("+999 612345678;Bob;;;;\n"), ("3", "'+999 612345678'", "FR")),
    (row_error("06 12 AB 56 78;Bob;;;;\n"), ("3", "'06 12 AB 56 78'", "FR")),
    (row_error("06 12 34_56 78;Bob;;;;\n"), ("3", "'06 12 34_56 78'", "'_'", "FR")),
    (row_error("06+12345678;Bob;;;;\n"), ("3", "'06+12345678'", "+", "FR")),
    (row_error("+;Bob;;;;\n"), ("3", "'+'", "FR")),
    (row_error("3615;Bob;;;;\n"), ("3", "Téléphone", "'3615'", "FR")),
    (row_error("1" * 25 + ";Bob;;;;\n"), ("3", "'" + "1" * 25 + "'", "FR", "15")),
    (row_error("06 98 76 54 32;Bob;;xx;;\n"), ("3", "Langue", "'xx'", "fr", "en")),
    (row_error("06 98 76 54 32;Bob;;Deutsch;;\n"), ("3", "Langue", "'Deutsch'")),
    (row_error(f"06 98 76 54 32;Bob;;;{'T' * 70};\n"), ("3", "Thèmes", "'" + "T" * 40 + "'",
                                                         "64")),
    (row_error(f"06 98 76 54 32;{'B' * 130};;;;\n"), ("3", "Prénom", "128")),
    (row_error("06 98 76 54 32;Bob\x00;;;;\n"), ("3", "Prénom", "UTF-16", "CSV UTF-8")),
    # an all-or-nothing import refused (importing.ImportRefused), as the CLI and the panel say it
    (refused("12345;Bob;;;;\n"), ("1", "3", "Téléphone", "'12345'", "--partial")),
    (refused(*BAD_ROWS), ("5", "3", "4", "'12345'", "Langue", "'xx'", "'36 15'", "2",
                          "--partial")),
    (refused(*BAD_ROWS, panel=True), ("5", "3", "4", "'12345'", "Langue", "'xx'", "2")),
    # a contact's erasure refused while a message to it is on the air (store.erasure)
    ("message 42 to +33612345678 is being sent right now; nothing was erased. Erase again once "
     "it is settled (seconds; `smsrelay messages --to` shows it)",
     ("42", "+33612345678", "`smsrelay messages --to`")),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "values"), SHAPES, ids=[s[:60] for s, _ in SHAPES])
def test_every_contact_import_problem_comes_out_in_french(
    french, vocabulary, stored, values
) -> None:
    assert_said_in_french(stored, values, vocabulary)


def test_a_cells_limit_is_written_as_french_numbers_are(french) -> None:
    said = reason_words(file_error(HEADER + GOOD + TOO_LONG_CELL))
    assert f"{csv.field_size_limit():,}" not in said
    assert format_decimal(csv.field_size_limit()) in said  # "131 072"


def test_a_bad_free_field_an_unknown_header_and_duplicates_are_no_problems() -> None:
    """A bad free field is no problem: free fields are free (an impossible date stays text), a
    header nobody knows is a free field, duplicates are merged: none of them is refused."""
    again = "06 12 34 56 78;Alice;Martin;fr;Culture;31/02/2026\n"
    result = read_csv(HEADER.replace("Adhésion", "Couleur") + GOOD + again, region="FR")
    assert not result.errors
    assert result.rows[0].fields == {"Couleur": "31/02/2026"}
    assert result.counts.duplicates == 1


def test_english_readers_get_the_problems_as_stored(app_factory) -> None:
    with app_factory().test_request_context("/", headers={"Accept-Language": "en"}):
        for stored, _values in SHAPES:
            assert reason_words(stored) == stored
