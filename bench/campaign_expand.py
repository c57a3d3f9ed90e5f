"""Expanding a large campaign (issue 12): 100,000 recipients rendered and queued.

A fresh SQLite database in a scratch folder gets ``--contacts`` opted-in contacts (a first name,
a tag, a free field "Ville"; one in fifty without it, so the template skips them with the
reason), written by ``Store.upsert_contacts``. A campaign to the tag, with the text
"Bonjour {first_name}, collecte samedi à {fields.ville} de 8h à 12h. STOP au 36111", is then
expanded by ``Store.expand`` as ``smsrelay campaign start`` does: audience read, each text
rendered in the sandbox and counted, cap checked, messages and recipient rows written, 2,000
contacts a transaction. The issue's target: 100,000 recipients expanded and queued in 10 s or
less. The same expansion again (idempotence: nothing is queued twice) is timed too.

    .venv/bin/python bench/campaign_expand.py [--contacts 100000] [--json]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from figures import Figure, Report
from rig import scratch

from appliance.campaigns.previews import renderer
from appliance.campaigns.templates import Template
from appliance.store import MAIN_STEP, ConsentRules, Store
from appliance.store.contacts import ContactValues
from appliance.store.engine import create_engine_for, migrate

TEXT = "Bonjour {first_name}, collecte samedi à {fields.ville} de 8h à 12h. STOP au 36111"
TOWNS = ("Besançon", "Dole", "Lons-le-Saunier", "Vesoul")


def contacts(count: int) -> list[ContactValues]:
    rows = []
    for index in range(count):
        fields = {} if index % 50 == 49 else {"Ville": TOWNS[index % len(TOWNS)]}
        number, name = f"+336{index:08d}", f"Élodie{index}"
        rows.append(ContactValues(number, name, "Dupré", tags=("Don du sang",), fields=fields,
                                  line=index + 2))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = Report("campaign_expand", f"a campaign to {args.contacts:,} opted-in contacts")
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    rules = ConsentRules(cap_messages=2, cap_period=timedelta(days=30))
    with scratch("campaign") as folder:
        engine = create_engine_for(f"sqlite:///{folder / 'smsrelay.db'}")
        migrate(engine)
        store = Store(engine)
        imported = now - timedelta(days=1)
        store.upsert_contacts(contacts(args.contacts), now=imported, source="import",
                              proof_of=lambda v: f"bench line {v.line}")  # fmt: skip
        made = store.create_campaign("bench", TEXT, now=now, tags=["Don du sang"])
        render = renderer(Template(TEXT))
        started, cpu = time.perf_counter(), time.process_time()
        done = store.expand(made.id, MAIN_STEP, now, render, rules, validity=timedelta(days=2))
        expand_s, expand_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = store.expand(made.id, MAIN_STEP, now, render, rules, validity=timedelta(days=2))
        again_s = time.perf_counter() - started
        stats = store.campaign_stats(made.id)
        engine.dispose()
    if again.queued or stats.targeted != args.contacts:
        raise RuntimeError(f"not idempotent: {again}, {stats}")
    report.say(f"queued {done.queued:,}, skipped {done.skipped} (targeted {stats.targeted:,})")
    report.say(
        f"expanded and queued: {expand_s:.2f} s (CPU time of this process {expand_cpu:.2f} s)"
    )
    report.say(f"the same expansion again: {again_s:.2f} s, {again.queued} queued")
    report.add(Figure("expand and queue, all recipients", expand_s, "s", 10.0))
    report.add(Figure("expand again (nothing to do)", again_s, "s"))
    report.emit(args.json)


if __name__ == "__main__":
    main()
