"""The rules of consent where messages enter and leave the queue (appliance.store.consent), on
SQLite and on a throwaway PostgreSQL: STOP refuses and cancels, the cap per person holds (when
queued and again when taken), transactional messages are not counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from appliance.store import Claim, ConsentRules, NewMessage, NotOptedIn, OptedOut
from appliance.store.consent import cap_free_at, held_reason
from appliance.store.schema import MessageKind, Priority, Status

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
NUMBER = "+33611111111"
RULES = ConsentRules(cap_messages=2, cap_period=timedelta(days=30))


def _new(kind=MessageKind.TRANSACTIONAL, *, to=NUMBER, strict=False, due=None) -> NewMessage:
    return NewMessage(
        recipient=to, text="Collecte demain", parts=1, encoding="gsm7",
        priority=Priority.NORMAL, kind=kind, strict=strict, due_at=due,
    )  # fmt: skip


def _claim(store, now):
    claim = Claim(imei="356938035643809", iccid=None, group=None, node="n", max_parts=10,
                  quiet=False, avoid_own_retries=False, consent=RULES)  # fmt: skip
    return store.claim(claim, now)


def _opted_in(store, number=NUMBER):
    store.opt_in(number, now=NOW - timedelta(days=90), source="import", proof="file line 2")


def _count(store) -> int:
    with store.reader.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM message")).scalar()


def test_stop_refuses_every_kind_and_writes_nothing(any_store):
    any_store.opt_out(NUMBER, now=NOW, how="sms STOP")
    for kind in MessageKind:
        with pytest.raises(OptedOut, match=r"\+33611111111 opted out on 2026-12-02 \(sms STOP\)"):
            any_store.enqueue(_new(kind), NOW, RULES)
    with pytest.raises(OptedOut):  # one refused number: none of the batch is queued
        any_store.enqueue_all([_new(to="+33622222222"), _new()], NOW, RULES)
    assert _count(any_store) == 0


def test_a_strictly_transactional_message_passes_stop_only_when_allowed(any_store):
    any_store.opt_out(NUMBER, now=NOW, how="sms STOP")
    with pytest.raises(OptedOut):
        any_store.enqueue(_new(strict=True), NOW, RULES)
    allowed = ConsentRules(strict_after_stop=True)
    with pytest.raises(OptedOut):  # the mark is needed too
        any_store.enqueue(_new(), NOW, allowed)
    message = any_store.enqueue(_new(strict=True), NOW, allowed)
    assert message.status == Status.QUEUED and message.contact_id is not None


def test_stop_cancels_what_is_queued_and_is_logged_with_the_number(any_store):
    _opted_in(any_store)
    queued = any_store.enqueue(_new(MessageKind.CAMPAIGN, due=NOW + timedelta(days=2)), NOW, RULES)
    other = any_store.enqueue(_new(to="+33622222222"), NOW, RULES)
    assert any_store.opt_out(NUMBER, now=NOW, how="sms STOP")
    assert any_store.get(queued.id).status == Status.CANCELLED
    assert any_store.get(queued.id).reason == "cancelled: opted out (sms STOP)"
    assert any_store.get(other.id).status == Status.QUEUED
    assert not any_store.opt_out(NUMBER, now=NOW, how="sms STOP")  # the first time is kept
    with any_store.reader.connect() as connection:
        events = connection.execute(
            text("SELECT kind, detail FROM event WHERE number = :n AND kind = 'contact.opted_out'"),
            {"n": NUMBER},
        ).all()
    assert [tuple(e) for e in events] == [
        ("contact.opted_out", "sms STOP; 1 queued message(s) cancelled")
    ]
    any_store.opt_in(NUMBER, now=NOW, source="sms", proof="inbound message 7", tag="Don")
    assert any_store.enqueue(_new(MessageKind.CAMPAIGN), NOW, RULES).status == Status.QUEUED


def test_the_third_capped_message_in_the_period_is_held_with_its_reason(any_store):
    _opted_in(any_store)
    first = any_store.enqueue(_new(MessageKind.CAMPAIGN), NOW, RULES)
    any_store.enqueue(_new(MessageKind.REMINDER, due=NOW + timedelta(days=3)), NOW, RULES)
    for kind in (MessageKind.TRANSACTIONAL, MessageKind.CORRECTION):  # never counted, never held
        assert any_store.enqueue(_new(kind), NOW, RULES).due_at == NOW
    third = any_store.enqueue(_new(MessageKind.REPLY), NOW, RULES)
    assert third.status == Status.QUEUED
    assert third.due_at == first.due_at + timedelta(days=30)
    assert third.reason == (
        "held: +33611111111 reached the cap of 2 messages in 30 days; may go from "
        "2027-01-01 09:00 UTC"
    )
    unlimited = ConsentRules(cap_messages=None)
    assert any_store.enqueue(_new(MessageKind.CAMPAIGN), NOW, unlimited).due_at == NOW


def test_the_cap_is_checked_again_when_the_message_is_taken(any_store):
    # two capped messages queued the same minute by paths that did not see each other
    _opted_in(any_store)
    rules_off = ConsentRules(cap_messages=None)
    for n in range(3):
        any_store.enqueue(_new(MessageKind.CAMPAIGN), NOW + timedelta(seconds=n), rules_off)
    later = NOW + timedelta(minutes=1)
    taken = []
    for _ in range(3):
        message = _claim(any_store, later)
        if message is None:
            break
        any_store.mark_sent(message.id, [1], 1, None, later, "2026-12-02", "2026-12")
        taken.append(message.id)
    assert len(taken) == 2  # the third is held, not sent
    held = [m for m in any_store.messages() if m.id not in taken]
    assert len(held) == 1 and held[0].status == Status.QUEUED
    assert held[0].due_at == later + timedelta(days=30)
    assert held[0].reason.startswith("held: +33611111111 reached the cap of 2 messages")
    assert _claim(any_store, later + timedelta(days=30)) is not None  # then it goes


def test_cap_free_at():
    times = [NOW - timedelta(days=29), NOW - timedelta(days=1)]
    assert cap_free_at(times, NOW, RULES) == NOW + timedelta(days=1)
    assert cap_free_at(times[1:], NOW, RULES) is None
    assert cap_free_at(times, NOW + timedelta(days=2), RULES) is None


def test_campaign_traffic_goes_only_to_opted_in_contacts(any_store):
    for kind in (MessageKind.CAMPAIGN, MessageKind.REMINDER):
        with pytest.raises(NotOptedIn, match=r"\+33611111111 is not an opted-in contact"):
            any_store.enqueue(_new(kind), NOW, RULES)
    for kind in (MessageKind.TRANSACTIONAL, MessageKind.REPLY, MessageKind.CORRECTION):
        assert any_store.enqueue(_new(kind), NOW, RULES).contact_id is None  # anyone
    _opted_in(any_store)
    assert any_store.enqueue(_new(MessageKind.CAMPAIGN), NOW, RULES).contact_id is not None


def test_a_held_message_says_when_in_the_appliances_time_zone():
    paris = ConsentRules(timezone="Europe/Paris")
    assert held_reason(NUMBER, datetime(2027, 1, 1, 9, 0, tzinfo=UTC), paris).endswith(
        "may go from 2027-01-01 10:00 CET"
    )
    assert held_reason(NUMBER, datetime(2027, 7, 1, 9, 0, tzinfo=UTC), paris).endswith(
        "may go from 2027-07-01 11:00 CEST"
    )
