"""How long a script waits for ``smsrelay``: whole-process runs of ``--help``, ``send``,
``status`` and ``messages``, from ``fork`` to exit (issue 16: each <= 150 ms).

Every run is a new process, as a shell script makes one, started the way the installed entry
point starts (``python -c 'from appliance.cli import main; main()'``, what ``.venv/bin/smsrelay``
runs). ``send`` is measured twice:

- **send, daemon up**, the appliance's everyday: ``smsrelay serve`` runs (on a data folder of
  its own, without modems: the messages wait in its queue), and ``send`` hands it the message
  over its socket (``appliance.send_socket``), which spares it the number rules and the store;
- **send**: no daemon on that data folder, so ``send`` queues it itself, in a scratch SQLite
  database created beforehand (a first ``send`` would create and migrate it, once).

``status`` and ``messages`` read the second database after the sends.

Two figures per command:

- **wall**: what the script waits, median and p95. On a shared machine it includes the time
  the process waited for a core, so the load average is printed with it.
- **CPU**: user + system time of the child (``os.times()`` of the children, in the kernel's
  10 ms ticks, so read the median of many runs), what the command itself costs whatever the load.

Bytecode: the runs use compiled ``.pyc`` files, as an installed package has them; a first
run (not counted) writes them if the environment said ``PYTHONDONTWRITEBYTECODE``.

Two layouts (``--layout``, both by default):

- **installed**: what a Raspberry Pi runs after ``pip install ~/smsrelay`` (README, "Install
  on a Raspberry Pi"): the checkout built and installed (``pip install --no-deps --target``) into
  a scratch virtual environment, whose ``.pth`` adds this environment's site-packages for the
  dependencies. The target is judged here;
- **checkout**: this environment as ``make`` made it, an editable install (``pip install -e``),
  whose import hook (``__editable___*_finder``, loaded by a ``.pth`` at every start of the
  interpreter, with ``pathlib``, ``urllib`` and ``ipaddress``) costs every command, even
  ``python -c pass``, 15–30 ms here.

    .venv/bin/python bench/cli_startup.py [--runs 20] [--layout both] [--checkout DIR] [--json]

``--checkout DIR`` runs another checkout's code (put first on ``PYTHONPATH``) in this
environment: ``--checkout ../main`` gives the "before" figures of a change.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import time
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from figures import Figure, Report, percentile, summarise
from rig import scratch

TARGET_MS = 150.0
DAEMON_CONFIG = "<the daemon's config>"  # replaced by its path once written
ENTRY = "import sys; from appliance.cli import main; sys.argv[0] = 'smsrelay'; sys.exit(main())"
COMMANDS = {
    "--help": ["--help"],
    "send": ["send", "+33612345678", "Collecte demain 8h-12h, salle des fêtes"],
    # the appliance's everyday: ``smsrelay serve`` runs, and ``send`` hands it the message
    "send, daemon up": ["send", "--config", DAEMON_CONFIG, "+33612345678", "Rappel: collecte"],
    "status": ["status"],
    "messages": ["messages", "--limit", "20"],
    "python alone": None,  # the interpreter's own start, for comparison
    # what ``send`` cannot start without: the CLI's library and the numbers' (issue 16's floor)
    "click+phonenumbers": "import click, phonenumbers",
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


def installed_python(checkout: Path, folder: Path) -> str:
    """A scratch virtual environment holding ``checkout`` installed as ``pip install`` puts it
    (built, not editable), the dependencies taken from this environment; its interpreter."""
    site = folder / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", str(site), str(checkout)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    env_dir = folder / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    scratch_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    dependencies = sysconfig.get_paths()["purelib"]  # this environment's site-packages
    Path(scratch_site, "smsrelay-bench.pth").write_text(f"{site}\n{dependencies}\n")
    return str(python)


def command_line(python: str, argv: list[str] | str | None, daemon_config: Path) -> list[str]:
    if argv is None or isinstance(argv, str):
        return [python, "-c", argv or "pass"]
    argv = [str(daemon_config) if a == DAEMON_CONFIG else a for a in argv]
    return [python, "-c", ENTRY, *argv]


@contextmanager
def daemon(folder: Path, env: dict[str, str], checkout: Path) -> Iterator[Path]:
    """``smsrelay serve`` on a data folder of its own, without modems (the messages wait in
    its queue), from this environment; its config's path. The daemon's code is ``checkout``'s,
    as the commands'."""
    config = folder / "smsrelay.toml"
    folder.mkdir()
    config.write_text(
        '[appliance]\ndata_dir = "data"\n[discovery]\nauto = false\n', encoding="utf-8"
    )
    log = folder / "serve.log"
    daemon_env = dict(env, PYTHONPATH=str(checkout))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "appliance", "serve", "--config", str(config),
             "--bind", "127.0.0.1:0"],
            cwd=folder, env=daemon_env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "smsrelay serving" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"smsrelay serve did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield config
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(
    report: Report, layouts: dict[str, tuple[str, dict]], folder: Path, runs: int, served: Path
):
    """Each round runs every command once in every layout, in turn: a machine whose speed
    drifts (a shared host; the writeback after an install) shifts them all alike. ``served``:
    the config of the daemon that runs meanwhile."""
    for python, env in layouts.values():
        # the database created and migrated (the full path, once), and the bytecode written
        for argv in COMMANDS.values():
            run_once(command_line(python, argv, served), env, folder)
    samples: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (layout, name): ([], []) for layout in layouts for name in COMMANDS
    }
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            for layout, (python, env) in layouts.items():
                wall, cpu, _ = run_once(command_line(python, argv, served), env, folder)
                samples[layout, name][0].append(wall * 1000)
                samples[layout, name][1].append(cpu * 1000)
    for layout in layouts:
        report.say(f"{layout}: {runs} runs of each, one process each; CPU = user + system")
        for name, argv in COMMANDS.items():
            walls, cpus = samples[layout, name]
            wall_summary, cpu_summary = summarise(walls), summarise(cpus)
            wall_p95, cpu_p95 = percentile(walls, 95), percentile(cpus, 95)
            report.say(
                f"  {name:<18} wall median {wall_summary.median:6.1f} ms, p95 {wall_p95:6.1f}, "
                f"min {min(walls):6.1f}  |  CPU median {cpu_summary.median:6.1f} ms, "
                f"p95 {cpu_p95:6.1f}"
            )
            measured = isinstance(argv, list) and layout == "installed"
            target = TARGET_MS if measured else None
            report.add(Figure(f"{layout}, {name}: wall, median", wall_summary.median, "ms", target))
            report.add(Figure(f"{layout}, {name}: wall, p95", wall_p95, "ms"))
            report.add(Figure(f"{layout}, {name}: CPU, median", cpu_summary.median, "ms", target))
            report.details[f"{layout}, {name}"] = {"wall_ms": walls, "cpu_ms": cpus}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--layout", choices=["installed", "checkout", "both"], default="both")
    parser.add_argument("--checkout", default=None, help="another checkout's code to measure")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = Report("cli_startup", "smsrelay as a script runs it: one process per command")
    checkout = Path(args.checkout or Path(__file__).resolve().parent.parent).resolve()
    with scratch("cli") as folder:
        config = folder / "smsrelay.toml"
        config.write_text(
            f'[appliance]\ndatabase = "sqlite:///{folder / "smsrelay.db"}"\n', encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["SMSRELAY_CONFIG"] = str(config)
        env.pop("PYTHONPATH", None)
        report.say(f"code from {checkout}")
        layouts: dict[str, tuple[str, dict]] = {}
        if args.layout in ("installed", "both"):
            layouts["installed"] = (installed_python(checkout, folder), env)
            os.sync()  # the install's writes flushed, not behind the sends' fsyncs
        if args.layout in ("checkout", "both"):
            checkout_env = dict(env)
            if args.checkout:
                checkout_env["PYTHONPATH"] = str(checkout)
            layouts["checkout"] = (sys.executable, checkout_env)
        report.say(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        with daemon(folder / "served", env, checkout) as served:
            measure(report, layouts, folder, args.runs, served)
    report.say(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    report.emit(args.json)


if __name__ == "__main__":
    main()
