"""The soak of ``bench/soak.py`` (issue 14): ``smsrelay serve`` on 8 simulated modems with
outbound and inbound traffic and a fault every 5 simulated minutes (unplug, hang, SIM pulled,
network lost); its RSS, threads, open files and WAL sampled every 30 simulated seconds must stay
flat (``soak.problems``: the bounds of ``soak.BOUNDS`` and ``soak.WAL_BOUND_MB``), and every
message is sent once, failed with a reason, or unknown.

Short form (2 simulated minutes, the harness and the promises; too short to judge growth) in
``make test``; ``make chaos``: one simulated hour at a time scale of 0.05 (3 minutes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def soak(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import soak

    return soak


@pytest.mark.parametrize(
    ("minutes", "scale", "judge_growth"),
    [
        pytest.param(2.0, 0.01, False, id="short"),
        pytest.param(
            60.0, 0.05, True, id="full", marks=[pytest.mark.chaos, pytest.mark.timeout(900)]
        ),
    ],
)
def test_a_soak_stays_flat_and_keeps_the_promises(tmp_path, soak, minutes, scale, judge_growth):
    outcome = soak.run_soak(
        tmp_path, minutes=minutes, scale=scale, modems=8, outbound=1800, inbound=480
    )
    print(f"soak of {minutes:g} simulated minutes in {outcome.seconds:.0f} s:", outcome.statuses,
          dict(outcome.faults), f"{outcome.stored_in}/{outcome.delivered_in} SMS in")  # fmt: skip
    print(soak.table(outcome))
    assert outcome.queued >= minutes * 30 * 0.9 and outcome.samples
    found = soak.problems(outcome)
    if not judge_growth:  # two minutes say nothing of growth: the promises and the WAL only
        found = [p for p in found if not any(p.startswith(n) for n in soak.BOUNDS)]
    assert not found, found
