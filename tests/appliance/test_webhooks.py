"""Webhooks against a real HTTP receiver on 127.0.0.1: signatures, retries, filters, restarts.

The receiver is ``http.server`` in a thread on a free port; it records every request as bytes
and answers with the statuses a test scripts. The sender runs with a fast poll and a backoff
in milliseconds, so a whole retry ladder takes a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import socket
import textwrap
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network

import pytest
from alembic import command
from sqlalchemy import event
from sqlmodel import select

import appliance.webhooks as webhooks
from appliance import views
from appliance.clock import SystemClock
from appliance.config.security import SecurityConfig
from appliance.store import Claim, Store, webhook_queue
from appliance.store.engine import alembic_config, create_engine_for
from appliance.store.schema import Event, WebhookCursor, WebhookDelivery
from appliance.store.webhooks import prune_deliveries
from appliance.webhooks import Backoff, WebhookError, WebhookSender
from appliance.webhooks import sender as sending
from appliance.webhooks.sender import CATCH_UP_EVERY
from tests.appliance.conftest import enqueue
from tests.waiting import wait_until

# The receivers run on this machine, which webhooks may reach only when the config allows it
# ([security] webhook_networks; tests/appliance/test_webhook_destinations.py).
LOCAL = (ip_network("127.0.0.0/8"), ip_network("::1/128"))
create_webhook = functools.partial(webhooks.create_webhook, allowed=LOCAL)
FAST = Backoff(first=timedelta(milliseconds=20), factor=2, cap=timedelta(seconds=1), attempts=8)
IMEI = "359072061234567"


# --- a real receiver -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP server that records each request and answers the next scripted status (then
    200). A 3xx answer redirects to /elsewhere; any answer above 299 says ``<b>boom</b>``."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.answers: deque[int] = deque()
        self.always: int | None = None  # answer this to everything, once ``answers`` is empty
        self.delay = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(
                        Received(self.path, dict(self.headers.items()), raw, time.monotonic())
                    )
                    status = (
                        receiver.answers.popleft() if receiver.answers else receiver.always or 200
                    )
                if receiver.delay:
                    time.sleep(receiver.delay)
                text = b"ok" if status < 300 else b"<b>boom</b>"
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", receiver.url("/elsewhere"))
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:
                    pass  # the sender gave up waiting (timeout tests)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def got(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def sender_factory(store) -> Iterator:
    senders: list[WebhookSender] = []

    def start(**options) -> WebhookSender:
        options = {
            "poll_interval": 0.02,
            "timeout": 2.0,
            "backoff": FAST,
            "networks": LOCAL,
            **options,
        }
        sender = WebhookSender(store, SystemClock(), **options).start()
        senders.append(sender)
        return sender

    yield start
    for sender in senders:
        sender.stop()


def receiver_verify():
    """The ``verify`` function of the module's docstring, run as a receiver would copy it."""
    doc = webhooks.__doc__ or ""
    start = doc.index("Verifying a delivery on the receiving side, in Python::")
    block = []
    for line in doc[start:].splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        block.append(line)
    namespace: dict = {}
    exec(textwrap.dedent("\n".join(block)), namespace)
    return namespace["verify"]


def now() -> datetime:
    return SystemClock().now()


def rows(store: Store, webhook_id: int | None = None) -> list[WebhookDelivery]:
    with store.session() as session:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)
        if webhook_id is not None:
            query = query.where(WebhookDelivery.webhook_id == webhook_id)
        return list(session.exec(query).all())


def last_event_id(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(Event.id).order_by(Event.id.desc())).first() or 0


def cursor(store: Store) -> int:
    with store.session() as session:
        return session.get(WebhookCursor, "events").last_event_id


def sent_message(store, config, text: str = "Collecte demain 8h-12h"):
    message = enqueue(store, config, "+33612345678", text)
    store.log("message.sent", now(), "to +33612345678", imei=IMEI, message_id=message.id)
    return message


