"""Every problem a campaign's text, its preview or its events file can put before a volunteer,
in French (issue 16).

The appliance keeps these words in English (the API's and the CLI's contract); the panel says
them again by their shape (web.campaign_problems, web.events_file_words, through
web.reasons.reason_words). One real sample of each shape, made by the code that makes it
(a template compiled, a preview tried on a contact, a file read, a step planned), else the
literal it formats. Under a French reader each must come out translated, no English word left
(tests/web/test_i18n_pages.py's vocabulary) once its values are taken out, and every value (a
placeholder, a contact's name and number, a header, a count) kept.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appliance.campaigning import operations
from appliance.campaigns import previews, schedule
from appliance.campaigns.events_file import Event, EventFileError, map_headers, read_events
from appliance.campaigns.templates import FIXED, Template
from tests.web.test_reasons_catalogue import assert_said_in_french
from web.reasons import reason_words

ALICE = {"number": "+33612345678", "first_name": "Alice", "last_name": "Martin",
         "fields": {"Groupe sanguin": "O+"}}  # fmt: skip
BOB = {"number": "+33698765432", "last_name": "Durand"}
NOBODY: dict = {}
EVENT = {"id": "E-17", "place": "Salle des fêtes", "date": dt.date(2027, 3, 5),
         "fields": {"Parking": "oui"}}  # fmt: skip
KNOWN = ", ".join(FIXED) + ", fields.NAME, event.fields.NAME"
PARIS = ZoneInfo("Europe/Paris")


def compiled(text: str) -> str:
    """The refusal of ``text`` as the campaign code says it (operations.check_text)."""
    with pytest.raises(operations.CampaignInputError) as refused:
        operations.check_text(text)
    return refused.value.why


def missing(text: str, contact: dict, event: dict | None = None, code: str | None = None) -> str:
    found = Template(text).missing(contact, event, code)
    assert len(found) == 1, found
    return str(found[0])


def problem(text: str, contact: dict, event: dict | None = None) -> str:
    result = previews.preview(text, contact, event)
    assert isinstance(result, list), result
    return result[0].message


def warning(text: str, contact: dict) -> str:
    result = previews.preview(text, contact)
    assert isinstance(result, previews.Preview) and result.warning, result
    return result.warning


def file_error(data: str, mapping: dict | None = None) -> str:
    with pytest.raises(EventFileError) as refused:
        read_events(data, mapping)
    return str(refused.value)


def missing_columns(headers: list[str]) -> str:
    with pytest.raises(EventFileError) as refused:
        map_headers(headers)
    return str(refused.value)


def row_errors(data: str) -> list[str]:
    return [str(e) for e in read_events(data).errors]


def step(event_day: dt.date, now: dt.datetime, **rules) -> schedule.Step:
    event = Event("E-17", "Salle des fêtes", event_day)
    return schedule.plan_event(event, PARIS, now, schedule.EventRules(**rules))[0]


def bad_rows_refusal() -> str:
    """events_import's refusal of a file with bad rows, as the CLI writes it."""
    rows = row_errors("Id;Lieu;Date\nE1;Mairie;31/02/2027\nE2;;2027-03-01\n")
    return (f"{len(rows)} bad row(s), nothing imported (fix them, or import the good rows only "
            f"with --partial): {'; '.join(rows)}")  # fmt: skip


LONG = "Bonjour {first_name}, " + "x" * 1600
HEADERS_LATE = "Id;Lieu;Date\n"
NOW = dt.datetime(2027, 3, 4, 12, 0, tzinfo=dt.UTC)

