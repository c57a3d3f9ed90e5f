"""Enqueue-to-AT+CMGS latency on idle modems, the message queued by another process.

What a script on the Pi sees when it runs ``smsrelay send``: its process commits a queued row
and rings the daemon's wake-up socket (``appliance.outbox.submit``), and the daemon, in another
process, claims the row and writes ``AT+CMGS=`` to an idle modem. The clock starts just before
``submit()`` in the enqueueing process (so the commit and the wake-up are inside) and stops when
the simulated modem reads ``AT+CMGS=`` from its pty (``observed.py``). Both readings come from
the system-wide monotonic clock, so they compare across the three processes involved: the
enqueuer, the daemon (this script) and the simulated modems (``fleet.py``).

One message at a time: the next is queued only once the previous one is sent and every modem is
idle again, after a random pause of 10 to 100 ms. The simulated network takes 50 ms per part, and
delivery reports are pushed out of the run (``report_delay``) so that no modem is reading one
when a message arrives; the daemon's own health polls (every 30 s) still happen, as they do on an
idle appliance. The first five samples warm up the enqueuer's database connection and are not
counted.

    .venv/bin/python bench/latency.py [--samples 250] [--modems 2]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from figures import Figure, Report, summarise
from fleet import Fleet
from rig import all_ready, read_config, scratch, start_daemon, wait_for, write_config

from appliance.store.schema import Status

HERE = Path(__file__).resolve().parent
WARM_UP = 5
SEND_DELAY = 0.05
PAUSE = (0.01, 0.1)


def enqueuer(config_path: Path, seed: int) -> None:
    """The child: on each ``go`` line, pause, queue one message, print its id and times."""
    from appliance.clock import SystemClock
    from appliance.outbox import prepare, submit
    from appliance.store import Store
    from appliance.store.engine import create_engine_for

    config = read_config(config_path)
    store = Store(create_engine_for(config.database))
    clock = SystemClock()
    rng = random.Random(seed)
    for number, line in enumerate(sys.stdin):
        if line.strip() != "go":
            break
        time.sleep(rng.uniform(*PAUSE))
        new = prepare(config, to="+33612345678", text=f"latency {number}", now=clock.now())
        before = time.monotonic()
        message = submit(store, config, new, clock.now())
        after = time.monotonic()
        print(json.dumps({"id": message.id, "before": before, "after": after}), flush=True)


def measure(samples: int, modems: int, seed: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"latency": [], "submit": [], "daemon": []}
    with (
        scratch("latency") as folder,
        Fleet(
            modems, folder / "ports", time_scale=1.0, send_delay=SEND_DELAY, report_delay=1e6
        ) as fleet,
    ):
        config_path = write_config(folder, fleet.links)
        daemon = start_daemon(read_config(config_path))
        child = subprocess.Popen(
            [sys.executable, str(HERE / "latency.py"), "--enqueuer", str(config_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            wait_for(lambda: all_ready(daemon, modems), 60, f"{modems} ready modems")
            for number in range(samples + WARM_UP):
                child.stdin.write("go\n")
                reply = json.loads(child.stdout.readline())
                _, started = fleet.starts.get(timeout=10)
                if number >= WARM_UP:
                    results["latency"].append(started - reply["before"])
                    results["submit"].append(reply["after"] - reply["before"])
                    results["daemon"].append(started - reply["after"])
                message_id = reply["id"]
                wait_for(
                    lambda mid=message_id: daemon.store.get(mid).status == Status.SENT,
                    10,
                    f"message {message_id} sent",
                )
                wait_for(
                    lambda: all_ready(daemon, modems) and fleet.starts.empty(), 10, "idle modems"
                )
        finally:
            child.stdin.close()
            child.wait(10)
            daemon.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=250)
    parser.add_argument("--modems", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--enqueuer", type=Path, help=argparse.SUPPRESS)  # the child's role
    args = parser.parse_args()
    if args.enqueuer:
        enqueuer(args.enqueuer, args.seed)
        return

    report = Report(
        "latency",
        "enqueue (another process) to AT+CMGS= at an idle simulated modem",
    )
    results = measure(args.samples, args.modems, args.seed)
    latency = summarise(results["latency"])
    submit_time = summarise(results["submit"])
    daemon_time = summarise(results["daemon"])
    report.say(f"{args.modems} idle modems, {args.samples} samples one at a time")
    report.say(f"enqueue to AT+CMGS=:          {latency.line('ms', 1000, 2)}")
    report.say(f"  submit() (commit + wake-up): {submit_time.line('ms', 1000, 2)}")
    report.say(f"  then daemon to AT+CMGS=:     {daemon_time.line('ms', 1000, 2)}")
    report.add(Figure("latency p50", latency.median * 1000, "ms"))
    report.add(Figure("latency p99", latency.p99 * 1000, "ms", 50.0))
    report.add(Figure("latency max", latency.max * 1000, "ms"))
    report.details["samples_ms"] = {
        name: [round(v * 1000, 3) for v in values] for name, values in results.items()
    }
    report.emit(args.json)


if __name__ == "__main__":
    main()
