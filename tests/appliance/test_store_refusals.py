"""A refused send's writes in one transaction, and a claim given back unsent (issue 9), on SQLite
and PostgreSQL: the prebuilt statements ``mark_refused`` and ``release`` run on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from appliance.store import Claim, NewMessage
from appliance.store.attempt_schema import MessageAttempt, Outcome
from appliance.store.attempts import Refusal
from appliance.store.schema import Event, Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _claimed(store, text: str, imei: str = "1"):
    store.upsert_modem(imei, state="ready")
    store.enqueue(NewMessage(recipient="+33612345678", text=text, parts=1, encoding="gsm7"), NOW)
    claim = Claim(imei=imei, iccid="ICC1", group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    return store.claim(claim, NOW)


def _attempts(store, message_id: int) -> list[tuple[int, str, int | None, str | None]]:
    with store.reading() as session:
        rows = session.exec(
            select(MessageAttempt).where(MessageAttempt.message_id == message_id)
        ).all()
    return sorted((a.number, a.outcome, a.cms_code, a.reason) for a in rows)


def _events(store, message_id: int) -> list[tuple[str, str | None, str]]:
    with store.reading() as session:
        rows = session.exec(select(Event).where(Event.message_id == message_id)).all()
    return sorted((e.kind, e.modem_imei, e.detail) for e in rows)


def test_a_refusal_queues_the_message_again_logs_and_writes_the_card_at_once(any_store):
    message = _claimed(any_store, "encore")
    later = NOW + timedelta(seconds=1)
    any_store.mark_refused(
        message.id,
        reason="the network is out of order (+CMS ERROR 38); retrying at once on another modem",
        due_at=later,
        now=later,
        imei="1",
        events=[("message.error", "+CMS ERROR: 38"), ("sim.pause", "the SIM pauses 0.5 s")],
        card="the SIM pauses 0.5 s",
        error="+CMS ERROR: 38",
        attempt=Refusal("the network is out of order", cms_code=38),
    )
    row = any_store.get(message.id)
    assert row.status == Status.QUEUED and row.attempts == 1 and row.due_at == later
    assert row.reason.endswith("retrying at once on another modem")
    assert _events(any_store, message.id) == [
        ("message.error", "1", "+CMS ERROR: 38"),
        ("sim.pause", "1", "the SIM pauses 0.5 s"),
    ]
    assert _attempts(any_store, message.id) == [
        (1, Outcome.REFUSED, 38, "the network is out of order")
    ]
    card = any_store.modem("1")
    assert (card.state, card.reason, card.last_error) == (
        "ready",
        "the SIM pauses 0.5 s",
        "+CMS ERROR: 38",
    )


def test_a_refusal_past_the_limit_fails_the_message_with_its_event(any_store):
    message = _claimed(any_store, "jamais")
    any_store.mark_refused(message.id, reason="gave up after 1 attempts: x", due_at=None,
                           now=NOW, imei="1", events=[], card="ready", error="x",
                           attempt=Refusal("x"))  # fmt: skip
    row = any_store.get(message.id)
    assert row.status == Status.FAILED and row.finished_at == NOW
    assert ("message.failed", None, "gave up after 1 attempts: x") in _events(any_store, message.id)


def test_a_claim_given_back_unsent_is_queued_as_it_was_its_attempt_not_counted(any_store):
    message = _claimed(any_store, "plus tard")
    any_store.release([message.id])
    row = any_store.get(message.id)
    assert row.status == Status.QUEUED and row.attempts == 0 and row.modem_imei is None
    assert _attempts(any_store, message.id) == []  # no attempt was made
    again = _claimed(any_store, "autre", imei="2")  # the oldest goes first, to any modem
    assert again.id == message.id and again.attempts == 1
    assert _attempts(any_store, message.id) == [(1, Outcome.SENDING, None, None)]
    any_store.mark_sent(again.id, [7], 1, "ICC1", NOW, "2026-11-23", "2026-11")
    any_store.release([again.id])  # only a claim still "sending" goes back
    assert any_store.get(again.id).status == Status.SENT


def test_a_busy_modem_shows_the_message_on_the_air_not_the_one_claimed_ahead(any_store):
    on_air = _claimed(any_store, "en cours")
    # the next, claimed a moment later while the first is on the air
    any_store.enqueue(
        NewMessage(recipient="+33612345678", text="suivant", parts=1, encoding="gsm7"), NOW
    )
    claim = Claim(imei="1", iccid="ICC1", group=None, node="n", max_parts=10, quiet=False,
                  avoid_own_retries=False)  # fmt: skip
    ahead = any_store.claim(claim, NOW + timedelta(milliseconds=450))
    assert ahead is not None and ahead.id != on_air.id
    assert any_store.sending_by_modem() == {"1": on_air.id}
