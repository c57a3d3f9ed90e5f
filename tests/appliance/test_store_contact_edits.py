"""The panel's edits of the contact base (issue 11): a contact added by hand with its proof, names
and language set as typed, a tag taken off, every tag with its count. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from appliance.store.contacts import ContactValues, TagCount

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
FIELDS = {"Adhésion": date(2025, 1, 4), "Cotisation": 12.5, "Zone": "Nord"}
ALICE = ContactValues("+33611111111", "Alice", "Martin", "fr", ("Bénévole", "Quartier"), FIELDS)


def _add(store, values=ALICE, proof="paper form 2026-11-30"):
    return store.add_contact(values, now=NOW, source="panel", proof=proof)


def test_a_contact_added_by_hand_is_opted_in_on_its_proof_with_everything_typed(any_store):
    assert _add(any_store)
    alice = any_store.contact(ALICE.number)
    assert (alice.first_name, alice.last_name, alice.language) == ("Alice", "Martin", "fr")
    assert (alice.opted_in_at, alice.opt_in_source) == (NOW, "panel")
    assert alice.opt_in_proof == "paper form 2026-11-30" and not alice.opted_out
    assert alice.tags == ("Bénévole", "Quartier")
    assert alice.fields == FIELDS


def test_adding_a_number_already_kept_changes_nothing_not_even_a_stop(any_store):
    any_store.opt_out(ALICE.number, now=NOW, how="sms STOP")
    assert not _add(any_store, proof="a paper form")
    kept = any_store.contact(ALICE.number)
    assert kept.opted_out and kept.opted_in_at is None and kept.first_name is None
    assert kept.tags == () and kept.fields == {}


def test_an_edit_sets_names_and_language_as_typed_and_leaves_consent(any_store):
    _add(any_store)
    assert any_store.edit_contact(
        ALICE.number, first_name="Alicia", last_name=None, language="en", now=LATER
    )
    alice = any_store.contact(ALICE.number)
    assert (alice.first_name, alice.last_name, alice.language) == ("Alicia", None, "en")
    assert alice.updated_at == LATER and alice.opted_in_at == NOW
    assert alice.opt_in_proof == "paper form 2026-11-30"
    assert not any_store.edit_contact(
        "+33699999999", first_name="X", last_name=None, language=None, now=LATER
    )
    assert any_store.contact("+33699999999") is None


def test_a_tag_comes_off_by_its_key_and_the_counts_follow(any_store):
    _add(any_store)
    _add(any_store, ContactValues("+33622222222", "Bob", tags=("benevole",)), proof="form 2")
    assert any_store.tag_counts() == [
        TagCount("Bénévole", "benevole", 2),
        TagCount("Quartier", "quartier", 1),
    ]
    assert any_store.remove_tag(ALICE.number, "BENEVOLE", now=NOW) is True
    assert any_store.remove_tag(ALICE.number, "bénévole", now=NOW) is False  # already off
    assert any_store.remove_tag("+33699999999", "Quartier", now=NOW) is None  # no contact
    assert any_store.contact(ALICE.number).tags == ("Quartier",)
    assert any_store.tag_counts() == [
        TagCount("benevole", "benevole", 1),
        TagCount("Quartier", "quartier", 1),
    ]
    any_store.remove_tag(ALICE.number, "quartier", now=NOW)
    assert [t.key for t in any_store.tag_counts()] == ["benevole"]


def test_a_name_with_an_accented_capital_is_found_as_written_in_any_case(any_store):
    _add(any_store, ContactValues("+33633333333", "Élodie", "Éluard"), proof="form 3")
    for text in ("Élodie", "ÉLODIE", "élodie", "ÉLUARD", "lodie"):
        assert [c.number for c in any_store.find_contacts(text)] == ["+33633333333"], text
    if any_store.engine.dialect.name == "sqlite":  # accents folded too (PostgreSQL: case only)
        for text in ("elodie", "ELUARD"):
            assert [c.number for c in any_store.find_contacts(text)] == ["+33633333333"], text
    assert any_store.find_contacts("50%") == []  # a LIKE wildcard is a plain character
