"""A soak: ``smsrelay serve`` for one simulated hour on 8 modems, with traffic and faults, and
its resources sampled all along: they must stay flat (issue 14).

What runs: 8 simulated modems in this process (``modem.sim.start_fleet``, as the chaos tests
run them) at ``--time-scale`` real seconds per simulated second, and ``smsrelay serve`` as a
child process with its waits scaled to them (``tests/chaos/site``, the chaos tests' harness).
During ``--minutes`` simulated minutes:

- outbound: ``--outbound`` messages an hour, queued as they come (one every 3600/N simulated
  seconds, through ``appliance.outbox`` as the CLI queues them), every seventh in two parts;
  the networks refuse 5 % of the parts (``+CMS ERROR`` 38/500) and leave 1 % unanswered;
- inbound: ``--inbound`` SMS an hour, spread over the modems, each stored and deleted from the
  SIM by the daemon, each with its delivery report for the outbound ones;
- faults, one every ``FAULT_EVERY`` simulated seconds, in turn on the modems: a modem unplugged
  and plugged back, hung for a minute, its SIM pulled and put back, its network lost and found.

Every ``SAMPLE_EVERY`` simulated seconds: the serve process's resident memory (``VmRSS``), its
threads, its open file descriptors (``/proc/<pid>/fd``) and the SQLite WAL's size. The figures
compare the second quarter of the run (the daemon warmed up: panel started, every code path
taken) with the last; ``problems`` says what grew past its bound. At the end the queue settles
and the promises of the chaos tests are checked on the simulators' air logs; the inbound SMS are
counted once the simulators hold none for the daemon any more (``inbound_held``: none waiting at
their network nor left on their SIM), or after ``INBOUND_SETTLE``. The outbound queue settling
says nothing of them: an SMS that comes in during the last seconds to a modem being reset (a
send left unanswered: its outcome is written before the reset) is stored seconds later, and was
counted as not stored when the count came at once. The SMS not stored are named, with their
modem, and what the simulators still held of them (held: never read; none held: lost).

    .venv/bin/python bench/soak.py [--minutes 60] [--time-scale 0.05] [--modems 8]
                                   [--outbound 1800] [--inbound 480] [--svg docs/soak.svg]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from appliance.config import load_config  # noqa: E402
from appliance.outbox import prepare, submit_all  # noqa: E402
from appliance.store import Store  # noqa: E402
from appliance.store.engine import create_engine_for, migrate  # noqa: E402
from modem.sim import start_fleet  # noqa: E402
from tests.chaos.runs import Run, broken_promises, summary  # noqa: E402
from tests.chaos.serving import (  # noqa: E402
    Serve,
    by_message,
    inbound_held,
    networks_idle,
    parts_on_air,
    recipient_for,
    text_for,
    write_config,
)

SEND_DELAY = 3.0  # simulated seconds per part
FAULTS = {"fail_rate": 0.05, "unanswered_rate": 0.01, "unanswered_for": 100.0}
FAULT_EVERY = 300.0  # simulated seconds between two faults
FIRST_FAULT = 30.0  # simulated seconds: the first comes early (the short soak has one)
SAMPLE_EVERY = 30.0  # simulated seconds between two samples
KINDS = ("unplug", "hang", "sim", "network")
LASTS = {"unplug": 20.0, "hang": 60.0, "sim": 60.0, "network": 90.0}  # simulated seconds
BOUNDS = {  # growth allowed from the second quarter's median to the last quarter's
    "rss_mb": 5.0,
    "threads": 1,
    "fds": 3,
}
WAL_BOUND_MB = 8.0  # the WAL's size at any time (SQLite checkpoints it every ~4 MB)
STEP = 0.01  # real seconds between two looks of the driving loop
INBOUND_SETTLE = 60.0  # real seconds the simulators' last SMS may take to reach the store


@dataclass
class Sample:
    minute: float  # simulated minutes since the start
    rss_mb: float
    threads: int
    fds: int
    wal_mb: float
    on_air: int


@dataclass
class Soak:
    samples: list[Sample] = field(default_factory=list)
    queued: int = 0
    delivered_in: int = 0
    stored_in: int = 0
    missing_in: list[int] = field(default_factory=list)  # numbers of the SMS not stored
    held_in: int = 0  # SMS parts still at a network or on a SIM when counted
    modems: int = 1  # inbound SMS i went to modem i % modems
    faults: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    broken: dict[str, list[int]] = field(default_factory=dict)
    seconds: float = 0.0


def sample(pid: int, wal: Path, minute: float, on_air: int) -> Sample:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return Sample(
        minute=minute,
        rss_mb=int(fields["VmRSS"].split()[0]) * 1024 / 1e6,
        threads=int(fields["Threads"]),
        fds=len(os.listdir(f"/proc/{pid}/fd")),
        wal_mb=wal.stat().st_size / 1e6 if wal.exists() else 0.0,
        on_air=on_air,
    )


class Faults:
    """The faults' timetable: each starts on a modem, in turn, and ends ``LASTS`` later."""

    def __init__(self, fleet, scale: float) -> None:
        self.fleet, self.scale = fleet, scale
        self.number = 0
        self.ending: list[tuple[float, str, int]] = []  # (simulated end, kind, modem)

    def start(self, now: float) -> str:
        kind = KINDS[self.number % len(KINDS)]
        modem = self.number % len(self.fleet)
        self.number += 1
        server = self.fleet[modem]
        if kind == "unplug":
            server.unplug()
        elif kind == "hang":
            server.call(lambda m, t: m.hang(t, LASTS["hang"]))
        elif kind == "sim":
            server.call(lambda m, t: m.remove_sim(t))
        else:
            server.call(lambda m, t: setattr(m.faults, "no_network", True))
        if kind != "hang":  # a hang ends by itself
            self.ending.append((now + LASTS[kind], kind, modem))
        return kind

    def end_due(self, now: float) -> None:
        for item in [e for e in self.ending if e[0] <= now]:
            self.ending.remove(item)
            _, kind, modem = item
            server = self.fleet[modem]
            if kind == "unplug":
                server.replug()
            elif kind == "sim":
                server.call(lambda m, t: m.insert_sim(t))
            else:
                server.call(lambda m, t: setattr(m.faults, "no_network", False))

    def end_all(self) -> None:
        self.end_due(float("inf"))


