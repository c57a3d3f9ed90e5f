"""A claim made ahead of a modem's next send, handed over just before its AT+CMGS (issues 9, 14
and 15), on SQLite and PostgreSQL.

A claim ahead is ``sending`` without ``sending_at`` until the worker hands it over: before that
it never left, so a crash (``recover``) or a dead node's sweep queues it again as it was, while
what was handed over ends ``unknown``. Its lease is the node's like any claim, and a claim given
back (released, or queued again for a retry) carries none.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from appliance.store import Claim, NewMessage
from appliance.store.attempt_schema import MessageAttempt
from appliance.store.schema import Status

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def _queue(store, n: int) -> list[int]:
    news = [NewMessage(recipient=f"+3361234567{i}", text=f"m{i}", parts=1, encoding="gsm7")
            for i in range(n)]  # fmt: skip
    return [m.id for m in store.enqueue_all(news, NOW)]


def _claim(store, node: str = "pi-a", imei: str = "1", *, ahead: bool, now: datetime = NOW):
    claim = Claim(imei=imei, iccid="ICC1", group=None, node=node, max_parts=10, quiet=False,
                  avoid_own_retries=False, lease_until=now + LEASE, ahead=ahead)  # fmt: skip
    return store.claim(claim, now)


def _attempts(store, message_id: int) -> list[str]:
    with store.reading() as session:
        rows = session.exec(
            select(MessageAttempt.outcome).where(MessageAttempt.message_id == message_id)
        ).all()
    return list(rows)


def test_a_claim_ahead_is_sending_without_sending_at_until_its_hand_over(any_store):
    on_air, ahead = _queue(any_store, 2)
    assert _claim(any_store, ahead=False).sending_at == NOW
    claimed = _claim(any_store, ahead=True)
    assert claimed.id == ahead and claimed.sending_at is None
    row = any_store.get(ahead)
    assert row.status == Status.SENDING and row.sending_at is None
    assert row.lease_until == NOW + LEASE and row.attempts == 1
    assert any_store.sending_by_modem() == {"1": on_air}, "the card names the one on the air"
    later = NOW + timedelta(milliseconds=500)
    assert not any_store.hand_over(ahead, "2", "pi-a", later), "another modem's claim"
    assert not any_store.hand_over(ahead, "1", "pi-b", later), "another node's claim"
    assert any_store.hand_over(ahead, "1", "pi-a", later)
    assert any_store.get(ahead).sending_at == later
    assert not any_store.hand_over(ahead, "1", "pi-a", later), "handed over once"


def test_after_a_crash_the_claim_ahead_goes_back_and_the_one_handed_over_is_unknown(any_store):
    on_air, ahead = _queue(any_store, 2)
    _claim(any_store, ahead=False)
    _claim(any_store, ahead=True)
    assert any_store.recover("pi-a", False, NOW + timedelta(seconds=5)) == [on_air]
    assert any_store.get(on_air).status == Status.UNKNOWN
    assert _attempts(any_store, on_air) == ["unknown"]
    back = any_store.get(ahead)
    assert back.status == Status.QUEUED and back.attempts == 0, "its attempt not counted"
    assert (back.modem_imei, back.sending_at, back.lease_until) == (None, None, None)
    assert _attempts(any_store, ahead) == [], "no attempt was made"
    # and it may not be handed over by the modem that claimed it any more
    assert not any_store.hand_over(ahead, "1", "pi-a", NOW + timedelta(seconds=6))


def test_a_dead_nodes_claim_ahead_goes_back_to_the_queue_and_its_send_on_air_is_unknown(
    any_store,
):
    on_air, ahead = _queue(any_store, 2)
    _claim(any_store, ahead=False)
    _claim(any_store, ahead=True)
    passed = NOW + LEASE + timedelta(seconds=1)
    assert any_store.settle_expired_claims(passed) == [(on_air, "pi-a")]
    assert any_store.get(on_air).status == Status.UNKNOWN
    back = any_store.get(ahead)
    assert back.status == Status.QUEUED and back.attempts == 0 and back.lease_until is None
    assert _attempts(any_store, ahead) == []
    # another node takes it ahead of its own send; the first node, alive after all, may not
    # hand it over: it is not its claim any more
    taken = _claim(any_store, "pi-b", "2", ahead=True, now=passed)
    assert taken.id == ahead and taken.attempts == 1
    assert not any_store.hand_over(ahead, "1", "pi-a", passed)
    assert any_store.hand_over(ahead, "2", "pi-b", passed)


def test_a_claim_given_back_or_queued_again_carries_no_lease(any_store):
    released, retried = _queue(any_store, 2)
    _claim(any_store, ahead=True)
    _claim(any_store, ahead=False)
    any_store.release([released])
    any_store.mark_retry(retried, "retrying at once on another modem", NOW)
    for message_id in (released, retried):
        row = any_store.get(message_id)
        assert row.status == Status.QUEUED and row.lease_until is None
    # nothing is left for a sweep to settle
    assert any_store.settle_expired_claims(NOW + LEASE + timedelta(seconds=1)) == []


def test_a_claim_ahead_given_back_after_its_first_part_left_stays_with_its_modem(any_store):
    """A message whose first part left and whose second was refused may only go on from that
    modem (the concatenation's reference): given back from a claim ahead (a fault, a restart,
    a dead node), it keeps its modem and SIM, so that modem takes it again and no other does.
    Before, the release cleared them and no modem could ever claim it (found by the soak)."""
    news = [NewMessage(recipient="+33612345670", text="x" * 200, parts=2, encoding="gsm7")]
    (message_id,) = [m.id for m in any_store.enqueue_all(news, NOW)]
    assert _claim(any_store, ahead=False).id == message_id
    any_store.mark_progress(message_id, [159], "ICC1", NOW, "2026-12-03", "2026-12")
    any_store.mark_retry(message_id, "the second part refused", NOW)
    assert _claim(any_store, ahead=True).id == message_id
    any_store.release([message_id])
    back = any_store.get(message_id)
    assert back.status == Status.QUEUED and back.parts_sent == 1
    assert (back.modem_imei, back.sim_iccid) == ("1", "ICC1")
    assert _claim(any_store, imei="2", ahead=False) is None, "another modem may not resume it"
    assert _claim(any_store, ahead=False).id == message_id, "its own modem takes it again"
