"""Each bad input of the catalogue gets its documented answer, and nothing half-written; and
``docs/bad-input.md`` is the table's rendering (``BADINPUT_WRITE=1`` rewrites it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.badinput.cases import CASES
from tests.badinput.catalogue import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-input.md"


def test_the_table_is_a_catalogue():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CASES) >= 40
    assert {case.area for case in CASES} == {"cli", "api", "panel", "csv", "config", "modem"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.area}-{case.name}")
def test_bad_input(case, rig):
    before = rig.counts() if case.checks_store else None
    seen = case.run(rig)
    assert "Traceback" not in seen.message and "HTTP 5" not in seen.outcome
    assert seen == case.expect
    if before is not None:
        after = rig.counts()
        gained = {table: after[table] - before[table] for table in after}
        assert {t: n for t, n in gained.items() if n} == dict(case.written)


def test_the_catalogue_is_current():
    wanted = render(CASES)
    if os.environ.get("BADINPUT_WRITE"):
        DOC.write_text(wanted + "\n", encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == wanted + "\n", (
        "docs/bad-input.md is stale: BADINPUT_WRITE=1 .venv/bin/python -m pytest tests/badinput"
    )
