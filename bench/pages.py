"""The status pages at a million messages: what a page refreshed every 5 s costs.

The database is filled as ``bench/history.py`` fills it (its ``fill()``: a year of traffic,
1 000 000 messages by default, mostly delivered, 150 still queued, 0.2 % unknown), then four
modems are added as the daemon would have written them (state, SIM and its counters, a signal
sample every 30 s over the last 24 hours, as the daemon's health poll leaves them;
``--signal-hours 0`` leaves the charts empty, to see the rest of the page alone).

Timed through Flask's test client (the whole request), warm (a few requests first), as a
logged-in admin or with an API token: the modems page ``/``, the fragment ``live.js`` fetches
every 5 s ``/fragments/modems``, ``/queue``, ``GET /api/v1/modems`` and ``/metrics`` (from the
loopback, as a local Prometheus scrapes it). For each: p50 and p95 of the wall time, and the
median CPU time of this process per request (which depends less on the machine's load). Then
``smsrelay status --json`` as a process, as a script runs it: wall time from start to exit.

    .venv/bin/python bench/pages.py [--rows 1000000] [--requests 60] [--cli-runs 10]
                                    [--database FILE] [--keep] [--json]

``--database`` reuses a database an earlier ``--keep`` run left (it is changed: migrated to the
newest revision, and a user, a token and the modems are added if missing), which saves the
fill's half minute.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from figures import Figure, Report, percentile, summarise
from history import IMEIS, fill
from rig import read_config, scratch, write_config
from sqlalchemy import delete
from sqlmodel import col

from appliance.accounts import add_user, create_token, users
from appliance.clock import SystemClock
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import SignalSample
from web import create_app
from web.sessions import login_id

TARGET_P95_MS = 100.0
WARM_UP = 5
SAMPLE_EVERY = timedelta(seconds=30)  # the daemon's health poll
PAGES = ("/", "/fragments/modems", "/queue", "/api/v1/modems", "/metrics")
STATES = ("ready", "ready", "searching", "sim-locked")


def add_modems(store: Store, now: datetime, signal_hours: float) -> None:
    """Four modems as the daemon leaves them, with ``signal_hours`` of signal samples each
    (those of an earlier run replaced)."""
    day, month = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m")
    samples = []
    for index, (imei, state) in enumerate(zip(IMEIS, STATES, strict=True)):
        iccid = "893301" + f"{index:014d}"
        store.upsert_modem(
            imei,
            node="bench",
            port=f"/dev/gsm/bench-{index}",
            manufacturer="huawei",
            model="E173",
            state=state,
            reason=state,
            iccid=iccid,
            sim="READY",
            signal_dbm=-71 - index,
            bars=3,
            registration="home",
            operator="Orange F",
            daily_limit=200,
            seen_at=now,
            updated_at=now,
            last_success_at=now - timedelta(minutes=index),
        )
        store.upsert_sim(iccid, modem_imei=imei, day=day, sent_day=40 + index, month=month)
        at = now - timedelta(hours=signal_hours)
        while signal_hours and at <= now:
            samples.append(SignalSample(modem_imei=imei, at=at, dbm=-70 - index, bars=3))
            at += SAMPLE_EVERY
    with store.session() as session:
        session.execute(delete(SignalSample).where(col(SignalSample.modem_imei).in_(IMEIS)))
        session.add_all(samples)
        session.commit()


def prepare(
    database: Path, folder: Path, signal_hours: float = 24
) -> tuple[Any, dict[str, str], Path]:
    """A test client logged in as an admin, API headers, and the config file's path."""
    config_path = write_config(folder, [])
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(
        text.replace(f"sqlite:///{folder / 'smsrelay.db'}", f"sqlite:///{database}"),
        encoding="utf-8",
    )
    config = read_config(config_path)
    engine = create_engine_for(config.database)
    migrate(engine)  # a database kept by an older run (a no-op when it is up to date)
    store = Store(engine)
    now = datetime.now(UTC)
    user = next((u for u in users(store) if u.name == "bench"), None)
    if user is None:
        user = add_user(store, "bench", "bench-password-1", "admin", now)
    add_modems(store, now, signal_hours)
    _, secret = create_token(store, "bench", now)
    app = create_app(config, store=store, clock=SystemClock())
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id(user)  # logged in, as Flask-Login keeps it
    return client, {"Authorization": f"Bearer {secret}"}, config_path


