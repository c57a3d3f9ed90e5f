"""Memory and idle CPU of the daemon (``smsrelay serve``) with eight idle simulated modems.

What a Raspberry Pi gives up to keep the appliance running when nothing is being sent. Two ways
of running it, both as real ``smsrelay`` processes started from the command line:

- ``daemon`` (the figure): the modems are simulated by ``smsrelay simulate --modems 8`` in a
  process of their own and ``smsrelay serve`` drives them through a config file listing their
  ports, so the figures are the daemon's alone, as with real modems on USB;
- ``combined``: ``smsrelay serve --simulate 8``, the simulators inside the daemon's process (the
  demo set-up), for comparison.

Memory is ``VmRSS`` from ``/proc/<pid>/status`` once the eight modems are ready, in decimal
megabytes (MB, 10^6 bytes); ``VmHWM`` (the peak) and ``Pss`` from ``smaps_rollup`` (which shares
libraries out fairly between processes) are given too. Idle
CPU is the process's user + system time (``/proc/<pid>/stat``) over ``--seconds`` (30 by
default), after a settling pause, as a percentage of one core. The daemon's own idle work falls
in the window as it would on the appliance: one health poll of every modem per 30 s, the
dispatcher's safety tick, the scheduler.

Garbage-collector pauses are recorded inside the daemon by ``gc.callbacks`` (a wrapper around the
real ``smsrelay serve``, see ``SERVE_WITH_GC_RECORDER``): every collection's generation and
duration from start to stop; after the idle window the bench asks for one full collection
(``SIGUSR1``), the pause a gen-2 collection costs the running daemon at that moment.

    .venv/bin/python bench/footprint.py [--seconds 30] [--modems 8] [--only daemon|combined]
                                        [--panel installed|thread|off]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from figures import Figure, Report
from rig import read_config, scratch, wait_for, write_config

from appliance.store import Store
from appliance.store.engine import create_engine_for

SMSRELAY = [sys.executable, "-m", "appliance"]
FIRST_START_WINDOW = 2.0  # seconds: the first start is sampled for its RSS, not its idle CPU
# ``smsrelay serve`` itself, with the collector's pauses recorded from the first import to the
# exit (argv[1]: where to write them as JSON). argv[2] says where the panel runs: "installed" (the
# smsrelay.frontends entry point), "thread" (waitress on a thread of the daemon's, sharing its
# store) or "off". SIGUSR1 runs one full collection, on the main
# thread, which the daemon leaves idle in ``run_forever``.
SERVE_WITH_GC_RECORDER = """
import atexit, gc, json, signal, sys, time
path, pauses, started = sys.argv[1], [], [0.0]
def record(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        pauses.append([info["generation"], time.perf_counter() - started[0], time.monotonic()])
gc.callbacks.append(record)
signal.signal(signal.SIGUSR1, lambda *_: gc.collect())
def dump():
    with open(path, "w") as out:
        json.dump(pauses, out)
atexit.register(dump)
panel = sys.argv.pop(2)
if panel != "installed":  # else the smsrelay.frontends entry point, as installed
    import appliance.daemon
    def on_a_thread(daemon, bind):
        from web import create_app
        from web.server import PanelServer
        app = create_app(daemon.config, store=daemon.store, clock=daemon.clock)
        return PanelServer(app, bind).start()
    frontends = [on_a_thread] if panel == "thread" else []
    appliance.daemon.installed_frontends = lambda: frontends
from appliance.cli import main
main(sys.argv[2:], prog_name="smsrelay")
"""
SETTLE = 5.0  # seconds after the last modem is ready: start-up work fades out
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Pauses:
    """The collector's pauses in the daemon, in milliseconds."""

    startup_gen2: list[float]  # full collections before the idle window
    window: dict[int, list[float]]  # generation -> pauses during the idle window
    forced_gen2_ms: float | None  # the full collection asked for after the window

    def describe(self) -> str:
        counts = ", ".join(
            f"gen {gen}: {len(ms)} (max {max(ms):.1f} ms)" if ms else f"gen {gen}: 0"
            for gen, ms in sorted(self.window.items())
        )
        startup = ", ".join(f"{ms:.0f}" for ms in self.startup_gen2) or "none"
        forced = "?" if self.forced_gen2_ms is None else f"{self.forced_gen2_ms:.1f} ms"
        return (
            f"gc: a full collection in the running daemon takes {forced}; in the idle window "
            f"{counts}; gen-2 pauses during start-up: {startup} ms"
        )


def read_pauses(path: Path, window: tuple[float, float]) -> Pauses | None:
    """Split the recorded collections into start-up, idle window, and the forced one after."""
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # the daemon did not exit through atexit (killed): no record
    begin, end = window
    startup = [1000 * took for gen, took, at in recorded if gen == 2 and at < begin]
    during: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for gen, took, at in recorded:
        if begin <= at <= end:
            during[gen].append(1000 * took)
    forced = [1000 * took for gen, took, at in recorded if gen == 2 and at > end]
    return Pauses(startup, during, forced[0] if forced else None)


@dataclass(frozen=True)
class Usage:
    rss_kb: int
    hwm_kb: int
    pss_kb: int
    threads: int
    cpu_percent: float  # of one core, over the window
    window_s: float


def status_fields(pid: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def kilobytes(text: str) -> int:
    """``/proc`` sizes such as ``"51234 kB"``; the kernel's kB are KiB (1024 bytes)."""
    return int(text.split()[0])


def megabytes(kib: int) -> float:
    """Decimal megabytes (10^6 bytes), the unit of the target."""
    return kib * 1024 / 1e6


def cpu_seconds(pid: int) -> float:
    """User + system time of the whole process (all threads), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return kilobytes(line.split(":", 1)[1])
    except OSError:
        pass
    return 0


def sample(pid: int, seconds: float) -> Usage:
    started_cpu, started = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    used, elapsed = cpu_seconds(pid) - started_cpu, time.monotonic() - started
    fields = status_fields(pid)
    return Usage(
        rss_kb=kilobytes(fields["VmRSS"]),
        hwm_kb=kilobytes(fields["VmHWM"]),
        pss_kb=pss_kb(pid),
        threads=int(fields["Threads"]),
        cpu_percent=100.0 * used / elapsed,
        window_s=elapsed,
    )


def children(pid: int) -> list[int]:
    """The daemon's child processes (the panel's, when ``serve`` runs it apart)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def describe_children(pid: int) -> list[str]:
    lines = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = status_fields(child)
        except OSError:
            continue
        lines.append(
            f"  a child of the daemon ({command.strip()}): RSS "
            f"{megabytes(kilobytes(fields['VmRSS'])):.1f} MB (peak "
            f"{megabytes(kilobytes(fields['VmHWM'])):.1f}, PSS {megabytes(pss_kb(child)):.1f}), "
            f"{fields['Threads']} threads"
        )
    return lines


def ready_count(store: Store) -> int:
    try:
        return sum(1 for modem in store.modems() if modem.state == "ready")
    except Exception:  # the daemon has not created the schema yet
        return 0


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_simulators(folder: Path, modems: int, log) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [*SMSRELAY, "simulate", f"--modems={modems}", f"--dir={folder / 'ports'}"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert process.stdout is not None
    links = []
    for _ in range(modems):
        line = process.stdout.readline()
        if not line:
            stop(process)
            raise RuntimeError("smsrelay simulate ended before printing its ports")
        links.append(line.split("\t")[0])
    return process, links


@dataclass(frozen=True)
class Run:
    usage: Usage
    simulators: Usage | None
    ready_after: float
    first_start: Usage | None  # daemon mode: the start that created the schema
    pauses: Pauses | None
    children: list[str]  # the daemon's child processes, described


def run_daemon(
    serve_args: list[str],
    config_path: Path,
    modems: int,
    seconds: float,
    log,
    gc_record: Path,
    panel: str,
) -> tuple[Usage, float, Pauses | None, list[str]]:
    """Start ``smsrelay serve``, wait for every modem, settle, sample, stop."""
    command = [sys.executable, "-c", SERVE_WITH_GC_RECORDER, str(gc_record), panel, "serve"]
    command += serve_args
    started = time.monotonic()
    daemon = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        store = Store(create_engine_for(read_config(config_path).database))
        wait_for(lambda: ready_count(store) == modems, 60, "ready modems", 0.25)
        ready_after = time.monotonic() - started
        store.engine.dispose()
        time.sleep(SETTLE)
        if daemon.poll() is not None:
            raise RuntimeError(f"the daemon exited ({daemon.returncode})")
        window_start = time.monotonic()
        usage = sample(daemon.pid, seconds)
        window_end = time.monotonic()
        kids = describe_children(daemon.pid)
        daemon.send_signal(signal.SIGUSR1)  # one full collection, timed by the recorder
        time.sleep(0.5)
    finally:
        stop(daemon)
    return usage, ready_after, read_pauses(gc_record, (window_start, window_end)), kids


def measure(mode: str, modems: int, seconds: float, panel: str) -> Run:
    with scratch(f"footprint-{mode}", keep=bool(os.environ.get("FOOTPRINT_KEEP"))) as folder:
        log = open(folder / "log.txt", "w")  # noqa: SIM115 - closed below, after the processes
        simulators = None
        try:
            first_start = sims = None
            if mode == "daemon":
                simulators, links = start_simulators(folder, modems, log)
                config_path = write_config(folder, links)
                serve = [f"--config={config_path}"]
                first_start, _, _, _ = run_daemon(
                    serve,
                    config_path,
                    modems,
                    FIRST_START_WINDOW,
                    log,
                    folder / "gc-first.json",
                    panel,
                )
            else:
                config_path = write_config(folder, [])
                serve = [f"--config={config_path}", f"--simulate={modems}"]
            usage, ready_after, pauses, kids = run_daemon(
                serve, config_path, modems, seconds, log, folder / "gc.json", panel
            )
            if simulators is not None:
                sims = sample(simulators.pid, 1.0)
        finally:
            if simulators is not None:
                stop(simulators)
            log.close()
    return Run(usage, sims, ready_after, first_start, pauses, kids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="idle window")
    parser.add_argument("--modems", type=int, default=8)
    parser.add_argument("--only", choices=["daemon", "combined"], default=None)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--panel",
        choices=["installed", "thread", "off"],
        default="installed",
        help="where the panel runs: as installed (entry point), on a thread of the daemon, or not",
    )
    args = parser.parse_args()
    modes = [args.only] if args.only else ["daemon", "combined"]

    report = Report(
        "footprint",
        f"RSS and idle CPU of smsrelay serve with {args.modems} modems (panel: {args.panel})",
    )
    for mode in modes:
        run = measure(mode, args.modems, args.seconds, args.panel)
        usage, sims, ready_after = run.usage, run.simulators, run.ready_after
        where = (
            "simulators in their own process (smsrelay simulate)"
            if mode == "daemon"
            else "simulators inside the daemon (serve --simulate)"
        )
        report.say(
            f"{mode}: {where}; ready after {ready_after:.1f} s; "
            f"RSS {megabytes(usage.rss_kb):.1f} MB (peak {megabytes(usage.hwm_kb):.1f}, "
            f"PSS {megabytes(usage.pss_kb):.1f}), "
            f"{usage.threads} threads, CPU {usage.cpu_percent:.2f} % of a core over "
            f"{usage.window_s:.0f} s"
        )
        if sims is not None:
            report.say(
                f"  the simulators' process: RSS {megabytes(sims.rss_kb):.1f} MB, "
                f"{sims.threads} threads"
            )
        if run.first_start is not None:
            first = run.first_start
            report.say(
                f"  first start (it created the schema, importing alembic): "
                f"RSS {megabytes(first.rss_kb):.1f} MB (peak {megabytes(first.hwm_kb):.1f}, "
                f"PSS {megabytes(first.pss_kb):.1f}); the figure above is the restart"
            )
        if run.pauses is not None:
            report.say(f"  {run.pauses.describe()}")
        for line in run.children:
            report.say(line)
        target_rss, target_cpu = (80.0, 1.0) if mode == "daemon" else (None, None)
        report.add(Figure(f"RSS, {mode}", megabytes(usage.rss_kb), "MB", target_rss))
        report.add(Figure(f"idle CPU, {mode}", usage.cpu_percent, "%", target_cpu))
        report.details[mode] = {
            "usage": usage.__dict__,
            "simulators": sims.__dict__ if sims else None,
            "ready_after_s": ready_after,
            "first_start": run.first_start.__dict__ if run.first_start else None,
            "gc_pauses_ms": run.pauses.__dict__ if run.pauses else None,
            "children": run.children,
        }
    report.emit(args.json)


if __name__ == "__main__":
    main()
