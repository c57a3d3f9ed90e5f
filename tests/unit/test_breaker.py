"""Who a failed send blames, and how the per-SIM breaker widens and closes (issue 9)."""

import pytest

from appliance.breaker import Blame, SimBreaker, blame, kind, sim_label, streak_needed
from modem.codes import cme_error, cms_error
from modem.errors import CommandError, InvalidNumber, SimNotInserted


@pytest.mark.parametrize(
    ("error", "culprit"),
    [
        (cms_error("38"), Blame.SIM),  # network out of order: another SIM may well send it
        (cms_error("500"), Blame.SIM),
        (cms_error("331"), Blame.SIM),  # no network service
        (cms_error("8"), Blame.SIM),  # this SIM is barred, not the message
        (cms_error("50"), Blame.SIM),  # SMS not in this SIM's subscription
        (cms_error("27"), Blame.DESTINATION),  # destination out of order
        (cms_error("1"), Blame.MESSAGE),  # unallocated number
        (cms_error("96"), Blame.MESSAGE),  # invalid mandatory information
        (cme_error("14"), Blame.SIM),  # SIM busy
        (SimNotInserted("no SIM"), Blame.SIM),
        (CommandError("AT+CMGS=23"), Blame.SIM),
        (InvalidNumber("letters"), Blame.MESSAGE),
    ],
)
def test_blame(error, culprit):
    assert blame(error) is culprit


@pytest.mark.parametrize(
    ("error", "word"),
    [
        (cms_error("38"), "network"),
        (cms_error("500"), "network"),
        (cms_error("314"), "SIM"),
        (cms_error("300"), "modem"),
        (cme_error("14"), "SIM"),
        (cme_error("30"), "network"),
        (CommandError("AT+CMGS=23"), "modem"),
    ],
)
def test_kind_of_error_in_words(error, word):
    assert kind(error) == word


def test_two_errors_in_a_row_are_bad_luck_the_third_pauses_one_cycle_then_doubles():
    # beside SIMs that see no errors (or before anyone knows the rate): the third error pauses
    breaker = SimBreaker(threshold=3, max_pause=600)
    breaker.observe(4.0)  # sends take 4 s; paced every 10 s: a cycle is 10 s
    pauses = [breaker.failure("network", interval=10.0) for _ in range(8)]
    assert pauses == [0, 0, 10, 20, 40, 80, 160, 320]
    assert breaker.open
    assert breaker.failure("network", interval=10.0) == 600  # capped
    breaker.success()
    assert not breaker.open and breaker.streak == 0
    assert breaker.failure("network", interval=10.0) == 0


def test_the_cycle_is_the_send_time_when_sends_take_longer_than_the_pacing():
    breaker = SimBreaker()
    breaker.observe(0.5)
    assert breaker.cycle(interval=0.0001) == 0.5
    breaker.observe(1.5)  # a moving average, not the last one alone
    assert 0.5 < breaker.cycle(interval=0.0001) < 1.5


def test_the_reason_says_which_sim_how_long_and_why():
    breaker = SimBreaker()
    for _ in range(3):
        pause = breaker.failure("network", interval=40.0)
    label = sim_label("8933150319112345678", "Orange F")
    assert breaker.words(label, pause) == (
        "SIM …5678 (Orange F) pauses 40 s after 3 network errors in a row"
    )
    breaker.failure("SIM", interval=40.0)
    assert breaker.words("the SIM", 80.0) == "the SIM pauses 80 s after 4 errors in a row"
    assert sim_label(None, None) == "the SIM"
    named = sim_label("8933150319112345678", "Orange F", "Orange 2")
    assert breaker.words(named, 40.0) == "SIM Orange 2 pauses 40 s after 4 errors in a row"


@pytest.mark.parametrize(
    ("rate", "needed"),
    [
        (None, 3),  # nobody has sent enough to say: the configured threshold
        (0.0, 3),  # the other SIMs never fail: three in a row is a fault
        (0.05, 3),
        (0.1, 4),  # three in a row is exactly 1 in 1000: not rarer
        (0.2, 5),  # issue 9's 20 %: 3 in a row is 1 in 125 sends, 5 in a row 1 in 3125
        (0.3, 6),
        (1.0, 6),  # every SIM failing: still a pause after six
    ],
)
def test_a_streak_counts_as_a_fault_once_chance_makes_it_rarer_than_one_in_a_thousand(rate, needed):
    assert streak_needed(rate, least=3) == needed


def test_where_one_send_in_five_fails_anyway_the_breaker_opens_at_five_in_a_row():
    """Issue 9's scenario: three refusals in a row happen once in 125 sends by chance, and a
    pause then only costs a send slot; the bad-SIM case (the others at 0 %) still opens at 3."""
    breaker = SimBreaker(threshold=3)
    breaker.observe(0.5)
    pauses = [breaker.failure("network", interval=0.0, chance=0.2) for _ in range(6)]
    assert pauses == [0, 0, 0, 0, 0.5, 1.0]
    breaker.success()
    # the threshold is fixed when a streak begins: what chance was then, not after it
    assert breaker.failure("network", interval=0.0, chance=0.0) == 0
    assert breaker.failure("network", interval=0.0, chance=0.9) == 0
    assert breaker.failure("network", interval=0.0, chance=0.9) == 0.5


def test_the_refusal_rate_starts_at_one_in_ten_and_follows_the_last_sends():
    breaker = SimBreaker()
    assert breaker.rate == pytest.approx(0.1)  # nothing sent: the prior
    assert streak_needed(breaker.rate, least=3) == 4  # so a start-up streak needs four
    for index in range(40):
        (breaker.failure("network", 0.0) if index % 5 == 0 else breaker.success())
    assert breaker.tally() == (8, 40)
    assert breaker.rate == pytest.approx(9 / 50)
    for _ in range(64):
        breaker.success()
    assert breaker.tally() == (0, 64)  # the last 64 sends only
    assert streak_needed(breaker.rate, least=3) == 3
