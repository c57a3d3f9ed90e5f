"""One number's conversation (issue 11): what was sent to it, what came from it and its consent,
merged in one timeline, paged backwards without losing or repeating an entry of the same second.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from appliance.store import NewMessage
from appliance.store.contacts import ContactValues
from appliance.store.conversation import Cursor, Kind

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NUMBER, OTHER = "+33611111111", "+33622222222"
IMEI = "861234567890123"


def _send(store, to, text, at):
    return store.enqueue(NewMessage(to, text, 1, "gsm7", source="panel"), at)


def _receive(store, sender, text, at):
    return store.add_inbound_part(
        imei=IMEI, iccid=None, sender=sender, text=text, sent_at=at, now=at, concat=None
    )


def _talk(store):
    """Alice joins, gets two messages (one sent, one failed), answers, then says STOP."""
    store.add_contact(ContactValues(NUMBER, "Alice"), now=NOW, source="panel", proof="form 1")
    first = _send(store, NUMBER, "Collecte demain 8h", NOW + timedelta(minutes=1))
    store.mark_sent(first.id, [7], 1, None, NOW + timedelta(minutes=2), "2026-11-30", "2026-11")
    second = _send(store, NUMBER, "Rappel", NOW + timedelta(minutes=3))
    store.mark_failed(second.id, "unallocated number", NOW + timedelta(minutes=4))
    _receive(store, NUMBER, "OK merci", NOW + timedelta(minutes=5))
    _receive(store, NUMBER, "STOP", NOW + timedelta(minutes=6))
    store.opt_out(NUMBER, now=NOW + timedelta(minutes=6), how="sms STOP")
    _send(store, OTHER, "not Alice's", NOW + timedelta(minutes=1))
    _receive(store, OTHER, "not Alice's either", NOW + timedelta(minutes=2))


def _describe(entry):
    if entry.sent is not None:
        return ("sent", entry.sent.text, entry.sent.status)
    if entry.received is not None:
        return ("received", entry.received.text)
    return (entry.consent.kind.removeprefix("contact."), entry.consent.detail)


def test_the_timeline_merges_sent_received_and_consent_oldest_first(any_store):
    _talk(any_store)
    timeline = any_store.conversation(NUMBER)
    assert [_describe(e) for e in timeline.entries] == [
        ("opted_in", "panel: form 1"),
        ("sent", "Collecte demain 8h", "sent"),
        ("sent", "Rappel", "failed"),
        ("received", "OK merci"),
        ("received", "STOP"),  # the same second as the opt-out it caused, and before it
        ("opted_out", "sms STOP"),
    ]
    assert timeline.older is None
    assert [e.kind for e in timeline.entries if e.consent] == [Kind.CONSENT, Kind.CONSENT]


def test_pages_go_back_in_time_without_losing_or_repeating_an_entry(any_store):
    _talk(any_store)
    for text in ("stop", "Stop !", "STOP."):  # three more at the very second of the STOP
        _receive(any_store, NUMBER, text, NOW + timedelta(minutes=6))
    whole = [_describe(e) for e in any_store.conversation(NUMBER).entries]
    assert len(whole) == 9
    seen, before = [], None
    while True:
        page = any_store.conversation(NUMBER, before=before, limit=2)
        assert len(page.entries) <= 2
        seen[:0] = [_describe(e) for e in page.entries]
        if page.older is None:
            break
        before = Cursor.parse(str(page.older))
        assert before == page.older
    assert seen == whole


def test_every_opt_in_and_out_shows_and_an_import_shows_from_the_contact_record(any_store):
    imported = ContactValues(NUMBER, "Alice", line=4)
    any_store.upsert_contacts([imported], now=NOW, source="import", proof_of=lambda r: "line 4")
    any_store.opt_out(NUMBER, now=NOW + timedelta(days=1), how="sms STOP")
    any_store.opt_in(NUMBER, now=NOW + timedelta(days=2), source="sms", proof="inbound 9")
    any_store.opt_out(NUMBER, now=NOW + timedelta(days=3), how="panel")
    entries = any_store.conversation(NUMBER).entries
    assert [_describe(e) for e in entries] == [
        ("opted_out", "sms STOP"),
        ("opted_in", "sms: inbound 9"),
        ("opted_out", "panel"),
    ]  # the import's opt-in was undone by the join's, which an event tells
    other = "+33655555555"
    any_store.upsert_contacts(
        [ContactValues(other, "Bob", line=5)], now=NOW, source="import", proof_of=lambda r: "l5"
    )
    any_store.opt_out(other, now=NOW + timedelta(days=1), how="cli")
    assert [(_describe(e), e.kind) for e in any_store.conversation(other).entries] == [
        (("opted_in", "import: l5"), Kind.RECORD),  # no event: the contact's record
        (("opted_out", "cli"), Kind.CONSENT),
    ]


def test_a_number_that_is_no_contact_still_has_its_conversation(any_store):
    _receive(any_store, "ORANGE", "Votre forfait", NOW)
    assert [_describe(e) for e in any_store.conversation("ORANGE").entries] == [
        ("received", "Votre forfait")
    ]
    assert any_store.conversation("+33699999999").entries == ()


def test_a_cursor_from_a_url_is_parsed_strictly():
    cursor = Cursor(NOW, Kind.RECEIVED, 42)
    assert Cursor.parse(str(cursor)) == cursor
    for bad in ("", "1-2", "x-1-2", "1-7-2", "1-1-2-3", "-1-1-2", "9" * 19 + "-1-1", "١-1-1"):
        assert Cursor.parse(bad) is None, bad
