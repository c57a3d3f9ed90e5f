"""Campaign templates (issue 12): placeholders, dates in the contact's language, the sandbox,
missing values named at preview, and the cost of each text as the modem driver counts it."""

from __future__ import annotations

import datetime

import pytest
from jinja2.exceptions import SecurityError

from appliance.campaigns.events_file import Event
from appliance.campaigns.previews import Preview, check, preview
from appliance.campaigns.templates import (
    _ENV,
    MissingValue,
    Template,
    TemplateSyntaxError,
)
from modem.pdu import count

EVENT = {
    "id": "lyon-12",
    "place": "Salle Molière",
    "date": datetime.date(2026, 12, 12),
    "start": datetime.time(14, 30),
    "end": datetime.time(18, 0),
    "fields": {"Salle": "B2"},
}
JEANNE = {
    "number": "+33612345678",
    "first_name": "Jeanne",
    "last_name": "Dupont",
    "language": "fr",
    "fields": {"Ville": "Lyon", "Groupe sanguin": "O+", "Dernier don": datetime.date(2026, 8, 1)},
}
JOHN = {"number": "+33698765432", "first_name": "John", "last_name": "Smith", "language": "en"}
INVITATION = (
    "Bonjour {first_name}, collecte {event.date} de {event.start} à {event.end}, {event.place}"
)


def test_french_dates_and_times():
    text = Template(INVITATION).render(JEANNE, EVENT)
    assert text == "Bonjour Jeanne, collecte samedi 12 décembre de 14:30 à 18:00, Salle Molière"


def test_english_dates_and_times():
    text = Template("{event.date} {event.start}-{event.end}").render(JOHN, EVENT)
    assert text == "Saturday 12 December 14:30-18:00"
    american = Template("{event.start}").render({**JOHN, "language": "en_US"}, EVENT)
    assert american == "2:30 PM"  # a plain space, not Babel's narrow no-break space


def test_no_language_is_french_and_the_first_of_august_stays_gsm7():
    contact = {"first_name": "Luc"}
    text = Template("{event.date}").render(contact, {**EVENT, "date": datetime.date(2026, 8, 1)})
    assert text == "samedi 1er aout"
    assert count(text).encoding == "gsm7"


def test_free_fields_are_matched_like_headers_and_typed():
    template = Template(
        "{fields.ville} {fields.GROUPE_SANGUIN} {fields.dernier_don} {event.fields.salle}"
    )
    assert template.render(JEANNE, EVENT) == "Lyon O+ samedi 1er aout B2"


def test_accents_pass_through_and_code():
    contact = {**JEANNE, "first_name": "Hélène", "last_name": "Lefèvre"}
    text = Template("{first_name} {last_name}, code {code}").render(contact, None, "K7Q2")
    assert text == "Hélène Lefèvre, code K7Q2"


def test_literal_braces_are_doubled():
    assert Template("{{ok}} }} {{").render(JEANNE) == "{ok} } {"


def test_line_breaks_are_kept():
    assert (
        Template("Bonjour {first_name}\nA samedi\n").render(JEANNE) == "Bonjour Jeanne\nA samedi\n"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hi { ''.__class__ }", "line 1, column 4: \"{ ''.__class__ }\" is not a placeholder"),
        ("{first_name.__class__.__mro__}", "no name may start with '_'"),
        ("{first_name.upper}", "{first_name.upper}: no such field; known: first_name"),
        ("x\n{% for c in ''.__class__.__mro__ %}x{% endfor %}", 'line 2, column 1: "{% for'),
        ("{# note #}", "no Jinja blocks or comments"),
        ("{first_name|upper}", "is not a placeholder"),
        ("{lipsum.__globals__}", "no name may start with '_'"),
    ],
)
def test_sandbox_escapes_are_refused_with_a_clear_error(text, words):
    with pytest.raises(TemplateSyntaxError) as caught:
        Template(text)
    assert words in str(caught.value)


def test_the_sandbox_is_the_second_wall():
    # Should the scanner ever let an attribute through, Jinja's sandbox refuses it.
    with pytest.raises(SecurityError):
        _ENV.from_string("{ ''.__class__.__mro__[1].__subclasses__() }").render()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Bonjour {event.plce}",
            "line 1, column 9: {event.plce}: no such field; known: first_name",
        ),
        ("a }", "line 1, column 3: a '}' closes nothing; write {{ or }} for a literal brace"),
        ("a\nb {first_name", "line 2, column 3: this '{' is never closed"),
        ("{{first_name}}", "write {first_name} with one brace each side"),
        ("{}", "'{}' is not a placeholder"),
    ],
)
def test_syntax_errors_name_the_position(text, words):
    with pytest.raises(TemplateSyntaxError) as caught:
        Template(text)
    assert words in str(caught.value)


