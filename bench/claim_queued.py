"""The dispatcher's claim with a million messages queued (issue 12): campaigns fill the queue.

A campaign of events queues far ahead: each donor's invitation a week before a collection and
a reminder the day before, for collections over the coming weeks. So the queue of an appliance
that runs campaigns holds many messages, most of them not due yet, and the claim (and the
dispatcher's next wake-up, ``NEXT_DUE``) must stay as cheap as with a short queue.

A fresh migrated database (SQLite in a scratch folder, or a database on a throwaway PostgreSQL
cluster with ``--postgres``, the tests' ``tests/pg.py``) gets ``--rows`` queued messages,
written by the store's own multi-row inserts (``campaign_writes``), in this mix (by a hash of
the row number, so the same every run):

- 0.3 % transactional, normal priority, from the API: two thirds due now, a third scheduled
  later today;
- the rest campaign traffic, low priority, kind campaign or reminder, valid two days; a donor
  gets five messages (of any kind above), so now and then the cap per person (checked again at
  each claim) holds one, as it would:
  - about 27 % due now (a campaign spread over the last six hours),
  - about 73 % due from an hour to 60 days ahead (events' invitations and reminders);
  - one in twenty asks for a SIM group, half the modem's, half another one;
  - one in twenty belongs to a paused campaign (``PAUSED_RANK``: queued, never claimed).

Then, on one modem of the group "orange" (claims as ``Store.claim`` makes them, each claimed
message marked sent at once, as the worker does, so it leaves the queue):

1. inside quiet hours, while transactional messages are due (they may go at night);
2. inside quiet hours when only campaign traffic is due: the claim finds nothing;
3. outside quiet hours: campaign traffic goes;
4. ``NEXT_DUE``, the dispatcher's next wake-up (``Store.next_due``).

    .venv/bin/python bench/claim_queued.py [--rows 1000000] [--claims 3000] [--postgres]
        [--explain] [--json]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from figures import Figure, Report, percentile, summarise
from rig import scratch

from appliance.store import Claim, Store
from appliance.store.campaign_writes import MESSAGE_COLUMNS, statements_for
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import PAUSED_RANK

TARGET_MS = 2.0
NOW = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
IMEI, ICCID, GROUP = "861234010000018", "8933010000000000018", "orange"
GROUPS = (GROUP, "free")
HASH = 2654435761  # Knuth's multiplicative hash: a well-spread, repeatable "random" per row
TRANSACTIONAL, DUE_NOW = 30, 2_700  # per 10,000 rows: transactional below 30, due now below 2,700
VALIDITY = timedelta(days=2)
AHEAD = timedelta(days=60)
CHUNK = 50_000  # rows a transaction while filling


@dataclass
class Mix:
    """What the fill wrote, by kind of row."""

    transactional_due: int = 0
    transactional_later: int = 0
    campaign_due: int = 0
    campaign_ahead: int = 0
    want_group: int = 0
    paused: int = 0

    @property
    def total(self) -> int:
        return sum(
            (self.transactional_due, self.transactional_later, self.campaign_due,
             self.campaign_ahead)
        )  # fmt: skip


def message_rows(count: int, now: datetime, mix: Mix, when: Callable) -> Iterator[tuple]:
    """``count`` queued messages, tuples in ``MESSAGE_COLUMNS`` order (times bound by ``when``)."""
    created = when(now - timedelta(hours=6))
    for index in range(count):
        spread = index * HASH % 10_000
        donor = index // 5  # five rows in a row, due at times far apart (the hash)
        recipient = f"+336{donor:08d}"
        group = None
        if spread < TRANSACTIONAL:
            due = now - timedelta(minutes=spread) if spread < 20 else now + timedelta(hours=spread)
            if spread < 20:
                mix.transactional_due += 1
            else:
                mix.transactional_later += 1
            text = f"Votre code de connexion : {index % 1_000_000:06d}"
            values = ("normal", 1, "api", "transactional", None, None)
        else:
            if spread < DUE_NOW:
                due = now - timedelta(seconds=(spread - TRANSACTIONAL) * 8)
                mix.campaign_due += 1
            else:
                due = now + timedelta(hours=1) + AHEAD * (spread - DUE_NOW) / (10_000 - DUE_NOW)
                mix.campaign_ahead += 1
            if spread % 20 == 7:
                group = GROUPS[index // 20 % 2]
                mix.want_group += 1
            rank = 2
            if spread % 20 == 11:
                rank = PAUSED_RANK
                mix.paused += 1
            kind = "reminder" if index % 2 else "campaign"
            text = f"Bonjour Élodie{donor}, collecte samedi à Dole de 8h à 12h. STOP au 36111"
            values = ("low", rank, "campaign", kind, donor + 1, 1 + index % 40)
        priority, rank, source, kind, contact_id, campaign_id = values
        yield (
            recipient, text, "queued", priority, rank, 1, "gsm7", True, source, kind, False,
            contact_id, campaign_id, group, 0, 0, "", created, when(due), when(due + VALIDITY),
        )  # fmt: skip


def fill(store: Store, count: int, now: datetime) -> Mix:
    """Write ``count`` queued messages, ``CHUNK`` a transaction, by the expansion's inserts."""
    engine = store.engine
    writes = statements_for(engine.dialect)
    mix = Mix()
    rows = message_rows(count, now, mix, writes.when)
    assert len(MESSAGE_COLUMNS) == 20
    while True:
        chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not chunk:
            break
        with engine.begin() as connection:
            writes.insert_messages(connection, chunk)
    if engine.dialect.name == "postgresql":  # what autovacuum does within a minute of the fill
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE message")
    return mix


