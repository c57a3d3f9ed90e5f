"""bench/claim_queued.py at 2,000 rows, on SQLite and PostgreSQL: the fill writes the mix it
says, the claims take what the dispatcher may take in each case, and ``NEXT_DUE`` (one seek
per rank since issue 12's benchmark) is still the earliest future due time of a rank the
dispatcher takes. So the script cannot rot, and the statements it drove to 2 ms stay right."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from appliance.store.schema import PAUSED_RANK, Status

BENCH = Path(__file__).resolve().parents[2] / "bench"
ROWS, CLAIMS = 2_000, 60


@pytest.fixture
def claim_queued(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # the scripts import figures and rig as top level
    import claim_queued

    return claim_queued


def test_the_bench_fills_its_mix_and_times_each_case(claim_queued, any_store):
    now = claim_queued.NOW
    mix = claim_queued.fill(any_store, ROWS, now)
    assert mix.total == ROWS == any_store.counts()[Status.QUEUED]
    assert mix.transactional_due and mix.transactional_later and mix.want_group and mix.paused
    assert mix.campaign_due > CLAIMS and mix.campaign_ahead > mix.campaign_due

    measured = claim_queued.measure(any_store, CLAIMS, now)

    assert measured.claimed == {
        "claim, quiet hours, transactional due": mix.transactional_due,  # every one, only them
        "claim, quiet hours, nothing it may send": 0,
        "claim, outside quiet hours": CLAIMS,
    }
    assert all(len(samples) >= 5 for samples in measured.samples.values())
    sent = any_store.messages(status=Status.SENT, limit=ROWS)
    assert len(sent) == mix.transactional_due + CLAIMS
    assert all(m.rank != PAUSED_RANK and m.due_at <= now for m in sent)
    assert all(m.want_group in (None, claim_queued.GROUP) for m in sent)
    assert sum(m.source == "campaign" for m in sent) == CLAIMS


def test_next_due_is_the_earliest_future_due_time_of_a_rank_the_dispatcher_takes(
    claim_queued, any_store
):
    now = claim_queued.NOW
    claim_queued.fill(any_store, ROWS, now)
    rows = list(claim_queued.message_rows(ROWS, now, claim_queued.Mix(), lambda when: when))
    rank, due = (claim_queued.MESSAGE_COLUMNS.index(name) for name in ("rank", "due_at"))
    taken = sorted(row[due] for row in rows if row[due] > now and row[rank] != PAUSED_RANK)
    paused = sorted(row[due] for row in rows if row[due] > now and row[rank] == PAUSED_RANK)
    assert any_store.next_due(now) == taken[0]
    # just before a paused message: it must not wake anyone, the next one it takes does
    at = next(when for when in paused if when not in taken) - timedelta(microseconds=1)
    after = min(when for when in taken if when > at)
    assert after > at + timedelta(microseconds=1)
    assert any_store.next_due(at) == after
    assert any_store.next_due(taken[-1]) is None


def test_the_quiet_claim_reads_what_quiet_hours_let_go_from_its_own_index(claim_queued, store):
    """Inside quiet hours the claim's lower ranks search ``ix_message_quiet`` (the queued
    messages that are no campaign traffic), so finding nothing no longer reads the campaign
    traffic that waits; the partial index is used only if the query repeats its condition."""
    claim_queued.fill(store, ROWS, claim_queued.NOW)
    plans = "\n".join(claim_queued.explain(store))
    quiet = plans.split("claim, quiet:")[1].split("NEXT_DUE:")[0]
    assert "ix_message_dispatch" in quiet and "ix_message_quiet" in quiet, plans


def test_the_migration_builds_the_index_on_the_condition_the_claim_repeats():
    """The migration writes the condition out (it must not change with the code); today's
    code must still say the same words, or SQLite would stop using the index."""
    from importlib import import_module

    from appliance.store.schema import QUIET_SENDABLE

    migration = import_module("appliance.store.migrations.versions.0012_quiet_claim_index")
    assert migration.SENDABLE_QUIETLY == QUIET_SENDABLE