def run_soak(
    folder: Path, *, minutes: float, scale: float, modems: int, outbound: int, inbound: int,
    settle_timeout: float = 300.0,
) -> Soak:  # fmt: skip
    """The whole soak in ``folder``; see the module's docstring."""
    fleet = start_fleet(
        modems, directory=folder / "sim", time_scale=scale, seed=14, send_delay=SEND_DELAY,
        **FAULTS,
    )  # fmt: skip
    soak = Soak(modems=modems)
    serve = None
    try:
        config_path = write_config(folder, [server.link for server in fleet])
        config = load_config(config_path)
        engine = create_engine_for(f"sqlite:///{folder / 'smsrelay.db'}")
        migrate(engine)
        store = Store(engine)
        health = {"SMSRELAY_CHAOS_HEALTH_INTERVAL": str(30.0 * scale)}
        serve = Serve(config_path, folder / "serve.log", fast=True, environ=health)
        wal = folder / "smsrelay.db-wal"
        faults = Faults(fleet, scale)
        deadline = time.monotonic() + 120
        while not serve.serving():  # started whole (the panel too): the clock starts now
            if not serve.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the daemon did not start:\n{serve.output()[-3000:]}")
            time.sleep(0.05)
        duration = minutes * 60.0
        started = time.monotonic()
        next_out = next_in = next_sample = 0.0
        next_fault = FIRST_FAULT

        def traffic(upto: float) -> None:
            """Queue the outbound and deliver the inbound due before ``upto`` (simulated)."""
            nonlocal next_out, next_in
            due = []
            while next_out < upto:
                due.append(soak.queued + len(due))
                next_out += 3600.0 / outbound
            if due:
                moment = datetime.now(UTC)
                news = [
                    prepare(config, to=recipient_for(i), text=text_for(i), now=moment) for i in due
                ]
                submit_all(store, config, news, moment)
                soak.queued += len(due)
            while next_in < upto:
                server = fleet[soak.delivered_in % modems]
                text = inbound_text(soak.delivered_in)
                server.call(lambda m, t, s=text: m.deliver_sms("+33612345678", s, t))
                soak.delivered_in += 1
                next_in += 3600.0 / inbound

        while (now := (time.monotonic() - started) / scale) < duration:
            if not serve.alive():
                raise RuntimeError(f"the daemon exited:\n{serve.output()[-3000:]}")
            traffic(now)
            faults.end_due(now)
            if next_fault <= now:
                soak.faults[faults.start(now)] += 1
                next_fault += FAULT_EVERY
            if next_sample <= now:
                on_air = sum(parts_on_air(fleet).values())
                soak.samples.append(sample(serve.proc.pid, wal, now / 60.0, on_air))
                next_sample += SAMPLE_EVERY
            time.sleep(STEP)
        traffic(duration)  # a last step that overran the end (a loaded machine) queued less
        faults.end_all()
        deadline = time.monotonic() + settle_timeout
        while True:
            counts = store.counts()
            if counts["queued"] == 0 and counts["sending"] == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the queue did not settle: {counts}")
            time.sleep(0.1)
        while not networks_idle(fleet):
            time.sleep(0.05)
        deadline = time.monotonic() + INBOUND_SETTLE
        while (held := inbound_held(fleet)) and time.monotonic() < deadline:
            time.sleep(0.05)
        soak.held_in = held
        texts = {row.text for row in store.inbox(limit=inbound * 2 + 10)}
        soak.stored_in = len(texts)
        soak.missing_in = [i for i in range(soak.delivered_in) if inbound_text(i) not in texts]
        if serve.stop() != 0:
            raise RuntimeError(f"the daemon did not stop cleanly:\n{serve.output()[-3000:]}")
        messages = store.messages(limit=soak.queued + 10)
        engine.dispose()
        soak.statuses = Counter(str(m.status) for m in messages)
        run = Run(messages=messages, parts=by_message(parts_on_air(fleet)))
        soak.broken = {k: v for k, v in broken_promises(run, soak.queued).items() if v}
        soak.seconds = time.monotonic() - started
    finally:
        if serve is not None:
            serve.close()
        for server in fleet:
            server.stop()
    return soak


