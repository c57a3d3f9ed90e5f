"""Fifty API clients against the running appliance while it sends: errors, latency, and whether
dispatch slows down.

The appliance runs as ``smsrelay serve`` runs it: a ``Daemon`` with the panel and the API on
waitress (``web.process.panel_frontend``, its default 8 threads) on 127.0.0.1, SQLite in a scratch
folder, simulated modems in a process of their own (``fleet.py``) whose network takes
``--send-delay`` real seconds per part (time scale 1.0). A batch of single-part messages is
queued and sent exactly as in ``dispatch.py``, whose definition of efficiency this reuses:

    efficiency = messages x send_delay / modems / (last sent_at - first sending_at)

The batch is sent twice, each time on a fresh daemon and fresh modems: once with the API idle,
once while ``--clients`` clients (threads in another process, each on its own keep-alive
``http.client`` connection, loopback only) run a mix of

- ``POST /api/v1/messages`` (20 %): a message scheduled for tomorrow, so it is stored, rings
  the daemon's wake-up socket and is listed, but does not change the batch being measured;
- ``GET /api/v1/messages/{id}`` (30 %) of a message this client posted;
- ``GET /api/v1/messages?limit=20`` (30 %), every third one with ``status=sent``;
- ``GET /api/v1/modems`` (20 %),

each client pausing about ``--think`` seconds between its requests (0: as fast as the server
answers), from before the batch is due until it is all sent, and at most ``--requests`` requests
per client. By default the loaded run is made twice: with 1 s pauses (about 50 requests a second
offered: fifty scripts polling) and with 0.1 s pauses (about 500 a second offered, more than the
server answers: it runs saturated). Any answer but the documented success (201 for the POST,
200 otherwise), and any connection error, counts as an error. Latency is taken in the client,
from sending the request to reading the whole body.

    .venv/bin/python bench/api_load.py [--modems 4] [--messages 2000] [--send-delay 0.5]
        [--clients 50] [--think 1,0.1] [--requests 100000]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import logging
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dispatch import REPORT_DELAY, analyse, sent
from figures import Figure, Report, percentile, summarise
from fleet import Fleet
from rig import all_ready, read_config, scratch, wait_for, write_config

from appliance.accounts import create_token
from appliance.clock import SystemClock
from appliance.daemon import Daemon
from appliance.outbox import prepare, wakeup_path
from appliance.wakeup import notify
from web.process import panel_frontend

HERE = Path(__file__).resolve().parent
TOKEN_VARIABLE = "SMSRELAY_BENCH_TOKEN"  # the child's token: not on its command line (ps)
ENQUEUE_LEAD_PER_MESSAGE = 0.006  # seconds of lead time per queued message (dispatch.py's)
LOAD_WARM_UP = 3.0  # seconds of API load before the batch is due
OPERATIONS = (("post", 20), ("get", 30), ("list", 30), ("modems", 20))
EXPECTED = {"post": 201, "get": 200, "list": 200, "modems": 200}


# --- the clients (a child process) ---------------------------------------------------------------


class Client(threading.Thread):
    """One API client: a keep-alive connection, a request at a time, a pause between two."""

    def __init__(self, number: int, url: str, token: str, think: float, most: int,
                 stop: threading.Event) -> None:  # fmt: skip
        super().__init__(name=f"client {number}", daemon=True)
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.think, self.most, self.stop = think, most, stop
        self.rng = random.Random(number)
        self.number = number
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.posted: list[int] = []
        self.done = 0
        self.connection: http.client.HTTPConnection | None = None

    def run(self) -> None:
        names = [name for name, _ in OPERATIONS]
        weights = [weight for _, weight in OPERATIONS]
        while not self.stop.is_set() and self.done < self.most:
            operation = self.rng.choices(names, weights)[0] if self.posted else "post"
            self.call(operation)
            self.done += 1
            if self.think:
                self.stop.wait(self.rng.uniform(0.5, 1.5) * self.think)
        if self.connection is not None:
            self.connection.close()

    def request(self, operation: str) -> tuple[str, str, bytes | None]:
        if operation == "post":
            body = {
                "to": f"+3361{self.number:03d}{self.done % 10000:04d}",
                "text": f"Rappel : collecte demain 8h-12h (client {self.number}, {self.done})",
                "send_at": (SystemClock().now() + timedelta(days=1)).isoformat(),
            }
            return "POST", "/api/v1/messages", json.dumps(body).encode()
        if operation == "get":
            return "GET", f"/api/v1/messages/{self.rng.choice(self.posted)}", None
        if operation == "list":
            status = "&status=sent" if self.done % 3 == 0 else ""
            return "GET", f"/api/v1/messages?limit=20{status}", None
        return "GET", "/api/v1/modems", None

    def call(self, operation: str) -> None:
        method, path, body = self.request(operation)
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=self.headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.errors[f"{operation}: {type(error).__name__}"] += 1
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return
        elapsed = time.perf_counter() - started
        if response.status != EXPECTED[operation]:
            self.errors[f"{operation}: HTTP {response.status}"] += 1
            return
        self.latencies[operation].append(elapsed)
        if operation == "post":
            self.posted.append(json.loads(data)["id"])
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None


def run_clients(url: str, clients: int, think: float, most: int) -> None:
    """The child: start the clients, say ``ready``, run until ``stop`` on stdin, print results."""
    token = os.environ[TOKEN_VARIABLE]
    stop = threading.Event()
    threads = [Client(n, url, token, think, most, stop) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    stopped = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(60)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    for thread in threads:
        for operation, values in thread.latencies.items():
            latencies[operation] += values
        errors.update(thread.errors)
    result = {
        "seconds": stopped - started,
        "latencies": latencies,
        "errors": dict(errors),
        "finished_early": sum(t.done >= t.most for t in threads),
    }
    print(json.dumps(result), flush=True)


class Load:
    """The parent's handle on the clients' process; a context manager."""

    def __init__(self, url: str, token: str, clients: int, think: float, most: int) -> None:
        self.arguments = [f"--clients={clients}", f"--think={think}", f"--requests={most}"]
        self.url, self.token = url, token
        self.process: subprocess.Popen[str] | None = None
        self.result: dict[str, Any] | None = None

    def __enter__(self) -> Load:
        environment = {**os.environ, TOKEN_VARIABLE: self.token}
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "api_load.py"), f"--load={self.url}", *self.arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=environment,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the API clients did not start")
        return self

    def stop(self) -> dict[str, Any]:
        assert self.process is not None and self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        self.result = json.loads(self.process.stdout.readline())
        return self.result

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None:
            return
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


# --- one run of the batch ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LoadSettings:
    clients: int
    think: float
    most: int


def run_case(
    modems: int, messages: int, send_delay: float, load: LoadSettings | None
) -> dict[str, Any]:
    clock = SystemClock()
    with (
        scratch("api-load") as folder,
        Fleet(
            modems,
            folder / "ports",
            time_scale=1.0,
            send_delay=send_delay,
            report_delay=REPORT_DELAY,
        ) as fleet,
    ):
        config = dataclasses.replace(
            read_config(write_config(folder, fleet.links)), bind="127.0.0.1:0"
        )
        daemon = Daemon(config, frontends=[panel_frontend]).start()
        try:
            wait_for(lambda: all_ready(daemon, modems), 60, f"{modems} ready modems")
            url = daemon.frontends[0].url
            _, token = create_token(daemon.store, "bench", clock.now())
            now = clock.now()
            lead = messages * ENQUEUE_LEAD_PER_MESSAGE + (LOAD_WARM_UP + 2 if load else 0)
            due = now + timedelta(seconds=max(2.0, lead))
            enqueue_started = time.monotonic()
            batch = set()
            for index in range(messages):
                new = prepare(config, to="+33612345678", text=f"bench {index}", now=now)
                batch.add(daemon.store.enqueue(dataclasses.replace(new, due_at=due), now).id)
            enqueue_seconds = time.monotonic() - enqueue_started
            ideal = messages * send_delay / modems
            clients = Load(url, token, load.clients, load.think, load.most) if load else None
            with clients or nullcontext():
                if clients is not None:
                    time.sleep(LOAD_WARM_UP)  # let the load settle before the batch is due
                if clock.now() >= due:
                    raise RuntimeError("queueing took longer than the lead time; raise it")
                notify(wakeup_path(config))
                cpu_before = time.process_time()
                wait_for(
                    lambda: fleet.answered_total() >= messages,
                    ideal * 3 + 60,
                    f"{messages} sends answered",
                    interval=0.5,  # the times come from the store
                )
                cpu_seconds = time.process_time() - cpu_before
                # The API's messages are due tomorrow: every message sent is the batch's.
                wait_for(lambda: sent(daemon.store.counts()) >= messages, 30, "all marked sent")
                api = clients.stop() if clients is not None else None
            rows = [m for m in daemon.store.messages(limit=10**7) if m.id in batch]
        finally:
            daemon.stop()
    case = analyse(rows, fleet, modems, messages, send_delay, enqueue_seconds)
    case["cpu_ms_per_message"] = cpu_seconds * 1000 / messages
    case["api"] = api
    return case


# --- report --------------------------------------------------------------------------------------


def describe_api(report: Report, api: dict[str, Any]) -> tuple[int, list[float]]:
    everything: list[float] = []
    requests = 0
    for operation, _ in OPERATIONS:
        values = api["latencies"].get(operation, [])
        if not values:
            continue
        everything += values
        requests += len(values)
        spread = summarise(values)
        report.say(
            f"  {operation:<7} n={len(values):>6}  p50 {percentile(values, 50) * 1000:6.1f} ms  "
            f"p99 {spread.p99 * 1000:6.1f} ms  max {spread.max * 1000:6.1f} ms"
        )
    errors = sum(api["errors"].values())
    report.say(
        f"  {requests + errors} requests in {api['seconds']:.0f} s "
        f"({(requests + errors) / api['seconds']:.0f}/s), errors: {errors} {api['errors'] or ''}"
    )
    if api["finished_early"]:
        report.say(f"  {api['finished_early']} client(s) reached --requests before the end")
    return errors, everything


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=4)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--send-delay", type=float, default=0.5, help="real seconds per part")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--think",
        default="1,0.1",
        help="seconds each client pauses between requests; a comma-separated list runs the "
        "batch under each load (one run without load is the baseline)",
    )
    parser.add_argument("--requests", type=int, default=100_000, help="at most, per client")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the child's role: the server's URL
    args = parser.parse_args()
    if args.load:
        run_clients(args.load, args.clients, float(args.think), args.requests)
        return

    report = Report(
        "api_load",
        f"{args.clients} API clients while {args.messages} messages go out through "
        f"{args.modems} simulated modems ({args.send_delay:g} s sends, time scale 1.0)",
    )
    # waitress warns at each request queued behind its 8 threads; the latencies say it better
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    thinks = [float(t) for t in args.think.split(",") if t.strip()]
    quiet = run_case(args.modems, args.messages, args.send_delay, None)
    describe_dispatch(report, "without API load", quiet)
    report.add(Figure("efficiency without API load", quiet["efficiency"], "", 0.97, ">="))
    cases = {"quiet": quiet}
    for think in thinks:
        load = LoadSettings(args.clients, think, args.requests)
        busy = run_case(args.modems, args.messages, args.send_delay, load)
        cases[f"think {think:g}"] = busy
        report.say("")
        describe_dispatch(report, f"with {args.clients} clients pausing {think:g} s", busy)
        errors, everything = describe_api(report, busy["api"])
        tag = f"think {think:g} s"
        report.add(Figure(f"API errors, {tag}", errors, "", 0))
        report.add(Figure(f"API latency p50, {tag}", percentile(everything, 50) * 1000, "ms"))
        report.add(Figure(f"API latency p99, {tag}", percentile(everything, 99) * 1000, "ms"))
        report.add(Figure(f"efficiency with API load, {tag}", busy["efficiency"], "", 0.97, ">="))
        report.add(
            Figure(
                f"efficiency change, {tag}",
                busy["efficiency"] - quiet["efficiency"],
                "",
                note="target: unchanged",
            )
        )
    report.details["cases"] = {
        name: {
            key: (dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value)
            for key, value in case.items()
            if key != "api"
        }
        for name, case in cases.items()
    }
    report.emit(args.json)


def describe_dispatch(report: Report, name: str, case: dict[str, Any]) -> None:
    report.say(
        f"{name}: ideal {case['ideal_s']:.1f} s, measured {case['measured_s']:.2f} s, "
        f"efficiency {case['efficiency']:.4f}"
    )
    report.say(f"  gap on the wire {case['gap'].line('ms', 1000)}")
    report.say(
        f"  this process's CPU (daemon and API server): {case['cpu_ms_per_message']:.1f} ms "
        "per batch message"
    )


if __name__ == "__main__":
    main()