# --- pure parts ----------------------------------------------------------------------------------


def test_backoff_is_10_30_90_seconds_and_so_on_capped_at_an_hour_then_gives_up():
    delays = [Backoff().delay(n) for n in range(1, 9)]
    assert [d.total_seconds() if d else None for d in delays] == [
        10,
        30,
        90,
        270,
        810,
        2430,
        3600,
        None,
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "https://example.org/smsrelay?token=abc%20def",
        "HTTPS://Example.ORG",
        "http://[::1]:9000/x",
    ],
)
def test_http_and_https_urls_are_accepted(url):
    assert webhooks.check_url(f"  {url} ", LOCAL) == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "give the URL"),
        ("ftp://example.org/", "only http"),
        ("javascript:alert(1)", "only http"),
        ("file:///etc/passwd", "only http"),
        ("http:///no-host", "no host"),
        ("http://user:pw@example.org/", "user name and password"),
        ('http://example.org/"><script>', "characters"),
        ("http://exämple.org/", "xn--"),
        ("http://example.org:port/", "not a valid URL"),
        ("http://example.org/" + "a" * 1024, "longer than"),
    ],
)
def test_other_urls_are_refused_with_a_reason(url, why):
    with pytest.raises(WebhookError, match=why) as caught:
        webhooks.check_url(url)
    assert caught.value.field == "url"


def test_events_are_checked_and_kept_in_a_fixed_order():
    assert webhooks.check_events(["modem.up", "message.sent"]) == ("message.sent", "modem.up")
    with pytest.raises(WebhookError, match="at least one"):
        webhooks.check_events([])
    with pytest.raises(WebhookError, match=r"message\.deleted"):
        webhooks.check_events(["message.deleted"])


def test_a_secret_is_generated_or_typed():
    first, second = webhooks.check_secret(""), webhooks.check_secret(None)
    assert first.startswith("whsec_") and len(first) > 40 and first != second
    assert webhooks.check_secret("  a typed secret of 24 c  ") == "a typed secret of 24 c"
    with pytest.raises(WebhookError, match="16 to 128") as caught:
        webhooks.check_secret("short")
    assert caught.value.field == "secret"


def test_the_signature_is_the_hmac_of_the_raw_body():
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    assert webhooks.sign("Jefe", b"what do ya want for nothing?") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


# --- delivery to a real receiver -----------------------------------------------------------------


def test_a_sent_message_is_posted_signed_and_the_documented_check_accepts_it(
    store, config, receiver, sender_factory
):
    hook, secret = create_webhook(store, url=receiver.url(), events=["message.sent"], now=now())
    message = sent_message(store, config)
    event_id = last_event_id(store)
    sender_factory()
    request = wait_until(lambda: receiver.got(), 5, "the POST")[0]

    verify = receiver_verify()
    event = verify(secret, request.body, request.headers)
    assert event["event"] == "message.sent" and event["id"] == event_id
    assert event["data"] == views.message(store.get(message.id))
    assert event["data"]["to"] == "+33612345678" and event["data"]["text"] == message.text
    assert datetime.fromisoformat(event["at"]).tzinfo is not None
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Smsrelay-Event"] == "message.sent"
    assert request.headers["X-Smsrelay-Timestamp"] == str(event["timestamp"])
    delivery = wait_until(lambda: [r for r in rows(store) if r.status == "delivered"], 5)[0]
    assert request.headers["X-Smsrelay-Delivery"] == str(delivery.id)
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 200, None)
    assert delivery.webhook_id == hook.id and delivery.delivered_at is not None

    with pytest.raises(ValueError, match="bad signature"):
        verify(secret, request.body.replace(b"8h-12h", b"9h-12h"), request.headers)
    with pytest.raises(ValueError, match="bad signature"):
        verify("another secret, not this one", request.body, request.headers)
    stale = json.loads(request.body) | {"timestamp": event["timestamp"] - 3600}
    stale_body = json.dumps(stale).encode()
    stale_headers = {"X-Smsrelay-Signature": webhooks.sign(secret, stale_body)}
    with pytest.raises(ValueError, match="five minutes"):
        verify(secret, stale_body, stale_headers)


