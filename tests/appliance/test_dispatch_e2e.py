"""The daemon end to end on simulated modems through ptys: the simulators' air logs are the truth.

Each test checks the at-most-once invariant the same way: every text appears on air at most once,
every message whose status says sent is on air exactly once, and nothing is lost (every message
ends settled).
"""

from __future__ import annotations

from collections import Counter

import pytest

from appliance.store.schema import Status
from tests.appliance.conftest import enqueue
from tests.waiting import wait_until


def air(daemon) -> Counter:
    texts: Counter = Counter()
    for server in daemon.simulators:
        texts.update(server.call(lambda m, now: [a.text for a in m.air]))
    return texts


def done(store) -> int:
    counts = store.counts()
    return counts["sent"] + counts["delivered"]


def settled(store, total: int) -> bool:
    counts = store.counts()
    return counts["queued"] == 0 and counts["sending"] == 0 and sum(counts.values()) == total


def check_at_most_once(store, daemon, total: int) -> Counter:
    on_air = air(daemon)
    assert max(on_air.values(), default=0) <= 1, "a message left twice"
    statuses = Counter()
    for message in store.messages(limit=total + 10):
        statuses[message.status] += 1
        if message.status in (Status.SENT, Status.DELIVERED):
            assert on_air[message.text] == 1, f"message {message.id} is sent but not on air"
        elif message.status != Status.UNKNOWN:
            assert on_air[message.text] == 0, f"message {message.id} is {message.status} but left"
    statuses["ok"] = statuses[Status.SENT] + statuses[Status.DELIVERED]
    return statuses


def test_four_modems_two_hundred_each(daemon_factory, store, config):
    daemon = daemon_factory(4, send_delay=0.5)
    wait_until(lambda: len(daemon.pool.available()) == 4, 10, "4 ready modems")
    for i in range(800):
        enqueue(store, config, "+33612345678", f"invitation {i}")
    wait_until(lambda: settled(store, 800), 60, "800 messages settled")
    statuses = check_at_most_once(store, daemon, 800)
    assert statuses["ok"] == 800
    per_modem = Counter(m.modem_imei for m in store.messages(limit=1000))
    assert len(per_modem) == 4 and min(per_modem.values()) > 100  # all four took a share


def test_unplug_and_replug_under_another_name(daemon_factory, store, config, tmp_path):
    daemon = daemon_factory(3, send_delay=1.0)
    wait_until(lambda: len(daemon.pool.available()) == 3, 10, "3 ready modems")
    victim = daemon.simulators[1]
    imei = victim.call(lambda m, now: m.imei)
    for i in range(300):
        enqueue(store, config, "+33612345678", f"rappel {i}")
    wait_until(lambda: done(store) >= 60, 30, "the run to be under way")
    victim.unplug()
    # generous deadlines: they only matter on a machine busy with other work (seen once)
    wait_until(lambda: _state(store, imei) == "absent", 30, "the modem to be absent")
    new_link = tmp_path / "ttyUSB7"
    victim.replug(link=new_link)
    daemon.pool.add(daemon._settings(str(new_link)))  # what hot-plug discovery does
    wait_until(
        lambda: _state(store, imei) == "ready" and _port(store, imei) == str(new_link),
        30,
        "the same modem ready on its new port",
    )
    wait_until(lambda: settled(store, 300), 60, "300 messages settled")
    statuses = check_at_most_once(store, daemon, 300)
    assert statuses["ok"] >= 298 and statuses[Status.UNKNOWN] <= 1
    assert len(store.modems()) == 3  # one modem, one row, whatever its port
    sent_after = [
        m
        for m in store.messages(limit=400)
        if m.modem_imei == imei and m.sent_at and m.status in (Status.SENT, Status.DELIVERED)
    ]
    assert sent_after, "the replugged modem went back to work"


