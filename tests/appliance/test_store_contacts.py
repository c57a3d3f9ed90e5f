"""The contact base in the store (issue 11): imports merged in one transaction, consent that an
import cannot override, tags matched without case or accents. The import and consent tests run
on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from appliance.store.contact_import import CHUNK
from appliance.store.contacts import ContactValues, UpsertCounts, tag_key

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


def _proof(row: ContactValues) -> str:
    return f"file contacts.csv line {row.line}"


def _import(store, rows, now=NOW, **options):
    return store.upsert_contacts(rows, now=now, source="import", proof_of=_proof, **options)


ALICE = ContactValues("+33611111111", "Alice", "Martin", "fr", ("Bénévole",), {"zone": "Nord"}, 2)
BOB = ContactValues("+33622222222", "Bob", None, None, ("donateur",), {"born": date(1990, 5, 1)}, 3)


def test_an_import_creates_contacts_opted_in_with_their_proof(any_store):
    assert _import(any_store, [ALICE, BOB]) == UpsertCounts(new=2, updated=0, unchanged=0)
    alice = any_store.contact("+33611111111")
    assert (alice.first_name, alice.last_name, alice.language) == ("Alice", "Martin", "fr")
    assert alice.opted_in_at == NOW and alice.opt_in_source == "import"
    assert alice.opt_in_proof == "file contacts.csv line 2" and not alice.opted_out
    assert alice.tags == ("Bénévole",) and alice.fields == {"zone": "Nord"}
    assert any_store.contact("+33622222222").fields == {"born": date(1990, 5, 1)}
    assert any_store.contact("+33633333333") is None


def test_a_merge_keeps_the_newest_non_empty_values_every_tag_and_merges_fields(any_store):
    _import(any_store, [ALICE, BOB])
    again = ContactValues("+33611111111", "Alicia", None, None, ("BENEVOLE", "quartier"),
                          {"zone": "Sud", "points": 3}, 9)  # fmt: skip
    counts = _import(any_store, [again, BOB], now=LATER)
    assert counts == UpsertCounts(new=0, updated=1, unchanged=1)
    alice = any_store.contact("+33611111111")
    assert (alice.first_name, alice.last_name, alice.language) == ("Alicia", "Martin", "fr")
    assert alice.tags == (
        "Bénévole",
        "quartier",
    )  # "BENEVOLE" is the same tag, kept as first written
    assert alice.fields == {"zone": "Sud", "points": 3.0}
    assert alice.opted_in_at == NOW and alice.opt_in_proof == "file contacts.csv line 2"
    assert alice.updated_at == LATER and any_store.contact("+33622222222").updated_at == NOW


def test_rows_of_one_number_in_one_import_are_one_contact(any_store):
    first = ContactValues("+33611111111", "Alice", tags=("a",), line=1)
    second = ContactValues("+33611111111", None, "Martin", tags=("b",), line=2)
    assert _import(any_store, [first, second]) == UpsertCounts(new=1)
    alice = any_store.contact("+33611111111")
    assert (alice.first_name, alice.last_name, alice.tags) == ("Alice", "Martin", ("a", "b"))


def test_a_dry_run_counts_and_writes_nothing(any_store):
    _import(any_store, [ALICE])
    changed = ContactValues("+33611111111", "Alicia")
    assert _import(any_store, [changed, BOB], dry_run=True) == UpsertCounts(new=1, updated=1)
    assert any_store.contact("+33622222222") is None
    assert any_store.contact("+33611111111").first_name == "Alice"


def test_an_import_is_all_or_nothing(any_store):
    def failing_proof(row):
        if row.number == BOB.number:
            raise RuntimeError("no proof")
        return "ok"

    with pytest.raises(RuntimeError):
        any_store.upsert_contacts([ALICE, BOB], now=NOW, source="import", proof_of=failing_proof)
    assert any_store.contact(ALICE.number) is None


def test_an_import_never_opts_in_again_who_said_stop(any_store):
    _import(any_store, [ALICE])
    assert any_store.opt_out(ALICE.number, now=LATER, how="sms STOP")
    assert not any_store.opt_out(ALICE.number, now=LATER, how="panel")  # the first is kept
    _import(any_store, [ALICE], now=LATER + timedelta(days=1))
    assert any_store.is_opted_out(ALICE.number)
    alice = any_store.contact(ALICE.number)
    assert alice.opted_out_at == LATER and alice.opt_out_how == "sms STOP"


def test_a_stop_from_a_stranger_is_remembered_and_a_join_undoes_it(any_store):
    assert not any_store.is_opted_out("+33644444444")
    any_store.opt_out("+33644444444", now=NOW, how="sms STOP")
    assert any_store.is_opted_out("+33644444444")
    assert _import(any_store, [ContactValues("+33644444444", "Eve")]) == UpsertCounts(updated=1)
    stranger = any_store.contact("+33644444444")
    assert stranger.opted_out and stranger.opted_in_at is None
    any_store.opt_in("+33644444444", now=LATER, source="sms", proof="inbound message 12",
                     tag="Rejoint")  # fmt: skip
    eve = any_store.contact("+33644444444")
    assert not eve.opted_out and eve.opt_in_proof == "inbound message 12"
    assert eve.tags == ("Rejoint",) and not any_store.is_opted_out("+33644444444")


def test_find_tag_and_erase(store):
    _import(store, [ALICE, BOB])
    store.opt_in("+33655555555", now=NOW, source="form", proof="form 3")
    assert [c.number for c in store.find_contacts(tag="benevole")] == [ALICE.number]
    assert [c.number for c in store.find_contacts(text="mart")] == [ALICE.number]
    assert [c.number for c in store.find_contacts(text="2222")] == [BOB.number]
    first = store.find_contacts(limit=2)
    assert len(first) == 2
    rest = store.find_contacts(limit=2, cursor=first[-1].id)
    assert [c.number for c in rest] == ["+33655555555"]

    assert store.tag_contacts([ALICE.number, "+33655555555", "+33699999999"], "Soirée") == 2
    assert store.tag_contacts([ALICE.number], "soiree") == 0
    assert len(store.find_contacts(tag="SOIREE")) == 2

    erased = store.erase_contact(ALICE.number)
    assert (erased.tags, erased.fields) == (2, 1)
    assert store.contact(ALICE.number) is None and store.erase_contact(ALICE.number) is None


def test_tag_keys_fold_case_accents_and_spaces():
    assert tag_key(" Bénévole ") == tag_key("BENEVOLE") == "benevole"
    assert tag_key("Soirée d'été") == "soiree d'ete"


def test_an_import_over_several_chunks_writes_every_kind_of_value(any_store):
    """The batched writes (plain SQL through the driver) keep what the ORM reads back: aware
    times, dates, numbers and text, across chunks, and updates that change a field's kind."""
    rows = [
        ContactValues(f"+336{i:08d}", f"P{i}", tags=("a",), line=i + 2,
                      fields={"born": date(1990, 1, 1 + i % 28), "n": i, "x": "t"})
        for i in range(CHUNK + 10)
    ]  # fmt: skip
    assert _import(any_store, rows) == UpsertCounts(new=CHUNK + 10)
    last = any_store.contact(rows[-1].number)
    assert last.fields == {"born": date(1990, 1, 1 + (CHUNK + 9) % 28), "n": CHUNK + 9, "x": "t"}
    assert last.created_at == last.updated_at == last.opted_in_at == NOW
    assert last.opt_in_proof == f"file contacts.csv line {CHUNK + 11}" and last.tags == ("a",)

    first = replace(rows[0], fields={"born": "inconnue", "n": 0})  # a date becomes text
    tagged = replace(rows[-1], tags=("b",), fields={})  # a tag only: updated, names kept
    counts = _import(any_store, [first, *rows[1:-1], tagged], now=LATER)
    assert counts == UpsertCounts(new=0, updated=2, unchanged=CHUNK + 8)
    first_kept = any_store.contact(rows[0].number)
    assert first_kept.fields == {"born": "inconnue", "n": 0, "x": "t"}
    assert first_kept.updated_at == LATER and first_kept.created_at == NOW
    last = any_store.contact(rows[-1].number)
    assert last.tags == ("a", "b") and last.updated_at == LATER
    assert last.first_name == f"P{CHUNK + 9}"
    assert any_store.contact(rows[1].number).updated_at == NOW
