"""``appliance.intake``: one text for several numbers, all or nothing, without Flask."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from appliance.config import load_config
from appliance.intake import MAX_RECIPIENTS, split_numbers, take_in

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path):
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path), "TZ": "UTC"})
    return dataclasses.replace(base, auto_discovery=False)


def test_numbers_split_on_commas_semicolons_and_lines_but_not_spaces():
    typed = "06 12 34 56 78, +33698765432;\n\n 0611111111 ,;"
    assert split_numbers(typed) == ["06 12 34 56 78", "+33698765432", "0611111111"]
    assert split_numbers(" , \n") == []


def test_one_message_per_number_and_one_per_person(config):
    result = take_in(config, numbers="0612345678\n+33612345678, 0698765432", text="Hi", now=NOW)
    assert result.ok and result.field_errors == {} and result.number_errors == ()
    assert [m.recipient for m in result.prepared] == ["+33612345678", "+33698765432"]
    assert {m.source for m in result.prepared} == {"panel"}
    assert all(m.due_at is None for m in result.prepared)


def test_a_bad_number_is_named_and_nothing_is_to_be_queued(config):
    result = take_in(config, numbers="0612345678, 12, banana", text="Hi", now=NOW)
    assert not result.ok
    assert [number for number, _ in result.number_errors] == ["12", "banana"]
    assert result.field_errors["to"] == "cannot send to 12, banana; nothing was queued"


@pytest.mark.parametrize(
    ("kwargs", "field", "why"),
    [
        ({"numbers": " , "}, "to", "enter at least one number"),
        ({"text": ""}, "text", "is empty"),
        ({"later": True, "send_at": "  "}, "send_at", "choose when to send it"),
        ({"later": True, "send_at": "2026-11-22T08:00"}, "send_at", "is in the past"),
        ({"priority": "urgent"}, "priority", "is not one of high, normal, low"),
        (
            {"numbers": ",".join(["0612345678"] * (MAX_RECIPIENTS + 1))},
            "to",
            f"{MAX_RECIPIENTS + 1} numbers: at most {MAX_RECIPIENTS} at once",
        ),
    ],
)
def test_other_errors_are_named_by_field(config, kwargs, field, why):
    result = take_in(config, **{"numbers": "0612345678", "text": "Hi", "now": NOW, **kwargs})
    assert not result.ok
    assert why in result.field_errors[field]


def test_a_send_time_applies_only_when_sending_later(config):
    later = take_in(
        config, numbers="0612345678", text="Hi", now=NOW, later=True, send_at="2026-11-24T08:00"
    )
    assert later.ok and later.prepared[0].due_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    now = take_in(config, numbers="0612345678", text="Hi", now=NOW, send_at="2026-11-24T08:00")
    assert now.ok and now.prepared[0].due_at is None


def test_an_empty_priority_is_normal(config):
    result = take_in(config, numbers="0612345678", text="Hi", now=NOW, priority="")
    assert result.ok and result.prepared[0].priority == "normal"
