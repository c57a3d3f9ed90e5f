"""The alerts' rows and the mail cursor on SQLite and PostgreSQL (issue 16): one alert per
condition until it clears, then one "resolved", each with its event; a restart (a new store on
the same database) neither repeats nor forgets one; the judgement of each condition."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from appliance.alerts import judge
from appliance.config.alerts import AlertsConfig
from appliance.store import Store
from appliance.store.alerts import Facts, Seen, SimFacts, read_facts, recent_alerts, settle_alerts
from appliance.store.mail import forwarded, to_forward, wrote_to
from appliance.store.schema import Event, Modem
from tests.appliance.conftest import enqueue

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
IMEI = "356938035643809"
DOWN = {("modem_down", IMEI): Seen(f"Modem {IMEI} is not connected.", timedelta(minutes=10))}


def events(store: Store) -> list[tuple[str, str]]:
    with store.session() as session:
        return [(e.kind, e.detail) for e in session.exec(select(Event).order_by(Event.id))]


def test_an_alert_fires_once_after_its_delay_and_resolves_once(any_store):
    assert settle_alerts(any_store, DOWN, T0) == ([], [])  # seen, not yet lasted 10 minutes
    assert settle_alerts(any_store, DOWN, T0 + timedelta(minutes=9)) == ([], [])
    fired, _ = settle_alerts(any_store, DOWN, T0 + timedelta(minutes=10))
    assert [a.subject for a in fired] == [IMEI] and fired[0].since == T0
    again = Store(any_store.engine)  # a restart: the same rows, read by a new store
    assert settle_alerts(again, DOWN, T0 + timedelta(minutes=11)) == ([], [])
    _, resolved = settle_alerts(again, {}, T0 + timedelta(minutes=12))
    assert [a.resolved_at for a in resolved] == [T0 + timedelta(minutes=12)]
    assert settle_alerts(again, {}, T0 + timedelta(minutes=13)) == ([], [])
    assert [kind for kind, _ in events(any_store)] == ["alert.fired", "alert.resolved"]
    assert '"condition": "modem_down"' in events(any_store)[0][1]


def test_a_condition_that_clears_before_its_delay_is_forgotten_and_a_new_one_is_a_new_alert(
    any_store,
):
    settle_alerts(any_store, DOWN, T0)
    settle_alerts(any_store, {}, T0 + timedelta(minutes=5))  # a reset: back before 10 minutes
    assert recent_alerts(any_store) == [] and events(any_store) == []
    now = {("disk_full", ""): Seen("The disk is 95 % full.", timedelta(0))}
    settle_alerts(any_store, now, T0)
    settle_alerts(any_store, {}, T0 + timedelta(minutes=1))
    settle_alerts(any_store, now, T0 + timedelta(minutes=2))  # full again: a second alert
    assert [a.resolved_at is None for a in recent_alerts(any_store)] == [True, False]


def test_the_mail_cursor_starts_after_the_history_and_moves_once(any_store, config):
    assert to_forward(any_store) == []  # the cursor made after what was there
    enqueue(any_store, config, "+33698765432", "Collecte demain", now=T0)
    assert wrote_to(any_store, "+33698765432", T0 + timedelta(seconds=1))
    assert not wrote_to(any_store, "+33612121212", T0 + timedelta(seconds=1))
    forwarded(any_store, 5)
    forwarded(any_store, 3)  # never back
    assert to_forward(any_store) == []


def test_read_facts_sees_the_modems_sims_and_the_queue(store, config):
    store.upsert_modem(IMEI, state="absent", iccid="8933150319000000001", daily_limit=100)
    store.upsert_sim("8933150319000000001", modem_imei=IMEI, day="2026-11-23", sent_day=85)
    enqueue(store, config, "+33698765432", "Collecte demain", now=T0)
    facts = read_facts(store, T0 + timedelta(minutes=30))
    assert facts.waiting == 1 and facts.oldest_due == T0 and facts.last_sent is None
    assert facts.sims[0].daily_limit == 100
    seen = judge(facts, config, T0 + timedelta(minutes=30), 95.0)
    assert set(seen) == {
        ("modem_down", IMEI), ("sim_cap", "8933150319000000001"), ("queue_stuck", ""),
        ("disk_full", ""),
    }  # fmt: skip
    assert "85 of its 100 parts" in seen[("sim_cap", "8933150319000000001")].detail


def test_each_condition_has_its_threshold_and_can_be_turned_off(config):
    modem = Modem(imei=IMEI, state="ready", seen_at=T0 + timedelta(minutes=14))
    sim = SimFacts("89331", IMEI, "2026-11-23", 79, 100, True, 1.5, "EUR")
    facts = Facts([modem], [sim], T0, 3, T0 - timedelta(hours=1))
    now = T0 + timedelta(minutes=14)
    seen = judge(facts, config, now, 89.0)
    assert set(seen) == {("low_credit", "89331")}  # 79 %, 14 min, 89 %: under each threshold
    assert seen[("low_credit", "89331")].detail == "SIM 89331 is low on credit (1.50 EUR)."
    stale = Modem(imei=IMEI, state="ready", seen_at=T0 - timedelta(minutes=10))
    later = dataclasses.replace(facts, modems=[stale], sims=[sim._replace(sent_day=80)])
    seen = judge(later, config, T0 + timedelta(minutes=15), 90.0)
    assert {key[0] for key in seen} == {
        "modem_down", "sim_cap", "low_credit", "queue_stuck", "disk_full"
    }  # fmt: skip
    off = dataclasses.replace(
        config,
        alerts=AlertsConfig(
            modem_down_after=None, cap_percent=None, queue_stuck_after=None, low_credit=False,
            disk_percent=None,
        ),
    )  # fmt: skip
    assert judge(later, off, T0 + timedelta(minutes=15), 99.0) == {}


def test_a_sender_with_a_line_break_makes_a_one_line_subject():
    from appliance.language import speaking
    from appliance.mail.forwarding import subject

    english, french = speaking("en"), speaking("fr")
    assert subject("Bad\r\nBcc: x@y", english) == "SMS from Bad Bcc: x@y"
    assert subject("\n", english) == "SMS from an unknown sender"
    assert subject("\n", french) == "SMS d'un expéditeur inconnu"


def test_a_queue_is_not_stuck_in_quiet_hours_nor_just_after(config):
    from datetime import time

    night = dataclasses.replace(config, quiet_hours=(time(21, 0), time(8, 0)))  # Paris time
    facts = Facts([], [], T0 - timedelta(hours=12), 40, T0 - timedelta(hours=12))
    at_7 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Paris: quiet
    at_8_10 = datetime(2026, 11, 23, 7, 10, tzinfo=UTC)  # 08:10: quiet ended 10 minutes ago
    at_8_20 = datetime(2026, 11, 23, 7, 20, tzinfo=UTC)  # 08:20: nothing left for 20 minutes
    assert judge(facts, night, at_7, None) == {}
    assert judge(facts, night, at_8_10, None) == {}
    assert set(judge(facts, night, at_8_20, None)) == {("queue_stuck", "")}
