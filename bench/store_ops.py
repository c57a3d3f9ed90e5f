"""What each store operation of the send path costs, alone on one thread.

Between two sends of a busy modem the daemon runs ``claim`` (take the next message, mark it
``sending``), ``mark_sent`` (the message, the SIM's counters, the modem's row and the event log,
in one transaction) and, about once per message, ``add_report`` (a delivery report). This times
each on a scratch SQLite database (WAL, as the product opens it), one call after another on one
thread: no lock waits, only our code, SQLAlchemy's and SQLite's. ``sim_counts`` is the read the
dispatcher makes when a worker has not yet had its counters back from a ``mark_sent``.

    .venv/bin/python bench/store_ops.py [--messages 1000] [--queued 2000]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from figures import Figure, Report, summarise
from rig import scratch

from appliance.store import Claim, NewMessage, Store
from appliance.store.engine import create_engine_for, migrate

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000, help="claimed and sent, timed")
    parser.add_argument("--queued", type=int, default=2000, help="queued before the run")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = Report("store_ops", "the send path's store operations, one thread, SQLite (WAL)")
    with scratch("store-ops") as folder:
        engine = create_engine_for(f"sqlite:///{folder / 'smsrelay.db'}")
        migrate(engine)
        store = Store(engine)
        store.upsert_modem("861234010000018", state="ready", reason="ready")
        store.upsert_sim("8933010000000000018", modem_imei="861234010000018")
        for index in range(max(args.queued, args.messages)):
            new = NewMessage(
                recipient="+33612345678", text=f"Rappel {index}", parts=1, encoding="gsm7"
            )
            store.enqueue(new, NOW)
        claim = Claim(
            imei="861234010000018",
            iccid="8933010000000000018",
            group=None,
            node="bench",
            max_parts=10,
            quiet=False,
            avoid_own_retries=False,
        )
        times: dict[str, list[float]] = {"claim": [], "mark_sent": [], "add_report": []}
        times["sim_counts"] = []
        for index in range(args.messages):
            started = time.perf_counter()
            store.sim_counts(claim.iccid or "")
            read = time.perf_counter()
            message = store.claim(claim, NOW)
            claimed = time.perf_counter()
            assert message is not None and message.id is not None
            store.mark_sent(
                message.id, [index % 256], 1, claim.iccid, NOW, "2026-11-23", "2026-11",
                imei=claim.imei, recipient=message.recipient,
            )  # fmt: skip
            done = time.perf_counter()
            times["sim_counts"].append(read - started)
            times["claim"].append(claimed - read)
            times["mark_sent"].append(done - claimed)
        for index in range(args.messages):
            started = time.perf_counter()
            store.add_report(
                imei=claim.imei, part_ref=index % 256, recipient=None, status=0, delivered=True,
                final=True, reason="delivered", discharged_at=NOW, now=NOW,
            )  # fmt: skip
            times["add_report"].append(time.perf_counter() - started)
        engine.dispose()
    for name, samples in times.items():
        spread = summarise(samples)
        report.say(f"{name:11s} {spread.line('ms', 1000, 2)}")
        report.add(Figure(f"{name} median", spread.median * 1000, "ms"))
    report.figures_in_text = False
    report.emit(args.json)


if __name__ == "__main__":
    main()
