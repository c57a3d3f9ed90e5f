"""Contacts files as people export them (issue 11): cp1252 or UTF-8 with a BOM, ``;`` or tabs,
numbers typed every way, a bad row, a duplicate, an empty line, read into checked rows."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from appliance.contacts import csvfile
from appliance.contacts.cells import free_field, language, merge_tags, tags
from appliance.contacts.csvfile import (
    ContactFileError,
    ContactRow,
    RowError,
    decode,
    preview,
    read_csv,
    sniff_delimiter,
    write_csv,
)
from appliance.contacts.headers import map_headers

# The messy file: Excel in France (cp1252, ";"), spaces inside numbers, both forms of
# one number (a duplicate, line 6), a bad number (line 4), an empty line (line 5).
MESSY_TEXT = (
    "Nom;Prénom;Téléphone;Thème;Ville;Adhésion\r\n"
    "Dupont;Élise;+33 6 12 34 56 78;Sport, Culture;Paris;12/12/2026\r\n"
    "Martin;Jean;06 98 76 54 32;sport;Lyon;\r\n"
    "Leroy;Zoé;12345;Théâtre;Nantes;\r\n"
    "\r\n"
    "Dupont;;06 12 34 56 78;théâtre | SPORT;;2026-12-13\r\n"
)
MESSY_CP1252 = MESSY_TEXT.encode("cp1252")
MESSY_UTF8_BOM = b"\xef\xbb\xbf" + MESSY_TEXT.encode("utf-8")


@pytest.mark.parametrize(
    ("data", "encoding"), [(MESSY_CP1252, "cp1252"), (MESSY_UTF8_BOM, "utf-8-sig")]
)
def test_the_messy_file_is_read_whatever_its_encoding(data, encoding):
    result = read_csv(data, region="FR")
    assert result.encoding == encoding
    assert result.delimiter == ";"
    assert result.mapping == {
        "Nom": "last_name",
        "Prénom": "first_name",
        "Téléphone": "number",
        "Thème": "tags",
        "Ville": None,
        "Adhésion": None,
    }
    assert result.rows == [
        ContactRow(
            number="+33612345678",
            first_name="Élise",
            last_name="Dupont",
            tags=("Sport", "Culture", "théâtre"),
            fields={"Ville": "Paris", "Adhésion": datetime.date(2026, 12, 13)},
            lines=(2, 6),
        ),
        ContactRow(
            number="+33698765432",
            first_name="Jean",
            last_name="Martin",
            tags=("sport",),
            fields={"Ville": "Lyon"},
            lines=(3,),
        ),
    ]
    assert [str(error) for error in result.errors] == [
        "line 4, Téléphone: '12345' is not a valid number for FR: it is a short code, "
        "not a person's number"
    ]
    counts = result.counts
    assert (counts.read, counts.empty, counts.duplicates, counts.invalid) == (4, 1, 1, 1)


def test_the_error_text_names_the_line_and_the_column_as_written():
    data = "Tél.;Langue\n06 12 34 56 7;fr\n06 12 34 56 78;allemand\n".encode("cp1252")
    errors = read_csv(data).errors
    assert errors == [
        RowError(
            2,
            "Tél.",
            "'06 12 34 56 7' is not a valid number for FR: it does not have the length of a "
            "number of +33 (FR) (a digit missing?)",
        ),
        RowError(3, "Langue", "'allemand' is not a language we write in (fr or en)"),
    ]
    assert str(errors[1]) == "line 3, Langue: 'allemand' is not a language we write in (fr or en)"


def test_a_row_with_the_wrong_number_of_cells_is_an_error_naming_its_line():
    result = read_csv("Phone,Name\n0612345678,A\n0698765432\n0611111111,B,extra\n0622222222,C,,\n")
    assert [str(e) for e in result.errors] == [
        "line 3: 1 cells where the header has 2 columns",
        "line 4: 3 cells where the header has 2 columns",
    ]
    assert [row.number for row in result.rows] == ["+33612345678", "+33622222222"]


def test_an_explicit_mapping_wins_over_the_automatic_one():
    data = "GSM perso;Téléphone;Nom\n06 12 34 56 78;01 42 68 53 00;Dupont\n".encode("cp1252")
    result = read_csv(data, mapping={"GSM perso": "number"})
    assert result.mapping == {"GSM perso": "number", "Téléphone": None, "Nom": "last_name"}
    assert result.rows[0].number == "+33612345678"
    assert result.rows[0].fields == {"Téléphone": "01 42 68 53 00"}


def test_a_file_without_a_number_column_is_an_error_naming_its_headers():
    with pytest.raises(ContactFileError, match=r"headers seen: 'Nom', 'Ville'"):
        read_csv(b"Nom;Ville\nDupont;Paris\n")


def test_a_mapping_to_an_unknown_field_and_a_header_twice_are_errors():
    with pytest.raises(ContactFileError, match="'email'"):
        map_headers(["Phone", "Mail"], {"Mail": "email"})
    with pytest.raises(ContactFileError, match="'Note' appears twice"):
        map_headers(["Phone", "Note", "Note"])
    with pytest.raises(ContactFileError, match="empty"):
        read_csv(b"\n\n")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("TÉLÉPHONE", "number"),
        ("tel", "number"),
        ("Mobile phone", "number"),
        ("mobile-phone", "number"),
        ("Numéro", "number"),
        ("GSM", "number"),
        ("Cell", "number"),
        ("first_name", "first_name"),
        ("Given name", "first_name"),
        ("Nom de famille", "last_name"),
        ("Surname", "last_name"),
        ("lang", "language"),
        ("Catégorie", "tags"),
        ("Thèmes", "tags"),
        ("Ville", None),
    ],
)
def test_headers_are_mapped_ignoring_accents_case_spaces_dashes_and_underscores(header, field):
    mapping = map_headers(["Phone", header] if field != "number" else [header])
    assert mapping[header] == field


def test_the_first_column_for_a_field_takes_it_a_second_stays_a_free_field():
    assert map_headers(["Téléphone", "Portable"]) == {"Téléphone": "number", "Portable": None}


def test_tab_delimited_with_typed_free_fields():
    data = (
        b"Phone\tFirst name\tLanguage\tJoined\tFee\tPaid\tPostcode\tLevel\n"
        b"+44 7700 900123\tAnn\tEnglish\t2026-01-31\t12,5\t1 200\t01000\t3\n"
    )
    result = read_csv(data, region="GB")
    assert (result.encoding, result.delimiter) == ("utf-8", "\t")
    [row] = result.rows
    assert (row.number, row.first_name, row.language) == ("+447700900123", "Ann", "en")
    assert row.fields == {
        "Joined": datetime.date(2026, 1, 31),
        "Fee": 12.5,
        "Paid": 1200,
        "Postcode": "01000",
        "Level": 3,
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-12-12", datetime.date(2026, 12, 12)),
        ("12/12/2026", datetime.date(2026, 12, 12)),
        ("12/12/26", datetime.date(2026, 12, 12)),
        ("1/2/2026", datetime.date(2026, 2, 1)),
        ("31/02/2026", "31/02/2026"),
        ("12", 12),
        ("0", 0),
        ("-3", -3),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234 567", 1234567),
        ("1\u00a0234,50", 1234.5),
        ("0,5", 0.5),
        ("0612345678", "0612345678"),
        ("12 34", "12 34"),
        ("  Paris ", "Paris"),
        ("   ", None),
    ],
)
def test_free_fields_are_typed(text, value):
    typed = free_field(text)
    assert typed == value
    assert type(typed) is type(value)


def test_languages_and_tags():
    assert [language(t) for t in ("fr", "Français", "FRANCAIS", "french", "EN", "anglais")] == [
        "fr",
        "fr",
        "fr",
        "fr",
        "en",
        "en",
    ]
    assert language("  ") is None
    with pytest.raises(ValueError, match="'de'"):
        language("de")
    assert tags("Sport, sport ; Culture|  | Théâtre") == ["Sport", "Culture", "Théâtre"]
    assert tags("") == []


def test_decode_falls_back_from_utf8_to_cp1252_then_latin1():
    assert decode("é€".encode()) == ("é€", "utf-8")
    assert decode("é€".encode("cp1252")) == ("é€", "cp1252")
    assert decode(b"\xe9\x81") == ("é\x81", "latin-1")  # 0x81 is unmapped in cp1252


def test_sniff_delimiter_falls_back_to_the_most_consistent_column_count():
    assert sniff_delimiter("a,b;c\n1,2;3\n4,5;6\n") in ",;"
    assert sniff_delimiter("Phone\n0612345678\n") == ","
    assert sniff_delimiter("Nom;Tel\nA, B;1\nC;2\n") == ";"


def test_empty_names_and_cells_are_absent_and_empty_numbers_are_errors():
    result = read_csv("Phone;Prénom;Note\n0612345678; ;\n;A;x\n;;\n")
    assert result.rows == [ContactRow(number="+33612345678", lines=(2,))]
    assert [str(e) for e in result.errors] == [
        "line 3, Phone: the number is empty (numbers without '+' are read as FR)"
    ]
    assert result.counts.empty == 1


def test_line_numbers_count_a_quoted_cell_over_two_lines_as_a_spreadsheet_does():
    result = read_csv('Phone,Note\n0612345678,"two\nlines"\n\n0698765432,x\n')
    assert [row.lines for row in result.rows] == [(2,), (5,)]


def test_preview_gives_plain_dicts_as_they_will_be_stored():
    result = read_csv(MESSY_CP1252)
    assert preview(result, n=1) == [
        {
            "number": "+33612345678",
            "first_name": "Élise",
            "last_name": "Dupont",
            "language": None,
            "tags": ["Sport", "Culture", "théâtre"],
            "fields": {"Ville": "Paris", "Adhésion": "2026-12-13"},
        }
    ]
    assert len(preview(result)) == 2


def _without_lines(rows):
    return [dataclasses.replace(row, lines=()) for row in rows]


def test_write_csv_is_read_back_as_the_same_rows():
    ann = ContactRow(
        number="+447700900123",
        first_name="Ann",
        language="en",
        fields={"Fee": 12.5, "Level": 3, "Postcode": "01000", "Note": "a, b; c"},
    )
    rows = [*read_csv(MESSY_CP1252).rows, ann]
    written = write_csv(rows)
    assert written.splitlines()[0] == (
        "number,first_name,last_name,language,tags,Ville,Adhésion,Fee,Level,Postcode,Note"
    )
    assert not written.startswith("\ufeff")
    back = read_csv(written.encode("utf-8"))
    assert back.errors == []
    assert _without_lines(back.rows) == _without_lines(rows)


def test_a_bom_before_text_that_is_not_utf8_falls_back_to_cp1252():
    from appliance.contacts.csvfile import decode

    text, encoding = decode(b"\xef\xbb\xbfNom;T\xe9l\xe9phone\n")
    assert (text, encoding) == ("Nom;Téléphone\n", "cp1252")


def _strptime_date(text: str) -> datetime.date | None:
    """How a French date cell was read before the direct reading: ``strptime``."""
    form = "%d/%m/%Y" if len(text.rsplit("/", 1)[1]) == 4 else "%d/%m/%y"
    try:
        return datetime.datetime.strptime(text, form).date()
    except ValueError:
        return None


@pytest.mark.parametrize("year", ["2024", "2023", "0000", "0001", "00", "68", "69", "99"])
def test_french_dates_are_read_as_strptime_reads_them_every_day_and_month(year):
    parts = [str(n) for n in range(10)] + [f"{n:02d}" for n in range(100)]
    for day in parts:
        for month in parts:
            text = f"{day}/{month}/{year}"
            expected = _strptime_date(text)
            assert free_field(text) == (text if expected is None else expected), text


@pytest.mark.parametrize(
    "text",
    [
        "\u0661\u0662/\u0660\u0665/\u0662\u0660\u0662\u0666",
        "١٢/٣١/٢٠٢٦",
        "\uff11\uff12/\uff10\uff15/\uff12\uff16",
    ],
)
def test_dates_in_other_digits_are_still_read_by_strptime(text):
    expected = _strptime_date(text)
    assert free_field(text) == (text if expected is None else expected)


def _number_fr(cell: str) -> str:
    return csvfile._number(cell, "FR")


def test_cells_seen_before_in_a_file_read_as_each_cell_alone():
    """A file reads each distinct cell once; every row still gets what its own cells give."""
    numbers = ["06 12 34 56 78", "0612345678", " +33 6 12 34 56 78 ", "12345", "06 12 34 56 7",
               "abc", "", "+44 7700 900123", "0033 6 12 34 56 78", "+999 1", "36180"]  # fmt: skip
    others = [("Paris", "Sport", "fr"), ("12/12/2026", "sport, Culture", "klingon"),
              ("1 234,50", "", "EN")]  # fmt: skip
    lines = ["Téléphone;Ville;Thème;Langue"]
    for repeat in range(3):
        for index, number in enumerate(numbers):
            town, theme, lang = others[(index + repeat) % len(others)]
            lines.append(f"{number};{town};{theme};{lang}")
    result = read_csv("\n".join(lines) + "\n", region="FR")

    expected_errors, expected_numbers = [], {}
    for line, text in enumerate(lines[1:], start=2):
        number, town, theme, lang = text.split(";")
        row_errors = []
        for column, read, cell in (("Téléphone", _number_fr, number), ("Langue", language, lang)):
            try:
                read(cell)
            except ValueError as error:
                row_errors.append(RowError(line, column, str(error)))
        if row_errors:
            expected_errors += row_errors
        else:
            expected_numbers.setdefault(csvfile._number(number, "FR"), []).append(
                (line, free_field(town), tuple(tags(theme)))
            )
    assert result.errors == expected_errors
    assert [row.number for row in result.rows] == list(expected_numbers)
    for row in result.rows:
        seen = expected_numbers[row.number]
        assert row.lines == tuple(line for line, *_ in seen)
        towns = [town for _, town, _ in seen if town is not None]
        assert dict(row.fields) == ({"Ville": towns[-1]} if towns else {})
        assert row.tags == tuple(merge_tags([], [tag for *_, theme in seen for tag in theme]))
    assert len(result.errors) > 10 and len(result.rows) == 2


def test_what_no_column_can_hold_is_a_row_error_on_every_path():
    """The store's column widths and NUL, refused by the reader (CLI, panel and API alike)."""
    data = ("Téléphone;Prénom;Thème\n06 11 11 11 11;" + "x" * 129 + ";ok\n"
            "06 22 22 22 22;Zoé;" + "ß" * 40 + "\n06 33 33 33 33;A\x00B;ok\n"
            "06 44 44 44 44;Léa;ok\n")  # fmt: skip
    result = read_csv(data, region="FR")
    assert [r.number for r in result.rows] == ["+33644444444"]
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "Prénom"), (3, "Thème"), (4, "Prénom")
    ]  # fmt: skip
    assert "longer than 128 characters" in result.errors[0].message
    assert "NUL character" in result.errors[2].message
