"""Transient errors keep every SIM busy (issue 9): the message goes on, the SIM backs off.

Real daemons on simulated modems. The message-level backoff is set to an hour here, so a
message that waited on its own backoff instead of going again at once would never be sent
within the test's deadlines.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlmodel import select

from appliance.store.schema import Event, Status
from tests.appliance.conftest import FAST_TUNING, enqueue
from tests.appliance.test_policies import (
    FRANCE,
    explicit,
    imei_of,
    modem_row,
    on_air,
    ready,
    wait_sent,
    with_modems,
)
from tests.waiting import wait_until

SLOW_MESSAGE_BACKOFF = dataclasses.replace(FAST_TUNING, retry_base=3600.0)


def events(store, kind: str, imei: str | None = None) -> list[Event]:
    with store.session() as session:
        query = select(Event).where(Event.kind == kind)
        if imei is not None:
            query = query.where(Event.modem_imei == imei)
        return list(session.exec(query).all())


@pytest.mark.parametrize("code", [38, 500, 8])
def test_a_sim_error_goes_again_at_once_on_a_healthy_modem(
    code, sim_factory, daemon_factory, store, config
):
    broken = sim_factory(fail_rate=1.0, fail_codes=(code,))
    healthy = sim_factory()
    cfg = with_modems(config, explicit(broken), explicit(healthy))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 2)
    messages = [enqueue(store, cfg, FRANCE, f"relance {i}") for i in range(8)]

    wait_sent(store, *messages)  # an hour's backoff would have kept them queued
    assert on_air([healthy]) == {m.text: 1 for m in messages}
    assert on_air([broken]) == {}
    errors = events(store, "message.error", imei_of(broken))
    assert errors, "the broken modem took some of them first"
    assert all(row.attempts <= 3 for row in (store.get(m.id) for m in messages))


def test_the_retry_says_it_goes_to_another_modem(sim_factory, daemon_factory, store, config):
    broken = sim_factory(fail_rate=1.0, fail_codes=(38,))
    healthy = sim_factory(send_delay=100.0)  # 1 s real: busy when the broken one fails
    cfg = with_modems(config, explicit(broken), explicit(healthy))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 2)
    first = enqueue(store, cfg, FRANCE, "premier")
    on_healthy = imei_of(healthy)
    wait_until(
        lambda: (
            (row := store.get(first.id)).status == Status.SENDING and row.modem_imei == on_healthy
        ),
        5,
        "the first on the healthy modem",
    )
    second = enqueue(store, cfg, FRANCE, "second")
    wait_until(lambda: store.get(second.id).attempts >= 1, 5, "second tried")
    wait_until(lambda: store.get(second.id).reason, 5, "the reason of the retry")
    assert "retrying at once on another modem" in store.get(second.id).reason
    assert store.get(second.id).reason.startswith("the network is out of order")
    assert "(+CMS ERROR 38); retrying" in store.get(second.id).reason
    wait_sent(store, first, second)


def test_a_sim_that_keeps_failing_pauses_longer_each_time_and_says_so(
    sim_factory, daemon_factory, store, config
):
    broken = sim_factory(fail_rate=1.0, fail_codes=(38,))
    cfg = with_modems(config, explicit(broken))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 1)
    message = enqueue(store, cfg, FRANCE, "jamais")

    wait_until(lambda: store.get(message.id).status == Status.FAILED, 30, "given up")
    row = store.get(message.id)
    assert row.attempts == 10
    assert row.reason.startswith("gave up after 10 attempts: the network is out of order")
    # the card is written by the worker after the message's outcome: wait for it, do not race it
    wait_until(lambda: "10 network errors" in (modem_row(store, imei_of(broken)).reason or ""),
               10, "the card's reason")  # fmt: skip
    pauses = events(store, "sim.pause", imei_of(broken))
    # alone and failing from its first send, nothing measured yet: the breaker assumes one send
    # in ten refused (appliance.breaker.PRIOR_RATE), so three in a row could be chance (1 in
    # 1000) and the fourth opens it
    assert [p.detail.split(" after ")[1] for p in pauses] == [
        f"{n} network errors in a row" for n in range(4, 11)
    ]
    assert all(" pauses " in p.detail for p in pauses)
    # each pause is twice the one before: the time between tries widens
    tries = [e.at for e in events(store, "message.error", imei_of(broken))]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
    assert gaps[-1] > 4 * gaps[3] > 0
    card = modem_row(store, imei_of(broken))
    assert card.state == "ready" and "pauses" in card.reason


def test_alone_a_failed_message_is_retried_on_the_same_modem_and_a_success_closes_the_breaker(
    sim_factory, daemon_factory, store, config
):
    flaky = sim_factory(fail_rate=1.0, fail_codes=(500,))
    cfg = with_modems(config, explicit(flaky))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 1)
    message = enqueue(store, cfg, FRANCE, "enfin")
    wait_until(lambda: store.get(message.id).attempts >= 4, 10, "four tries")
    assert "retrying on this modem" in store.get(message.id).reason
    flaky.call(lambda m, now: setattr(m.faults, "fail_rate", 0.0))

    wait_sent(store, message, timeout=20)
    worker = daemon.pool.workers()[0]
    assert worker.breaker.streak == 0
    wait_until(lambda: modem_row(store, imei_of(flaky)).reason == "ready", 5, "the card clears")


def test_a_destination_error_waits_on_the_message_not_on_the_sim(
    sim_factory, daemon_factory, store, config
):
    away = sim_factory(fail_rate=1.0, fail_codes=(27,))  # "destination out of order"
    cfg = with_modems(config, explicit(away))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 1)
    message = enqueue(store, cfg, FRANCE, "plus tard")
    wait_until(
        lambda: (row := store.get(message.id)).status == Status.QUEUED and row.attempts == 1,
        10,
        "queued again",
    )
    row = store.get(message.id)
    assert "the destination's side: retrying in" in (row.reason or ""), row
    assert (row.due_at - row.sending_at).total_seconds() > 1000  # its own backoff (capped 30 min)
    assert daemon.pool.workers()[0].breaker.streak == 0
    assert events(store, "sim.pause") == []


def test_a_sim_that_breaks_beside_healthy_ones_pauses_at_its_third_error(
    sim_factory, daemon_factory, store, config
):
    """The others refuse nothing, so three in a row is no chance: the breaker opens at three."""
    breaking = sim_factory()
    healthy = sim_factory()
    cfg = with_modems(config, explicit(breaking), explicit(healthy))
    daemon = daemon_factory(0, cfg=cfg, tuning=SLOW_MESSAGE_BACKOFF)
    ready(daemon, 2)
    before = [enqueue(store, cfg, FRANCE, f"avant {i}") for i in range(30)]
    wait_sent(store, *before)
    breaking.call(lambda m, now: setattr(m.faults, "fail_rate", 1.0))
    breaking.call(lambda m, now: setattr(m.faults, "fail_codes", (38,)))
    after = [enqueue(store, cfg, FRANCE, f"après {i}") for i in range(12)]
    wait_sent(store, *after)
    pauses = events(store, "sim.pause", imei_of(breaking))
    assert pauses and pauses[0].detail.endswith("after 3 network errors in a row")
    assert on_air([healthy, breaking])["après 0"] == 1
