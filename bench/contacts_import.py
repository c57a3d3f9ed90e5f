"""Importing a large contacts file (issue 11): reading the CSV, then writing it to the store.

A spreadsheet export as a French organisation makes one: cp1252, semicolons, national numbers
with spaces (``06 12 34 56 78``), a first and last name, two themes and three free columns (a
date, a number, a text). The file is made in memory, read by ``appliance.contacts.csvfile``
(encoding, delimiter, headers, every number through phonenumbers, typed fields, duplicates), then
written by ``Store.upsert_contacts`` into a fresh SQLite database in a scratch folder, in one
transaction: once all new, once again with every row unchanged. The issue's target is the whole
import of 100,000 contacts in 20 s or less.

    .venv/bin/python bench/contacts_import.py [--contacts 100000] [--json]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from figures import Figure, Report
from rig import scratch

from appliance.contacts.csvfile import read_csv
from appliance.contacts.importing import values_of
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

HEADER = "Nom;Prénom;Téléphone;Thème;Date de naissance;Dons;Ville"


def make_file(count: int) -> bytes:
    """``count`` distinct contacts as a French spreadsheet exports them (cp1252, ``;``)."""
    lines = [HEADER]
    for index in range(count):
        digits = f"{index:08d}"
        number = f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"
        themes = "Don du sang, Plaquettes" if index % 2 else "Bénévoles"
        born = f"{1 + index % 28:02d}/{1 + index % 12:02d}/19{60 + index % 40}"
        lines.append(f"Élodie{index};Dupré;{number};{themes};{born};{index % 30};Besançon")
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    report = Report("contacts_import", f"{args.contacts:,} contacts from a cp1252 ';' file")
    data = make_file(args.contacts)
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    with scratch("contacts") as folder:
        engine = create_engine_for(f"sqlite:///{folder / 'smsrelay.db'}")
        migrate(engine)
        store = Store(engine)
        started, cpu = time.perf_counter(), time.process_time()
        result = read_csv(data, region="FR")
        read_s, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        if result.errors or len(result.rows) != args.contacts:
            raise RuntimeError(f"{len(result.rows)} rows, errors {result.errors[:3]}")
        values = values_of(result.rows)
        started, cpu = time.perf_counter(), time.process_time()
        first = store.upsert_contacts(
            values, now=now, source="import", proof_of=lambda v: f"bench line {v.line}"
        )
        write_s, write_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = store.upsert_contacts(
            values, now=now, source="import", proof_of=lambda v: f"bench line {v.line}"
        )
        again_s = time.perf_counter() - started
        engine.dispose()
    report.say(f"file: {len(data) / 1e6:.1f} MB, encoding {result.encoding}, '{result.delimiter}'")
    report.say(f"read and checked: {read_s:.2f} s; written: {write_s:.2f} s ({first})")
    # on a machine shared with other jobs the wall time stretches; the CPU time much less
    report.say(f"CPU time of this process: read {read_cpu:.2f} s, written {write_cpu:.2f} s")
    report.say(f"the same file again: {again_s:.2f} s ({again})")
    report.add(Figure("import, read + write, all new", read_s + write_s, "s", 20.0))
    report.add(Figure("read and check the CSV", read_s, "s"))
    report.add(Figure("write to the store, all new", write_s, "s"))
    report.add(Figure("write to the store, unchanged", again_s, "s"))
    report.emit(args.json)


if __name__ == "__main__":
    main()