def test_missing_values_are_problems_at_preview_naming_placeholder_and_contact():
    template = Template("{first_name} {fields.ville} {event.end} {code}")
    contact = {"number": "+33611111111", "last_name": "Martin", "fields": {"Âge": 40}}
    problems = preview(template, contact, {**EVENT, "end": None})
    assert [p.message for p in problems] == [
        "{first_name}: Martin (+33611111111) has no first name",
        "{fields.ville}: no such field for Martin (+33611111111); known: fields.age",
        "{event.end}: event 'lyon-12' has no end time",
        "{code}: no code is given for Martin (+33611111111)",
    ]
    assert problems[0].placeholder == "first_name"
    assert problems[0].contact == "Martin (+33611111111)"


def test_render_raises_missing_value_if_it_meets_one():
    with pytest.raises(MissingValue, match=r"\{event.place\}: no event is given"):
        Template("{event.place}").render(JEANNE)


def test_preview_counts_like_the_driver():
    result = preview(Template(INVITATION), JEANNE, EVENT)
    assert isinstance(result, Preview)
    counted = count(result.text)
    assert (result.encoding, result.parts, result.units, result.left) == (
        counted.encoding,
        counted.parts,
        counted.units,
        counted.left,
    )
    assert result.encoding == "gsm7" and result.ucs2_because is None and result.warning is None


@pytest.mark.parametrize(
    ("name", "because"),
    [
        ("Êve", "'Ê' (LATIN CAPITAL LETTER E WITH CIRCUMFLEX) at character 9"),
        ("Zoé 🩸", "'🩸' (DROP OF BLOOD) at character 13"),
    ],
)
def test_ucs2_names_the_character_that_caused_it(name, because):
    result = preview(Template("Bonjour {first_name}, merci !"), {**JEANNE, "first_name": name})
    assert result.encoding == "ucs2"
    assert result.ucs2_because == because
    assert result.warning == f"{name} Dupont (+33612345678): UCS-2 because of {because}"


def test_check_lists_the_costly_contacts():
    template = Template("Bonjour {first_name}, " + "la collecte a besoin de vous. " * 4 + "Merci !")
    contacts = [JEANNE, {**JEANNE, "first_name": "Êve", "number": "+33600000001"}]
    result = check(template, [(c, None, None) for c in contacts])
    assert result.ok
    jeanne, eve = result.previews
    assert (jeanne.encoding, jeanne.parts) == ("gsm7", 1)
    assert (eve.encoding, eve.parts) == ("ucs2", 3)
    assert result.warnings == (
        "Êve Dupont (+33600000001): UCS-2 because of 'Ê' (LATIN CAPITAL LETTER E WITH "
        "CIRCUMFLEX) at character 9, 3 parts (140 UTF-16 units)",
    )


def test_check_reports_a_syntax_error_once():
    result = check("Bonjour {prenom}", [(JEANNE, None, None)] * 3)
    assert not result.ok and len(result.problems) == 1
    assert result.problems[0].message.startswith("line 1, column 9: {prenom}: no such field")


def test_an_unknown_language_is_a_problem_at_preview():
    problems = preview(Template("{event.date}"), {**JEANNE, "language": "xx"}, EVENT)
    assert (
        problems[0].message
        == "Jeanne Dupont (+33612345678): 'xx' is not a language we can write dates in"
    )


def test_one_compiled_template_renders_many_contacts_each_with_its_own_values():
    """Compiled once, rendered per contact (speed is for bench/, not a timed test here)."""
    template = Template(INVITATION + " Code {code}")
    texts = [template.render({**JEANNE, "first_name": f"P{i}"}, EVENT, f"C{i}") for i in range(50)]
    assert len(set(texts)) == 50 and texts[7].endswith(" Code C7") and "P7" in texts[7]


def test_an_event_of_an_events_file_reads_as_the_templates_expect():
    event = Event(
        id="C7",
        place="Salle C",
        date=datetime.date(2026, 12, 17),
        start=datetime.time(9, 30),
        area="Villeurbanne",
        fields={"Responsable": 42},
    )
    text = Template("{event.date} {event.start}, {event.area}, {event.fields.responsable}")
    assert text.render(JEANNE, event.as_dict()) == "jeudi 17 décembre 09:30, Villeurbanne, 42"