def test_a_500_is_retried_with_backoff_then_delivered(store, config, receiver, sender_factory):
    _, secret = create_webhook(store, url=receiver.url(), events=["message.sent"], now=now())
    receiver.answers.extend([500, 503])
    sent_message(store, config)
    sender_factory()
    wait_until(lambda: [r for r in rows(store) if r.status == "delivered"], 5, "the delivery")
    got = receiver.got()
    assert len(got) == 3
    verify = receiver_verify()
    events = [verify(secret, r.body, r.headers) for r in got]
    assert len({e["id"] for e in events}) == 1  # the same event every time
    assert len({r.headers["X-Smsrelay-Delivery"] for r in got}) == 1
    assert got[1].at - got[0].at >= 0.02 and got[2].at - got[1].at >= 0.04  # 20 ms, then 40
    (delivery,) = rows(store)
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (3, 200, None)


def test_it_gives_up_after_the_last_attempt(store, config, receiver, sender_factory):
    create_webhook(store, url=receiver.url(), events=["message.sent"], now=now())
    receiver.always = 500
    sent_message(store, config)
    sender_factory(backoff=Backoff(first=timedelta(milliseconds=10), factor=1, attempts=3))
    (delivery,) = wait_until(lambda: [r for r in rows(store) if r.status == "failed"], 5)
    assert len(receiver.got()) == 3  # recorded after each answer: no fourth can be under way
    assert delivery.attempts == 3 and delivery.last_status == 500
    assert delivery.last_error == "HTTP 500 Internal Server Error"  # the body is not shown


def test_refused_connections_and_redirects_are_failures(store, config, receiver, sender_factory):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    refused, _ = create_webhook(store, url=closed, events=["modem.up"], now=now())
    moved, _ = create_webhook(store, url=receiver.url("/moved"), events=["modem.up"], now=now())
    receiver.always = 301
    store.log("modem.up", now(), "Simcom SIM800 on /dev/ttyUSB0", imei=IMEI)
    once = Backoff(attempts=1)
    sender_factory(timeout=0.2, backoff=once)
    wait_until(lambda: len([r for r in rows(store) if r.status == "failed"]) == 2, 5)
    by_hook = {r.webhook_id: r for r in rows(store)}
    assert by_hook[refused.id].last_status is None
    assert by_hook[refused.id].last_error.startswith("cannot connect")
    assert by_hook[moved.id].last_status == 301
    assert "redirects to" in by_hook[moved.id].last_error
    assert receiver.got("/elsewhere") == []  # not followed


def test_a_receiver_that_does_not_answer_in_time_is_a_timeout(
    store, config, receiver, sender_factory
):
    create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    receiver.delay = 1.0
    store.log("modem.up", now(), "answered again after ATZ", imei=IMEI)
    sender_factory(timeout=0.1, backoff=Backoff(attempts=1))
    (delivery,) = wait_until(lambda: [r for r in rows(store) if r.status == "failed"], 5)
    assert delivery.last_status is None and delivery.last_error == "no answer within 0.1 s"


