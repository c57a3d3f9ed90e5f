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

    .venv/bin/python bench/footprint.py [--seconds 30] [--modems 8] [--only daemon|combined]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from figures import Figure, Report
from rig import read_config, scratch, wait_for, write_config

from appliance.database import create_engine_for
from appliance.store import Store

SMSRELAY = [sys.executable, "-m", "appliance"]
SETTLE = 5.0  # seconds after the last modem is ready: start-up work fades out
TICK = os.sysconf("SC_CLK_TCK")


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


def measure(mode: str, modems: int, seconds: float) -> tuple[Usage, Usage | None, float]:
    """(the daemon's usage, the simulators' usage if separate, seconds until all ready)."""
    with scratch(f"footprint-{mode}") as folder:
        log = open(folder / "log.txt", "w")  # noqa: SIM115 - closed below, after the processes
        simulators = None
        try:
            if mode == "daemon":
                simulators, links = start_simulators(folder, modems, log)
                config_path = write_config(folder, links)
                serve = [*SMSRELAY, "serve", f"--config={config_path}"]
            else:
                config_path = write_config(folder, [])
                serve = [*SMSRELAY, "serve", f"--config={config_path}", f"--simulate={modems}"]
            started = time.monotonic()
            daemon = subprocess.Popen(serve, stdout=log, stderr=log)
            try:
                store = Store(create_engine_for(read_config(config_path).database))
                wait_for(lambda: ready_count(store) == modems, 60, "ready modems", 0.25)
                ready_after = time.monotonic() - started
                store.engine.dispose()
                time.sleep(SETTLE)
                if daemon.poll() is not None:
                    raise RuntimeError(f"the daemon exited ({daemon.returncode})")
                usage = sample(daemon.pid, seconds)
                sims = sample(simulators.pid, 1.0) if simulators is not None else None
            finally:
                stop(daemon)
        finally:
            if simulators is not None:
                stop(simulators)
            log.close()
    return usage, sims, ready_after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="idle window")
    parser.add_argument("--modems", type=int, default=8)
    parser.add_argument("--only", choices=["daemon", "combined"], default=None)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    modes = [args.only] if args.only else ["daemon", "combined"]

    report = Report("footprint", f"RSS and idle CPU of smsrelay serve with {args.modems} modems")
    for mode in modes:
        usage, sims, ready_after = measure(mode, args.modems, args.seconds)
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
        target_rss, target_cpu = (80.0, 1.0) if mode == "daemon" else (None, None)
        report.add(Figure(f"RSS, {mode}", megabytes(usage.rss_kb), "MB", target_rss))
        report.add(Figure(f"idle CPU, {mode}", usage.cpu_percent, "%", target_cpu))
        report.details[mode] = {
            "usage": usage.__dict__,
            "simulators": sims.__dict__ if sims else None,
            "ready_after_s": ready_after,
        }
    report.emit(args.json)


if __name__ == "__main__":
    main()