def inbound_text(number: int) -> str:
    """The text of inbound SMS ``number``: each is told apart in the inbox by it."""
    return f"reponse {number} OUI"


def quarters(soak: Soak, name: str) -> tuple[float, float, float]:
    """(median of the second quarter, median of the last quarter, the maximum)."""
    values = [getattr(s, name) for s in soak.samples]
    quarter = max(1, len(values) // 4)
    second = values[quarter : 2 * quarter] or values
    last = values[-quarter:]
    return statistics.median(second), statistics.median(last), max(values)


def problems(soak: Soak) -> list[str]:
    """What grew past its bound, and the promises broken; empty: the soak passed."""
    found = []
    for name, bound in BOUNDS.items():
        early, late, _ = quarters(soak, name)
        if late - early > bound:
            found.append(f"{name} grew from {early:g} to {late:g} (bound +{bound:g})")
    wal_max = max(s.wal_mb for s in soak.samples)
    if wal_max > WAL_BOUND_MB:
        found.append(f"the WAL reached {wal_max:.1f} MB (bound {WAL_BOUND_MB:g} MB)")
    if soak.broken:
        found.append(f"promises broken: {summary(soak.broken)}")
    if soak.missing_in:
        named = ", ".join(f"{i} (modem {i % soak.modems})" for i in soak.missing_in[:10])
        found.append(
            f"{len(soak.missing_in)} inbound SMS not stored: {named}; "
            f"{soak.held_in} parts still at a network or on a SIM"
        )
    return found


def table(soak: Soak) -> str:
    rows = ["| Figure | 2nd quarter (median) | last quarter (median) | max |", "|---|---|---|---|"]
    for name, label in (("rss_mb", "RSS (MB)"), ("threads", "threads"), ("fds", "open fds"),
                        ("wal_mb", "WAL (MB)")):  # fmt: skip
        early, late, top = quarters(soak, name)
        rows.append(f"| {label} | {early:.2f} | {late:.2f} | {top:.2f} |".replace(".00 |", " |"))
    return "\n".join(rows)


def svg(soak: Soak, title: str) -> str:
    """Four small line charts, one per figure, against simulated minutes (no dependency)."""
    width, height, left, gap = 640, 110, 60, 24
    series = (("rss_mb", "RSS (MB)"), ("threads", "threads"), ("fds", "open fds"),
              ("wal_mb", "WAL (MB)"))  # fmt: skip
    total = gap + len(series) * (height + gap)
    end = max(s.minute for s in soak.samples) or 1.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="14">{title}</text>']  # fmt: skip
    for row, (name, label) in enumerate(series):
        top = gap + row * (height + gap)
        values = [getattr(s, name) for s in soak.samples]
        low, high = 0.0, max(values) * 1.15 or 1.0
        points = " ".join(
            f"{left + (s.minute / end) * (width - left - 10):.1f},"
            f"{top + height - (v - low) / (high - low) * height:.1f}"
            for s, v in zip(soak.samples, values, strict=True)
        )
        out += [
            f'<rect x="{left}" y="{top}" width="{width - left - 10}" height="{height}" '
            'fill="none" stroke="#ccc"/>',
            f'<text x="4" y="{top + 12}">{label}</text>',
            f'<text x="4" y="{top + 26}">max {max(values):.1f}</text>',
            f'<text x="{left - 4}" y="{top + height}" text-anchor="end">0</text>',
            f'<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="{points}"/>',
        ]
    out.append(f'<text x="{left}" y="{total - 6}">simulated minutes 0 to {end:.0f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--time-scale", type=float, default=0.05)
    parser.add_argument("--modems", type=int, default=8)
    parser.add_argument("--outbound", type=int, default=1800, help="messages per hour")
    parser.add_argument("--inbound", type=int, default=480, help="SMS per hour")
    parser.add_argument("--svg", type=Path, default=None, help="write the plot there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smsrelay-soak-") as scratch:
        soak = run_soak(
            Path(scratch), minutes=args.minutes, scale=args.time_scale, modems=args.modems,
            outbound=args.outbound, inbound=args.inbound,
        )  # fmt: skip
    print(
        f"{args.minutes:g} simulated minutes ({soak.seconds:.0f} s real, time scale "
        f"{args.time_scale:g}), {args.modems} modems: {soak.queued} messages queued "
        f"({dict(soak.statuses)}), {soak.delivered_in} SMS in, {soak.stored_in} stored; "
        f"faults {dict(soak.faults)}; {len(soak.samples)} samples"
    )
    print(table(soak))
    found = problems(soak)
    print("flat, promises kept" if not found else "PROBLEMS: " + "; ".join(found))
    if args.svg:
        args.svg.write_text(svg(soak, f"smsrelay serve, {args.minutes:g} simulated minutes"))
        print(f"plot written to {args.svg}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
