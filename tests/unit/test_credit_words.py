"""A SIM's credit in words, as the panel's card and ``smsrelay status`` say it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from appliance.status import credit_words

NOW = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def credit(**values):
    base = {"amount": None, "currency": None, "answer": None, "checked_at": None, "low": False,
            "error": None, "asked_at": None}  # fmt: skip
    return {**base, **values}


def test_the_amount_its_time_and_the_low_mark():
    read = credit(amount=3.2, currency="GBP", checked_at="2026-12-08T09:02:00+00:00", low=True)
    assert credit_words(read, NOW, PARIS) == "3.20 GBP, low (10:02)"
    assert credit_words(None, NOW, PARIS) is None


def test_an_answer_not_read_a_failure_and_a_request_waiting():
    unread = credit(answer="Offre 2 Go", checked_at="2026-12-07T09:02:00+00:00",
                    error="the network did not answer *123# in time",
                    asked_at="2026-12-08T09:29:00+00:00")  # fmt: skip
    assert credit_words(unread, NOW, PARIS) == (
        "answer not read: 'Offre 2 Go' (07 Dec 10:02); last query failed: the network did not "
        "answer *123# in time; asked at 10:29, waiting for the modem"
    )
