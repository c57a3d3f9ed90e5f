"""Issue 13's "done when": three modems people really own, through the daemon, in real time.

At time scale 1.0 (simulated seconds are real ones), each of these reaches ready, or send-only,
in under 10 s and sends each message exactly once:

- a modem that starts with its radio off (``+CFUN: 0``, ``+CREG: 0,0``);
- old Wavecom firmware, which answers ``AT+CPIN?`` without a final ``OK`` (and prints its name
  with a leading space, and takes two memories in ``AT+CPMS``);
- a phone used as a modem, which refuses every ``AT+CNMI`` and ``AT+CPMS``.

The switches and their sources are in ``modem.sim.quirks``. The simulators' air logs are the
truth for what left; the tests wait on the daemon's own state, never on a sleep.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import replace

import pytest
from sqlmodel import select

from appliance.clock import SystemClock
from appliance.daemon import Daemon, Simulation
from appliance.states import ModemState
from appliance.store.schema import Event, Status
from modem.device import SEND_ONLY
from modem.sim import get_profile
from modem.sim.quirks import Quirks
from tests.appliance.conftest import FAST_TUNING, enqueue
from tests.waiting import wait_until

READY_WITHIN = 10.0  # seconds, real ones
MESSAGES = 3

RADIO_OFF = Quirks(radio_at_start=0)
WAVECOM = Quirks(no_final_after=("+CPIN?",), leading_space=True, cpms_memories=2)
PHONE = Quirks(sms_access=False)


@pytest.fixture
def real_time_daemon(config):
    daemons: list[Daemon] = []

    def start(quirks: Quirks) -> Daemon:
        profile = replace(get_profile("generic"), quirks=quirks)
        simulation = Simulation(
            modems=1, profile=profile, time_scale=1.0, faults={"send_delay": 0.3}
        )
        daemon = Daemon(config, clock=SystemClock(), simulation=simulation, tuning=FAST_TUNING)
        daemons.append(daemon.start())
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()


def modem_up_words(store) -> list[str]:
    with store.session() as session:
        return [e.detail for e in session.exec(select(Event).where(Event.kind == "modem.up"))]


def ready_then_send_once(daemon: Daemon, store, config) -> float:
    """Seconds from the daemon's start to a ready modem; then each message sent once."""
    started = time.monotonic()
    wait_until(lambda: daemon.pool.available(), READY_WITHIN, "a ready modem")
    took = time.monotonic() - started
    worker = daemon.pool.available()[0]
    assert worker.state == ModemState.READY
    texts = [f"message {i} pour le don du sang" for i in range(MESSAGES)]
    for text in texts:
        enqueue(store, config, "+33612345678", text)

    def settled() -> bool:
        counts = store.counts()
        return counts[Status.SENT] + counts[Status.DELIVERED] == MESSAGES

    wait_until(settled, 10, f"{MESSAGES} messages sent")
    on_air = Counter(daemon.simulators[0].call(lambda m, now: [a.text for a in m.air]))
    assert on_air == Counter(texts), "each message exactly once"
    return took


def test_a_modem_with_its_radio_off_at_start(real_time_daemon, store, config):
    daemon = real_time_daemon(RADIO_OFF)
    took = ready_then_send_once(daemon, store, config)
    assert took < READY_WITHIN
    assert daemon.simulators[0].call(lambda m, now: m.cfun) == 1
    [words] = modem_up_words(store)
    assert "its radio was off (+CFUN: 0) and was switched on" in words


def test_a_wavecom_without_ok_after_cpin(real_time_daemon, store, config):
    daemon = real_time_daemon(WAVECOM)
    took = ready_then_send_once(daemon, store, config)
    assert took < READY_WITHIN
    [row] = store.modems()
    assert row.manufacturer == "smsrelay"  # " smsrelay" as printed, without its space
    assert row.sim == "READY"


def test_a_phone_comes_up_send_only(real_time_daemon, store, config, caplog):
    caplog.set_level(logging.WARNING, logger="appliance.worker")
    daemon = real_time_daemon(PHONE)
    took = ready_then_send_once(daemon, store, config)
    assert took < READY_WITHIN
    [words] = modem_up_words(store)
    assert words.endswith(SEND_ONLY) and SEND_ONLY == "can send; cannot report received SMS"
    [row] = store.modems()
    assert row.receives is False
    card = panel(store, config).get("/fragments/modems").get_data(as_text=True)
    assert 'class="send-only"' in card and SEND_ONLY in card
    assert "Why it does not send" not in card  # it sends
    # nothing tried to read its storage: the phone answers AT+CMGL with ERROR
    assert not [r for r in caplog.records if "stored messages" in r.getMessage()]


def panel(store, config):
    """A volunteer's panel on the daemon's store (the panel never opens a port)."""
    from appliance.accounts import add_user
    from tests.web.conftest import sign_in
    from web import create_app

    app = create_app(config, store=store, test_config={"TESTING": True})
    client = app.test_client()
    user = add_user(store, "victor", "victor-password-1", "volunteer", SystemClock().now())
    sign_in(client, user)
    return client
