"""One chaos run: messages queued, ``smsrelay serve`` interrupted at random moments (a ``kill -9``
or a power cut) and started again, then a last run to the end; and the promises checked on what
the simulators put on air, which is the truth.

The promises (DESIGN.md, "Each SMS is sent at most once, and never lost"), after the run:

- nothing sent twice: no part of any message is on air twice, across all modems;
- nothing lost: every message is in the store and settled: ``sent`` (each part on air once),
  ``failed`` with a reason (the parts on air are those the store says left), or ``unknown``;
- ``unknown`` only for a reason: the message was ``sending`` when a run was interrupted, or its
  send had no answer (it "may or may not have left");
- what was ``sending`` and handed over at an interruption is ``unknown``, not sent again; a
  modem's next message claimed ahead but not handed over (no ``sending_at``,
  ``appliance.worker.ahead``) has no part on air, and goes back to the queue;
- no message with a part on air came back ``queued`` without that part counted as sent.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.outbox import prepare, submit_all
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Message, Status
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

QUIET = 3.0  # seconds without a new part on air: the daemon has nothing left before this cut
START_CUT = 0.15  # share of the interruptions that come while the daemon starts
SETTLE_TIMEOUT = 300.0
NO_ANSWER = "may or may not have left: "  # how the reason of a send without answer begins


@dataclass
class Run:
    """What a run left: the final messages, the air, and what each interruption found."""

    messages: list[Message] = field(default_factory=list)
    parts: dict[int, dict[str, int]] = field(default_factory=dict)  # index -> part -> times
    in_flight: set[int] = field(default_factory=set)  # ``sending``, handed over, at a cut
    ahead: set[int] = field(default_factory=set)  # ``sending``, claimed ahead only, at a cut
    most_handed_over: int = 0  # the most a modem had handed over and unsettled at one cut
    # message id -> the cuts that found it claimed ahead only / handed over and unsettled
    ahead_at: dict[int, list[int]] = field(default_factory=dict)
    in_flight_at: dict[int, list[int]] = field(default_factory=dict)
    # a part on air not counted, ``queued`` (or ``sending`` but never handed over)
    came_back: set[int] = field(default_factory=set)
    last_log: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Chaos:
    """How a run is interrupted. ``url`` opens the store from the test (the power cut's VFS);
    ``serve`` starts the daemon; ``after_kill`` runs once every process of it is dead."""

    url: Callable[[Path], str]
    serve: Callable[[Path, Path], Serve]
    after_kill: Callable[[Path], object] = lambda folder: None


def index_of(message: Message) -> int:
    return int(MARK.search(message.text).group(1))


def read_messages(chaos: Chaos, database: Path, total: int) -> list[Message]:
    engine = create_engine_for(chaos.url(database))
    try:
        return Store(engine).messages(limit=total + 10)
    finally:
        engine.dispose()


def run_with_interruptions(
    tmp_path: Path, fleet, chaos: Chaos, *, interruptions: int, total: int, seed: int,
    interval: float, resend_unknown: bool = False,
) -> Run:  # fmt: skip
    """``interval``: real seconds a send takes, the scale of the random pause before a cut."""
    database = tmp_path / "smsrelay.db"
    config_path = queue_messages(tmp_path, fleet, chaos.url(database), total, resend_unknown)
    started = time.monotonic()
    rng = random.Random(seed)
    segment = max(1, 2 * total // (interruptions + 2))  # on average some are left at the end
    run = Run()
    for number in range(interruptions):
        serve = chaos.serve(config_path, tmp_path / f"serve-{number}.log")
        try:
            if rng.random() < START_CUT:
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                target = sum(parts_on_air(fleet).values()) + rng.randint(1, segment)
                wait_for_air(serve, fleet, target)
                time.sleep(rng.uniform(0.0, 2 * interval))
        finally:
            serve.kill()
        chaos.after_kill(tmp_path)
        poll(None, lambda: networks_idle(fleet), 10, "the networks' answers to the last PDUs")
        parts = by_message(parts_on_air(fleet))
        found = read_messages(chaos, database, total)
        handed = Counter(
            m.modem_imei for m in found if m.status == Status.SENDING and m.sending_at is not None
        )
        run.most_handed_over = max(run.most_handed_over, *handed.values(), 0)
        for message in found:
            if message.status == Status.SENDING and message.sending_at is None:
                run.ahead.add(message.id)  # never handed over: nothing may be on air
                run.ahead_at.setdefault(message.id, []).append(number)
                if len(parts.get(index_of(message), ())) > message.parts_sent:
                    run.came_back.add(message.id)
            elif message.status == Status.SENDING:
                run.in_flight.add(message.id)
                run.in_flight_at.setdefault(message.id, []).append(number)
            elif message.status == Status.QUEUED and (
                len(parts.get(index_of(message), ())) > message.parts_sent
            ):
                run.came_back.add(message.id)

    final = chaos.serve(config_path, tmp_path / "serve-final.log")
    try:
        engine = create_engine_for(chaos.url(database))
        store = Store(engine)

        def settled() -> bool:
            counts = store.counts()
            return counts["queued"] == 0 and counts["sending"] == 0

        # Serving first: the last cut may have come after everything settled, and a SIGTERM
        # while Python still imports kills the daemon before its handler exists (exit -15).
        poll(final, final.serving, SETTLE_TIMEOUT, "the last daemon serving")
        poll(final, settled, SETTLE_TIMEOUT, "every message settled after the last interruption")
        poll(final, lambda: networks_idle(fleet), 10, "the networks' last answers")
        assert final.stop() == 0, final.output()[-3000:]
        run.messages = store.messages(limit=total + 10)
        engine.dispose()
    finally:
        final.close()
    run.parts = by_message(parts_on_air(fleet))
    run.last_log = final.output()
    run.seconds = time.monotonic() - started
    return run


def queue_messages(folder: Path, fleet, url: str, total: int, resend_unknown: bool = False) -> Path:
    """The config of a run on ``fleet`` (in ``folder``) and its ``total`` messages queued in a
    new store at ``url``, before the daemon starts; returns the config's path."""
    config_path = write_config(
        folder, [server.link for server in fleet], resend_unknown=resend_unknown
    )
    config = load_config(config_path)
    engine = create_engine_for(url)
    migrate(engine)
    now = datetime.now(UTC)
    news = [prepare(config, to=recipient_for(i), text=text_for(i), now=now) for i in range(total)]
    submit_all(Store(engine), config, news, now)
    engine.dispose()
    return config_path


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
    """Each promise with the messages (their index) that break it; all lists empty: all kept."""
    broken: dict[str, list[int]] = {
        "sent twice": [], "lost": [], "sent but not on air": [], "not settled": [],
        "failed without a reason": [], "failed but more on air than counted": [],
        "unknown for no reason": [], "in flight at a cut but not unknown": [],
        "on air but queued again after a cut": [],
    }  # fmt: skip
    found = {index_of(m): m for m in run.messages}
    broken["lost"] = [i for i in range(total) if i not in found]
    for index, parts in sorted(run.parts.items()):
        if any(count > 1 for count in parts.values()):
            broken["sent twice"].append(index)
    for index, message in sorted(found.items()):
        on_air = run.parts.get(index, {})
        if message.id in run.came_back:
            broken["on air but queued again after a cut"].append(index)
        if message.status in (Status.SENT, Status.DELIVERED):
            if len(on_air) != message.parts:
                broken["sent but not on air"].append(index)
        elif message.status == Status.FAILED:
            if not message.reason:
                broken["failed without a reason"].append(index)
            if len(on_air) > message.parts_sent:
                broken["failed but more on air than counted"].append(index)
        elif message.status == Status.UNKNOWN:
            if message.id not in run.in_flight and not (message.reason or "").startswith(NO_ANSWER):
                broken["unknown for no reason"].append(index)
        else:
            broken["not settled"].append(index)
        if message.id in run.in_flight and message.status != Status.UNKNOWN:
            broken["in flight at a cut but not unknown"].append(index)
    return broken


def figures(run: Run, interruptions: int, what: str) -> str:
    """One line for the log of ``make chaos`` (and docs/benchmarks.md)."""
    statuses = Counter(str(m.status) for m in run.messages)
    broken = broken_promises(run, len(run.messages))
    parts = sum(sum(p.values()) for p in run.parts.values())
    most = max((n for p in run.parts.values() for n in p.values()), default=0)
    return (
        f"{interruptions} {what}, {len(run.messages)} messages in {run.seconds:.0f} s: "
        f"sent {statuses['sent'] + statuses['delivered']}, failed {statuses['failed']}, "
        f"unknown {statuses['unknown']} (sending at a cut {len(run.in_flight)}, claimed ahead "
        f"{len(run.ahead)}); "
        f"{parts} parts on air; sent twice {len(broken['sent twice'])} (a part at most {most}x), "
        f"lost {len(broken['lost'])}, queued again {len(run.came_back)}"
    )


def summary(broken: dict[str, list[int]]) -> str:
    return "; ".join(f"{what}: {len(ids)} {ids[:10]}" for what, ids in broken.items() if ids)
