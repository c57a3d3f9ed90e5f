"""Privacy in the store (issue 11), on SQLite and on a throwaway PostgreSQL: a number erased
everywhere in one transaction with a report (a contact's or a stranger's), everything held on a
number read for the right of access, and old records forgotten by their retention period in
batches. The raw bytes of the SQLite file after an erase: test_erase_leaves_no_trace.py."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from appliance.privacy import access_report
from appliance.store import Claim, ErasureRefused, NewMessage, Pruned
from appliance.store.contacts import ContactValues
from appliance.store.erasure import ERASED
from appliance.store.schema import (
    DeliveryReport,
    Event,
    Inbound,
    InboundPart,
    Message,
    SignalSample,
    Status,
    WebhookDelivery,
)
from appliance.store.webhooks import add_webhook

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
NUMBER = "+33612345678"
OTHER = "+33698765432"
IMEI = "356938035643809"
SECRET_TEXT = "Zorglub-7Q rendez-vous salle Gaveau"


def _new(to: str, text: str, due: datetime | None = None) -> NewMessage:
    return NewMessage(recipient=to, text=text, parts=1, encoding="gsm7", due_at=due)


def _send(store, to: str, text: str, ref: int, now: datetime = NOW) -> Message:
    """A message to ``to`` queued, sent (part reference ``ref``) and delivered."""
    message = store.enqueue(_new(to, text), now)
    claim = Claim(imei=IMEI, iccid="8933", group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    assert store.claim(claim, now).id == message.id
    store.mark_sent(message.id, [ref], 1, "8933", now, "2026-12-03", "2026-12", IMEI, to)
    store.add_report(imei=IMEI, part_ref=ref, recipient=to, status=0, delivered=True,
                     final=True, reason="", discharged_at=now, now=now)  # fmt: skip
    return message


def _receive(store, sender: str, text: str, concat=None, now: datetime = NOW):
    whole = store.add_inbound_part(imei=IMEI, iccid="8933", sender=sender, text=text,
                                   sent_at=now, now=now, concat=concat)  # fmt: skip
    if whole is not None:
        store.log("message.received", now, f"from {whole.sender}", imei=IMEI)
    return whole


def _deliveries(store, *numbers: str) -> None:
    hook = add_webhook(store, url="http://127.0.0.1:9/hook", events=["message.received"],
                       secret="s" * 32, active=True, now=NOW)  # fmt: skip
    with store.session() as session:
        for number in numbers:
            payload = json.dumps({"event": "message.received", "data": {"from": number}})
            session.add(WebhookDelivery(webhook_id=hook.id, event="message.received",
                                        payload=payload, created_at=NOW, due_at=NOW))  # fmt: skip
        session.commit()


def _history(store) -> dict[str, int]:
    """A contact with a sent, a queued and a received message, a part of another, events and
    webhook deliveries; and the same for a stranger who must be left alone."""
    fields = {"escalier": "B", "né": date(1990, 5, 1)}
    person = ContactValues(NUMBER, "Aloysius", "Pépin", "fr", ("Bénévole",), fields, 2)
    store.upsert_contacts([person], now=NOW, source="import", proof_of=lambda row: "a.csv line 2")
    store.opt_in(NUMBER, now=NOW, source="sms", proof="inbound message 1", tag="Donneurs")
    sent = _send(store, NUMBER, SECRET_TEXT, ref=7)
    queued = store.enqueue(_new(NUMBER, "Rappel", due=NOW + timedelta(days=2)), NOW)
    kept = _send(store, OTHER, "Pour quelqu'un d'autre", ref=8)
    _receive(store, NUMBER, "Kwyjibo-42 je viens")
    _receive(store, NUMBER, "première moitié", concat=(5, 2, 1))
    _receive(store, OTHER, "OUI")
    _deliveries(store, NUMBER, OTHER)
    return {"sent": sent.id, "queued": queued.id, "kept": kept.id}


def _rows(store, model, *where):
    with store.reading() as session:
        return list(session.exec(select(model).where(*where)).all())


def _index_finds(store, trigram: str) -> list[int]:
    """Message ids the SQLite text index lists for ``trigram``."""
    with store.reader.connect() as connection:
        found = connection.execute(
            text("SELECT rowid FROM message_text WHERE message_text MATCH :q"),
            {"q": f'"{trigram}"'},
        )
        return list(found.scalars())


def _check_text_index(store) -> None:
    """FTS5's own check that the index matches the messages' texts (SQLite)."""
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO message_text(message_text) VALUES('integrity-check')"
        )


# --- erasure ---------------------------------------------------------------------------------


def test_an_erase_removes_the_number_everywhere_and_says_what(any_store):
    ids = _history(any_store)
    sqlite = any_store.engine.dialect.name == "sqlite"
    if sqlite:
        assert _index_finds(any_store, "rgl") == [ids["sent"]]

    erased = any_store.erase_contact(NUMBER, now=NOW + timedelta(hours=1))

    assert (erased.number, erased.contact, erased.tags, erased.fields) == (NUMBER, 1, 2, 2)
    assert (erased.messages, erased.cancelled) == (2, 1)
    assert (erased.inbound, erased.inbound_parts, erased.delivery_reports) == (1, 1, 1)
    # opted in, message.sent, message.delivered, message.received
    assert (erased.events, erased.webhook_deliveries) == (4, 1)
    assert erased.scrubbed is sqlite  # SQLite's file scrubbed; PostgreSQL: rows only

    assert any_store.contact(NUMBER) is None
    sent, queued, kept = (any_store.get(ids[k]) for k in ("sent", "queued", "kept"))
    assert (sent.recipient, sent.text, sent.status, sent.parts) == (ERASED, "", "delivered", 1)
    assert sent.contact_id is None and sent.sent_at == NOW  # the statistics stay true
    assert (queued.recipient, queued.status) == (ERASED, Status.CANCELLED)
    assert queued.reason == "cancelled: number erased"
    assert (kept.recipient, kept.text) == (OTHER, "Pour quelqu'un d'autre")
    assert [m.sender for m in _rows(any_store, Inbound)] == [OTHER]
    assert _rows(any_store, InboundPart) == []
    reports = _rows(any_store, DeliveryReport)
    assert sorted(r.recipient or "" for r in reports) == ["", OTHER]
    assert [r.message_id for r in reports if r.recipient is None] == [ids["sent"]]
    details = [e.detail for e in _rows(any_store, Event)]
    assert not [d for d in details if NUMBER in d] and f"to {OTHER}" in details
    assert [json.loads(d.payload)["data"]["from"] for d in _rows(any_store, WebhookDelivery)] == [
        OTHER
    ]
    assert not any_store.number_record(NUMBER).found
    assert any_store.retry(ids["sent"], NOW) == (
        False,
        f"message {ids['sent']} was to a number since erased",
    )
    if sqlite:  # the text left the search index, which still matches the messages
        assert _index_finds(any_store, "rgl") == []
        assert _index_finds(any_store, "aut") == [ids["kept"]]
        _check_text_index(any_store)
    assert any_store.erase_contact(NUMBER) is None  # nothing left


def test_a_stranger_is_erased_too(any_store):
    _receive(any_store, NUMBER, "STOP")
    message = any_store.enqueue(_new(NUMBER, "Vous ne recevrez plus rien"), NOW)
    erased = any_store.erase_contact(NUMBER, now=NOW)
    assert (erased.contact, erased.tags, erased.fields) == (0, 0, 0)
    assert (erased.inbound, erased.events, erased.messages, erased.cancelled) == (1, 1, 1, 1)
    assert any_store.get(message.id).status == Status.CANCELLED


def test_a_delivery_report_after_the_erase_does_not_bring_the_number_back(any_store):
    message = any_store.enqueue(_new(NUMBER, SECRET_TEXT), NOW)
    claim = Claim(imei=IMEI, iccid=None, group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    any_store.claim(claim, NOW)
    any_store.mark_sent(message.id, [9], 1, None, NOW, "2026-12-03", "2026-12", IMEI, NUMBER)
    assert any_store.erase_contact(NUMBER, now=NOW).messages == 1
    any_store.add_report(imei=IMEI, part_ref=9, recipient=NUMBER, status=0, delivered=True,
                         final=True, reason="", discharged_at=NOW, now=NOW)  # fmt: skip
    assert any_store.get(message.id).status == Status.DELIVERED
    assert [r.recipient for r in _rows(any_store, DeliveryReport)] == [None]
    assert [e.detail for e in _rows(any_store, Event)] == ["to erased"]
    assert not any_store.number_record(NUMBER).found


def test_an_erase_waits_for_a_message_being_sent_and_changes_nothing(any_store):
    any_store.opt_in(NUMBER, now=NOW, source="form", proof="form 3")
    message = any_store.enqueue(_new(NUMBER, SECRET_TEXT), NOW)
    claim = Claim(imei=IMEI, iccid=None, group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    any_store.claim(claim, NOW)
    with pytest.raises(ErasureRefused, match=rf"message {message.id} to \+33612345678 is being"):
        any_store.erase_contact(NUMBER)
    assert any_store.contact(NUMBER) is not None
    assert any_store.get(message.id).text == SECRET_TEXT


# --- the right of access -----------------------------------------------------------------------


def test_the_record_of_a_number_holds_everything_about_it_and_nothing_else(any_store):
    ids = _history(any_store)
    record = any_store.number_record(NUMBER)
    assert record.found and record.contact.first_name == "Aloysius"
    assert [m.id for m in record.messages] == [ids["sent"], ids["queued"]]
    assert [m.text for m in record.inbound] == ["Kwyjibo-42 je viens"]
    assert [p.text for p in record.inbound_parts] == ["première moitié"]
    assert [r.message_id for r in record.delivery_reports] == [ids["sent"]]
    kinds = [e.kind for e in record.events]
    assert kinds == ["contact.opted_in", "message.sent", "message.delivered", "message.received"]
    assert len(record.webhook_deliveries) == 1

    report = json.loads(json.dumps(access_report(record)))  # plain JSON, dates as ISO text
    contact = report["contact"]
    assert contact["tags"] == ["Bénévole", "Donneurs"]
    assert contact["fields"] == {"escalier": "B", "né": "1990-05-01"}
    assert contact["consent"]["opt_in_proof"] == "inbound message 1"
    assert contact["consent"]["opted_in_at"] == "2026-12-03T09:00:00+00:00"
    first = report["messages"][0]
    assert (first["to"], first["text"], first["status"]) == (NUMBER, SECRET_TEXT, "delivered")
    assert first["kind"] == "transactional"
    assert report["inbound"][0]["from"] == NUMBER
    assert report["webhook_deliveries"][0]["payload"]["data"] == {"from": NUMBER}
    assert not any_store.number_record("+33600000000").found


# --- retention ---------------------------------------------------------------------------------

OLD = NOW - timedelta(days=400)
KEEP = {
    "messages": timedelta(days=365),
    "inbound": timedelta(days=365),
    "signal_samples": timedelta(days=2),
    "webhook_deliveries": timedelta(days=7),
    "events": timedelta(days=90),
}


def _old_and_new(store) -> dict[str, int]:
    old_sent = _send(store, NUMBER, "Ancien Zorglub", ref=1, now=OLD)
    ids = {"old_sent": old_sent.id, "new_sent": _send(store, NUMBER, "Récent", ref=2).id}
    ids["old_queued"] = store.enqueue(_new(NUMBER, "Programmé"), OLD).id
    with store.session() as session:  # an old message whose fate is unknown: an operator's
        unknown = Message(recipient=NUMBER, text="?", status=Status.UNKNOWN, created_at=OLD,
                          due_at=OLD)  # fmt: skip
        session.add(unknown)
        for days in (3, 1):
            session.add(SignalSample(modem_imei=IMEI, at=NOW - timedelta(days=days), dbm=-70))
        session.commit()
        ids["old_unknown"] = unknown.id
    for when in (OLD, NOW):
        _receive(store, NUMBER, f"reçu {when.year}", now=when)
    _receive(store, NUMBER, "moitié", concat=(9, 2, 1), now=OLD)
    _deliveries(store, NUMBER, NUMBER, OTHER)
    with store.session() as session:
        rows = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        for row, status in zip(rows, ("delivered", "failed", "pending"), strict=True):
            row.status, row.created_at = status, NOW - timedelta(days=30)
            session.add(row)
        session.commit()
    return ids


def test_retention_forgets_what_is_older_than_its_period_in_batches(any_store):
    ids = _old_and_new(any_store)
    events_before = len(_rows(any_store, Event))

    pruned = any_store.prune_older(KEEP, NOW, batch=2)

    assert pruned == Pruned(messages=1, delivery_reports=1, inbound=1, inbound_parts=1,
                            signal_samples=1, webhook_deliveries=2,
                            events=pruned.events)  # fmt: skip
    assert pruned.events == 3  # the old message's sent, delivered and received
    assert len(_rows(any_store, Event)) == events_before - 3
    left = {m.id for m in _rows(any_store, Message)}
    assert left == {ids["new_sent"], ids["old_queued"], ids["old_unknown"]}  # never pending ones
    assert [r.message_id for r in _rows(any_store, DeliveryReport)] == [ids["new_sent"]]
    assert [m.text for m in _rows(any_store, Inbound)] == ["reçu 2026"]
    assert [d.status for d in _rows(any_store, WebhookDelivery)] == ["pending"]
    assert len(_rows(any_store, SignalSample)) == 1
    assert pruned.words().startswith("messages 1, delivery reports 1, inbound 1")
    if any_store.engine.dialect.name == "sqlite":
        assert _index_finds(any_store, "rgl") == []
        _check_text_index(any_store)
    assert any_store.prune_older(KEEP, NOW, batch=2) == Pruned()  # nothing more


def test_a_kind_kept_for_ever_is_never_pruned(any_store):
    _old_and_new(any_store)
    pruned = any_store.prune_older({"messages": None, "events": timedelta(days=1)}, NOW)
    assert (pruned.messages, pruned.inbound, pruned.webhook_deliveries) == (0, 0, 0)
    assert pruned.events > 0 and len(_rows(any_store, Message)) == 4
