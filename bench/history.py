"""The History page at a million messages: how long the panel takes to answer each search.

A year of traffic is written straight into a migrated SQLite database (``INSERT ... SELECT``
from a recursive counter, in batches, so SQLite does the work in C): by default 1 000 000
messages to 5 000 recipients over the 365 days before now, mostly delivered, with the other
statuses in the proportions a busy appliance sees, texts from a handful of campaign templates
with a first name and a reply code, four modems. The indexes the migrations made are dropped
during the fill and rebuilt from their own SQL afterwards (faster than keeping them up to date
row by row, and the same indexes in the end). Nothing else is added: no ``ANALYZE``, as the
product runs none.

Then the panel's ``/history`` route is timed through Flask's test client (the whole request:
session check, filter parsing, the query of ``appliance.store.history``, the template of 50 rows),
logged in as an admin, warm (a few requests first), for each case below, with the query
string varied within a case (a different recipient, page or day each time) so no answer is
served from a cache the next one could reuse. ``p95`` is the figure the target applies to.

Cases: no filter (first page, deep pages with ``before=``), a recipient (first and deep
pages), a status (common, uncommon, rare), a text (common, a name, a code found in a handful
of messages, a code in none, a code on a deep page, a name in capitals), a text with a status
(a code and a common status, a common text or a name and a rare status), a date range (one
day, one week), and a recipient with a status. The text index (migration 0004) is built after
the fill, like the other indexes; its build time and its share of the file are printed.

    .venv/bin/python bench/history.py [--rows 1000000] [--requests 60] [--keep]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from figures import Figure, Report, percentile, summarise
from rig import read_config, scratch, write_config

from appliance.accounts import add_user
from appliance.clock import SystemClock
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.text_search import MESSAGE_TEXT_INDEX as TEXT_INDEX
from web import create_app
from web.sessions import login_id

TARGET_P95_MS = 100.0
RECIPIENTS = 5_000
BATCH = 100_000
SPAN = timedelta(days=365)
WARM_UP = 5
IMEIS = ("861234567890123", "861234567890131", "861234567890149", "861234567890156")
HASH = 2654435761  # Knuth's multiplicative hash: a well-spread, repeatable "random" per row

# Per 10 000 messages, by (hash % 10 000) range; the newest ``QUEUED_TAIL`` are still queued.
STATUS_SHARES = (
    ("delivered", 7_600),
    ("sent", 1_400),
    ("failed", 400),
    ("cancelled", 300),
    ("expired", 100),
    ("unknown", 20),
    ("delivered", 180),  # the rest
)
QUEUED_TAIL = 150
NAMES = (
    "Camille", "Louis", "Léa", "Gabriel", "Manon", "Hugo", "Chloé", "Arthur", "Inès", "Jules",
    "Jade", "Raphaël", "Louise", "Adam", "Emma", "Lucas", "Alice", "Nathan", "Zoé", "Mathis",
)  # fmt: skip
TEMPLATES = (
    "Bonjour {name}, collecte de sang demain 8h-12h à la salle des fêtes. Répondez OUI. Code {c}",
    "{name}, merci pour votre don ! Prochaine collecte dans 8 semaines. Code {c}",
    "Rappel : collecte ce jeudi de 15h à 19h30, mairie. STOP au 36180. Réf {c}",
    "Bonjour {name}, le créneau de 10h est décalé à 10h30. Merci de votre compréhension. {c}",
    "Votre rendez-vous de don est confirmé pour samedi 9h. À bientôt {name} ! Réf {c}",
    "Collecte exceptionnelle lundi : les réserves sont basses. Venez nombreux ! {c}",
)


def fill(database: Path, rows: int) -> dict[str, float]:
    """Write ``rows`` messages; returns the seconds spent inserting and indexing."""
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - SPAN
    step = SPAN.total_seconds() / rows
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")  # 256 MiB while filling
        indexes = [
            (name, sql)
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'message' AND sql IS NOT NULL"
            )
        ]
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        # The text index's triggers would index row by row: dropped too, and the index rebuilt
        # from the table at the end, as migration 0004 builds it on an existing database.
        triggers = list(
            connection.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'message'"
            )
        )
        for name, _ in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
        started = time.perf_counter()
        for low in range(1, rows + 1, BATCH):
            high = min(low + BATCH - 1, rows)
            connection.execute("BEGIN")
            connection.execute(
                _insert_sql(),
                {
                    "low": low,
                    "high": high,
                    "rows": rows,
                    "start": start.timestamp(),
                    "step": step,
                    "queued_from": rows - QUEUED_TAIL,
                },
            )
            connection.execute("COMMIT")
        inserted = time.perf_counter()
        for _, sql in indexes:
            connection.execute(sql)
        indexed = time.perf_counter()
        connection.execute("BEGIN")
        connection.execute(f"INSERT INTO {TEXT_INDEX}({TEXT_INDEX}) VALUES ('rebuild')")
        for _, sql in triggers:
            connection.execute(sql)
        connection.execute("COMMIT")
        text_indexed = time.perf_counter()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return {
        "insert_s": inserted - started,
        "index_s": indexed - inserted,
        "text_index_s": text_indexed - indexed,
    }


def _text_index_mb(database: Path) -> float:
    """The text index's share of the file: its shadow tables' pages (SQLite's dbstat)."""
    connection = sqlite3.connect(database)
    try:
        (size,) = connection.execute(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?", (f"{TEXT_INDEX}%",)
        ).fetchone()
    finally:
        connection.close()
    return size / 1e6


def _values(pairs: list[tuple[int, str]]) -> str:
    return ", ".join(f"({i}, '{text.replace(chr(39), chr(39) * 2)}')" for i, text in pairs)


def _insert_sql() -> str:
    """One batch: ids ``low``..``high``, every column derived from the id in SQL."""
    status_case = "CASE"
    bound = 0
    for status, share in STATUS_SHARES:
        bound += share
        status_case += f" WHEN h % 10000 < {bound} THEN '{status}'"
    status_case += " END"
    names = _values(list(enumerate(NAMES)))
    templates = _values(list(enumerate(TEMPLATES)))
    imeis = _values(list(enumerate(IMEIS)))
    moment = "datetime(:start + n * :step + {offset}, 'unixepoch') || '.000000'"
    return f"""
WITH RECURSIVE
  seq(n) AS (SELECT :low UNION ALL SELECT n + 1 FROM seq WHERE n < :high),
  names(i, name) AS (VALUES {names}),
  templates(i, body) AS (VALUES {templates}),
  imeis(i, imei) AS (VALUES {imeis}),
  drawn AS (
    SELECT n, (n * {HASH}) % 4294967296 AS h, ((n + 7) * {HASH}) % 4294967296 AS g
    FROM seq),
  shaped AS (
    SELECT n, h, g,
      CASE WHEN n > :queued_from THEN 'queued' ELSE {status_case} END AS status
    FROM drawn)
INSERT INTO message (
  id, recipient, text, status, priority, rank, parts, encoding, report, source, campaign_id,
  modem_imei, sim_iccid, node, attempts, parts_sent, part_refs, reason,
  created_at, due_at, expires_at, sending_at, sent_at, delivered_at, finished_at)
SELECT
  n,
  '+336' || printf('%08d', 10000000 + (g % {RECIPIENTS}) * 7919),
  replace(replace((SELECT body FROM templates WHERE i = h % {len(TEMPLATES)}),
                  '{{name}}', (SELECT name FROM names WHERE i = (g / 7) % {len(NAMES)})),
          '{{c}}', printf('%05d', (g / 131) % 100000)),
  status, 'normal', 1, 1, 'gsm7', 1,
  CASE h % 4 WHEN 0 THEN 'api' WHEN 1 THEN 'panel' WHEN 2 THEN 'campaign' ELSE 'cli' END,
  CASE WHEN h % 4 = 2 THEN n / 20000 END,
  CASE WHEN status != 'queued' THEN (SELECT imei FROM imeis WHERE i = n % {len(IMEIS)}) END,
  CASE WHEN status != 'queued' THEN '893301' || printf('%014d', n % {len(IMEIS)}) END,
  'bench',
  CASE WHEN status = 'queued' THEN 0 ELSE 1 END,
  CASE WHEN status IN ('sent', 'delivered') THEN 1 ELSE 0 END,
  CASE WHEN status IN ('sent', 'delivered') THEN CAST(n % 256 AS TEXT) ELSE '' END,
  CASE status WHEN 'failed' THEN 'the number does not exist (+CMS ERROR: 1)'
              WHEN 'unknown' THEN 'may or may not have left: no answer to AT+CMGS'
              WHEN 'expired' THEN 'not sent within its validity' END,
  {moment.format(offset=0)},
  {moment.format(offset=0)},
  {moment.format(offset=2 * 86400)},
  CASE WHEN status NOT IN ('queued', 'expired') THEN {moment.format(offset=1)} END,
  CASE WHEN status IN ('sent', 'delivered') THEN {moment.format(offset=6)} END,
  CASE WHEN status = 'delivered' THEN {moment.format(offset=16)} END,
  CASE WHEN status NOT IN ('queued', 'sent', 'unknown') THEN {moment.format(offset=16)} END
FROM shaped
"""


# --- the cases ---------------------------------------------------------------------------------


Query = Callable[[random.Random], dict[str, str]]


def recipient(rng: random.Random) -> str:
    return "+336" + f"{10000000 + rng.randrange(RECIPIENTS) * 7919:08d}"


def cases(rows: int, zone: ZoneInfo) -> list[tuple[str, Query]]:
    """(name, a query string drawn at random) for every case."""
    today = datetime.now(zone).date()

    def day(rng: random.Random, back: int = 360) -> str:
        return (today - timedelta(days=rng.randrange(1, back))).isoformat()

    def week(rng: random.Random) -> dict[str, str]:
        first = today - timedelta(days=rng.randrange(8, 360))
        return {"from": first.isoformat(), "until": (first + timedelta(days=6)).isoformat()}

    return [
        ("no filter, first page", lambda rng: {}),
        ("no filter, deep page (before=)", lambda rng: {"before": str(rng.randrange(rows))}),
        ("number", lambda rng: {"to": recipient(rng)}),
        (
            "number, deep page",
            lambda rng: {"to": recipient(rng), "before": str(rng.randrange(rows // 2, rows))},
        ),
        ("status delivered (76 %)", lambda rng: {"status": "delivered"}),
        ("status failed (4 %)", lambda rng: {"status": "failed"}),
        (
            "status failed, deep page",
            lambda rng: {"status": "failed", "before": str(rng.randrange(rows))},
        ),
        ("status unknown (0.2 %)", lambda rng: {"status": "unknown"}),
        ("text 'collecte' (common)", lambda rng: {"q": "collecte"}),
        ("text, a first name (5 %)", lambda rng: {"q": rng.choice(NAMES)}),
        ("text, a reference (~10 matches)", lambda rng: {"q": f"{rng.randrange(100000):05d}"}),
        ("text matching nothing", lambda rng: {"q": f"zz{rng.randrange(10**6)}"}),
        (
            "text, a reference, deep page",
            lambda rng: {"q": f"{rng.randrange(100000):05d}", "before": str(rng.randrange(rows))},
        ),
        ("text, a name in capitals", lambda rng: {"q": rng.choice(NAMES).upper()}),
        (
            "text, a reference + delivered",
            lambda rng: {"q": f"{rng.randrange(100000):05d}", "status": "delivered"},
        ),
        ("text 'collecte' + unknown", lambda rng: {"q": "collecte", "status": "unknown"}),
        ("text, a name + unknown", lambda rng: {"q": rng.choice(NAMES), "status": "unknown"}),
        ("date range, one day", lambda rng: {"from": (d := day(rng)), "until": d}),
        ("date range, one week", week),
        ("number + status delivered", lambda rng: {"to": recipient(rng), "status": "delivered"}),
    ]


def client_for(database_url: str, folder: Path) -> Any:
    """A test client of the real app on the database, logged in as an admin."""
    config = read_config(write_config(folder, []))
    engine = create_engine_for(database_url)
    store = Store(engine)
    app = create_app(config, store=store, clock=SystemClock())
    user = add_user(store, "bench", "bench-password-1", "admin", datetime.now(UTC))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id(user)  # logged in, as Flask-Login keeps it
    return client, config


def time_case(client: Any, query: Query, requests: int, seed: int) -> tuple[list[float], int]:
    """Seconds per request (after the warm-up), and how many rows the last page showed."""
    rng = random.Random(seed)
    times: list[float] = []
    shown = 0
    for number in range(requests + WARM_UP):
        path = "/history"
        args = query(rng)
        if args:
            path += "?" + urlencode(args)
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        if number >= WARM_UP:
            times.append(elapsed)
        shown = max(0, response.get_data().count(b"<tr>") - 1)  # the header row is one
    return times, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per case")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()

    report = Report("history", f"the panel's History page at {args.rows:,} messages (SQLite)")
    report.figures_in_text = False
    with scratch("history", keep=args.keep) as folder:
        url = f"sqlite:///{folder / 'smsrelay.db'}"
        engine = create_engine_for(url)
        migrate(engine)
        engine.dispose()
        filled = fill(folder / "smsrelay.db", args.rows)
        size_mb = (folder / "smsrelay.db").stat().st_size / 1e6
        text_mb = _text_index_mb(folder / "smsrelay.db")
        report.say(
            f"fill: {args.rows:,} rows inserted in {filled['insert_s']:.1f} s, indexes rebuilt "
            f"in {filled['index_s']:.1f} s, text index built in {filled['text_index_s']:.1f} s; "
            f"database {size_mb:.0f} MB, of which the text index {text_mb:.0f} MB"
        )
        client, config = client_for(url, folder)
        report.say(
            f"{args.requests} timed requests per case (after {WARM_UP} warm-up), Flask test "
            "client, whole request; ms"
        )
        report.say("")
        report.say(f"  {'case':<34} {'p50':>7} {'p95':>7} {'max':>7}  rows on the page")
        results = {}
        for index, (name, query) in enumerate(cases(args.rows, config.zone)):
            times, shown = time_case(client, query, args.requests, args.seed + index)
            p50, p95 = percentile(times, 50) * 1000, percentile(times, 95) * 1000
            spread = summarise(times)
            verdict = "" if p95 <= TARGET_P95_MS else "  over the target"
            report.say(
                f"  {name:<34} {p50:7.1f} {p95:7.1f} {spread.max * 1000:7.1f}  {shown}{verdict}"
            )
            report.add(Figure(f"p95, {name}", p95, "ms", TARGET_P95_MS))
            results[name] = {"p50_ms": p50, "p95_ms": p95, "max_ms": spread.max * 1000}
        worst = max(results.items(), key=lambda item: item[1]["p95_ms"])
        report.say("")
        report.say(
            f"worst p95: {worst[1]['p95_ms']:.1f} ms ({worst[0]}); target {TARGET_P95_MS} ms"
        )
        report.details.update(fill=filled, size_mb=size_mb, text_index_mb=text_mb, cases=results)
    report.emit(args.json)


if __name__ == "__main__":
    main()