@dataclass
class Measured:
    """Seconds per call by case, on the wall clock and in this process's CPU time (which the
    other jobs of a shared machine do not stretch); how many claims found a message."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)

    def timed(self, case: str, call: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        self.cpu.setdefault(case, []).append(time.process_time() - cpu)
        self.samples.setdefault(case, []).append(time.perf_counter() - wall)
        return result


def _claim(quiet: bool) -> Claim:
    return Claim(imei=IMEI, iccid=ICCID, group=GROUP, node="bench", max_parts=10, quiet=quiet,
                 avoid_own_retries=False)  # fmt: skip


def measure(store: Store, claims: int, now: datetime) -> Measured:
    """Time the claims (each found message marked sent) and ``next_due``, case by case."""
    store.upsert_modem(IMEI, state="ready", reason="ready")
    store.upsert_sim(ICCID, modem_imei=IMEI, sim_group=GROUP)
    measured = Measured()
    day, month = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m")

    def run(case: str, claim: Claim, times: int, stop_when_empty: bool) -> None:
        measured.claimed[case] = 0
        for index in range(times):
            message = measured.timed(case, lambda: store.claim(claim, now))
            if message is None:
                if stop_when_empty:  # the empty claim is the next case's
                    measured.samples[case].pop()
                    measured.cpu[case].pop()
                    return
                continue
            assert message.id is not None
            measured.claimed[case] += 1
            store.mark_sent(message.id, [index % 256], message.parts, ICCID, now, day, month,
                            imei=IMEI, recipient=message.recipient)  # fmt: skip

    run("claim, quiet hours, transactional due", _claim(True), claims, stop_when_empty=True)
    run("claim, quiet hours, nothing it may send", _claim(True), max(claims // 100, 5), False)
    run("claim, outside quiet hours", _claim(False), claims, stop_when_empty=False)
    for _ in range(max(claims // 10, 5)):
        measured.timed("next_due (NEXT_DUE)", lambda: store.next_due(now))
    return measured


def explain(store: Store) -> list[str]:
    """The plans of the claim (both quiet cases) and of ``NEXT_DUE``, as the database words them.

    The statements are run as the store runs them; on its way to the driver each one is also
    run prefixed with ``EXPLAIN`` (so the plan is the one for the very SQL and values bound).
    """
    from sqlalchemy import event

    from appliance.store import statements

    engine = store.engine
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    values = {"b_now": NOW, "b_imei": IMEI, "b_group": GROUP, "b_max_parts": 10}
    cases = {"claim": statements.CLAIM[False, False], "claim, quiet": statements.CLAIM[True, False],
             "NEXT_DUE": (statements.NEXT_DUE,)}  # fmt: skip
    lines: list[str] = []

    def plan(connection, cursor, sql, parameters, context, executemany) -> None:
        explaining = connection.connection.cursor()
        explaining.execute(prefix + sql, parameters)
        lines.extend("    " + " ".join(str(v) for v in row) for row in explaining.fetchall())
        explaining.close()

    with engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", plan)
        for name, run in cases.items():
            lines.append(f"{name}:")
            for statement in run:  # a claim tries its statements in turn
                connection.execute(statement, values).fetchall()
        connection.rollback()
    return lines


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """The URL of a fresh, empty database: a scratch SQLite file or a throwaway cluster's."""
    if not postgres:
        with scratch("claim") as folder:
            yield f"sqlite:///{folder / 'smsrelay.db'}"
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pg import fresh_database, postgresql_bin, running_cluster

    bin_folder = postgresql_bin()
    if bin_folder is None:
        raise SystemExit("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    with running_cluster(bin_folder) as server, fresh_database(server) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="messages queued")
    parser.add_argument("--claims", type=int, default=3_000, help="claims timed per case")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite (WAL)"
    report = Report("claim_queued", f"the claim with {args.rows:,} messages queued, {backend}")
    with database(args.postgres) as url:
        engine = create_engine_for(url)
        try:
            migrate(engine)
            store = Store(engine)
            started = time.perf_counter()
            mix = fill(store, args.rows, NOW)
            filled = time.perf_counter() - started
            plans = explain(store) if args.explain else []
            measured = measure(store, args.claims, NOW)
        finally:
            engine.dispose()
    report.say(
        f"filled in {filled:.1f} s: {mix.total:,} queued; transactional {mix.transactional_due:,} "
        f"due and {mix.transactional_later:,} later; campaign {mix.campaign_due:,} due and "
        f"{mix.campaign_ahead:,} ahead ({mix.want_group:,} asking for a SIM group, "
        f"{mix.paused:,} paused)"
    )
    for case, samples in measured.samples.items():
        spread, cpu = summarise(samples), measured.cpu[case]
        p95, p99 = percentile(samples, 95) * 1000, spread.p99 * 1000
        found = f", {measured.claimed[case]} found" if case in measured.claimed else ""
        report.say(
            f"{case}: median {spread.median * 1000:.3f} ms, p95 {p95:.3f}, p99 {p99:.3f}, "
            f"max {spread.max * 1000:.3f} (n={spread.count}{found}); CPU time median "
            f"{percentile(cpu, 50) * 1000:.3f} ms, p95 {percentile(cpu, 95) * 1000:.3f}, "
            f"p99 {percentile(cpu, 99) * 1000:.3f}"
        )
        report.add(Figure(f"{case}, median", spread.median * 1000, "ms", TARGET_MS))
        report.add(Figure(f"{case}, p95", p95, "ms", TARGET_MS))
    for line in plans:
        report.say(line)
    report.emit(args.json)


if __name__ == "__main__":
    main()
