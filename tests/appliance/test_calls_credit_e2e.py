"""Calls and credit end to end (issue 13): a real daemon on simulated modems that ring and
answer USSD, the store, the consent desk's answer by SMS, and the webhooks on a real receiver.

Nothing is mocked: the simulator rings as 3GPP TS 27.007 says (RING, then +CLIP), the driver
reads it through a pty, the worker hangs up and keeps the call; a credit query goes out as
AT+CUSD and comes back as the network's +CUSD.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest

import appliance.webhooks as webhooks
from appliance import views
from appliance.clock import SystemClock
from appliance.config.calls import CallsConfig
from appliance.config.security import SecurityConfig
from appliance.outbox import wakeup_path
from appliance.wakeup import notify
from modem import pdu
from tests.appliance.conftest import FAST_TUNING, enqueue
from tests.appliance.test_webhooks import LOCAL, Receiver
from tests.waiting import wait_until

CALLER = "+33612345678"
REPLY = "Ce numéro ne prend pas d'appels : écrivez-nous par SMS."
LONG = "Collecte de sang samedi à la salle des fetes, de 8h à 12h. " * 7  # 3 parts


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def with_modems(config, *, reply: str | None = None, **modem):
    defaults = dataclasses.replace(config.defaults, **modem)
    return dataclasses.replace(config, defaults=defaults, calls=CallsConfig(reply=reply))


def reaching_local_receivers(config):
    """The receivers run on this machine, which webhooks reach only when the config allows it."""
    return dataclasses.replace(config, security=SecurityConfig(webhook_networks=LOCAL))


def ready(daemon, count: int = 1):
    wait_until(lambda: len(daemon.pool.available()) == count, 10, "ready modems")
    return daemon.simulators[0], daemon.pool.available()[0]


def calls(store):
    return list(store.missed_calls().rows)


def test_a_call_is_hung_up_kept_once_and_posted_as_call_missed(
    daemon_factory, store, config, receiver
):
    webhooks.create_webhook(store, url=receiver.url(), events=["call.missed"],
                            now=SystemClock().now(), allowed=LOCAL)  # fmt: skip
    daemon = daemon_factory(1, cfg=reaching_local_receivers(config))
    simulator, worker = ready(daemon)
    call = simulator.call(lambda m, at: m.ring(CALLER, at))
    kept = wait_until(lambda: calls(store), 10, "the missed call")
    assert [(c.caller, c.modem_imei, c.sim_iccid, c.hung_up) for c in kept] == [
        (CALLER, worker.imei, worker.iccid, True)
    ]
    assert simulator.call(lambda m, at: call.ended) == "hung-up"
    posted = wait_until(lambda: receiver.got(), 10, "the call.missed POST")[0].json
    assert posted["event"] == "call.missed"
    assert posted["data"]["from"] == CALLER and posted["data"]["hung_up"] is True
    assert posted["data"]["modem"] == worker.imei
    assert len(calls(store)) == 1


def test_without_hang_up_a_call_rings_out_and_is_one_missed_call(daemon_factory, store, config):
    daemon = daemon_factory(1, cfg=with_modems(config, hangup_calls=False))
    simulator, _ = ready(daemon)
    call = simulator.call(lambda m, at: m.ring(CALLER, at, rings_for=20))  # 4 rings
    wait_until(lambda: simulator.call(lambda m, at: call.ended), 10, "the caller giving up")
    assert simulator.call(lambda m, at: (call.ended, call.rings)) == ("gave-up", 4)
    kept = wait_until(lambda: calls(store), 10, "the missed call")
    assert [(c.caller, c.hung_up) for c in kept] == [(CALLER, False)]


def test_a_missed_call_is_answered_once_an_hour_and_never_to_a_withheld_or_stopped_number(
    daemon_factory, store, config
):
    daemon = daemon_factory(1, cfg=with_modems(config, reply=REPLY))
    simulator, _ = ready(daemon)
    store.opt_out("+33698765432", now=SystemClock().now(), how="sms STOP")
    for number, withheld in ((CALLER, False), (None, False), (CALLER, True),
                             ("+33698765432", False), (CALLER, False)):  # fmt: skip
        before = len(calls(store))
        simulator.call(lambda m, at, n=number, w=withheld: m.ring(n, at, withheld=w))
        wait_until(lambda b=before: len(calls(store)) > b, 10, "the missed call")
        wait_until(lambda: not store.unhandled_calls(), 10, "the desk's decision")
    handled = [(c.caller, c.handled) for c in reversed(calls(store))]
    assert handled == [(CALLER, "reply"), (None, "none"), (None, "none"),
                       ("+33698765432", "no-reply"), (CALLER, "no-reply")]  # fmt: skip
    sent = wait_until(
        lambda: simulator.call(lambda m, at: [(a.recipient, a.text) for a in m.air]),
        10,
        "the answer on the air",
    )
    assert sent == [(CALLER, REPLY)]
    (answer,) = store.messages(recipient=CALLER)
    assert (answer.source, answer.kind) == ("call", "transactional")


def test_a_call_during_a_multipart_send_leaves_the_message_sent_once(daemon_factory, store, config):
    daemon = daemon_factory(1, send_delay=2.0)
    simulator, _ = ready(daemon)
    assert pdu.count(LONG).parts == 3
    message = enqueue(store, config, "+33698765432", LONG)
    wait_until(lambda: simulator.call(lambda m, at: m.pdus_received) >= 1, 10, "a first part")
    call = simulator.call(lambda m, at: m.ring(CALLER, at))
    wait_until(lambda: store.get(message.id).status in ("sent", "delivered"), 10, "the send")
    kept = wait_until(lambda: calls(store), 10, "the missed call")
    assert [c.caller for c in kept] == [CALLER]
    assert simulator.call(lambda m, at: call.ended) == "hung-up"
    air = simulator.call(lambda m, at: [(a.recipient, a.text, a.parts) for a in m.air])
    assert air == [("+33698765432", LONG, 3)]  # once, whole
    assert store.get(message.id).attempts == 1


def test_the_panel_asks_for_the_credit_and_a_low_one_is_marked_and_posted(
    daemon_factory, store, config, receiver
):
    webhooks.create_webhook(store, url=receiver.url(), events=["sim.low_credit"],
                            now=SystemClock().now(), allowed=LOCAL)  # fmt: skip
    cfg = with_modems(config, credit_code="*100#", credit_every=None, credit_low=10.0)
    cfg = reaching_local_receivers(cfg)
    daemon = daemon_factory(1, cfg=cfg)
    _, worker = ready(daemon)
    assert store.ask_credit(worker.imei, SystemClock().now()) == worker.iccid
    notify(wakeup_path(cfg))  # as the panel does after writing its request
    credit = wait_until(lambda: store.credits()[worker.iccid].checked_at and
                        store.credits()[worker.iccid], 10, "the answer")  # fmt: skip
    assert (credit.answer, credit.amount, credit.currency) == (
        "Votre credit est de 5,00 EUR.", 5.0, "EUR"
    )  # fmt: skip
    assert credit.low and credit.asked_at is None and credit.error is None
    status = views.status(cfg, store, SystemClock().now())["modems"][0]
    assert status["credit"]["amount"] == 5.0 and status["credit"]["low"] is True
    posted = wait_until(lambda: receiver.got(), 10, "the sim.low_credit POST")[0].json
    assert posted["event"] == "sim.low_credit"
    assert posted["data"]["iccid"] == worker.iccid and posted["data"]["amount"] == 5.0


def test_the_credit_is_asked_on_schedule_between_sends(daemon_factory, store, config):
    cfg = with_modems(config, credit_code="*123#", credit_every=timedelta(seconds=1))
    tuning = dataclasses.replace(FAST_TUNING, health_interval=0.2)
    daemon = daemon_factory(1, cfg=cfg, tuning=tuning)
    simulator, worker = ready(daemon)
    simulator.call(lambda m, at: m.ussd_replies.update({"*123#": "Balance: 3.20 GBP"}))
    first = wait_until(lambda: store.credits()[worker.iccid].checked_at, 10, "a first query")
    credit = wait_until(
        lambda: (c := store.credits()[worker.iccid]).checked_at > first and c, 10, "a second"
    )
    assert (credit.amount, credit.currency, credit.low) == (3.2, "GBP", False)


def test_a_code_the_network_does_not_know_says_so(daemon_factory, store, config):
    cfg = with_modems(config, credit_code="*999#", credit_every=None)
    daemon = daemon_factory(1, cfg=cfg)
    _, worker = ready(daemon)
    store.ask_credit(worker.imei, SystemClock().now())
    notify(wakeup_path(cfg))
    credit = wait_until(lambda: store.credits()[worker.iccid].error and
                        store.credits()[worker.iccid], 10, "the failure")  # fmt: skip
    assert credit.error == "the network does not answer *999#"
    assert credit.answer is None and credit.asked_at is None


# --- the panel and the API, on the daemon's store (the panel never opens a port) -----------------


def panel(store, cfg):
    from appliance.accounts import add_user
    from web import create_app

    app = create_app(cfg, store=store, test_config={"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    user = add_user(store, "victor", "victor-password-1", "volunteer", SystemClock().now())
    from tests.web.conftest import sign_in

    sign_in(client, user)
    return client


def test_the_panel_s_button_asks_the_daemon_and_the_card_shows_the_low_credit(
    daemon_factory, store, config
):
    cfg = with_modems(config, credit_code="*100#", credit_every=None, credit_low=10.0)
    daemon = daemon_factory(1, cfg=cfg)
    _, worker = ready(daemon)
    client = panel(store, cfg)
    card = client.get("/fragments/modems").get_data(as_text=True)
    assert "not asked yet" in card and "low credit" not in card
    answer = client.post(f"/modems/{worker.imei}/credit", data={"next": "/"})
    assert answer.status_code == 303
    wait_until(lambda: store.credits()[worker.iccid].checked_at, 10, "the daemon's query")
    card = client.get("/fragments/modems").get_data(as_text=True)
    assert "5.00 EUR, low" in card and 'class="credit-flag"' in card
    assert client.post("/modems/999999999999999/credit").status_code == 303  # flashed: no SIM


def test_missed_calls_in_the_inbox_the_api_and_the_credit_request_through_the_api(
    daemon_factory, store, config
):
    from appliance.accounts import create_token
    from web import create_app

    cfg = with_modems(config, credit_code="*100#", credit_every=None)
    daemon = daemon_factory(1, cfg=cfg)
    simulator, worker = ready(daemon)
    for number in (CALLER, None):
        before = len(calls(store))
        simulator.call(lambda m, at, n=number: m.ring(n, at))
        wait_until(lambda b=before: len(calls(store)) > b, 10, "the missed call")
    inbox = panel(store, cfg).get("/inbox").get_data(as_text=True)
    assert "Missed calls" in inbox and CALLER in inbox and "withheld number" in inbox

    _, secret = create_token(store, "tests", SystemClock().now())
    api = create_app(cfg, store=store).test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    page = api.get("/api/v1/calls?limit=1", headers=headers).get_json()
    assert [c["from"] for c in page["calls"]] == [None] and page["next_cursor"]
    rest = api.get(f"/api/v1/calls?cursor={page['next_cursor']}", headers=headers).get_json()
    assert [(c["from"], c["hung_up"]) for c in rest["calls"]] == [(CALLER, True)]
    assert rest["next_cursor"] is None

    asked = api.post(f"/api/v1/modems/{worker.imei}/credit", headers=headers)
    assert asked.status_code == 202 and asked.get_json()["iccid"] == worker.iccid

    def credit():
        modems = api.get("/api/v1/modems", headers=headers).get_json()["modems"]
        return modems[0]["credit"] if modems[0]["credit"]["checked_at"] else None

    shown = wait_until(credit, 10, "the credit in GET /modems")
    assert (shown["amount"], shown["currency"], shown["low"]) == (5.0, "EUR", False)
    missing = api.post("/api/v1/modems/356938035643809/credit", headers=headers)
    assert missing.status_code == 404 and "no modem" in missing.get_json()["error"]
