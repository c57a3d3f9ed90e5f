"""``kill -9`` of ``smsrelay serve`` again and again, at random moments, on modems that fail
(issue 14): every message is sent once, failed with a reason, or unknown.

The approach of tests/appliance/test_crash.py (a real process, killed for real; the simulated
modems in this process outlive it and their air logs are the truth), repeated at random moments
(``runs.py``): while the daemon starts and recovers, in a claim, in the middle of a PDU, while
a modem waits for the network. The modems refuse 10 % of the parts with ``+CMS ERROR`` (38 or
500, transient: retried, perhaps on another modem) and put 5 % on air without ever answering
(the daemon's send times out: ``unknown``, not sent again). The daemon runs with its waits
scaled to the simulators' pace (``site/sitecustomize.py``), as the in-process tests run it.

The short form (2 kills, 100 messages) runs in ``make test``; ``make chaos`` runs 20 kills
during 500 messages on 4 modems.
"""

from __future__ import annotations

from collections import Counter

import pytest

from appliance.store.schema import Status
from tests.chaos.runs import (
    NO_ANSWER,
    Chaos,
    broken_promises,
    figures,
    run_with_interruptions,
    summary,
)
from tests.chaos.serving import Serve
from tests.conftest import TIME_SCALE

MODEMS = 4
SEND_DELAY = 3.0  # simulated seconds per part (30 ms here)
FAULTS = {"fail_rate": 0.10, "unanswered_rate": 0.05, "unanswered_for": 100.0}

KILLS = Chaos(
    url=lambda database: f"sqlite:///{database}",
    serve=lambda config, log: Serve(config, log, fast=True),
)


@pytest.mark.parametrize(
    ("kills", "total"),
    [
        pytest.param(2, 100, id="short"),
        pytest.param(20, 500, id="full", marks=[pytest.mark.chaos, pytest.mark.timeout(900)]),
    ],
)
def test_kill_9_loop_on_failing_modems(tmp_path, fleet_factory, kills, total):
    fleet = fleet_factory(MODEMS, send_delay=SEND_DELAY, **FAULTS)
    outcome = run_with_interruptions(
        tmp_path, fleet, KILLS, interruptions=kills, total=total, seed=kills * 1000 + total + 9,
        interval=SEND_DELAY * TIME_SCALE,
    )  # fmt: skip
    print(figures(outcome, kills, "kill -9"))
    broken = broken_promises(outcome, total)
    assert not any(broken.values()), summary(broken)
    statuses = Counter(m.status for m in outcome.messages)
    assert set(statuses) <= {Status.SENT, Status.DELIVERED, Status.FAILED, Status.UNKNOWN}
    unanswered = [m for m in outcome.messages if (m.reason or "").startswith(NO_ANSWER)]
    assert unanswered, "some sends were never answered: unknown, not sent again"
    assert all(m.status == Status.UNKNOWN for m in unanswered)
    assert any(m.attempts > 1 for m in outcome.messages), "refused parts were tried again"
