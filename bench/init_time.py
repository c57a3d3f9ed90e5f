"""Time to open a modem's port and ``initialise()`` it, and to read its ``status()``.

What a worker pays when a modem appears (start-up, hot-plug, a reset): ``Modem.open()`` then
``initialise()`` (attention, echo off, numeric errors, identity, SIM, PDU mode, AT+CNMI,
AT+CPMS), and what the panel's health poll pays every 30 s: ``status()`` (SIM, operator, IMSI,
ICCID, signal, registration, SMSC).

Each run uses a fresh simulated modem that is already powered up and registered (a modem's own
boot, seconds on real hardware, is the device's time, not ours), on a real pty, so the numbers
include pyserial, the pty and the driver's parsing. ``time_scale`` is the simulator's real
seconds per simulated second: at 1.0 the simulated modem takes its modelled time to answer
(2 ms between two output lines, as ~20 characters at 115200 bit/s); at 0.01 it answers 100 times
faster, which leaves mostly the cost on our side of the wire.

    .venv/bin/python bench/init_time.py [--runs 20] [--profiles generic,...] [--scales 1,0.01]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from figures import Figure, Report, summarise
from rig import scratch

from modem.device import Modem
from modem.sim import PROFILES, FakeModem, SimServer


class CountingModem(FakeModem):
    """Counts the command lines it receives (each ends with a CR): times per round trip."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lines_received = 0

    def receive(self, data: bytes, now: float) -> None:
        self.lines_received += data.count(b"\r")
        super().receive(data, now)


@dataclass(frozen=True)
class Run:
    init: float  # seconds for open + initialise
    status: float  # seconds for status
    init_commands: int
    status_commands: int


def time_one(profile: str, scale: float, seed: int, link: str) -> Run:
    fake = CountingModem(profile, seed=seed)
    server = SimServer(fake, link=link, time_scale=scale).start()
    try:
        started = time.perf_counter()
        modem = Modem(link).open()
        try:
            modem.initialise()
            initialised = time.perf_counter()
            after_init = server.call(lambda m, now: m.lines_received)
            status = modem.status()
            finished = time.perf_counter()
        finally:
            modem.close()
        if status.sim != "READY" or status.iccid is None:
            raise RuntimeError(f"{profile}: the simulated modem did not report a ready SIM")
        total = server.call(lambda m, now: m.lines_received)
        return Run(initialised - started, finished - initialised, after_init, total - after_init)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per profile and scale")
    parser.add_argument("--profiles", default=",".join(PROFILES), help="comma-separated")
    parser.add_argument("--scales", default="1.0,0.01", help="simulator time scales")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    scales = [float(s) for s in args.scales.split(",")]

    report = Report(
        "init_time",
        "open + initialise() and status() of modem.device.Modem on a simulated modem",
        figures_in_text=False,
    )
    report.say(f"{args.runs} runs per row, a fresh already-booted simulated modem each run;")
    report.say("commands: AT command lines the modem received during initialise + status")
    report.say("")
    report.say(
        f"{'profile':<15}{'scale':>6}  {'init median':>11}  {'init max':>8}"
        f"  {'status median':>13}  {'status max':>10}  commands"
    )
    rows = []
    with scratch("init") as folder:
        for profile in profiles:
            for scale in scales:
                runs = [
                    time_one(profile, scale, seed, str(folder / f"ttyINIT{seed}"))
                    for seed in range(args.runs)
                ]
                inits, statuses = [r.init for r in runs], [r.status for r in runs]
                i, s = summarise(inits), summarise(statuses)
                commands = f"{runs[0].init_commands} + {runs[0].status_commands}"
                report.say(
                    f"{profile:<15}{scale:>6g}  {i.median * 1000:>8.1f} ms  {i.max * 1000:>5.1f} ms"
                    f"  {s.median * 1000:>10.1f} ms  {s.max * 1000:>7.1f} ms  {commands}"
                )
                tag = f"{profile} @{scale:g}"
                report.add(Figure(f"init {tag} median", i.median * 1000, "ms"))
                report.add(Figure(f"init {tag} max", i.max * 1000, "ms"))
                report.add(Figure(f"status {tag} median", s.median * 1000, "ms"))
                report.add(Figure(f"status {tag} max", s.max * 1000, "ms"))
                rows.append(
                    {
                        "profile": profile,
                        "time_scale": scale,
                        "init_commands": runs[0].init_commands,
                        "status_commands": runs[0].status_commands,
                        "init_ms": [round(v * 1000, 2) for v in inits],
                        "status_ms": [round(v * 1000, 2) for v in statuses],
                    }
                )
    report.details["runs"] = rows
    report.emit(args.json)


if __name__ == "__main__":
    main()
