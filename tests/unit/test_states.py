"""The state tables: complete, consistent, and read as the design says."""

import itertools

import pytest

from appliance.states import (
    FINAL_STATUSES,
    MESSAGE_MOVES,
    IllegalMove,
    ModemState,
    Status,
    check_move,
    may_move,
    sources_of,
)


def test_every_status_has_a_row():
    assert set(MESSAGE_MOVES) == set(Status)


def test_the_happy_path_of_the_design():
    path = [Status.QUEUED, Status.SENDING, Status.SENT, Status.DELIVERED]
    for before, after in itertools.pairwise(path):
        check_move(before, after)


def test_final_statuses_leave_only_on_an_operators_request():
    for status in FINAL_STATUSES:
        assert set(MESSAGE_MOVES[status]) <= {Status.QUEUED, Status.DELIVERED}


def test_a_message_is_never_sent_without_being_claimed():
    assert sources_of(Status.SENT) == {Status.SENDING}
    assert not may_move(Status.QUEUED, Status.SENT)


def test_an_illegal_move_is_named_in_words():
    with pytest.raises(IllegalMove, match="a delivered message cannot become queued"):
        check_move("delivered", "queued")


def test_modem_states_are_the_status_json_contract():
    assert [s.value for s in ModemState] == [
        "absent",
        "probing",
        "sim-locked",
        "no-sim",
        "searching",
        "ready",
        "busy",
        "resetting",
        "failed",
    ]