def test_each_webhook_gets_only_the_events_it_chose(store, config, receiver, sender_factory):
    sent_only, _ = create_webhook(store, url=receiver.url("/a"), events=["message.sent"], now=now())
    failures, _ = create_webhook(
        store, url=receiver.url("/b"), events=["message.failed", "modem.down"], now=now()
    )
    create_webhook(store, url=receiver.url("/c"), events=webhooks.EVENTS, now=now(), active=False)
    sent = sent_message(store, config)
    failed = enqueue(store, config, "+33612345679", "to a barred number")
    store.mark_failed(failed.id, "+CMS ERROR 21: short message transfer rejected", now())
    store.upsert_modem(IMEI, state="absent", reason="the port vanished", port="/dev/ttyUSB0")
    store.log("modem.down", now(), "the port vanished (unplugged?)", imei=IMEI)
    store.log("message.error", now(), "not a webhook event", imei=IMEI, message_id=sent.id)
    sender_factory()
    wait_until(lambda: len(receiver.got()) == 3, 5, "three POSTs")
    wait_until(lambda: all(r.status == "delivered" for r in rows(store)), 5, "the outcomes")
    wait_until(lambda: cursor(store) == last_event_id(store), 5, "the cursor at the end")
    assert [r.json["event"] for r in receiver.got("/a")] == ["message.sent"]
    assert [r.json["event"] for r in receiver.got("/b")] == ["message.failed", "modem.down"]
    assert receiver.got("/c") == []
    failed_data = receiver.got("/b")[0].json["data"]
    assert failed_data["id"] == failed.id and failed_data["status"] == "failed"
    assert "+CMS ERROR 21" in failed_data["reason"]
    assert receiver.got("/b")[1].json["data"] == {
        "imei": IMEI,
        "state": "absent",
        "reason": "the port vanished (unplugged?)",
        "port": "/dev/ttyUSB0",
        "operator": None,
    }
    assert {r.webhook_id for r in rows(store)} == {sent_only.id, failures.id}
    assert webhooks.get_webhook(store, failures.id).delivered == 2


def test_a_restart_neither_loses_nor_repeats_an_event(store, config, receiver, sender_factory):
    create_webhook(store, url=receiver.url(), events=["message.sent"], now=now())
    first = sender_factory()
    sent_message(store, config, "before the restart")
    wait_until(lambda: [r for r in rows(store) if r.status == "delivered"], 5)
    first.stop()
    sent_message(store, config, "while stopped")
    second = sender_factory()
    wait_until(lambda: len([r for r in rows(store) if r.status == "delivered"]) == 2, 5)
    sent_message(store, config, "after the restart")
    wait_until(lambda: len([r for r in rows(store) if r.status == "delivered"]) == 3, 5)
    second.stop()
    # A third start with nothing new for this webhook: a probe on another webhook shows when
    # the sender has looked (anything it would send again would leave in the same turn).
    create_webhook(store, url=receiver.url("/probe"), events=["modem.up"], now=now())
    sender_factory()
    store.log("modem.up", now(), "ready", imei=IMEI)
    wait_until(lambda: len([r for r in rows(store) if r.status == "delivered"]) == 4, 5)
    assert len(receiver.got("/probe")) == 1
    texts = [r.json["data"]["text"] for r in receiver.got("/hook")]
    assert texts == ["before the restart", "while stopped", "after the restart"]


def test_a_delivery_leased_by_a_sender_that_died_is_sent_once_the_lease_runs_out(
    store, config, receiver
):
    create_webhook(store, url=receiver.url(), events=["message.sent"], now=now())
    sent_message(store, config)
    t0 = now()
    sending.fan_out(store, t0)
    (leased,) = sending.claim(store, t0, limit=4, lease=timedelta(minutes=1))
    # The process dies here, before its POST: a second sender must not take it meanwhile ...
    assert sending.claim(store, t0 + timedelta(seconds=59), limit=4, lease=timedelta(0)) == []
    # ... but takes it over once the lease is over, as the same attempt.
    (again,) = sending.claim(store, t0 + timedelta(seconds=61), limit=4, lease=timedelta(0))
    assert (again.delivery_id, again.attempt) == (leased.delivery_id, 1)


def test_one_post_at_a_time_per_webhook(store, config, receiver):
    one, _ = create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    two, _ = create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    for _ in range(3):
        store.log("modem.up", now(), "ready", imei=IMEI)
    t0 = now()
    sending.fan_out(store, t0)
    lease = timedelta(minutes=1)
    taken = sending.claim(store, t0, limit=10, lease=lease)
    assert sorted(a.webhook_id for a in taken) == [one.id, two.id]
    assert sending.claim(store, t0, limit=10, lease=lease, busy=[one.id, two.id]) == []


