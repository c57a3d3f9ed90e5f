"""``appliance.status``: a modem and the queue explained in plain words, without Flask.

A modem here is the dict of ``views.status`` (what ``smsrelay status --json`` prints); times
stand still at ``NOW`` and are read in Paris, an hour ahead of UTC in November.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from appliance.states import ModemState, Status
from appliance.status import (
    DOING,
    SEND_ONLY,
    STALE_AFTER,
    WHY_NOT_READY,
    can_send,
    capability_words,
    doing,
    explain_modem,
    explain_queue,
    plain_time,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def modem(**values) -> dict:
    row = {
        "imei": "356938035643809",
        "state": "ready",
        "reason": "ready",
        "sent_today": 0,
        "daily_limit": 200,
        "node": "here",
        "seen_at": (NOW - timedelta(seconds=20)).isoformat(),
    }
    return {**row, **values}


def test_every_state_has_words_for_what_it_does_and_every_other_than_sending_why_not():
    assert set(DOING) == set(ModemState)
    assert set(WHY_NOT_READY) == set(ModemState) - {ModemState.READY, ModemState.BUSY}


def test_a_ready_modem_under_its_cap_has_nothing_to_explain():
    assert explain_modem(modem(), NOW) is None
    assert can_send(modem(), NOW)
    # as the panel has it: a busy modem's reason (the message it sends) is shown as its "why"
    assert explain_modem(modem(state="busy", reason="sending message 3"), NOW) == (
        "Sending message 3"
    )
    assert can_send(modem(state="busy", reason="sending message 3"), NOW) is False


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"state": "sim-locked", "reason": "the SIM says SIM PIN"}, "The SIM says SIM PIN"),
        (
            {"state": "searching", "reason": None},
            "The modem is not registered on a network yet (no coverage, or SIM refused).",
        ),
        ({"state": "absent", "reason": None}, "The modem is unplugged or does not answer."),
        ({"state": "absent", "reason": "ready"}, "The modem is unplugged or does not answer."),
        ({"state": "flying", "reason": None}, "The modem is flying."),
        (
            {"sent_today": 200},
            "Its daily cap is reached (200 of 200 parts today): it sends again after midnight.",
        ),
    ],
)
def test_a_modem_that_cannot_send_says_why(values, why):
    assert explain_modem(modem(**values), NOW) == why


def test_a_modem_not_heard_from_says_so_first_in_local_time():
    stale = modem(state="sim-locked", seen_at=NOW - STALE_AFTER - timedelta(minutes=7))
    why = explain_modem(stale, NOW, node="here", zone=PARIS)
    assert why == (
        "Not heard from since 10:50: is `smsrelay serve` running? What follows may be out of date."
    )
    elsewhere = explain_modem(modem(seen_at=(NOW - timedelta(hours=1)).isoformat()), NOW)
    assert "running on node here?" in elsewhere  # no node given: the modem's is named


def test_an_absent_modem_is_not_stale_and_no_cap_means_no_limit():
    old = (NOW - timedelta(days=3)).isoformat()
    assert explain_modem(modem(state="absent", reason=None, seen_at=old), NOW).startswith("The")
    assert explain_modem(modem(daily_limit=None, sent_today=10_000), NOW) is None


def test_what_a_modem_does_names_the_message_it_sends():
    assert doing("searching") == "looking for a network"
    assert doing("flying") == "flying"
    message = SimpleNamespace(id=12, recipient="+33612345678", parts=1)
    assert doing("busy", message) == "sending message #12 to +33612345678"
    message.parts = 3
    assert doing("busy", message) == "sending message #12 to +33612345678, 3 parts"


@pytest.mark.parametrize(
    ("modems", "queued", "why"),
    [
        ([], 0, "No modem seen yet. Is `smsrelay serve` running, and is a modem plugged in?"),
        (
            [],
            1,
            "No modem seen yet. Is `smsrelay serve` running, and is a modem plugged in? "
            "1 message waits.",
        ),
        ([modem()], 5, None),
        (
            [modem(state="busy", reason="sending message 3")],
            5,
            "5 messages wait and no modem can send now: see the reasons below.",
        ),
        ([modem(state="no-sim", reason=None)], 0, None),
        (
            [modem(state="no-sim", reason=None), modem(sent_today=200)],
            2,
            "2 messages wait and no modem can send now: see the reasons below.",
        ),
        ([modem(state="no-sim", reason=None), modem()], 2, None),
    ],
)
def test_a_queue_that_does_not_move_says_why(modems, queued, why):
    counts = {Status.QUEUED.value: queued, "sent": 4}
    assert explain_queue(counts, modems, NOW) == why


def test_times_read_as_people_read_them_here():
    assert plain_time(None, NOW) == "—"
    assert plain_time(NOW - timedelta(hours=1), NOW, PARIS) == "10:00"
    assert plain_time(datetime(2026, 3, 1, 8, 5, tzinfo=UTC), NOW, PARIS) == "01 Mar 09:05"
    assert plain_time(datetime(2025, 3, 1, 8, 5, tzinfo=UTC), NOW, PARIS) == "01 Mar 2025 09:05"


def test_a_ready_modem_whose_sim_pauses_after_errors_says_so():
    paused = modem(reason="SIM …5678 (Orange F) pauses 40 s after 3 network errors in a row")
    assert explain_modem(paused, NOW) == paused["reason"]
    assert not can_send(paused, NOW)


def test_a_send_only_modem_says_so_in_the_driver_s_words_and_still_sends():
    from modem.device import SEND_ONLY as DRIVER_WORDS

    assert SEND_ONLY == DRIVER_WORDS == "can send; cannot report received SMS"
    phone = modem(receives=False)
    assert capability_words(phone) == SEND_ONLY
    assert can_send(phone, NOW) and explain_modem(phone, NOW) is None
    assert capability_words(modem(receives=True)) is None
    assert capability_words(modem()) is None  # a row from before the column: it receives
