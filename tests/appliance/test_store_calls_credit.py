"""Missed calls and SIM credit in the store (issue 13), on SQLite and on a throwaway PostgreSQL:
a call and its ``call.missed`` event in one transaction, pages newest first, the desk's
handled mark; a credit query asked for, recorded, and ``sim.low_credit`` logged only when the
SIM goes below its threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from appliance.store.schema import Event

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
IMEI, ICCID = "356938035643809", "8933150319000000001"


def events(store, kind: str) -> list[Event]:
    with store.reading() as session:
        return list(session.exec(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_a_missed_call_is_kept_with_its_event_and_paged_newest_first(any_store):
    ids = [
        any_store.add_missed_call(
            caller=caller, imei=IMEI, iccid=ICCID, rang_at=NOW + timedelta(minutes=n), hung_up=True
        )
        for n, caller in enumerate(["+33612345678", None, "+33698765432"])
    ]
    page = any_store.missed_calls(limit=2)
    assert [call.id for call in page.rows] == [ids[2], ids[1]] and page.older == ids[1]
    assert [call.caller for call in any_store.missed_calls(before=page.older).rows] == [
        "+33612345678"
    ]
    logged = events(any_store, "call.missed")
    assert [(e.message_id, e.number, e.detail) for e in logged] == [
        (ids[0], "+33612345678", "from +33612345678"),
        (ids[1], None, "from a withheld number"),
        (ids[2], "+33698765432", "from +33698765432"),
    ]
    assert logged[0].modem_imei == IMEI and logged[0].at == NOW


def test_the_desk_sees_each_call_once(any_store):
    first = any_store.add_missed_call(
        caller="+33612345678", imei=IMEI, iccid=None, rang_at=NOW, hung_up=False
    )
    second = any_store.add_missed_call(
        caller=None, imei=IMEI, iccid=None, rang_at=NOW, hung_up=False
    )
    assert [call.id for call in any_store.unhandled_calls()] == [first, second]
    any_store.mark_call_handled(first, "reply")
    assert [call.id for call in any_store.unhandled_calls()] == [second]


def _with_sim(store) -> None:
    store.upsert_sim(ICCID, modem_imei=IMEI)
    store.upsert_modem(IMEI, iccid=ICCID)


def test_a_credit_query_asked_for_is_cleared_by_its_answer(any_store):
    _with_sim(any_store)
    assert any_store.ask_credit("999999999999999", NOW) is None  # no such modem
    assert any_store.ask_credit(IMEI, NOW) == ICCID
    assert any_store.credit_requests() == [ICCID]
    assert not any_store.record_credit(
        ICCID, NOW, imei=IMEI, answer="Solde 12,50 EUR", amount=12.5, currency="EUR", low=False
    )
    assert any_store.credit_requests() == []
    credit = any_store.credits()[ICCID]
    assert (credit.amount, credit.currency, credit.checked_at, credit.low) == (
        12.5, "EUR", NOW, False
    )  # fmt: skip


def test_low_credit_fires_once_when_it_goes_low_and_a_failure_keeps_the_last_answer(any_store):
    _with_sim(any_store)
    later = NOW + timedelta(hours=6)
    assert any_store.record_credit(ICCID, NOW, imei=IMEI, answer="3,20 EUR", amount=3.2,
                                   currency="EUR", low=True)  # fmt: skip
    assert not any_store.record_credit(ICCID, later, imei=IMEI, answer="3,10 EUR", amount=3.1,
                                       currency="EUR", low=True)  # fmt: skip
    assert [e.detail for e in events(any_store, "sim.low_credit")] == [
        f"SIM {ICCID}: credit 3.2 EUR"
    ]
    assert not any_store.record_credit(ICCID, later, imei=IMEI, error="USSD timed out")
    credit = any_store.credits()[ICCID]
    assert (credit.amount, credit.checked_at, credit.error, credit.low) == (
        3.1, later, "USSD timed out", True
    )  # fmt: skip
    any_store.record_credit(ICCID, later, imei=IMEI, answer="20 EUR", amount=20.0, currency="EUR",
                            low=False)  # fmt: skip
    assert any_store.record_credit(ICCID, later, imei=IMEI, answer="1 EUR", amount=1.0,
                                   currency="EUR", low=True)  # fmt: skip
    assert len(events(any_store, "sim.low_credit")) == 2  # low again after a top-up


def test_a_number_s_missed_calls_are_in_its_access_record_erased_with_it_and_pruned(any_store):
    number = "+33612345678"
    any_store.add_missed_call(caller=number, imei=IMEI, iccid=ICCID, rang_at=NOW, hung_up=True)
    any_store.add_missed_call(caller=None, imei=IMEI, iccid=ICCID, rang_at=NOW, hung_up=True)
    record = any_store.number_record(number)
    assert record.found and [call.caller for call in record.calls] == [number]
    assert [e.kind for e in record.events] == ["call.missed"]
    erased = any_store.erase_contact(number, now=NOW)
    assert erased is not None and (erased.calls, erased.events) == (1, 1)
    assert not any_store.number_record(number).found
    assert [call.caller for call in any_store.missed_calls().rows] == [None]
    pruned = any_store.prune_older({"inbound": timedelta(days=1)}, NOW + timedelta(days=2))
    assert pruned.calls == 1 and any_store.missed_calls().rows == ()