def test_a_delivered_report_and_a_received_message_are_posted(
    store, config, receiver, sender_factory
):
    create_webhook(
        store, url=receiver.url(), events=["message.delivered", "message.received"], now=now()
    )
    message = enqueue(store, config, "+33612345678", "Rappel: collecte demain")
    claim = Claim(IMEI, None, None, "test-node", 10, quiet=False, avoid_own_retries=False)
    assert store.claim(claim, now()).id == message.id
    store.mark_sent(message.id, [7], 1, None, now(), "2026-11-23", "2026-11")
    store.add_report(
        imei=IMEI,
        part_ref=7,
        recipient="+33612345678",
        status=0,
        delivered=True,
        final=True,
        reason="delivered",
        discharged_at=now(),
        now=now(),
    )
    received_at = now()  # as the worker does: one time for the store and the log
    store.add_inbound_part(
        imei=IMEI,
        iccid=None,
        sender="+33698765432",
        text="OUI <b>",
        sent_at=received_at - timedelta(seconds=5),
        now=received_at,
        concat=None,
    )
    store.log("message.received", received_at, "from +33698765432", imei=IMEI)
    sender_factory()
    wait_until(lambda: len(receiver.got()) == 2, 5, "two POSTs")
    delivered, received = (r.json for r in receiver.got())
    assert delivered["event"] == "message.delivered"
    assert delivered["data"]["id"] == message.id and delivered["data"]["status"] == "delivered"
    assert received["event"] == "message.received"
    assert received["data"]["from"] == "+33698765432" and received["data"]["text"] == "OUI <b>"
    assert received["data"] == views.inbound(store.inbox(limit=1)[0])


def test_the_test_button_reaches_even_a_paused_webhook(store, receiver, sender_factory):
    hook, secret = create_webhook(
        store, url=receiver.url(), events=["modem.up"], now=now(), active=False
    )
    assert webhooks.send_test(store, hook.id + 1, now()) is None
    delivery = webhooks.send_test(store, hook.id, now())
    sender_factory()
    (request,) = wait_until(lambda: receiver.got(), 5, "the test POST")
    event = receiver_verify()(secret, request.body, request.headers)
    assert event["event"] == "webhook.test" and event["data"]["webhook"] == hook.id
    assert request.headers["X-Smsrelay-Delivery"] == str(delivery.id)


def test_enable_disable_change_events_and_delete(store, receiver):
    hook, _ = create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    assert webhooks.set_active(store, hook.id, False)
    assert webhooks.get_webhook(store, hook.id).active is False
    assert webhooks.set_events(store, hook.id, ["modem.down", "message.sent"])
    assert webhooks.get_webhook(store, hook.id).events == ("message.sent", "modem.down")
    webhooks.send_test(store, hook.id, now())
    assert webhooks.delete_webhook(store, hook.id)
    assert webhooks.get_webhook(store, hook.id) is None and rows(store) == []
    assert not webhooks.delete_webhook(store, hook.id)
    assert not webhooks.set_active(store, hook.id, True)


def test_a_missing_event_id_is_waited_for_then_skipped(store, config):
    create_webhook(store, url="http://127.0.0.1:9/", events=["modem.up"], now=now())
    start = cursor(store)
    with store.session() as session:  # id start+1 is still being committed by someone else
        session.add(Event(id=start + 2, at=now(), kind="modem.up", modem_imei=IMEI))
        session.commit()
    assert sending.fan_out(store, now(), still_waiting_for=lambda event_id: True) == 0
    assert cursor(store) == start and rows(store) == []
    assert sending.fan_out(store, now(), still_waiting_for=lambda event_id: False) == 1
    assert cursor(store) == start + 2 and len(rows(store)) == 1


