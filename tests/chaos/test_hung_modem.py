"""A modem that stops answering in the middle of a send, and for a while after (issue 14).

The simulated modem hangs (``FakeModem.hang``: it drops what it is sent and says nothing, as a
wedged firmware does) while it has a PDU out waiting for the network, or at a random moment. The
daemon must time the send out and mark that message ``unknown`` (its PDU was written: it may have
left) or, when the hang came before the PDU, send it again; climb its reset ladder, saying on the
modem's card that it stopped answering; carry on with the other modems meanwhile; and take the modem
back once it answers again. The simulators' air logs are the truth.

``make chaos``: 6 hangs of 2.5 to 12 s (the longer ones past the whole ladder: ``failed``, then
tried again) during 800 messages on 4 modems (sends of 300 ms, so that the queue outlasts them); the
short form in ``make test`` is one hang of 2.5 s mid-send in ``test_modem_faults``.
"""

from __future__ import annotations

import random
import time

import pytest

from appliance.store.schema import Status
from tests.chaos.faulted import Scene, run_with_faults
from tests.chaos.runs import NO_ANSWER, broken_promises, figures, summary
from tests.conftest import TIME_SCALE

FULL_SEND_DELAY = 30.0  # 300 ms: the queue lasts through six hangs of up to 12 s
SILENT = ("resetting", "failed")  # the card of a modem that stopped answering
FIRST_HANG = 2.5  # real seconds: past the send's timeout (2 s here, 60 s on real modems)


def hangs(count: int, longest: float, rng: random.Random):
    def script(scene: Scene) -> dict[str, int]:
        seen = {"hangs": 0, "mid_send": 0, "others_sent_meanwhile": 0, "sent_after": 0}
        for number in range(count):
            if scene.settled():
                break
            scene.wait_for_air(rng.randint(1, 10))
            modem = number % len(scene.fleet)
            if number == 0 or rng.random() < 0.5:
                seen["mid_send"] += scene.mid_send(modem)
            seconds = FIRST_HANG if number == 0 else rng.uniform(FIRST_HANG, longest)
            scene.fleet[modem].call(lambda m, now, s=seconds: m.hang(now, s / TIME_SCALE))
            until = time.monotonic() + seconds
            seen["hangs"] += 1
            others = scene.on_air() - scene.on_air(modem)
            scene.wait(
                lambda m=modem, u=until: scene.state(m) in SILENT or time.monotonic() > u,
                20,
                "the card saying the modem stopped answering",
            )
            if scene.state(modem) in SILENT:
                row = scene.row(modem)
                assert row is not None and "answer" in (row.reason or ""), row
            time.sleep(max(0.0, until - time.monotonic()))
            if scene.on_air() - scene.on_air(modem) > others:
                seen["others_sent_meanwhile"] += 1
            before = scene.on_air(modem)
            scene.wait(
                lambda m=modem: scene.state(m) in ("ready", "busy") or scene.settled(),
                30,
                f"modem {modem} serving again once it answers",
            )
            if not scene.settled():
                scene.wait_for_air(1, 30, modem)
                seen["sent_after"] += scene.on_air(modem) > before
        return seen

    return script


@pytest.mark.parametrize(
    ("modems", "count", "longest", "total"),
    [
        pytest.param(
            4, 6, 12.0, 800, id="full", marks=[pytest.mark.chaos, pytest.mark.timeout(900)]
        ),
    ],
)
def test_a_hung_modem_times_out_and_the_others_carry_on(
    tmp_path, fleet_factory, modems, count, longest, total
):
    fleet = fleet_factory(modems, send_delay=FULL_SEND_DELAY)
    run, seen = run_with_faults(
        tmp_path, fleet, hangs(count, longest, random.Random(count + total)), total=total
    )
    print(figures(run, seen["hangs"], "hangs"), seen)
    broken = broken_promises(run, total)
    assert not any(broken.values()), summary(broken)
    assert seen["hangs"] == count and seen["mid_send"] >= 1
    unknown = [m for m in run.messages if m.status == Status.UNKNOWN]
    assert unknown and all(m.reason.startswith(NO_ANSWER) for m in unknown), unknown
    assert seen["others_sent_meanwhile"] >= 1, "the other modems sent while one was hung"
    if count > 1:
        assert seen["sent_after"] >= 1, "a modem that answers again sends again"
