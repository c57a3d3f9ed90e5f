"""Issue 11's "after an erase, a test reads the database file and finds no trace of the number".

A real daemon on a simulated modem builds a history with a number: a contact with names, tags,
a free field and a proof of consent; a message sent to it; a message and a long (two-part) one
received from it; a STOP texted from it, which the consent desk records and confirms by SMS;
webhook deliveries carrying it. Then the number is erased while the daemon runs, and the raw
bytes of the SQLite file, its write-ahead log and its shared-memory index are searched for the
number in every form it could be stored in (E.164, the national digits, which a national "06..."
form also holds) and for each distinctive text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from appliance.clock import SystemClock
from appliance.store.contacts import ContactValues
from appliance.store.schema import Inbound, Message, WebhookDelivery
from appliance.webhooks import create_webhook
from tests.appliance.conftest import enqueue
from tests.appliance.test_webhooks import LOCAL
from tests.waiting import wait_until

NUMBER = "+33612345678"
OTHER = "+33698765432"
SENT_TEXT = "Zorglub-7Q: collecte salle Gaveau demain 8h-12h"
RECEIVED_TEXT = "Kwyjibo-42 je viens"
LONG_TEXT = "Xylophone-88 " + "je viendrai avec ma soeur et mon voisin, " * 6  # two parts
TRACES = [
    NUMBER.encode(),
    NUMBER.removeprefix("+33").encode(),  # "612345678": in "0612345678" and "+33612345678"
    b"Zorglub-7Q",
    b"Kwyjibo-42",
    b"Xylophone-88",
    b"Aloysius",  # the contact's first name
    "Pépinière".encode(),  # its last name
    b"Escalier-B7",  # a free field
    b"Quokka-9",  # the proof of its opt-in
]


def _files(database: Path) -> dict[str, bytes]:
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            found[path.name] = path.read_bytes()
    return found


def _traces(database: Path) -> list[tuple[str, bytes]]:
    files = _files(database)
    return [(name, trace) for name, data in files.items() for trace in TRACES if trace in data]


def _rows(store, query):
    with store.reading() as session:
        return list(session.exec(query).all())


def test_after_an_erase_the_database_files_hold_no_trace_of_the_number(
    daemon_factory, store, config
):
    clock = SystemClock()
    create_webhook(store, url="http://127.0.0.1:9/hook", now=clock.now(), allowed=LOCAL,
                   events=["message.sent", "message.delivered", "message.received"])  # fmt: skip
    store.upsert_contacts(
        [ContactValues(NUMBER, "Aloysius", "Pépinière", "fr", ("Bénévole",),
                       {"adresse": "Escalier-B7", "né": date(1990, 5, 1)}, 2)],
        now=clock.now(), source="import", proof_of=lambda row: "file a.csv line 2",
    )  # fmt: skip
    store.opt_in(NUMBER, now=clock.now(), source="form", proof="formulaire Quokka-9", tag="Don")
    daemon = daemon_factory(1)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")

    sent = enqueue(store, config, "06 12 34 56 78", SENT_TEXT)
    wait_until(lambda: store.get(sent.id).status in ("sent", "delivered"), 10, "the send")
    simulator = daemon.simulators[0]
    for text in (RECEIVED_TEXT, LONG_TEXT):
        simulator.call(lambda m, at, text=text: m.deliver_sms(NUMBER, text, at))
    wait_until(
        lambda: len(_rows(store, select(Inbound).where(Inbound.sender == NUMBER))) == 2,
        10,
        "both received messages",
    )
    wait_until(
        lambda: [d for d in _rows(store, select(WebhookDelivery)) if NUMBER in d.payload],
        10,
        "webhook deliveries carrying the number",
    )
    simulator.call(lambda m, at: m.ring(NUMBER, at))  # a missed call (issue 13)
    wait_until(lambda: store.missed_calls().rows, 10, "the missed call")
    simulator.call(lambda m, at: m.deliver_sms(NUMBER, "Stop !", at))
    wait_until(lambda: store.is_opted_out(NUMBER), 10, "the consent desk's opt-out")
    wait_until(  # its confirmation sent: an erase waits for a message being sent
        lambda: [m for m in store.messages(recipient=NUMBER) if m.id != sent.id and m.sent_at],
        10,
        "the STOP's confirmation sent",
    )
    database = Path(store.engine.url.database)
    assert {trace for _, trace in _traces(database)} == set(TRACES)  # the search would see them

    erased = store.erase_contact(NUMBER)

    assert erased.contact == 1 and erased.messages == 2 and erased.inbound == 3
    assert erased.calls == 1
    assert erased.webhook_deliveries >= 1 and erased.scrubbed
    assert _traces(database) == []
    assert _rows(store, select(Message.recipient)) == ["erased", "erased"]

    # the daemon goes on as before
    after = enqueue(store, config, OTHER, "Merci")
    wait_until(lambda: store.get(after.id).status in ("sent", "delivered"), 10, "a later send")
    assert _traces(database) == []