# --- the once-a-second look, cheap when no webhook is active (issue 3) ----------------------------


def statements_of(store: Store):
    """A list that fills with the SQL statements run on ``store`` while the context is open."""
    seen: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen.append(statement)

    @contextmanager
    def watching():
        event.listen(store.engine, "before_cursor_execute", keep)
        try:
            yield seen
        finally:
            event.remove(store.engine, "before_cursor_execute", keep)

    return watching()


def test_with_no_active_webhook_a_turn_is_one_read_and_new_events_go_to_no_one(store, receiver):
    paused, _ = create_webhook(
        store, url=receiver.url("/paused"), events=["modem.up"], now=now(), active=False
    )
    sender = WebhookSender(
        store, SystemClock(), backoff=FAST, networks=LOCAL
    )  # not started: turns by hand
    store.log("modem.up", now(), "before", imei=IMEI)
    sender._turn()  # the first turn that sees new events catches up; it prunes too
    start = cursor(store)
    for _ in range(3):
        store.log("modem.up", now(), "ready", imei=IMEI)
    with statements_of(store) as seen:
        assert sender._turn() == sender.poll_interval
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT"), seen
    assert cursor(store) == start and rows(store) == []  # left there: no one wants them
    # Enabling the webhook moves the cursor past them in the same transaction: it starts now.
    assert webhooks.set_active(store, paused.id, True)
    assert cursor(store) == last_event_id(store) == start + 3
    store.log("modem.up", now(), "after enabling", imei=IMEI)
    sender._turn()
    (delivery,) = rows(store)
    assert delivery.webhook_id == paused.id and '"after enabling"' in delivery.payload
    assert json.loads(delivery.payload)["id"] == start + 4
    wait_until(lambda: len(receiver.got("/paused")) == 1, 5, "the POST")
    sender.stop()


def test_a_webhook_created_after_unwatched_events_starts_from_its_creation(store, receiver):
    sender = WebhookSender(store, SystemClock(), backoff=FAST, networks=LOCAL)
    store.log("modem.up", now(), "before", imei=IMEI)
    sender._turn()
    for _ in range(5):  # logged while no webhook exists, and not moved past yet
        store.log("modem.up", now(), "before", imei=IMEI)
        sender._turn()
    assert cursor(store) < last_event_id(store)
    create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    assert cursor(store) == last_event_id(store)
    store.log("modem.up", now(), "after", imei=IMEI)
    sender._turn()
    assert [json.loads(r.payload)["id"] for r in rows(store)] == [last_event_id(store)]
    sender.stop()


def test_the_sender_catches_up_now_and_then_without_reading_the_events(store, monkeypatch):
    sender = WebhookSender(store, SystemClock(), backoff=FAST, networks=LOCAL)
    store.log("modem.up", now(), "before", imei=IMEI)
    sender._turn()
    for _ in range(250):
        store.log("message.sent", now(), "to +33612345678", imei=IMEI, message_id=1)
    clock = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    sender._turn()
    assert cursor(store) < last_event_id(store)  # caught up less than a minute ago
    clock[0] += CATCH_UP_EVERY
    with statements_of(store) as seen:
        sender._turn()
    assert cursor(store) == last_event_id(store) and rows(store) == []
    assert not any("FROM event" in s and "max" not in s.lower() for s in seen), seen
    # and fan_out itself, as the shutdown runs it, moves past them in one go
    store.log("message.sent", now(), "to +33612345678", imei=IMEI, message_id=1)
    assert sending.fan_out(store, now()) == 1 and cursor(store) == last_event_id(store)


