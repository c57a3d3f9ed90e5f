"""Several nodes on one PostgreSQL (issue 15): two nodes of 4 modems against one node of 8.

Each case runs the product as users would: ``smsrelay serve`` processes (default tuning) with
their own config file, data folder and ``[node] name``, on one database of a throwaway
PostgreSQL cluster (tests/pg.py; or ``--database URL``, a server of your own, emptied first).
The simulated modems run in processes of their own (``fleet.py``), one fleet a node, noting when
each ``AT+CMGS=`` arrives on the system-wide monotonic clock.

Two figures a case:

- **wake-up latency**: one message at a time queued through node A's config (as its CLI would:
  the commit, then NOTIFY from the database's trigger) for an idle modem of node B (any of
  B's modems: their SIM group is named after the node, so only B may take it), timed from
  before the enqueue to ``AT+CMGS=`` on that modem; with one node, for its own modems (the
  local socket and the notification both ring); after a random pause of 0.1 to 0.3 s, so
  that the nodes are idle as the issue's target says;
- **efficiency**: ``--messages`` single-part messages queued at once through node A, sent by
  every modem of every node. ``ideal = messages x send_delay / modems``, measured from the
  first claim to the last ``sent`` (the store's ``sending_at`` and ``sent_at``).

    .venv/bin/python bench/nodes.py [--messages 2000] [--send-delay 0.5] [--probes 40]

``--send-delay`` is the network's time per part, in real seconds: a real modem's 3 s or so
scaled by 1/6 (bench/dispatch.py's 0.5 s), so that 2,000 messages on 8 modems take 125 s at
best. Our side's cost per send (a claim and a "sent", about ten round trips to PostgreSQL) is
not scaled: at 0.15 s a part it weighs three times more against the ideal than at 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from figures import Figure, Report, percentile
from fleet import Fleet
from rig import UNPACED_PER_MINUTE, scratch, wait_for

from appliance.config import load_config
from appliance.outbox import prepare, submit, submit_all
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Status

REPO = Path(__file__).resolve().parents[1]
LEASE = 10


def write_node_config(folder: Path, name: str, url: str, ports: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # each node's SIMs in a group of its name: a probe for group "pi-b" goes to any of B's modems
    modems = "".join(f'\n[[modem]]\nport = "{port}"\ngroup = "{name}"\n' for port in ports)
    path = folder / "smsrelay.toml"
    path.write_text(
        f"""# written by bench/nodes.py
[appliance]
database = "{url}"
data_dir = "{folder / "data"}"
timezone = "Europe/Paris"

[node]
name = "{name}"
lease = {LEASE}

[web]
bind = "127.0.0.1:0"

[discovery]
auto = false

