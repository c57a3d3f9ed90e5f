"""One batch of messages through a real daemon on simulated modems in another process.

The runs of ``dispatch.py`` and ``retries.py`` share this: a scratch data folder and config file
(``rig.py``), N observed simulators in a child process (``fleet.py``), the daemon started on
them, a batch of single-part messages queued while the modems are ready but due a moment later
(so the run measures dispatching, not the enqueueing), one wake-up, and the wait until the
simulators have accepted every message. Nothing polls the database during a run: completion is
watched on the simulators, and the times come from the store afterwards.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fleet import Fleet
from rig import all_ready, read_config, scratch, start_daemon, wait_for, write_config

from appliance.clock import SystemClock
from appliance.outbox import prepare, wakeup_path
from appliance.store.schema import Message, Status
from appliance.wakeup import notify

REPORT_DELAY = 10.0  # the simulator's default: each message's delivery report 10 s after it
ENQUEUE_LEAD_PER_MESSAGE = 0.02  # seconds of lead per queued message (~2 ms each when quiet)


@dataclass
class Batch:
    """What a run leaves to analyse: the messages' rows and the simulators' timelines."""

    rows: list[Message]
    fleet: Fleet
    cpu_seconds: float  # the daemon's process, all threads, while the batch went out
    enqueue_seconds: float


def sent(counts: dict[str, int]) -> int:
    """Sent, or already delivered: the simulated network reports delivery after 10 s."""
    return counts[Status.SENT] + counts[Status.DELIVERED]


def run_batch(
    modems: int,
    messages: int,
    send_delay: float,
    *,
    profile: str = "generic",
    report_delay: float = REPORT_DELAY,
    per_modem: list[dict[str, Any]] | None = None,
    seed: int = 0,
    **faults: Any,
) -> Batch:
    """Queue ``messages`` on ``modems`` simulated modems and wait until every one is accepted.

    ``faults`` apply to every modem, ``per_modem[i]`` to modem ``i`` alone; with refusals the
    wait allows for the extra attempts."""
    clock = SystemClock()
    with (
        scratch("batch") as folder,
        Fleet(
            modems,
            folder / "ports",
            profile=profile,
            time_scale=1.0,
            send_delay=send_delay,
            report_delay=report_delay,
            per_modem=per_modem,
            seed=seed,
            **faults,
        ) as fleet,
    ):
        config = read_config(write_config(folder, fleet.links))
        daemon = start_daemon(config)
        try:
            wait_for(lambda: all_ready(daemon, modems), 60, f"{modems} ready modems")
            enqueue_started = time.monotonic()
            now = clock.now()
            due = now + timedelta(seconds=max(2.0, messages * ENQUEUE_LEAD_PER_MESSAGE))
            for index in range(messages):
                new = prepare(config, to="+33612345678", text=f"bench {index}", now=now)
                daemon.store.enqueue(dataclasses.replace(new, due_at=due), now)
            enqueue_seconds = time.monotonic() - enqueue_started
            if clock.now() >= due:
                raise RuntimeError("queueing took longer than the lead time; raise it")
            notify(wakeup_path(config))  # once: the dispatcher learns when the batch is due
            ideal = messages * send_delay / modems
            cpu_before = time.process_time()
            wait_for(
                lambda: fleet.answered_total() >= messages,
                ideal * 4 + 60,
                f"{messages} sends answered",
                interval=0.5,  # the times come from the store: a slow look costs nothing
            )
            cpu_seconds = time.process_time() - cpu_before
            wait_for(lambda: sent(daemon.store.counts()) >= messages, 30, "all marked sent")
            rows = daemon.store.messages(limit=messages + 10)
        finally:
            daemon.stop()
    return Batch(rows, fleet, cpu_seconds, enqueue_seconds)
