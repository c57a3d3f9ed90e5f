"""A SIM pulled out and put back; the network lost and found again (issue 14).

A SIM pulled out of a running modem makes it answer ``+CME ERROR: 10`` (SIM not inserted) to
``AT+CPIN?`` and lose its registration; put back, the modem reads the card again and registers
(``FakeModem.remove_sim``/``insert_sim``). A network lost turns the registration to "searching"
(``+CREG: 0,2``) and back to "home" (``0,1``) (``Faults.no_network``). Meanwhile the modem's sends
are refused (``+CMS ERROR: 331``, no network service): nothing goes on air from it, the messages it
was given go again on the other modems, and its card says why (``no-sim``, ``searching``). Once the
SIM or the network is back, the modem serves again. The simulators' air logs are the truth.

The daemon polls its modems' health every 0.3 s here (30 s for real modems, scaled as the simulators
are). ``make chaos``: 8 outages of each kind, during 800 messages on 4 modems (sends of 100 ms); the
short form in ``make test`` (a SIM pulled, then a network lost) is in ``test_modem_faults``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

from tests.chaos.faulted import Scene, run_with_faults
from tests.chaos.runs import broken_promises, figures, summary
from tests.conftest import TIME_SCALE

FULL_SEND_DELAY = 10.0  # simulated seconds per part (100 ms here): the queue outlasts 8 outages
HEALTH_INTERVAL = 30.0 * TIME_SCALE
SERVING = ("ready", "busy")


def pull_sim(modem) -> None:
    modem.remove_sim(modem.now)


def put_sim_back(modem) -> None:
    modem.insert_sim(modem.now)


def lose_network(modem) -> None:
    modem.faults.no_network = True


def find_network(modem) -> None:
    modem.faults.no_network = False


OUTAGES: dict[str, tuple[Callable, Callable, str, str]] = {
    # fault, cure, the card's state meanwhile, words its reason must hold
    "sim": (pull_sim, put_sim_back, "no-sim", "SIM not inserted"),
    "network": (lose_network, find_network, "searching", "searching for a network"),
}


def outages(kinds: tuple[str, ...], count: int, rng: random.Random):
    def script(scene: Scene) -> dict[str, int]:
        seen = {"outages": 0, "sent_while_out": 0, "others_sent_meanwhile": 0, "sent_after": 0}
        for number in range(count):
            if scene.settled():
                break
            fault, cure, state, words = OUTAGES[kinds[number % len(kinds)]]
            scene.wait_for_air(rng.randint(1, 10))
            modem = number % len(scene.fleet)
            scene.fleet[modem].call(lambda m, now, f=fault: f(m))
            seen["outages"] += 1
            scene.wait(lambda m=modem, s=state: scene.state(m) == s, 10, f"the card saying {state}")
            row = scene.row(modem)
            assert row is not None and words in (row.reason or ""), row.reason
            server = scene.fleet[modem]
            scene.wait(lambda s=server: not s.call(lambda m, now: m.awaiting_network), 5,
                       "the part in flight when it failed")  # fmt: skip
            mine, others = scene.on_air(modem), scene.on_air() - scene.on_air(modem)
            time.sleep(rng.uniform(0.2, 0.6))  # a few polls and hand-overs
            seen["sent_while_out"] += scene.on_air(modem) - mine
            seen["others_sent_meanwhile"] += scene.on_air() - scene.on_air(modem) > others
            scene.fleet[modem].call(lambda m, now, f=cure: f(m))
            scene.wait(
                lambda m=modem: scene.state(m) in SERVING or scene.settled(),
                10,
                f"modem {modem} serving again",
            )
            before = scene.on_air(modem)
            if not scene.settled():
                seen["sent_after"] += scene.wait_for_air(1, 10, modem) > before
        return seen

    return script


FULL = [pytest.mark.chaos, pytest.mark.timeout(900)]


@pytest.mark.parametrize(
    ("kinds", "modems", "count", "total"),
    [
        pytest.param(("sim",), 4, 8, 800, id="full-sim", marks=FULL),
        pytest.param(("network",), 4, 8, 800, id="full-network", marks=FULL),
    ],
)
def test_an_outage_refuses_sends_and_the_modem_comes_back(
    tmp_path, fleet_factory, kinds, modems, count, total
):
    fleet = fleet_factory(modems, send_delay=FULL_SEND_DELAY)
    run, seen = run_with_faults(
        tmp_path, fleet, outages(kinds, count, random.Random(count * 31 + total)),
        total=total, health_interval=HEALTH_INTERVAL,
    )  # fmt: skip
    print(figures(run, seen["outages"], f"{' and '.join(kinds)} outages"), seen)
    broken = broken_promises(run, total)
    assert not any(broken.values()), summary(broken)
    assert seen["outages"] == count
    assert seen["sent_while_out"] == 0, "nothing goes on air from a modem without SIM or network"
    assert seen["others_sent_meanwhile"] >= 1, "the other modems sent meanwhile"
    if count > 2:
        assert seen["sent_after"] >= 1, "a modem with its SIM or network back sends again"
