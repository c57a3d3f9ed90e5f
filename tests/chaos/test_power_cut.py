"""Power cuts at random moments of a run: nothing sent twice, nothing lost (issue 14).

A power cut is not a ``kill -9``: the kernel keeps what a killed process wrote, the power does
not keep what was never fsynced. Here every process of ``smsrelay serve`` opens the database
through the ``unsynced`` VFS (``unsynced.py``): each cut kills them all at once, then puts the
database files back to what their last syncs made durable, and the daemon starts again on that.

The simulators' air logs are the truth. After the cuts and a last run to the end:

- nothing sent twice: no part of any message is on air twice, across all modems;
- nothing lost: every message is in the store and settled; ``sent`` ones are on air once, the
  others (no fault is injected here) are ``unknown``;
- the messages that were ``sending`` on what survived a cut are exactly the ``unknown`` ones;
- no message on air ever came back ``queued`` after a cut.

With the store's old ``synchronous=NORMAL`` (the WAL synced only at checkpoints) a cut rolls
back the claims since the last checkpoint: messages already on air are ``queued`` again and the
restarted daemon sends them twice. The same run must then break the first promise, which shows
the test can see the fault it guards against.

The short form (3 cuts, 120 messages) runs in ``make test``; ``make chaos`` runs the full one:
20 cuts during 500 messages on 4 modems.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from appliance.config import load_config
from appliance.outbox import prepare, submit_all
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Message, Status
from tests.chaos import unsynced
from tests.chaos.serving import (
    MARK,
    Serve,
    by_message,
    networks_idle,
    parts_on_air,
    poll,
    recipient_for,
    text_for,
    write_config,
)
from tests.conftest import TIME_SCALE

MODEMS = 4
SEND_DELAY = 3.0  # simulated seconds per part (30 ms here): a send is in flight most of the time
QUIET = 3.0  # seconds without a new part on air: the daemon has nothing left before this cut
START_CUT = 0.15  # share of the cuts that come while the daemon starts (recovery, first claims)


@dataclass
class Run:
    """What a run of cuts left: the final messages, the air, and what each cut found."""

    messages: list[Message]
    parts: dict[int, dict[str, int]]  # message index -> part text -> times on air
    in_flight: set[int] = field(default_factory=set)  # ``sending`` on what survived a cut
    came_back: set[int] = field(default_factory=set)  # on air, yet ``queued`` after a cut
    last_log: str = ""


def index_of(message: Message) -> int:
    return int(MARK.search(message.text).group(1))


def read_messages(database, total: int) -> list[Message]:
    """The store as it is now, read through the VFS (so that the checkpoint this reader may
    make on closing, when it is the last, is noted and synced like any other write)."""
    engine = create_engine_for(unsynced.url(database))
    try:
        return Store(engine).messages(limit=total + 10)
    finally:
        engine.dispose()


def run_with_power_cuts(
    tmp_path, fleet, *, cuts: int, total: int, synchronous: str | None, seed: int
) -> Run:
    unsynced.register(default=False)
    database = tmp_path / "smsrelay.db"
    config_path = write_config(tmp_path, [server.link for server in fleet])
    config = load_config(config_path)
    engine = create_engine_for(unsynced.url(database))
    migrate(engine)
    now = datetime.now(UTC)
    news = [prepare(config, to=recipient_for(i), text=text_for(i), now=now) for i in range(total)]
    submit_all(Store(engine), config, news, now)
    engine.dispose()

    rng = random.Random(seed)
    segment = max(1, 2 * total // (cuts + 2))  # parts per run on average: some left at the end
    run = Run(messages=[], parts={})
    for cut in range(cuts):
        serve = Serve(
            config_path, tmp_path / f"serve-{cut}.log", unsynced=True, synchronous=synchronous
        )
        try:
            if rng.random() < START_CUT:
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                target = sum(parts_on_air(fleet).values()) + rng.randint(1, segment)
                wait_for_air(serve, fleet, target)
                time.sleep(rng.uniform(0.0, 2 * SEND_DELAY * TIME_SCALE))
        finally:
            serve.kill()
        unsynced.cut_power(tmp_path)
        poll(None, lambda: networks_idle(fleet), 10, "the networks' answers to the last PDUs")
        parts = by_message(parts_on_air(fleet))
        for message in read_messages(database, total):
            if message.status == Status.SENDING:
                run.in_flight.add(message.id)
            elif message.status == Status.QUEUED and parts.get(index_of(message)):
                run.came_back.add(message.id)

    final = Serve(config_path, tmp_path / "serve-final.log", unsynced=True, synchronous=synchronous)
    try:
        engine = create_engine_for(unsynced.url(database))
        store = Store(engine)

        def settled() -> bool:
            counts = store.counts()
            return counts["queued"] == 0 and counts["sending"] == 0

        poll(final, settled, 120, "every message settled after the last cut")
        poll(final, lambda: networks_idle(fleet), 10, "the networks' last answers")
        assert final.stop() == 0, final.output()[-3000:]
        run.messages = store.messages(limit=total + 10)
        engine.dispose()
    finally:
        final.close()
    run.parts = by_message(parts_on_air(fleet))
    run.last_log = final.output()
    return run


def wait_for_air(serve: Serve, fleet, target: int) -> None:
    """Until ``target`` parts are on air in all, or nothing new went for ``QUIET`` seconds."""
    last, last_change = -1, time.monotonic()
    while True:
        now_on_air = sum(parts_on_air(fleet).values())
        if now_on_air >= target:
            return
        if now_on_air != last:
            last, last_change = now_on_air, time.monotonic()
        elif time.monotonic() - last_change > QUIET and serve.serving():
            return
        if not serve.alive():
            pytest.fail(f"the daemon exited ({serve.proc.returncode}):\n{serve.output()[-3000:]}")
        time.sleep(0.005)


def broken_promises(run: Run, total: int) -> dict[str, list[int]]:
    """Each promise with the messages that break it (empty lists: all kept)."""
    broken: dict[str, list[int]] = {
        "sent twice": [], "lost": [], "sent but not on air": [], "not settled": [],
        "unknown but not in flight at a cut": [], "in flight at a cut but not unknown": [],
        "on air but queued again after a cut": sorted(run.came_back),
    }  # fmt: skip
    found = {index_of(m): m for m in run.messages}
    broken["lost"] = [i for i in range(total) if i not in found]
    for index, parts in sorted(run.parts.items()):
        if any(count > 1 for count in parts.values()):
            broken["sent twice"].append(index)
    for index, message in sorted(found.items()):
        on_air = run.parts.get(index, {})
        if message.status in (Status.SENT, Status.DELIVERED):
            if len(on_air) != message.parts:
                broken["sent but not on air"].append(index)
        elif message.status == Status.UNKNOWN:
            if message.id not in run.in_flight:
                broken["unknown but not in flight at a cut"].append(index)
        else:
            broken["not settled"].append(index)
        if message.id in run.in_flight and message.status != Status.UNKNOWN:
            broken["in flight at a cut but not unknown"].append(index)
    return broken


def summary(broken: dict[str, list[int]]) -> str:
    return "; ".join(f"{what}: {len(ids)} {ids[:10]}" for what, ids in broken.items() if ids)


FORMS = [
    pytest.param(3, 120, id="short"),
    pytest.param(20, 500, id="full", marks=[pytest.mark.chaos, pytest.mark.timeout(900)]),
]


@pytest.mark.parametrize(("cuts", "total"), FORMS)
def test_power_cuts_send_nothing_twice_and_lose_nothing(tmp_path, fleet_factory, cuts, total):
    fleet = fleet_factory(MODEMS, send_delay=SEND_DELAY)
    run = run_with_power_cuts(
        tmp_path, fleet, cuts=cuts, total=total, synchronous=None, seed=cuts * 1000 + total
    )
    assert "unsynced VFS" in run.last_log, "the daemon ran on the VFS that loses unsynced writes"
    broken = broken_promises(run, total)
    assert not any(broken.values()), summary(broken)
    assert 1 <= len(run.in_flight) <= MODEMS * cuts, "some cuts came in the middle of sends"
    statuses = {m.status for m in run.messages}
    assert statuses <= {Status.SENT, Status.DELIVERED, Status.UNKNOWN}


@pytest.mark.parametrize(("cuts", "total"), FORMS)
def test_with_synchronous_normal_a_power_cut_sends_messages_twice(
    tmp_path, fleet_factory, cuts, total
):
    """The same run on the store as it was (``synchronous=NORMAL``): the test sees the fault."""
    fleet = fleet_factory(MODEMS, send_delay=SEND_DELAY)
    run = run_with_power_cuts(
        tmp_path, fleet, cuts=cuts, total=total, synchronous="NORMAL", seed=cuts * 1000 + total
    )
    assert "unsynced VFS" in run.last_log
    broken = broken_promises(run, total)
    assert broken["on air but queued again after a cut"], summary(broken)
    assert broken["sent twice"], summary(broken)
