"""Modems unplugged and plugged back again and again while ``smsrelay serve`` sends (issue 14).

The pty of a simulated modem vanishes (``SimServer.unplug``: the modem loses power, its link goes)
and comes back as a new ``/dev/pts/N`` behind the same link, as a USB dongle pulled out and pushed
back gets a new ``ttyUSBn`` behind its udev link. Half the pulls come while the modem has a PDU out
waiting for the network, the others at any moment. Each time the daemon must see the port gone (the
card says ``absent``), carry on with the other modems, and take the modem back once it is plugged
in. A part cut off mid-send may or may not have left: that message is ``unknown``, never sent again.
The simulators' air logs are the truth.

``make chaos``: 20 pulls during 800 messages on 4 modems (sends of 100 ms); the short form in ``make
test`` is one pull in ``test_modem_faults``.
"""

from __future__ import annotations

import random
import time

import pytest

from tests.chaos.faulted import Scene, run_with_faults
from tests.chaos.runs import broken_promises, figures, summary

FULL_SEND_DELAY = 10.0  # 100 ms: the queue lasts through the twenty pulls


def unplug_loop(pulls: int, rng: random.Random):
    def script(scene: Scene) -> list[int]:
        pulled = []
        for _ in range(pulls):
            if scene.settled():
                break
            scene.wait_for_air(rng.randint(1, 8))
            modem = rng.randrange(len(scene.fleet))
            if rng.random() < 0.5:
                scene.mid_send(modem)
            scene.fleet[modem].unplug()
            pulled.append(modem)
            scene.wait(lambda m=modem: scene.state(m) == "absent", 20, "the card saying absent")
            time.sleep(rng.uniform(0.0, 0.3))
            scene.fleet[modem].replug()
        for modem in set(pulled):  # each comes back and serves (or the queue is done)
            scene.wait(
                lambda m=modem: scene.state(m) in ("ready", "busy") or scene.settled(),
                30,
                f"modem {modem} ready again after its replug",
            )
        return pulled

    return script


@pytest.mark.parametrize(
    ("modems", "pulls", "total"),
    [
        pytest.param(4, 20, 800, id="full", marks=[pytest.mark.chaos, pytest.mark.timeout(900)]),
    ],
)
def test_unplug_and_replug_loop(tmp_path, fleet_factory, modems, pulls, total):
    fleet = fleet_factory(modems, send_delay=FULL_SEND_DELAY)
    run, pulled = run_with_faults(
        tmp_path, fleet, unplug_loop(pulls, random.Random(pulls * 7 + total)), total=total
    )
    print(figures(run, len(pulled), "unplugs and replugs"))
    broken = broken_promises(run, total)
    assert not any(broken.values()), summary(broken)
    assert len(pulled) == pulls, "every pull came while messages were still going"