def test_a_batch_fans_out_to_each_webhook_with_the_message_as_it_is(store, config):
    """The fan-out's batch path (messages read in one query, deliveries in one INSERT) gives
    each subscribed webhook one delivery per event, with the message's data."""
    one, _ = create_webhook(store, url="http://127.0.0.1:9/1", events=["message.sent"], now=now())
    two, _ = create_webhook(
        store, url="http://127.0.0.1:9/2", events=["message.sent", "modem.up"], now=now()
    )
    sent = [sent_message(store, config, f"message {n}") for n in range(3)]
    store.log("modem.up", now(), "ready", imei=IMEI)
    assert sending.fan_out(store, now()) == 4
    made = rows(store)
    assert [(r.webhook_id, r.event, r.status, r.attempts) for r in made] == [
        (w, "message.sent", "pending", 0) for _ in sent for w in (one.id, two.id)
    ] + [(two.id, "modem.up", "pending", 0)]
    texts = [json.loads(r.payload)["data"]["text"] for r in made[:-1]]
    assert texts == [m.text for m in sent for _ in (one, two)]


def test_the_look_the_catch_up_and_the_batch_run_on_postgresql(postgresql_store, config):
    store = postgresql_store
    paused, _ = create_webhook(
        store, url="http://127.0.0.1:9/", events=["message.sent"], now=now(), active=False
    )
    sent_message(store, config, "before")
    seen = webhook_queue.look(store)
    assert seen.new_events and not seen.active and seen.due is None
    assert sending.fan_out(store, now()) == 1 and rows(store) == []
    assert cursor(store) == last_event_id(store)
    sent_message(store, config, "still for no one")
    assert webhooks.set_active(store, paused.id, True)
    assert cursor(store) == last_event_id(store)
    message = sent_message(store, config, "after")
    assert sending.fan_out(store, now()) == 1
    (delivery,) = rows(store)
    assert json.loads(delivery.payload)["data"]["id"] == message.id
    assert webhook_queue.look(store).due == delivery.due_at


def test_old_finished_deliveries_are_pruned(store, receiver):
    hook, _ = create_webhook(store, url=receiver.url(), events=["modem.up"], now=now())
    old = now() - timedelta(days=40)
    with store.session() as session:
        for status in ("delivered", "failed", "pending"):
            session.add(
                WebhookDelivery(
                    webhook_id=hook.id,
                    event="modem.up",
                    payload="{}",
                    status=status,
                    created_at=old,
                    due_at=old + timedelta(days=400),
                )
            )
        session.commit()
    assert prune_deliveries(store, now() - timedelta(days=30)) == 2
    assert [r.status for r in rows(store)] == ["pending"]


def test_upgrading_starts_the_cursor_after_the_events_already_logged(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        for i in range(3):
            connection.exec_driver_sql(
                "INSERT INTO event (at, kind, detail) VALUES (?, 'modem.up', '')",
                (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),),
            )
        command.upgrade(config, "head")
    assert cursor(Store(engine)) == 3
    engine.dispose()


# --- end to end on the daemon --------------------------------------------------------------------


def test_the_daemon_posts_a_sent_and_a_received_message(daemon_factory, store, config, receiver):
    create_webhook(
        store, url=receiver.url(), events=["message.sent", "message.received"], now=now()
    )
    allowed = dataclasses.replace(config, security=SecurityConfig(webhook_networks=LOCAL))
    daemon = daemon_factory(1, cfg=allowed)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    message = enqueue(store, config, "0612345678", "Collecte de sang demain, 8h-12h")
    sent = wait_until(lambda: receiver.got(), 10, "the message.sent POST")[0].json
    assert sent["event"] == "message.sent"
    assert sent["data"]["id"] == message.id and sent["data"]["to"] == "+33612345678"
    assert sent["data"]["status"] in ("sent", "delivered")
    simulator = daemon.simulators[0]
    simulator.call(lambda m, at: m.deliver_sms("+33698765432", "OUI", at))
    received = wait_until(lambda: receiver.got()[1:], 10, "the message.received POST")[0].json
    assert received["event"] == "message.received"
    assert received["data"]["from"] == "+33698765432" and received["data"]["text"] == "OUI"
    assert received["data"]["modem"] == simulator.call(lambda m, at: m.imei)
