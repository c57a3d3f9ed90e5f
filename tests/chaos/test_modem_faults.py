"""The short form of the modem faults, in ``make test``: one daemon's life through them all.

An unplug and replug, a hang in the middle of a send, a SIM pulled and put back, a network lost
and found, in turn on a running ``smsrelay serve`` with 200 messages on 3 modems: the scripts of
``test_unplug_loop``, ``test_hung_modem`` and ``test_sim_and_network``, whose full forms (each
fault many times over hundreds of messages) run in ``make chaos``. One run rather than one per
fault: the daemon's start (a second or two) is most of a short run.
"""

from __future__ import annotations

import random

from appliance.store.schema import Status
from tests.chaos.faulted import Scene, run_with_faults
from tests.chaos.runs import NO_ANSWER, broken_promises, figures, summary
from tests.chaos.test_hung_modem import FIRST_HANG, hangs
from tests.chaos.test_sim_and_network import HEALTH_INTERVAL, outages
from tests.chaos.test_unplug_loop import unplug_loop

# Messages must still wait when the last fault comes, however fast the host: the faults' script
# takes 5-7 s of waits and pauses of its own, whatever the modems' pace. At 30 ms a part, a fast
# host sent all 200 messages in 5 s, before the second outage (a CI failure). At 60 ms, 55 of
# them were still queued when the script ended; at 80 ms, more.
SEND_DELAY = 8.0  # simulated seconds per part (80 ms here)
TOTAL = 200  # enough for the other modems to be sending through every fault


def test_a_modem_unplugged_hung_without_sim_or_network_loses_nothing(tmp_path, fleet_factory):
    rng = random.Random(14)
    steps = {
        "unplug": unplug_loop(1, rng),
        "hang": hangs(1, FIRST_HANG, rng),
        "outage": outages(("sim", "network"), 2, rng),
    }

    def script(scene: Scene) -> dict[str, object]:
        return {name: step(scene) for name, step in steps.items()}

    fleet = fleet_factory(3, send_delay=SEND_DELAY)
    run, seen = run_with_faults(
        tmp_path, fleet, script, total=TOTAL, health_interval=HEALTH_INTERVAL
    )
    print(figures(run, 5, "modem faults (unplug, hang, SIM, network)"), seen)
    broken = broken_promises(run, TOTAL)
    assert not any(broken.values()), summary(broken)
    assert len(seen["unplug"]) == 1
    assert seen["hang"]["hangs"] == 1 and seen["hang"]["mid_send"] == 1
    assert seen["hang"]["others_sent_meanwhile"] == 1
    assert seen["outage"]["outages"] == 2 and seen["outage"]["sent_while_out"] == 0
    assert seen["outage"]["others_sent_meanwhile"] >= 1
    unknown = [m for m in run.messages if m.status == Status.UNKNOWN]
    assert unknown and all(m.reason.startswith(NO_ANSWER) for m in unknown), unknown