# (the problem as the appliance writes it, the values that must come out as they went in)
SHAPES: list[tuple[str, tuple[str, ...]]] = [
    # a text that cannot be compiled (templates._scan), with its line and column
    (compiled("Bonjour }"), ("9",)),
    (compiled("Bonjour {first_name"), ("9",)),
    (compiled("Bonjour\n{% if x %}"), ("2", "1", "'{% if x %}'")),
    (compiled("Bonjour {first name}"), ("9", "'{first name}'", "{first_name}")),
    (compiled("Bonjour {fields.__class__}"), ("'{fields.__class__}'", "'_'")),
    (compiled("Bonjour {prenom}"), ("{prenom}", KNOWN)),
    (compiled("Bonjour {{first_name}}"), ("{first_name}", "{{")),
    # a value missing for one contact or its event (templates.Template.missing)
    (missing("{event.place}", ALICE), ("{event.place}",)),
    (missing("{event.fields.salle}", ALICE, EVENT), ("{event.fields.salle}", "'E-17'",
                                                     "event.fields.parking")),
    (missing("{event.fields.salle}", ALICE, {**EVENT, "fields": {}}),
     ("{event.fields.salle}", "'E-17'")),
    (missing("{fields.ville}", ALICE), ("{fields.ville}", "Alice Martin (+33612345678)",
                                        "fields.groupesanguin")),
    (missing("{fields.ville}", BOB), ("{fields.ville}", "Durand (+33698765432)")),
    (missing("{fields.ville}", NOBODY), ("{fields.ville}",)),
    (missing("{event.start}", ALICE, EVENT), ("{event.start}", "'E-17'")),
    (missing("{event.end}", ALICE, EVENT), ("{event.end}", "'E-17'")),
    (missing("{event.area}", ALICE, EVENT), ("{event.area}", "'E-17'")),
    (missing("{event.date}", ALICE, {**EVENT, "date": None}), ("{event.date}", "'E-17'")),
    (missing("{event.place}", ALICE, {**EVENT, "place": ""}), ("{event.place}", "'E-17'")),
    (missing("{event.id}", ALICE, {**EVENT, "id": ""}), ("{event.id}", "''")),
    (missing("Code {code}", ALICE), ("{code}", "Alice Martin (+33612345678)")),
    (missing("Bonjour {first_name}", BOB), ("{first_name}", "Durand (+33698765432)")),
    (missing("Bonjour {last_name}", {"number": "+33698765432"}), ("{last_name}", "+33698765432")),
    (missing("Bonjour {first_name}", NOBODY), ("{first_name}",)),
    # a text that cannot be sent as made (previews.preview)
    (problem("", ALICE),
     ("Alice Martin (+33612345678)",)),
    (problem(LONG, ALICE), ("Alice Martin (+33612345678)", "11", "10")),
    (problem("Le {event.date}", {**ALICE, "language": "xx-nowhere"}, EVENT),
     ("Alice Martin (+33612345678)", "'xx-nowhere'")),
    # a costly text (previews.Preview.warning)
    (warning("Bonjour {first_name} 🙂", ALICE), ("Alice Martin (+33612345678)", "'🙂'", "15")),
    (warning("Bonjour {first_name} " + "x" * 200, ALICE), ("2", "214")),
    (warning("Bonjour {first_name} 🙂" + "x" * 80, ALICE), ("'🙂'", "2", "96")),
    # a campaign's forms and moves (appliance.campaigning, appliance.store)
    ("campaign 'collecte' runs from an events file: import it with new texts", ("'collecte'",)),
    ("a campaign named 'collecte' exists already", ("'collecte'",)),
    ("a new events campaign needs an invitation or a reminder text", ()),
    ("'18h' is not a time (18:00)", ("'18h'", "18:00")),
    (f"event E-17 (line 2): {missing('{fields.ville}', ALICE)}",
     ("E-17", "2", "Alice Martin (+33612345678)")),
    (f"event E-17 (line 3): {missing('{event.end}', ALICE, EVENT)}", ("E-17", "3")),
    # an events file as a whole (events_file.EventFileError)
    (file_error(""), ()),
    (file_error("Id;Lieu;Lieu;Date\n"), ("'Lieu'",)),
    (file_error(HEADERS_LATE, {"Lieu": "salle"}),
     ("'salle'", "id, place, date, start, end, tags, area")),
    (file_error("Id;Lieu;Date;" + "N" * 80 + "\n"), ("'" + "N" * 40 + "'", "64")),
    (file_error("Nom;Jour\n"), ("'Nom'", "'Identifiant'", "'ID'", "'Lieu'", "'Place'")),
    (missing_columns(["", "Jour"]), ("'Jour'", "'Identifiant'", "'Lieu'")),
    (missing_columns(["", ""]), ("'Identifiant'", "'Date'")),
    (file_error("Id;Lieu;Date\nE1;" + "M" * 140_000 + ";2027-03-01\n"),
     ("2", "field larger than field limit (131072)")),
    # a refused row (events_file.read_events, contacts.csvfile.RowError)
    *[(error, ("3", "Date", "'31/02/2027'")) for error in
      row_errors("Id;Lieu;Date\nE0;Ici;2027-03-01\nE1;Mairie;31/02/2027\n")],
    *[(error, ("2", "4", "3")) for error in row_errors("Id;Lieu;Date\nE1;Mairie;2027-03-01;x\n")],
    *[(error, ("3", "Id", "'e1'", "2")) for error in
      row_errors("Id;Lieu;Date\nE1;Mairie;2027-03-01\ne1;Gare;2027-03-02\n")],
    *[(error, ("2", "Fin")) for error in
      row_errors("Id;Lieu;Date;Début;Fin\nE1;M;2027-03-01;;12h\n")],
    *[(error, ("2", "Fin", "10:00", "12:00")) for error in
      row_errors("Id;Lieu;Date;Début;Fin\nE1;M;2027-03-01;12h;10h\n")],
    *[(error, ("2", "Lieu")) for error in row_errors("Id;Lieu;Date\nE1;M\x00;2027-03-01\n")],
    *[(error, ("2", "Id")) for error in row_errors("Id;Lieu;Date\n;Mairie;2027-03-01\n")],
    *[(error, ("2", "Lieu")) for error in row_errors("Id;Lieu;Date\nE1;;2027-03-01\n")],
    *[(error, ("2", "Date")) for error in row_errors("Id;Lieu;Date\nE1;Mairie;\n")],
    *[(error, ("2", "Id", "64")) for error in
      row_errors(f"Id;Lieu;Date\n{'E' * 70};M;2027-03-01\n")],
    *[(error, ("2", "Lieu", "256")) for error in
      row_errors(f"Id;Lieu;Date\nE1;{'M' * 300};2027-03-01\n")],
    *[(error, ("2", "Début", "'midi'", "14h30, 14:30")) for error in
      row_errors("Id;Lieu;Date;Début\nE1;M;2027-03-01;midi\n")],
    (bad_rows_refusal(), ("2", "3", "'31/02/2027'", "Date", "--partial")),
    (bad_rows_refusal().replace("with --partial", "with “keep the good rows”"), ("2", "3")),
    # a step skipped or moved (schedule.plan_event, schedule.after_date, schedule.to_utc)
    (step(dt.date(2027, 3, 5), NOW, catch_up=False).skipped or "", ("2027-02-26 10:00",)),
    (step(dt.date(2027, 3, 4), NOW).skipped or "", ("2027-03-04",)),
    (step(dt.date(2027, 3, 5), NOW + dt.timedelta(hours=8)).skipped or "", ()),
    (step(dt.date(2027, 3, 7), NOW).note or "", ("2027-02-28 10:00",)),
    (schedule.after_date(dt.date(2027, 1, 1), 7, dt.time(10), PARIS, NOW, "don").skipped or "",
     ("2027-01-08 10:00",)),
    (schedule.to_utc(dt.datetime(2027, 3, 28, 2, 30), PARIS)[1] or "",
     ("2027-03-28 02:30", "Europe/Paris", "03:00")),
    (schedule.to_utc(dt.datetime(2027, 10, 31, 2, 30), PARIS)[1] or "",
     ("2027-10-31 02:30", "Europe/Paris")),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "values"), SHAPES, ids=[s[:60] for s, _ in SHAPES])
def test_every_campaign_problem_comes_out_in_french(french, vocabulary, stored, values) -> None:
    assert_said_in_french(stored, values, vocabulary)


def test_a_costly_texts_character_and_units_in_french(french) -> None:
    said = reason_words(warning("Bonjour {first_name} 🙂" + "x" * 80, ALICE))
    assert "unités UTF-16" in said and "UCS-2" in said
    assert "'🙂' (U+1F642)" in said  # Unicode's names are English: its code point instead
    assert "SMILING" not in said


def test_english_readers_get_the_problems_as_stored(app_factory) -> None:
    with app_factory().test_request_context("/", headers={"Accept-Language": "en"}):
        for stored, _values in SHAPES:
            assert reason_words(stored) == stored
