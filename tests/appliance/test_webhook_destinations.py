"""Where a webhook may post (issue 14): never to this machine or the local network unless the
admin allows a range, checked when it is saved and again, on the address actually connected to,
at each send (a name that resolved to a public address when saved may resolve to 127.0.0.1 when
sent: DNS rebinding); and what a receiver answers with an error is not copied into the log.
Each test here failed before its fix.
"""

from __future__ import annotations

import socket
from ipaddress import ip_network

import pytest

import appliance.webhooks as webhooks
from appliance.clock import SystemClock
from appliance.store import webhooks as stored
from appliance.webhooks import WebhookError, WebhookSender
from appliance.webhooks.posting import post
from tests.waiting import wait_until

from .test_webhooks import FAST, Receiver, now, rows, sent_message

LOCAL = (ip_network("127.0.0.0/8"),)


@pytest.fixture
def sender_factory(store):
    senders = []

    def start(**options):
        options = {"poll_interval": 0.02, "timeout": 2.0, "backoff": FAST, **options}
        sender = WebhookSender(store, SystemClock(), **options).start()
        senders.append(sender)
        return sender

    yield start
    for sender in senders:
        sender.stop()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://localhost/hook", "loopback"),
        ("http://2130706433/hook", "loopback"),  # 127.0.0.1 as one number
        ("http://0x7f.1/hook", "loopback"),
        ("http://0177.0.0.1/hook", "loopback"),
        ("http://127.1/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("http://192.168.1.10/hook", "private"),
        ("http://[fd00::1]/hook", "private"),
        ("http://100.64.0.1/hook", "not public"),  # carrier-grade NAT
        ("http://0.0.0.0/hook", "not public"),
        ("http://[::]/hook", "not public"),
        ("http://224.0.0.1/hook", "not public"),
        ("http://[2002:7f00:1::]/hook", "loopback"),  # 6to4 around 127.0.0.1
    ],
)
def test_a_webhook_to_this_machine_or_the_local_network_is_refused(store, url, what):
    with pytest.raises(WebhookError) as caught:
        webhooks.create_webhook(store, url=url, events=["modem.up"], now=now())
    assert caught.value.field == "url"
    assert what in caught.value.why and "[security] webhook_networks" in caught.value.why
    assert webhooks.list_webhooks(store) == []


def test_the_admin_may_allow_a_range(store):
    allowed = (ip_network("192.168.1.0/24"),)
    hook, _ = webhooks.create_webhook(
        store, url="http://192.168.1.10/hook", events=["modem.up"], now=now(), allowed=allowed
    )
    assert hook.url == "http://192.168.1.10/hook"
    with pytest.raises(WebhookError, match="private"):
        webhooks.create_webhook(
            store, url="http://10.1.2.3/hook", events=["modem.up"], now=now(), allowed=allowed
        )


def test_a_name_that_does_not_resolve_yet_is_saved(store):
    hook, _ = webhooks.create_webhook(
        store, url="https://receiver.invalid/hook", events=["modem.up"], now=now()
    )
    assert hook.url == "https://receiver.invalid/hook"


@pytest.fixture
def rebinding(monkeypatch):
    """``rebind.example`` resolves to 127.0.0.1 (its public address was for the save)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "rebind.example":
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_the_address_is_checked_again_when_sending(receiver, rebinding):
    port = receiver.server.server_address[1]
    outcome = post(f"http://rebind.example:{port}/hook", b"{}", {}, 2.0)
    assert not outcome.ok and outcome.status is None
    assert "rebind.example" in outcome.error and "127.0.0.1" in outcome.error
    assert "loopback" in outcome.error
    assert receiver.got() == []


def test_an_allowed_range_is_reached_on_the_address_checked(receiver, rebinding):
    port = receiver.server.server_address[1]
    outcome = post(f"http://rebind.example:{port}/hook", b"{}", {}, 2.0, allowed=LOCAL)
    assert outcome.ok, outcome.error
    (got,) = receiver.got()
    assert got.headers["Host"] == f"rebind.example:{port}"


def test_a_webhook_saved_before_the_rule_is_refused_by_the_sender(
    store, config, receiver, sender_factory
):
    stored.add_webhook(
        store, url=receiver.url(), events=("message.sent",), secret="s" * 20, active=True,
        now=now(),
    )  # fmt: skip
    sent_message(store, config)
    sender_factory()
    wait_until(lambda: [r for r in rows(store) if r.attempts >= 1], 5, "an attempt")
    assert receiver.got() == []
    assert "loopback" in rows(store)[0].last_error


def test_an_error_answer_s_body_is_not_copied_into_the_log(store, config, receiver, sender_factory):
    webhooks.create_webhook(
        store, url=receiver.url(), events=["message.sent"], now=now(), allowed=LOCAL
    )
    receiver.always = 500
    sent_message(store, config)
    sender_factory(networks=LOCAL)
    (delivery,) = wait_until(lambda: [r for r in rows(store) if r.attempts >= 1], 5)
    assert delivery.last_status == 500
    assert delivery.last_error.startswith("HTTP 500 Internal Server Error")
    assert "boom" not in delivery.last_error
