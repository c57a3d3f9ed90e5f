"""How long a script waits for ``smsrelay``: whole-process runs of ``--help``, ``send``,
``status`` and ``messages``, from ``fork`` to exit (issue 16: each <= 150 ms).

Every run is a new process, as a shell script makes one, started the way the installed entry
point starts (``python -c 'from appliance.cli import main; main()'``, what ``.venv/bin/smsrelay``
runs). ``send`` writes to a scratch SQLite database created beforehand (a first ``send`` would
create and migrate it, once), with no daemon running: its wake-up finds nobody to wake.
``status`` and ``messages`` read that database after the sends.

Two figures per command:

- **wall**: what the script waits, median and p95. On a shared machine it includes the time
  the process waited for a core, so the load average is printed with it.
- **CPU**: user + system time of the child (``os.times()`` of the children, in the kernel's
  10 ms ticks, so read the median of many runs), what the command itself costs whatever the load.

Bytecode: the runs use compiled ``.pyc`` files, as an installed package has them; a first
run (not counted) writes them if the environment said ``PYTHONDONTWRITEBYTECODE``.

    .venv/bin/python bench/cli_startup.py [--runs 20] [--checkout DIR] [--json]

``--checkout DIR`` runs another checkout's code (put first on ``PYTHONPATH``) in this
environment: ``--checkout ../main`` gives the "before" figures of a change.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from figures import Figure, Report, percentile, summarise
from rig import scratch

TARGET_MS = 150.0
ENTRY = "import sys; from appliance.cli import main; sys.argv[0] = 'smsrelay'; sys.exit(main())"
COMMANDS = {
    "--help": ["--help"],
    "send": ["send", "+33612345678", "Collecte demain 8h-12h, salle des fêtes"],
    "status": ["status"],
    "messages": ["messages", "--limit", "20"],
    "python alone": None,  # the interpreter's own start, for comparison
}


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the child, exit status. ``cwd``: not a checkout (``-c``
    puts the current folder first on ``sys.path``)."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if done.returncode != 0:
        raise SystemExit(f"{argv[3:]} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--checkout", default=None, help="another checkout's code to measure")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = Report("cli_startup", "smsrelay as a script runs it: one process per command")
    with scratch("cli") as folder:
        config = folder / "smsrelay.toml"
        config.write_text(
            f'[appliance]\ndatabase = "sqlite:///{folder / "smsrelay.db"}"\n', encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["SMSRELAY_CONFIG"] = str(config)
        if args.checkout:
            env["PYTHONPATH"] = os.path.abspath(args.checkout)
            report.say(f"code from {env['PYTHONPATH']}")
        smsrelay = [sys.executable, "-c", ENTRY]
        # the database created and migrated (the full path, once), and the bytecode written
        for argv in COMMANDS.values():
            if argv is not None:
                run_once([*smsrelay, *argv], env, folder)
        rows = []
        for name, argv in COMMANDS.items():
            command = [sys.executable, "-c", "pass"] if argv is None else [*smsrelay, *argv]
            walls, cpus = [], []
            for _ in range(args.runs):
                wall, cpu, _ = run_once(command, env, folder)
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
            wall_summary, cpu_summary = summarise(walls), summarise(cpus)
            wall_p95, cpu_p95 = percentile(walls, 95), percentile(cpus, 95)
            rows.append(
                f"{name:<14} wall median {wall_summary.median:6.1f} ms, p95 {wall_p95:6.1f}  |  "
                f"CPU median {cpu_summary.median:6.1f} ms, p95 {cpu_p95:6.1f}"
            )
            target = None if argv is None else TARGET_MS
            report.add(Figure(f"{name}: wall, median", wall_summary.median, "ms", target))
            report.add(Figure(f"{name}: wall, p95", wall_p95, "ms"))
            report.add(Figure(f"{name}: CPU, median", cpu_summary.median, "ms", target))
            report.details[name] = {"wall_ms": walls, "cpu_ms": cpus}
        report.say(f"{args.runs} runs of each, one process each; CPU = user + system of the child")
        for row in rows:
            report.say(row)
    report.emit(args.json)


if __name__ == "__main__":
    main()
