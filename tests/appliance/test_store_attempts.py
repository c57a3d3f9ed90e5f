"""Send attempts and a message's detail in the store (issue 16), on SQLite and PostgreSQL.

An attempt begins with the claim (committed with it, before AT+CMGS) and ends with the outcome:
sent with the TP-MRs, refused with the +CMS code and words, unknown after a crash, returned
unsent. The detail reads it back with the reports and the conversation around the message;
``appliance.message_detail`` turns it into the API's and the page's shape.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from appliance import message_detail
from appliance.store import Claim
from appliance.store.attempt_schema import MessageAttempt, Outcome
from appliance.store.message_detail import AROUND
from appliance.store.schema import MAX_ID
from tests.appliance.conftest import enqueue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NUMBER = "+33612345678"
DAY, MONTH = "2026-11-23", "2026-11"


def _claim(store, imei: str, now=NOW, iccid: str = "8933000000000000001"):
    claim = Claim(imei=imei, iccid=iccid, group=None, node="pi-entrance", max_parts=10,
                  quiet=False, avoid_own_retries=False)  # fmt: skip
    return store.claim(claim, now)


def test_a_refusal_then_a_send_are_two_attempts(any_store, config):
    store = any_store
    message = enqueue(store, config, NUMBER, "rappel", now=NOW)
    first = _claim(store, "111111111111111")
    assert store.message_detail(message.id).attempts[0].outcome == Outcome.SENDING
    store.end_attempt(first.id, Outcome.REFUSED, NOW, reason="the network is out of order",
                      cms_code=38, imei="111111111111111", event="message.error",
                      detail="+CMS ERROR 38: the network is out of order")  # fmt: skip
    store.mark_retry(first.id, "the network is out of order (+CMS ERROR 38); retrying", NOW)
    later = NOW + timedelta(seconds=5)
    second = _claim(store, "222222222222222", later, iccid="8933000000000000002")
    store.mark_sent(second.id, [17], 1, second.sim_iccid, later, DAY, MONTH,
                    imei="222222222222222", recipient=NUMBER)  # fmt: skip
    found = store.message_detail(message.id)
    assert [(a.number, a.modem_imei, a.sim_iccid, a.outcome, a.cms_code, a.part_refs)
            for a in found.attempts] == [
        (1, "111111111111111", "8933000000000000001", Outcome.REFUSED, 38, ""),
        (2, "222222222222222", "8933000000000000002", Outcome.SENT, None, "17"),
    ]  # fmt: skip
    assert found.attempts[0].ended_at == NOW and found.attempts[1].started_at == later
    assert found.attempts[0].reason == "the network is out of order"
    assert [a.node for a in found.attempts] == ["pi-entrance"] * 2


def test_resumed_parts_are_each_sent_by_their_attempt(any_store, config):
    store = any_store
    message = enqueue(store, config, NUMBER, "x" * 400, now=NOW)  # 3 parts
    assert message.parts == 3
    claimed = _claim(store, "111111111111111")
    store.mark_progress(claimed.id, [40], claimed.sim_iccid, NOW, DAY, MONTH)
    store.end_attempt(claimed.id, Outcome.REFUSED, NOW, reason="no network service",
                      cms_code=331, refs=[40])  # fmt: skip
    store.mark_retry(claimed.id, "no network service; retrying", NOW)
    again = _claim(store, "111111111111111", NOW + timedelta(seconds=1))
    assert again.parts_sent == 1
    store.mark_sent(again.id, [41, 42], 3, again.sim_iccid, NOW, DAY, MONTH)
    store.add_report(imei="111111111111111", part_ref=41, recipient=NUMBER, status=0x20,
                     delivered=False, final=False, reason="still trying", discharged_at=None,
                     now=NOW + timedelta(seconds=2))  # fmt: skip
    store.add_report(imei="111111111111111", part_ref=41, recipient=NUMBER, status=0,
                     delivered=True, final=True, reason="delivered", discharged_at=NOW,
                     now=NOW + timedelta(seconds=3))  # fmt: skip
    store.add_report(imei="111111111111111", part_ref=42, recipient=NUMBER, status=0x41,
                     delivered=False, final=True, reason="incompatible destination",
                     discharged_at=NOW, now=NOW + timedelta(seconds=4))  # fmt: skip
    shown = message_detail.detail(store.message_detail(message.id))
    assert [(p["number"], p["reference"], p["attempt"]) for p in shown["parts"]] == [
        (1, 40, 1), (2, 41, 2), (3, 42, 2),
    ]  # fmt: skip
    assert [[r["state"] for r in p["reports"]] for p in shown["parts"]] == [
        [], ["pending", "delivered"], ["failed"],
    ]  # fmt: skip
    assert [(a["first_part"], a["references"]) for a in shown["attempts"]] == [
        (1, [40]), (2, [41, 42]),
    ]  # fmt: skip
    assert shown["concat_ref"] == message.id % 256


def test_a_crash_during_the_send_leaves_an_unknown_attempt(any_store, config):
    store = any_store
    message = enqueue(store, config, NUMBER, "pendant la coupure", now=NOW)
    _claim(store, "111111111111111")
    assert store.recover("pi-entrance", False, NOW + timedelta(minutes=1)) == [message.id]
    (attempt,) = store.message_detail(message.id).attempts
    assert attempt.outcome == Outcome.UNKNOWN and "may or may not have left" in attempt.reason


def test_an_attempt_handed_back_unsent_is_returned(any_store, config):
    store = any_store
    message = enqueue(store, config, NUMBER, "pas prete", now=NOW)
    _claim(store, "111111111111111")
    store.end_attempt(message.id, Outcome.RETURNED, NOW, reason="the modem was not ready")
    store.mark_retry(message.id, "the modem was not ready; queued again", NOW)
    (attempt,) = store.message_detail(message.id).attempts
    assert attempt.outcome == Outcome.RETURNED and attempt.cms_code is None


def test_an_attempt_left_open_by_an_older_daemon_shows_as_unknown(any_store, config):
    store = any_store
    message = enqueue(store, config, NUMBER, "ancien", now=NOW)
    _claim(store, "111111111111111")
    store.mark_unknown(message.id, "may or may not have left", NOW)  # no end recorded
    found = store.message_detail(message.id)
    assert message_detail.detail(found)["attempts"][0]["result"] == "unknown"


def test_the_conversation_around_a_message_is_a_window_in_time_order(any_store, config):
    store = any_store
    ids = []
    for i in range(2 * AROUND + 5):
        at = NOW + timedelta(minutes=i)
        ids.append(enqueue(store, config, NUMBER, f"sent {i}", now=at).id)
        store.add_inbound_part(imei="111111111111111", iccid=None, sender=NUMBER,
                               text=f"reply {i}", sent_at=at, now=at, concat=None)  # fmt: skip
    enqueue(store, config, "+33698765432", "someone else", now=NOW)
    middle = ids[AROUND + 2]
    found = store.message_detail(middle)
    texts = [(n.sent or n.received).text for n in (*found.earlier, *found.later)]
    # each side: the AROUND nearest, oldest first; a reply at the same second comes after
    assert texts[:AROUND] == [t for i in range(7, 12) for t in (f"sent {i}", f"reply {i}")]
    after = [f"reply {AROUND + 2}"]
    after += [t for i in range(AROUND + 3, AROUND + 8) for t in (f"sent {i}", f"reply {i}")]
    assert texts[AROUND:] == after[:AROUND]
    assert found.more_earlier and found.more_later
    assert store.message_detail(ids[0]).more_earlier is False


@pytest.mark.parametrize("message_id", [0, -1, MAX_ID, MAX_ID + 1, 10**30])
def test_no_message_is_none(any_store, message_id):
    assert any_store.message_detail(message_id) is None


def test_retention_takes_a_message_s_attempts_with_it(store, config):
    message = enqueue(store, config, NUMBER, "vieux", now=NOW)
    claimed = _claim(store, "111111111111111")
    store.mark_sent(claimed.id, [3], 1, claimed.sim_iccid, NOW, DAY, MONTH)
    store.prune_older({"messages": timedelta(days=30)}, NOW + timedelta(days=31))
    assert store.message_detail(message.id) is None
    with store.reading() as session:
        assert session.exec(select(MessageAttempt)).all() == []
