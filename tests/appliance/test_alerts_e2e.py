"""Alerts end to end: a running daemon on simulated modems tells an admin by SMS (sent by a
simulated modem), email (a real local SMTP server) and webhook (a real HTTP receiver), once,
and "resolved" once, when a modem goes down and comes back."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest

from appliance import webhooks
from appliance.config.alerts import AlertsConfig, SmtpConfig
from appliance.config.security import SecurityConfig
from appliance.store.alerts import recent_alerts
from tests.appliance.conftest import FAST_TUNING
from tests.appliance.test_webhooks import LOCAL, Receiver, now, receiver_verify
from tests.mailbox import Mailbox
from tests.waiting import wait_until

ADMIN = "+33611223344"
TUNING = dataclasses.replace(FAST_TUNING, alerts_interval=0.1, mail_interval=0.1)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def smtp_for(mailbox: Mailbox) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1", port=mailbox.port, starttls=False, sender="smsrelay@example.org"
    )


def alerting(config, mailbox: Mailbox):
    return dataclasses.replace(
        config,
        smtp=smtp_for(mailbox),
        alerts=AlertsConfig(
            sms_to=ADMIN,
            email_to=("admin@example.org",),
            modem_down_after=timedelta(seconds=1.5),  # a restart's modems are up by then
            cap_percent=None,
            queue_stuck_after=None,
            low_credit=False,
            disk_percent=None,
        ),
        security=SecurityConfig(webhook_networks=LOCAL),
    )


def unplug(store, victim) -> str:
    """Pull a simulated modem out and wait for its worker to say so (generous: only a busy
    machine needs it); its IMEI."""
    imei = victim.call(lambda m, at: m.imei)
    victim.unplug()
    wait_until(lambda: store.modem(imei).state not in ("ready", "busy"), 30, "the modem down")
    return imei


def admin_sms(store) -> list:
    return [m for m in store.messages(limit=50) if m.recipient == ADMIN]


def test_a_modem_down_is_told_once_by_each_channel_then_resolved_once(
    daemon_factory, store, config, mailbox, receiver
):
    webhooks.create_webhook(
        store, url=receiver.url(), events=["alert.fired", "alert.resolved"], now=now(),
        allowed=LOCAL, secret="whsec_" + "s" * 32,
    )  # fmt: skip
    daemon = daemon_factory(2, cfg=alerting(config, mailbox), tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 2, 10, "two ready modems")
    victim = daemon.simulators[0]
    imei = unplug(store, victim)

    mail = wait_until(lambda: mailbox.got("alert: modem down"), 30, "the alert email")[0]
    assert imei in mail.get_content() and mail["To"] == "admin@example.org"
    posted = wait_until(lambda: receiver.got(), 10, "the alert.fired POST")[0]
    event = receiver_verify()("whsec_" + "s" * 32, posted.body, posted.headers)
    assert event["event"] == "alert.fired"
    assert event["data"]["condition"] == "modem_down" and event["data"]["subject"] == imei
    sms = wait_until(
        lambda: [m for m in admin_sms(store) if m.status in ("sent", "delivered")], 30,
        "the alert SMS sent by the other modem",
    )[0]  # fmt: skip
    assert sms.text.startswith("Alert: Modem " + imei) and sms.priority == "high"
    assert sms.modem_imei != imei

    victim.replug()
    wait_until(lambda: mailbox.got("resolved: modem down"), 30, "the resolved email")
    resolved = wait_until(lambda: receiver.got()[1:], 10, "the alert.resolved POST")[0].json
    assert resolved["event"] == "alert.resolved" and resolved["data"]["resolved_at"]
    wait_until(lambda: len(admin_sms(store)) == 2, 10, "the resolved SMS")
    assert admin_sms(store)[0].text.startswith("Resolved: Modem " + imei)
    [alert] = recent_alerts(store)
    assert alert.resolved_at is not None and "email sent" in alert.told
    daemon.stop()
    assert len(mailbox.got()) == 2 and len(receiver.got()) == 2  # told once, resolved once


def test_a_restart_neither_repeats_nor_forgets_an_alert(daemon_factory, store, config, mailbox):
    cfg = alerting(config, mailbox)
    first = daemon_factory(2, cfg=cfg, tuning=TUNING)
    wait_until(lambda: len(first.pool.available()) == 2, 10, "two ready modems")
    unplug(store, first.simulators[0])
    wait_until(lambda: mailbox.got("alert: modem down"), 30, "the alert email")
    first.stop()  # the modem is still down

    second = daemon_factory(2, cfg=cfg, tuning=TUNING)  # the same modems, all plugged in
    wait_until(lambda: len(second.pool.available()) == 2, 10, "two ready modems again")
    wait_until(lambda: mailbox.got("resolved: modem down"), 30, "the resolved email")
    second.stop()
    assert len(mailbox.got("alert: modem down")) == 1
    assert len(mailbox.got("resolved: modem down")) == 1


def test_an_admin_number_that_said_stop_gets_no_sms_but_the_email_still_goes(
    daemon_factory, store, config, mailbox
):
    store.opt_out(ADMIN, now=now(), how="STOP by SMS")
    daemon = daemon_factory(2, cfg=alerting(config, mailbox), tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 2, 10, "two ready modems")
    unplug(store, daemon.simulators[0])
    wait_until(lambda: mailbox.got("alert: modem down"), 30, "the alert email")
    told = wait_until(lambda: [a.told for a in recent_alerts(store) if a.told], 10, "told")[0]
    assert told.startswith("sms refused: ") and "opted out" in told and "email sent" in told
    assert admin_sms(store) == []
