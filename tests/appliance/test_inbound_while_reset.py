"""An SMS that comes in while the modem is being reset after a send it left unanswered is stored
once the modem answers again, after the outbound queue has settled (issue 14: the soak counted
the inbound SMS as soon as the outbound queue settled, and under load found 478 of 480).

The send's outcome (``unknown``) is written before the reset (``sending._unanswered``): the
queue is settled while the SMS is still held by the network of the hung modem. A count of the
inbox must wait for the simulators to hold no SMS any more (``inbound_held``), not for the queue.
"""

from __future__ import annotations

from tests.appliance.conftest import enqueue
from tests.chaos.serving import inbound_held
from tests.waiting import wait_until

HUNG_FOR = 400.0  # simulated seconds (4 s here): longer than the send timeout (2 s)


def test_an_sms_during_a_reset_is_stored_after_the_queue_settled(daemon_factory, config):
    daemon = daemon_factory(1, unanswered_rate=1.0, unanswered_for=HUNG_FOR)
    store, fleet = daemon.store, daemon.simulators
    wait_until(lambda: store.modems() and store.modems()[0].state == "ready", 10, "ready")
    enqueue(store, config, "+33612345678", "rappel")
    wait_until(lambda: fleet[0].call(lambda m, now: len(m.submits)) == 1, 10, "the send on air")
    fleet[0].call(lambda m, now: m.deliver_sms("+33698765432", "OUI", now))  # the modem is hung

    wait_until(lambda: store.counts()["unknown"] == 1, 10, "the send given up as unknown")
    counts = store.counts()
    assert counts["queued"] == counts["sending"] == 0  # settled: the soak used to count here
    assert store.inbox() == [] and inbound_held(fleet) == 1  # the SMS is still at the network

    wait_until(lambda: inbound_held(fleet) == 0, 20, "the SMS read off the modem once it answers")
    assert [i.text for i in store.inbox()] == ["OUI"]
