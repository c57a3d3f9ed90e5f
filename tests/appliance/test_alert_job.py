"""The alert job on its own (issue 16): a full disk and low credit told by email through a real
local SMTP server, once each, then resolved; and on PostgreSQL, nodes running the job at the
same moment fire one alert, not one each (the job's advisory lock, ``appliance.nodes``)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from appliance.alerts import AlertJob
from appliance.clock import SystemClock
from appliance.config.alerts import AlertsConfig
from appliance.nodes import Membership
from appliance.store import Store
from appliance.store.schema import Event
from tests.appliance.test_alerts_e2e import smtp_for
from tests.mailbox import Mailbox

ICCID = "8933150319000000001"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


def alerting(config, mailbox: Mailbox):
    return dataclasses.replace(
        config,
        smtp=smtp_for(mailbox),
        alerts=AlertsConfig(
            email_to=("admin@example.org",), modem_down_after=None, cap_percent=80,
            queue_stuck_after=timedelta(minutes=15), disk_percent=90,
        ),
    )  # fmt: skip


def fired(store: Store) -> list[str]:
    with store.session() as session:
        return [e.kind for e in session.exec(select(Event).where(Event.kind.like("alert.%")))]


def test_a_full_disk_and_low_credit_are_told_once_then_resolved(store, config, mailbox):
    disk = {"percent": 95.0}
    store.upsert_sim(ICCID, credit_low=True, credit_amount=1.2, credit_currency="EUR")
    job = AlertJob(store, alerting(config, mailbox), SystemClock(), lambda: None,
                   disk=lambda folder: disk["percent"])  # fmt: skip
    job.run()
    job.run()
    subjects = sorted(str(m["Subject"]) for m in mailbox.got())
    assert subjects == ["[smsrelay] alert: disk nearly full", "[smsrelay] alert: low credit"]
    assert "1.20 EUR" in mailbox.got("low credit")[0].get_content()
    disk["percent"] = 50.0
    store.upsert_sim(ICCID, credit_low=False)
    job.run()
    job.run()
    assert len(mailbox.got("resolved")) == 2 and len(mailbox.got()) == 4


def test_a_mail_server_away_is_noted_and_the_alert_not_repeated(store, config, mailbox):
    cfg = alerting(config, mailbox)
    away = dataclasses.replace(cfg, smtp=dataclasses.replace(cfg.smtp, port=1))
    job = AlertJob(store, away, SystemClock(), lambda: None, disk=lambda folder: 99.0)
    job.run()
    job.run()
    assert fired(store) == ["alert.fired"]  # the webhook channel still carries it


def test_nodes_running_the_job_at_once_fire_one_alert(postgresql_store, config, mailbox):
    cfg = dataclasses.replace(alerting(config, mailbox), node="a")
    stores = [postgresql_store, Store(postgresql_store.engine)]
    start = threading.Barrier(len(stores))

    def node(store: Store) -> None:
        job = AlertJob(store, cfg, SystemClock(), lambda: None, disk=lambda folder: 99.0)
        guarded = Membership(store, cfg, SystemClock(), lambda: None).exclusive("alerts", job.run)
        start.wait()
        for _ in range(10):
            guarded()

    threads = [threading.Thread(target=node, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert fired(postgresql_store) == ["alert.fired"] and len(mailbox.got()) == 1