def test_a_hanging_modem_does_not_slow_the_others(daemon_factory, store, config):
    daemon = daemon_factory(3, send_delay=0.5)
    wait_until(lambda: len(daemon.pool.available()) == 3, 10, "3 ready modems")
    stuck = daemon.simulators[0]
    stuck_imei = stuck.call(lambda m, now: m.imei)
    stuck.call(lambda m, now: m.hang(now))  # until power cycle
    for i in range(200):
        enqueue(store, config, "+33612345678", f"hang test {i}")
    wait_until(lambda: settled(store, 200), 60, "200 messages settled")
    statuses = check_at_most_once(store, daemon, 200)
    assert statuses["ok"] >= 199
    others = Counter(
        m.modem_imei
        for m in store.messages(limit=300)
        if m.status in (Status.SENT, Status.DELIVERED)
    )
    assert sum(n for imei, n in others.items() if imei != stuck_imei) >= 199
    stuck_row = next(m for m in store.modems() if m.imei == stuck_imei)
    assert stuck_row.state in ("resetting", "failed", "absent", "probing")
    assert stuck_row.reason


def test_cms_error_storm_is_retried(daemon_factory, store, config):
    daemon = daemon_factory(2, send_delay=0.3, fail_rate=0.2, fail_codes=(38, 500, 42))
    wait_until(lambda: len(daemon.pool.available()) == 2, 10, "2 ready modems")
    for i in range(200):
        enqueue(store, config, "+33612345678", f"storm {i}")
    wait_until(lambda: settled(store, 200), 60, "200 messages settled")
    statuses = check_at_most_once(store, daemon, 200)
    assert statuses["ok"] + statuses[Status.FAILED] == 200
    assert statuses["ok"] >= 195  # 6 attempts at 20 % each: a failure is 1 in 15,625
    retried = [m for m in store.messages(limit=300) if m.attempts > 1]
    assert len(retried) > 10


def test_permanent_error_fails_at_once(daemon_factory, store, config):
    daemon = daemon_factory(1, fail_rate=1.0, fail_codes=(1,))
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    message = enqueue(store, config, "+33612345678", "to nobody")
    wait_until(lambda: store.get(message.id).status == Status.FAILED, 10, "the failure")
    failed = store.get(message.id)
    assert failed.attempts == 1
    assert "not allocated" in failed.reason and "+CMS ERROR 1" in failed.reason


def test_multipart_and_inbound(daemon_factory, store, config):
    daemon = daemon_factory(1)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    long_text = "Collecte de sang demain à la mairie, de 8h à 12h. Merci! " * 6
    message = enqueue(store, config, "0612345678", long_text)
    wait_until(
        lambda: store.get(message.id).status in (Status.SENT, Status.DELIVERED),
        10,
        "the multi-part send",
    )
    assert store.get(message.id).parts == 3
    assert air(daemon)[long_text] == 1
    sim = daemon.simulators[0]
    sim.call(lambda m, now: m.deliver_sms("+33698765432", "OUI", now))
    sim.call(lambda m, now: m.deliver_sms("0698765432", "Réponse longue: " + "oui " * 60, now))
    wait_until(lambda: len(store.inbox()) == 2, 10, "two inbound messages")
    texts = {m.text for m in store.inbox()}
    assert "OUI" in texts and "Réponse longue: " + "oui " * 60 in texts
    assert {m.sender for m in store.inbox()} == {"+33698765432"}
    wait_until(
        lambda: sim.call(lambda m, now: m.store("SM").used if m.store("SM") else 0) == 0,
        5,
        "inbound deleted from the SIM after the commit",
    )


def test_delivery_report_marks_delivered(daemon_factory, store, config):
    daemon = daemon_factory(1, report_delay=1.0)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    message = enqueue(store, config, "+33612345678", "avec accusé")
    wait_until(lambda: store.get(message.id).status == Status.DELIVERED, 10, "the report")
    assert store.get(message.id).delivered_at is not None


def _state(store, imei):
    return next((m.state for m in store.modems() if m.imei == imei), None)


def _port(store, imei):
    return next((m.port for m in store.modems() if m.imei == imei), None)


@pytest.mark.parametrize("profile", ["huawei-e173", "simcom-sim800", "quectel-ec25"])
def test_vendor_profiles_serve(daemon_factory, store, config, profile):
    daemon = daemon_factory(1, profile=profile)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, f"a ready {profile}")
    for i in range(10):
        enqueue(store, config, "+33612345678", f"{profile} {i} é€")
    wait_until(lambda: settled(store, 10), 20, "10 messages settled")
    assert check_at_most_once(store, daemon, 10)["ok"] == 10