def time_page(client: Any, path: str, headers: dict[str, str], requests: int) -> dict[str, Any]:
    walls, cpus = [], []
    size = 0
    for number in range(requests + WARM_UP):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        size = len(response.get_data())
        if number >= WARM_UP:
            walls.append(wall)
            cpus.append(used)
    return {
        "p50_ms": percentile(walls, 50) * 1000,
        "p95_ms": percentile(walls, 95) * 1000,
        "max_ms": max(walls) * 1000,
        "cpu_ms": summarise(cpus).median * 1000,
        "bytes": size,
    }


def time_cli(config_path: Path, runs: int) -> dict[str, float]:
    """``smsrelay status --json`` as a process: wall time from start to exit."""
    command = [str(Path(sys.executable).with_name("smsrelay")), "status", "--json"]
    command += ["--config", str(config_path)]
    if not Path(command[0]).exists():
        command[:1] = [sys.executable, "-m", "appliance"]
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ})
        times.append(time.perf_counter() - started)
    times = times[1:]  # the first warms the page cache
    return {"p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--database", type=Path, help="reuse this filled database")
    parser.add_argument(
        "--signal-hours",
        type=float,
        default=24,
        help="signal history per modem (the modems page charts the last 24 h)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()

    report = Report("pages", f"the status pages at {args.rows:,} messages (SQLite)")
    report.figures_in_text = False
    with scratch("pages", keep=args.keep) as folder:
        database = folder / "smsrelay.db"
        if args.database:
            database = args.database.resolve()
            report.say(f"database: {database} (reused)")
        else:
            engine = create_engine_for(f"sqlite:///{database}")
            migrate(engine)
            engine.dispose()
            filled = fill(database, args.rows)
            report.say(
                f"fill: {args.rows:,} rows in {filled['insert_s']:.1f} s, indexes rebuilt in "
                f"{filled['index_s']:.1f} s; database {database.stat().st_size / 1e6:.0f} MB"
            )
        client, api_headers, config_path = prepare(database, folder, args.signal_hours)
        report.say(f"4 modems, {args.signal_hours:g} h of signal samples each (one per 30 s)")
        report.say(
            f"{args.requests} timed requests per page (after {WARM_UP} warm-up), Flask test "
            "client, whole request; ms (CPU: this process, median)"
        )
        report.say("")
        report.say(f"  {'page':<20} {'p50':>7} {'p95':>7} {'max':>7} {'CPU':>7}  bytes")
        results: dict[str, Any] = {}
        for path in PAGES:
            headers = api_headers if path.startswith("/api/") else {}
            timed = time_page(client, path, headers, args.requests)
            verdict = "" if timed["p95_ms"] <= TARGET_P95_MS else "  over the target"
            report.say(
                f"  {path:<20} {timed['p50_ms']:7.1f} {timed['p95_ms']:7.1f} "
                f"{timed['max_ms']:7.1f} {timed['cpu_ms']:7.1f}  {timed['bytes']}{verdict}"
            )
            report.add(Figure(f"p95, {path}", timed["p95_ms"], "ms", TARGET_P95_MS))
            results[path] = timed
        if args.cli_runs:
            cli = time_cli(config_path, args.cli_runs)
            report.say(
                f"  {'status --json':<20} {cli['p50_ms']:7.1f} {cli['p95_ms']:7.1f}"
                f"  (a process, {args.cli_runs} runs: start, import, query, print, exit)"
            )
            report.add(Figure("p95, smsrelay status --json (process)", cli["p95_ms"], "ms"))
            results["smsrelay status --json"] = cli
        report.details.update(pages=results)
    report.emit(args.json)


if __name__ == "__main__":
    main()
