"""A modem that restarts behind the daemon's back, then loses its SIM for a while, reads SMS
again once the SIM is back (issue 14: the soak found two modems that sent on but read nothing
after their SIM was pulled right after a power cycle's reboot).

The simulated modem does what TS 27.007 and 27.005 say a restarted MT does: its settings are
the defaults again (AT+CMEE=0: AT+CPIN? without a SIM answers a bare ERROR, §9.1, where "+CME
ERROR: 10" was asked for; AT+CNMI <mode> 0: no +CMTI announces an SMS, TS 27.005 §3.4.1), and
its SIM is read again at its boot.
"""

from __future__ import annotations

import dataclasses

from tests.appliance.conftest import FAST_TUNING
from tests.waiting import wait_until

TUNING = dataclasses.replace(FAST_TUNING, health_interval=0.3)


def test_a_modem_restarted_then_without_its_sim_reads_sms_again(daemon_factory):
    daemon = daemon_factory(1, tuning=TUNING)
    server = daemon.simulators[0]
    store = daemon.store
    wait_until(lambda: store.modems() and store.modems()[0].state == "ready", 10, "ready")
    server.call(lambda m, now: m.deliver_sms("+33698765432", "avant", now))
    wait_until(lambda: len(store.inbox()) == 1, 10, "the first SMS stored")

    server.call(lambda m, now: m.power_cycle(now))  # a brown-out: it reboots, nobody asked
    wait_until(lambda: server.call(lambda m, now: m.settings.cnmi[0] == 0), 10, "the reboot")
    server.call(lambda m, now: m.remove_sim(now))
    wait_until(lambda: store.modems()[0].state == "no-sim", 10, "the card saying no-sim")
    server.call(lambda m, now: m.deliver_sms("+33698765432", "pendant", now))  # waits
    server.call(lambda m, now: m.insert_sim(now))
    wait_until(lambda: store.modems()[0].state == "ready", 10, "ready again")
    server.call(lambda m, now: m.deliver_sms("+33698765432", "après", now))
    wait_until(lambda: len(store.inbox()) == 3, 10, "the SMS of the outage and after stored")
    assert sorted(i.text for i in store.inbox()) == ["après", "avant", "pendant"]
    left = lambda: server.call(lambda m, now: sum(s.used for s in m.storages.values()))  # noqa: E731
    wait_until(lambda: left() == 0, 10, "none left on the SIM (deleted once stored)")
