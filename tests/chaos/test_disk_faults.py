"""The disk fills up, or turns read-only, under a running ``smsrelay serve``; then it is back.

Every process of the daemon opens the database through ``faulty_disk``'s VFS, and the test
turns the fault on and off from outside while messages go. What the daemon must do:

- stop taking work: no new message is handed to a modem while it cannot record what happens
  to it (at most the sends already running finish, one per modem);
- say why, in words, in its log (the journal), not a traceback per attempt;
- lose nothing: the outcome of a send that finished while the store refused writes is kept
  and recorded once the store takes writes again (never left ``sending``, never sent again);
- resume by itself when space (or write access) comes back.

The read-only fault is the VFS's (a file system remounted read-only: every write fails) and a
``chmod a-w`` of the database's folder: the chmod alone bites only a daemon that is not root
(no file created or deleted there) and not at all the root these tests may run as.

The simulators' air logs are the truth (``runs.broken_promises``).

Short form (the disk full, then read-only, 50 messages on 3 modems) in ``make test``; ``make
chaos``: 6 faults of each kind during 300 messages on 4 modems.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from appliance.trouble_note import read_trouble
from tests.chaos import faulty_disk
from tests.chaos.faulted import Scene, run_with_faults
from tests.chaos.runs import broken_promises, figures, summary

SEND_DELAY = 3.0  # simulated seconds per part (30 ms here)
QUIET = 0.6  # seconds without a new part on air: the daemon took no more work
WORDS = {  # what the daemon's log must say, for each fault
    faulty_disk.FULL: "the disk is full",
    faulty_disk.READONLY: "refuses writes",
}


def disk_faults(
    folder: Path, control: Path, states: tuple[str, ...], count: int, rng: random.Random
):
    """``folder``: the database's. A read-only fault also takes its write permission away,
    which bites a daemon that is not root (creating and deleting files), and nothing else."""

    def script(scene: Scene) -> dict[str, int]:
        seen = {"faults": 0, "sent_while_refused": 0, "resumed": 0, "said_why": 0}
        try:
            fault_loop(scene, seen)
        finally:
            folder.chmod(0o755)  # pytest's clean-up must remove it
        return seen

    def fault_loop(scene: Scene, seen: dict[str, int]) -> None:
        for number in range(count):
            if scene.settled():
                break
            state = states[number % len(states)]
            scene.wait_for_air(rng.randint(3, 15))
            faulty_disk.set_disk(control, state)
            if state == faulty_disk.READONLY:
                folder.chmod(0o555)
            seen["faults"] += 1
            before = scene.on_air()
            last, since = before, time.monotonic()
            while time.monotonic() - since < QUIET:  # the sends under way end, no more start
                time.sleep(0.05)
                if scene.on_air() != last:
                    last, since = scene.on_air(), time.monotonic()
            seen["sent_while_refused"] = max(seen["sent_while_refused"], last - before)
            note = read_trouble(folder / "data", folder)  # what healthz and the panel say
            assert note and WORDS[state] in note.words, note
            seen["said_why"] += 1
            time.sleep(rng.uniform(0.2, 1.0))
            assert scene.on_air() == last, "no new work while the store refuses writes"
            folder.chmod(0o755)
            faulty_disk.set_disk(control, faulty_disk.HEALTHY)
            if not scene.settled():
                scene.wait_for_air(1, 20)
                seen["resumed"] += 1
                scene.wait(  # cleared by the next write that passes (a claim, an outcome)
                    lambda: read_trouble(folder / "data", folder) is None, 10, "the note cleared"
                )

    return script


FULL = [pytest.mark.chaos, pytest.mark.timeout(900)]


@pytest.mark.parametrize(
    ("states", "modems", "count", "total"),
    [
        pytest.param((faulty_disk.FULL, faulty_disk.READONLY), 3, 2, 50, id="short"),
        pytest.param((faulty_disk.FULL,), 4, 6, 300, id="full-disk", marks=FULL),
        pytest.param((faulty_disk.READONLY,), 4, 6, 300, id="full-readonly", marks=FULL),
    ],
)
def test_a_disk_that_refuses_writes_stops_the_work_and_loses_nothing(
    tmp_path, fleet_factory, states, modems, count, total
):
    control = tmp_path / "disk" / "state"  # outside the folder made read-only
    control.parent.mkdir()
    fleet = fleet_factory(modems, send_delay=SEND_DELAY)
    script = disk_faults(tmp_path, control, states, count, random.Random(count * 13 + total))
    run, seen = run_with_faults(
        tmp_path, fleet, script, total=total, environ=faulty_disk.environ(control)
    )
    print(figures(run, seen["faults"], f"disk faults ({', '.join(states)})"), seen)
    broken = broken_promises(run, total)
    assert not any(broken.values()), summary(broken)
    assert "faulty disk is SQLite's default" in run.last_log
    assert seen["faults"] == count and seen["resumed"] >= 1
    assert seen["sent_while_refused"] <= 2 * modems, "only the sends under way went on"
    assert all(WORDS[state] in run.last_log for state in states), run.last_log[-3000:]
    # said in words, without a traceback of the refused writes at each attempt
    assert "OperationalError" not in run.last_log, run.last_log[-3000:]
