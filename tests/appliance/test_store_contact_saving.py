"""One contact created or updated at a time (the API's ``save_contact``): no consent, no
contact; a STOP is never undone this way; and every change logged, in the same transaction,
as a ``contact.*`` event with its number for the webhooks. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from appliance.store.contacts import ContactValues
from appliance.store.schema import Event

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
NUMBER = "+33611111111"
CONSENT = ("form", "signup form 2026-12-01, ip 192.0.2.7")


def events(store) -> list[tuple[str, str | None, str]]:
    with store.reading() as session:
        rows = session.exec(select(Event).order_by(Event.id)).all()
        return [(e.kind, e.number, e.detail) for e in rows if e.kind.startswith("contact.")]


def test_a_new_contact_is_created_opted_in_with_its_proof_and_logged(any_store):
    values = ContactValues(NUMBER, "Alice", "Martin", "fr", ("Bénévole",), {"né": date(1990, 5, 1)})
    assert any_store.save_contact(values, now=NOW, consent=CONSENT, detail="api") == "created"
    alice = any_store.contact(NUMBER)
    assert (alice.first_name, alice.last_name, alice.language) == ("Alice", "Martin", "fr")
    assert (alice.opted_in_at, alice.opt_in_source, alice.opt_in_proof) == (NOW, *CONSENT)
    assert alice.tags == ("Bénévole",) and alice.fields == {"né": date(1990, 5, 1)}
    assert events(any_store) == [
        ("contact.created", NUMBER, "api"),
        ("contact.opted_in", NUMBER, f"{CONSENT[0]}: {CONSENT[1]}"),
    ]


def test_no_consent_no_contact(any_store):
    values = ContactValues(NUMBER, "Alice")
    assert any_store.save_contact(values, now=NOW, consent=None) == "no-consent"
    assert any_store.contact(NUMBER) is None
    assert events(any_store) == []


def test_an_update_merges_keeps_the_first_consent_and_is_logged_once_changed(any_store):
    any_store.save_contact(ContactValues(NUMBER, "Alice", tags=("a",)), now=NOW, consent=CONSENT)
    again = ContactValues(NUMBER, None, "Martin", tags=("A", "b"), fields={"points": 3})
    other = ("paper", "another proof")
    assert any_store.save_contact(again, now=LATER, consent=other) == "updated"
    alice = any_store.contact(NUMBER)
    assert (alice.first_name, alice.last_name, alice.tags) == ("Alice", "Martin", ("a", "b"))
    assert alice.fields == {"points": 3.0} and alice.updated_at == LATER
    assert (alice.opted_in_at, alice.opt_in_source, alice.opt_in_proof) == (NOW, *CONSENT)
    assert any_store.save_contact(again, now=LATER, consent=None) == "unchanged"
    kinds = [kind for kind, _, _ in events(any_store)]
    assert kinds == ["contact.created", "contact.opted_in", "contact.updated"]


def test_consent_never_undoes_an_opt_out_but_other_values_may_change(any_store):
    any_store.save_contact(ContactValues(NUMBER, "Alice"), now=NOW, consent=CONSENT)
    any_store.opt_out(NUMBER, now=NOW, how="sms STOP")
    before = events(any_store)
    values = ContactValues(NUMBER, "Alicia")
    assert any_store.save_contact(values, now=LATER, consent=CONSENT) == "opted-out"
    assert any_store.contact(NUMBER).first_name == "Alice" and events(any_store) == before
    assert any_store.save_contact(values, now=LATER, consent=None) == "updated"
    alice = any_store.contact(NUMBER)
    assert alice.first_name == "Alicia" and alice.opted_out_at == NOW
    assert any_store.is_opted_out(NUMBER)


def test_a_stranger_who_said_stop_is_not_made_a_contact_by_consent(any_store):
    any_store.opt_out(NUMBER, now=NOW, how="sms STOP")
    result = any_store.save_contact(ContactValues(NUMBER, "X"), now=LATER, consent=CONSENT)
    assert result == "opted-out"
    assert any_store.contact(NUMBER).opted_in_at is None and any_store.is_opted_out(NUMBER)


def test_a_tag_is_taken_off_by_its_key_and_logged(any_store):
    any_store.save_contact(ContactValues(NUMBER, tags=("Bénévole", "b")), now=NOW, consent=CONSENT)
    assert any_store.remove_tag(NUMBER, "BENEVOLE", now=LATER, detail="api") is True
    alice = any_store.contact(NUMBER)
    assert alice.tags == ("b",) and alice.updated_at == LATER
    assert any_store.remove_tag(NUMBER, "bénévole", now=LATER) is False
    assert any_store.remove_tag("+33622222222", "b", now=LATER) is None
    assert events(any_store)[-1] == ("contact.updated", NUMBER, "api")
    assert len(events(any_store)) == 3
