"""The daemon through every simulator profile: one message sent exactly once, one received.

Parametrised over the registry (``modem.sim.PROFILES``), like the driver's suite
(tests/pty/test_every_profile.py, whose docstring says what each device is asked): a phone used
as a modem (the Nokia N79) only sends. Real daemons on real ptys, at the simulators' time scale
(1/100); the simulators' air logs are the truth for what left.
"""

from __future__ import annotations

from collections import Counter

import pytest

from appliance.status import SEND_ONLY
from modem.sim import PROFILES
from tests.appliance.conftest import enqueue
from tests.appliance.test_quirky_modems import panel
from tests.waiting import wait_until


def _sent(store) -> int:
    counts = store.counts()
    return counts["sent"] + counts["delivered"]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_daemon_sends_once_and_receives(daemon_factory, store, config, name):
    profile = PROFILES[name]
    daemon = daemon_factory(1, profile=name)
    wait_until(lambda: daemon.pool.available(), 10, f"a ready {name}")
    enqueue(store, config, "+33612345678", "Rappel: collecte demain")
    wait_until(
        lambda: sum(store.counts().get(s, 0) for s in ("sent", "delivered")) == 1,
        10,
        "the message sent",
    )
    simulator = daemon.simulators[0]
    on_air = simulator.call(lambda m, now: Counter(a.text for a in m.air))
    assert on_air == Counter({"Rappel: collecte demain": 1}), "sent exactly once"
    [row] = store.modems()
    assert row.receives is profile.quirks.sms_access
    if not profile.quirks.sms_access:  # send-only: the daemon says so on the modem's card
        card = panel(store, config).get("/fragments/modems").get_data(as_text=True)
        assert 'class="send-only"' in card and SEND_ONLY in card
        return
    simulator.call(lambda m, now: m.deliver_sms("+33698765432", "OUI", now))
    wait_until(lambda: [m.text for m in store.inbox()] == ["OUI"], 10, "the inbound message")


def test_serve_names_the_profiles_when_given_an_unknown_one():
    from click.testing import CliRunner

    from appliance.cli import main

    result = CliRunner().invoke(main, ["serve", "--simulate", "1", "--profile", "nokia-n95"])
    assert result.exit_code == 2
    assert "unknown profile 'nokia-n95'" in result.output
    assert all(name in result.output for name in PROFILES)
