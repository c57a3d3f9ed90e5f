"""Consent by SMS, end to end on simulated modems (issue 11): a person texts STOP or a join
keyword from their phone; the daemon's consent desk records it with its proof and confirms; and
every path that queues a message then obeys (the API answers 422 with the reason)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from appliance.accounts import create_token
from appliance.clock import SystemClock
from appliance.config import Config
from appliance.config.consent import ConsentConfig
from appliance.store.schema import Status
from tests.appliance.conftest import enqueue
from tests.waiting import wait_until
from web import create_app

PHONE = "+33698765432"


def on_air(daemon) -> list[tuple[str, str]]:
    """(recipient, text) of every SMS the simulated modems accepted."""
    sent: list[tuple[str, str]] = []
    for server in daemon.simulators:
        sent += server.call(lambda m, now: [(a.recipient, a.text) for a in m.air])
    return sent


def text_in(daemon, sender: str, text: str) -> None:
    daemon.simulators[0].call(lambda m, now: m.deliver_sms(sender, text, now))


@pytest.fixture
def ready(daemon_factory):
    daemon = daemon_factory(1)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    return daemon


def handled(store, sender: str, count: int = 1):
    wait_until(
        lambda: len([i for i in store.inbox() if i.sender == sender and i.handled]) >= count,
        10,
        "the consent desk's answer",
    )
    return [i for i in store.inbox() if i.sender == sender]


def api_send(store, config: Config, to: str, **more):
    _, secret = create_token(store, "tests", SystemClock().now())
    app = create_app(config, store=store)
    return app.test_client().post(
        "/api/v1/messages",
        json={"to": to, "text": "Collecte samedi", **more},
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_stop_from_a_phone_opts_out_confirms_once_and_the_api_then_refuses(ready, store, config):
    waiting = enqueue(store, config, PHONE, "Rappel", send_at="+1d")
    text_in(ready, "0698765432", "Stop !")
    [inbound] = handled(store, PHONE)
    assert inbound.handled == "stop"
    contact = store.contact(PHONE)
    assert contact.opted_out and contact.opt_out_how == "sms STOP"
    assert store.get(waiting.id).status == Status.CANCELLED
    confirmation = config.consent.stop_reply
    wait_until(lambda: (PHONE, confirmation) in on_air(ready), 10, "the confirmation on the air")

    answer = api_send(store, config, "06 98 76 54 32")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["field"] == "to"
    assert "+33698765432 opted out on" in body["error"] and "(sms STOP)" in body["error"]

    text_in(ready, PHONE, "STOP")  # again: still opted out, and no second confirmation
    handled(store, PHONE, 2)
    assert [text for to, text in on_air(ready) if to == PHONE].count(confirmation) == 1


def test_join_creates_the_contact_with_its_proof_and_tag(ready, store, config):
    text_in(ready, PHONE, "inscription Don du sang")
    [inbound] = handled(store, PHONE)
    assert inbound.handled == "join"
    contact = store.contact(PHONE)
    assert contact.opt_in_source == "sms" and contact.tags == ("Don du sang",)
    assert contact.opt_in_proof == f"inbound message {inbound.id}: inscription Don du sang"
    welcome = config.consent.join_reply.format(theme=" « Don du sang »")
    wait_until(lambda: (PHONE, welcome) in on_air(ready), 10, "the welcome on the air")


def test_join_undoes_a_stop_only_from_the_person(ready, store, config):
    text_in(ready, PHONE, "ARRÊT")
    handled(store, PHONE)
    assert store.contact(PHONE).opted_out
    text_in(ready, PHONE, "JOIN")
    handled(store, PHONE, 2)
    assert not store.contact(PHONE).opted_out
    assert api_send(store, config, PHONE).status_code == 201


def test_an_automatic_reply_is_never_answered(ready, store, config):
    text_in(ready, PHONE, "Réponse automatique : je suis absent. STOP")
    [inbound] = handled(store, PHONE)
    assert inbound.handled == "stop" and store.contact(PHONE).opted_out  # the STOP holds
    text_in(ready, "ORANGE", "STOP")  # a name: nobody to opt out
    handled(store, "ORANGE")
    assert store.contact("ORANGE") is None
    assert not [to for to, _ in on_air(ready)]


def test_at_most_n_automatic_replies_per_number_per_hour(daemon_factory, store, config):
    limited = replace(config, consent=ConsentConfig(auto_replies_per_hour=2))
    daemon = daemon_factory(1, cfg=limited)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    for n in range(4):
        text_in(daemon, PHONE, "STOP" if n % 2 == 0 else "JOIN")
        handled(store, PHONE, n + 1)
    wait_until(lambda: len(on_air(daemon)) >= 2, 10, "two confirmations")
    assert len(store.messages(recipient=PHONE)) == 2


def test_campaign_sends_go_to_opted_in_contacts_within_the_cap(ready, store, config):
    refused = api_send(store, config, PHONE, kind="campaign")
    assert refused.status_code == 422 and refused.get_json()["field"] == "to"
    assert "is not an opted-in contact" in refused.get_json()["error"]
    text_in(ready, PHONE, "INSCRIPTION")  # the person opts in by SMS
    handled(store, PHONE)
    first, second, third = (
        api_send(store, config, PHONE, kind=kind, text=f"Invitation {n}").get_json()["id"]
        for n, kind in enumerate(("campaign", "reminder", "campaign"))
    )
    wait_until(
        lambda: {store.get(i).status for i in (first, second)} <= {"sent", "delivered"},
        10,
        "the first two on the air",
    )
    held = store.get(third)
    assert held.status == "queued" and held.reason.startswith(
        "held: +33698765432 reached the cap of 2 messages in 30 days; may go from "
    )
    assert "Invitation 2" not in [text for _, text in on_air(ready)]
    # a transactional message is never counted nor held
    urgent = api_send(store, config, PHONE, text="Collecte annulée").get_json()["id"]
    wait_until(lambda: store.get(urgent).status in ("sent", "delivered"), 10, "the urgent one")


def test_a_reply_is_linked_to_the_campaign_it_answers(ready, store, config):
    store.opt_in(PHONE, now=SystemClock().now(), source="import", proof="file line 2")
    invitation = enqueue(store, config, PHONE, "Collecte samedi ? OUI/NON", kind="campaign",
                         campaign_id=5)  # fmt: skip
    wait_until(lambda: store.get(invitation.id).status in ("sent", "delivered"), 10, "sent")
    text_in(ready, "06 98 76 54 32", "Oui !")
    [reply] = handled(store, PHONE)
    assert (reply.campaign_id, reply.handled) == (5, "none")
    text_in(ready, "+33611111111", "OUI")  # nothing was sent to this one: no campaign
    assert handled(store, "+33611111111")[0].campaign_id is None