[defaults]
max_per_minute = {UNPACED_PER_MINUTE}
daily_limit = false
monthly_limit = false
{modems}""",
        encoding="utf-8",
    )
    return path


@contextmanager
def serving(config: Path, log: Path):
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "appliance", "serve", "--config", str(config)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextmanager
def database(url: str | None):
    """A fresh database: on ``url`` (its schema dropped first), else a throwaway cluster."""
    if url is not None:
        engine = create_engine_for(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
        yield url
        return
    sys.path.insert(0, str(REPO))
    from tests.pg import fresh_database, postgresql_bin, running_cluster

    bin_folder = postgresql_bin()
    if bin_folder is None:
        raise SystemExit("PostgreSQL is not installed here: give --database URL")
    with running_cluster(bin_folder) as server, fresh_database(server) as fresh:
        yield fresh


def run_case(nodes: int, modems: int, args: argparse.Namespace, folder: Path) -> dict:
    per_node = modems // nodes
    names = [f"pi-{chr(ord('a') + i)}" for i in range(nodes)]
    with database(args.database) as url, ExitStack() as stack:
        engine = create_engine_for(url)
        migrate(engine)
        store = Store(engine)
        fleets, configs = {}, {}
        for seed, name in enumerate(names, start=1):
            fleet = stack.enter_context(Fleet(
                per_node, folder / name / "sim", time_scale=1.0, seed=seed,
                send_delay=args.send_delay,
            ))  # fmt: skip
            fleets[name] = fleet
            configs[name] = write_node_config(folder / name, name, url, fleet.links)
            stack.enter_context(serving(configs[name], folder / f"{name}.log"))
        wait_for(lambda: sum(m.state == "ready" for m in store.modems()) >= modems, 120, "modems")
        a = load_config(configs[names[0]], environ={})
        target_node = names[-1]  # the other node's modem when there are two
        target = fleets[target_node]
        latencies: list[float] = []
        parts: dict[str, list[float]] = {"submit": [], "to_claim": [], "to_write": []}
        rng = random.Random(15)
        for probe in range(args.probes):
            while not target.starts.empty():
                target.starts.get()
            time.sleep(rng.uniform(0.1, 0.3))  # the nodes idle again (their last looks done)
            now = datetime.now(UTC)
            new = prepare(a, to=f"+336990{probe:05d}", text=f"probe {probe}", now=now,
                          group=target_node)  # fmt: skip
            started = time.monotonic()
            message = submit(store, a, new, now)
            submitted = time.monotonic()
            wall = time.time() - submitted  # wall clock = monotonic + wall
            _, when = target.starts.get(timeout=30)  # the first AT+CMGS= on one of B's modems
            latencies.append(when - started)
            wait_for(lambda m=message: _settled(store, m.id), 30, "the probe sent", 0.01)
            (sent,) = [m for m in store.messages(limit=5) if m.id == message.id]
            claimed = sent.sending_at.timestamp() - wall  # the claim's moment, monotonic
            parts["submit"].append(submitted - started)
            parts["to_claim"].append(claimed - submitted)
            parts["to_write"].append(when - claimed)
        # the batch
        now = datetime.now(UTC)
        news = [prepare(a, to=f"+3361{i:07d}", text=f"bench {i}", now=now)
                for i in range(args.messages)]  # fmt: skip
        submit_all(store, a, news, now)
        ideal = args.messages * args.send_delay / modems

        def all_sent() -> bool:
            counts = store.counts()  # once: a message may move from sent to delivered between
            return counts["sent"] + counts["delivered"] >= args.messages + args.probes

        wait_for(all_sent, ideal * 4 + 60, "the batch sent", 0.2)
        rows = [m for m in store.messages(limit=args.messages + args.probes + 10)
                if m.text.startswith("bench ")]  # fmt: skip
        unsent = [(m.id, m.status, m.reason) for m in rows if m.sent_at is None]
        if unsent:
            raise SystemExit(f"{len(unsent)} bench messages without a sent time: {unsent[:5]}")
        first = min(m.sending_at for m in rows)
        last = max(m.sent_at for m in rows)
        measured = (last - first).total_seconds()
        by_node = {name: sum(1 for m in rows if m.node == name) for name in names}
        engine.dispose()
    return {
        "nodes": nodes,
        "modems": modems,
        "efficiency": ideal / measured,
        "ideal_s": ideal,
        "measured_s": measured,
        "by_node": by_node,
        "latency_p50_ms": percentile(latencies, 50) * 1000,
        "latency_p99_ms": percentile(latencies, 99) * 1000,
        "latency_max_ms": max(latencies) * 1000,
        # the latency's parts (p50 ms): submit() (commit; the trigger's NOTIFY; the socket),
        # then to the dispatcher's claim (its tick's time), then to AT+CMGS= on the modem
        **{f"{name}_p50_ms": percentile(values, 50) * 1000 for name, values in parts.items()},
        **{f"{name}_p99_ms": percentile(values, 99) * 1000 for name, values in parts.items()},
    }


def _settled(store: Store, message_id: int) -> bool:
    (message,) = [m for m in store.messages(limit=5) if m.id == message_id] or [None]
    return message is not None and message.status in (Status.SENT, Status.DELIVERED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--send-delay", type=float, default=0.5)
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (emptied!)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = Report("nodes", "two nodes of 4 modems against one node of 8, on PostgreSQL")
    load = os.getloadavg()
    for nodes in (1, 2):
        with scratch(f"nodes{nodes}") as folder:
            case = run_case(nodes, 8, args, folder)
        label = f"{nodes} node(s) x {8 // nodes} modems"
        report.details[label] = case
        report.figures += [
            Figure(f"{label}: efficiency", case["efficiency"], "of ideal", 0.95, ">="),
            Figure(f"{label}: wake-up p50", case["latency_p50_ms"], "ms"),
            Figure(f"{label}: wake-up p99", case["latency_p99_ms"], "ms", 100.0),
        ]
        print(label, case, flush=True)
    report.details["load_before"] = load
    report.emit(args.json)


if __name__ == "__main__":
    main()
