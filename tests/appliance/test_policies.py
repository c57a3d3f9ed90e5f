"""The daemon's clock-driven policies and routing, end to end on simulated modems through ptys.

Pacing, caps, quiet hours, scheduled sends and expiry depend on time, so these tests give the
daemon a ``ManualClock`` and move it: advance, ring the dispatcher, then wait for the outcome.
Proving that something does *not* happen needs the same care as proving that it does: the test
rings the dispatcher and waits until a whole dispatch pass has run after the moment of interest
(``one_full_tick``), then looks at the store. No sleep-then-assert anywhere.

Tests that need modems with different settings (a PIN, a group, faults on one modem only) start
the simulators themselves (``sim_factory``) and give the daemon their links as explicit
``[[modem]]`` tables. ``sim_factory`` is requested before ``daemon_factory`` so the simulators
outlive the daemons at teardown.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlmodel import col, select

from appliance.clock import ManualClock
from appliance.config import Config, ModemConfig, RouteConfig
from appliance.store import Claim
from appliance.store.schema import Event, Status
from tests.appliance.conftest import FAST_TUNING, UNPACED, enqueue
from tests.waiting import wait_until

LONG_TEXT = "Collecte de sang demain à la mairie, de 8h à 12h. Merci! " * 6  # 3 GSM-7 parts
FRANCE = "+33612345678"


# --- helpers ---------------------------------------------------------------------------------


def ready(daemon, count: int = 1) -> None:
    wait_until(lambda: len(daemon.pool.available()) == count, 10, f"{count} ready modem(s)")


def one_full_tick(daemon) -> None:
    """Ring the dispatcher and return once a whole dispatch pass has run after this call.

    ``ticks`` goes up when a pass starts, so pass ``start + 1`` began after this call; one thread
    runs the passes in turn, so once pass ``start + 2`` has begun, pass ``start + 1`` is over.
    """
    dispatcher = daemon.dispatcher
    start = dispatcher.ticks
    dispatcher.wake()
    wait_until(lambda: dispatcher.ticks >= start + 1, 5, "a dispatch pass")
    dispatcher.wake()
    wait_until(lambda: dispatcher.ticks >= start + 2, 5, "a second dispatch pass")


def idle(daemon, count: int = 1) -> None:
    """The last send has settled and every worker is free again, then one more dispatch pass."""
    ready(daemon, count)
    one_full_tick(daemon)


def status(store, message) -> str:
    return store.get(message.id).status


def is_sent(store, message) -> bool:
    return status(store, message) in (Status.SENT, Status.DELIVERED)


def wait_sent(store, *messages, timeout: float = 10) -> None:
    for message in messages:
        wait_until(lambda m=message: is_sent(store, m), timeout, f"message {message.id} sent")


def wait_sent_in_turn(store, daemon, clock: ManualClock, *messages) -> None:
    """Wait for each message in the order the dispatcher takes them, letting a millisecond pass
    after each: even an unpaced modem leaves 60 µs between two sends, and a manual clock moves
    only when told to."""
    for message in messages:
        wait_sent(store, message)
        clock.advance(0.001)
        daemon.dispatcher.wake()


def on_air(servers) -> Counter:
    texts: Counter = Counter()
    for server in servers:
        texts.update(server.call(lambda m, now: [a.text for a in m.air]))
    return texts


def imei_of(server) -> str:
    return server.call(lambda m, now: m.imei)


def modem_row(store, imei: str):
    return next((m for m in store.modems() if m.imei == imei), None)


def with_defaults(config: Config, **limits) -> Config:
    """The config with the simulated modems' settings (``[defaults]``) changed."""
    return dataclasses.replace(config, defaults=dataclasses.replace(UNPACED, **limits))


def with_modems(config: Config, *modems: ModemConfig, **changes) -> Config:
    return dataclasses.replace(config, modems=modems, **changes)


def explicit(server, **settings) -> ModemConfig:
    """A ``[[modem]]`` table for a simulator the test started itself (unpaced, uncapped)."""
    return dataclasses.replace(UNPACED, port=str(server.link), **settings)


# --- 1. pacing -------------------------------------------------------------------------------


def test_pacing_holds_the_next_send_until_its_slot(daemon_factory, store, config, manual_clock):
    clock = manual_clock
    cfg = with_defaults(config, max_per_minute=6)  # 10 s per part, stretched by up to 25 %
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    first = enqueue(store, cfg, FRANCE, "premier", now=clock.now())
    second = enqueue(store, cfg, FRANCE, "second", now=clock.now())

    wait_sent(store, first)
    assert store.get(first.id).sending_at == clock.now()  # at once: no slot used yet
    idle(daemon)
    assert status(store, second) == Status.QUEUED  # the clock stands still: no slot

    clock.advance(9)  # below the 10 s interval whatever the jitter
    one_full_tick(daemon)
    assert status(store, second) == Status.QUEUED

    clock.advance(4)  # 13 s: past the longest stretched interval (12.5 s)
    daemon.dispatcher.wake()
    wait_sent(store, second)
    assert store.get(second.id).sending_at == datetime(2026, 11, 23, 10, 0, 13, tzinfo=UTC)
    assert on_air(daemon.simulators) == Counter({"premier": 1, "second": 1})


def test_a_three_part_message_takes_three_pacing_slots(daemon_factory, store, config, manual_clock):
    clock = manual_clock
    cfg = with_defaults(config, max_per_minute=6)
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    long = enqueue(store, cfg, FRANCE, LONG_TEXT, now=clock.now())
    short = enqueue(store, cfg, FRANCE, "après le long", now=clock.now())
    assert long.parts == 3

    wait_sent(store, long)
    idle(daemon)
    clock.advance(29)  # one slot would be 10-12.5 s; three are 30-37.5 s
    one_full_tick(daemon)
    assert status(store, short) == Status.QUEUED

    clock.advance(9)  # 38 s
    daemon.dispatcher.wake()
    wait_sent(store, short)
    assert on_air(daemon.simulators) == Counter({LONG_TEXT: 1, "après le long": 1})


# --- 2. caps ---------------------------------------------------------------------------------


def test_daily_cap_holds_until_local_midnight_and_survives_a_restart(
    daemon_factory, store, config, manual_clock
):
    clock = manual_clock  # Monday 23 November, 11:00 in Paris
    cfg = with_defaults(config, daily_limit=3)
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    iccid = daemon.pool.available()[0].iccid
    messages = [enqueue(store, cfg, FRANCE, f"rappel {i}", now=clock.now()) for i in range(5)]

    wait_sent_in_turn(store, daemon, clock, *messages[:3])
    idle(daemon)
    assert [status(store, m) for m in messages[3:]] == [Status.QUEUED] * 2
    assert modem_row(store, daemon.pool.available()[0].imei).state == "ready"
    sim = store.sim(iccid)
    assert (sim.day, sim.sent_day) == ("2026-11-23", 3)

    daemon.stop()  # the counters live in the store, not in the daemon
    daemon = daemon_factory(1, clock=clock, cfg=cfg)  # same seed: the same modem and SIM
    ready(daemon)
    assert daemon.pool.available()[0].iccid == iccid
    one_full_tick(daemon)
    assert [status(store, m) for m in messages[3:]] == [Status.QUEUED] * 2

    clock.set(datetime(2026, 11, 23, 22, 59, 59, tzinfo=UTC))  # 23:59:59 in Paris
    one_full_tick(daemon)
    assert [status(store, m) for m in messages[3:]] == [Status.QUEUED] * 2

    clock.set(datetime(2026, 11, 23, 23, 0, 1, tzinfo=UTC))  # 00:00:01 on the 24th in Paris
    daemon.dispatcher.wake()
    wait_sent_in_turn(store, daemon, clock, *messages[3:])
    sim = store.sim(iccid)
    assert (sim.day, sim.sent_day, sim.month, sim.sent_month) == ("2026-11-24", 2, "2026-11", 5)


def test_monthly_cap_counts_parts_and_holds_until_the_next_local_month(
    daemon_factory, store, config
):
    clock = ManualClock(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))  # Sunday 29th, 11:00 Paris
    cfg = with_defaults(config, monthly_limit=3)
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    iccid = daemon.pool.available()[0].iccid
    long = enqueue(store, cfg, FRANCE, LONG_TEXT, now=clock.now())  # 3 parts: the whole month
    short = enqueue(store, cfg, FRANCE, "une seule partie", now=clock.now())

    wait_sent(store, long)
    idle(daemon)
    assert status(store, short) == Status.QUEUED
    clock.set(datetime(2026, 11, 29, 23, 0, 1, tzinfo=UTC))  # a new day, the same month
    one_full_tick(daemon)
    assert status(store, short) == Status.QUEUED

    daemon.stop()
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    one_full_tick(daemon)
    assert status(store, short) == Status.QUEUED
    sim = store.sim(iccid)
    assert (sim.month, sim.sent_month) == ("2026-11", 3)

    clock.set(datetime(2026, 11, 30, 23, 0, 1, tzinfo=UTC))  # 1 December, 00:00:01 in Paris
    daemon.dispatcher.wake()
    wait_sent(store, short)
    sim = store.sim(iccid)
    assert (sim.month, sim.sent_month, sim.sent_total) == ("2026-12", 1, 4)


# --- 3. quiet hours --------------------------------------------------------------------------


def test_quiet_hours_hold_campaign_traffic_only(daemon_factory, store, config):
    clock = ManualClock(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))  # 22:00 in Paris
    cfg = dataclasses.replace(config, quiet_hours=(time(21, 0), time(8, 0)))
    daemon = daemon_factory(1, clock=clock, cfg=cfg)
    ready(daemon)
    now = clock.now()
    campaign = enqueue(store, cfg, FRANCE, "invitation", now=now, source="campaign")
    urgent = enqueue(
        store, cfg, FRANCE, "collecte annulée", now=now, source="campaign", priority="high"
    )
    direct = enqueue(store, cfg, FRANCE, "message d'un script", now=now)

    wait_sent_in_turn(store, daemon, clock, urgent, direct)
    idle(daemon)
    assert status(store, campaign) == Status.QUEUED

    clock.set(datetime(2026, 11, 24, 6, 59, 59, tzinfo=UTC))  # 07:59:59 in Paris: still quiet
    one_full_tick(daemon)
    assert status(store, campaign) == Status.QUEUED

    clock.set(datetime(2026, 11, 24, 7, 0, 1, tzinfo=UTC))  # 08:00:01 in Paris
    daemon.dispatcher.wake()
    wait_sent(store, campaign)
    assert store.get(campaign.id).sending_at == datetime(2026, 11, 24, 7, 0, 1, tzinfo=UTC)


# --- 4. scheduled sends ----------------------------------------------------------------------


def test_a_scheduled_message_waits_for_its_time(daemon_factory, store, config, manual_clock):
    clock = manual_clock  # 11:00 in Paris
    daemon = daemon_factory(1, clock=clock)
    ready(daemon)
    relative = enqueue(store, config, FRANCE, "dans une heure", now=clock.now(), send_at="+1h")
    local = enqueue(store, config, FRANCE, "à midi", now=clock.now(), send_at="2026-11-23T12:00")
    assert (
        store.get(relative.id).due_at
        == store.get(local.id).due_at
        == clock.now() + timedelta(hours=1)
    )

    one_full_tick(daemon)
    clock.advance(timedelta(minutes=59, seconds=59))
    one_full_tick(daemon)
    assert [status(store, relative), status(store, local)] == [Status.QUEUED] * 2

    clock.advance(2)
    daemon.dispatcher.wake()
    wait_sent_in_turn(store, daemon, clock, relative, local)
    assert on_air(daemon.simulators) == Counter({"dans une heure": 1, "à midi": 1})


# --- 5. expiry -------------------------------------------------------------------------------


def test_a_message_expires_when_no_modem_could_send_it_in_time(
    daemon_factory, store, config, manual_clock
):
    clock = manual_clock
    cfg = dataclasses.replace(config, validity=timedelta(hours=1))
    tuning = dataclasses.replace(FAST_TUNING, expire_interval=0.05)
    daemon = daemon_factory(1, clock=clock, cfg=cfg, tuning=tuning, no_network=True)
    server = daemon.simulators[0]
    imei = imei_of(server)
    wait_until(lambda: getattr(modem_row(store, imei), "state", None) == "searching", 10, "search")
    message = enqueue(store, cfg, FRANCE, "trop tard", now=clock.now())
    assert store.get(message.id).expires_at == clock.now() + timedelta(hours=1)

    clock.advance(timedelta(minutes=59))
    one_full_tick(daemon)
    assert status(store, message) == Status.QUEUED  # no modem, but still valid

    clock.advance(timedelta(minutes=1))
    wait_until(lambda: status(store, message) == Status.EXPIRED, 5, "the expiry job")
    assert "validity" in store.get(message.id).reason

    server.call(lambda m, now: setattr(m.faults, "no_network", False))
    daemon.pool.poll_all()  # the modem registers again
    idle(daemon)
    assert status(store, message) == Status.EXPIRED
    assert on_air(daemon.simulators) == Counter()


# --- 6. routing ------------------------------------------------------------------------------


def test_routes_and_pinned_modems_choose_the_modem(sim_factory, daemon_factory, store, config):
    intl_sim, local_sim = sim_factory(), sim_factory()
    cfg = with_modems(
        config,
        explicit(intl_sim, group="intl"),
        explicit(local_sim),
        routes=(RouteConfig(prefix="+44", group="intl"),),
        # abroad is refused by default ([security] countries: the home country's alone)
        security=dataclasses.replace(config.security, countries=None),
    )
    daemon = daemon_factory(0, cfg=cfg)
    ready(daemon, 2)
    intl, local = imei_of(intl_sim), imei_of(local_sim)

    pinned = [enqueue(store, cfg, FRANCE, f"par le local {i}", modem=local) for i in range(4)]
    wait_sent(store, *pinned)
    assert {store.get(m.id).modem_imei for m in pinned} == {local}
    idle(daemon, 2)

    first_free = enqueue(store, cfg, "0698765432", "au moins utilisé")
    wait_sent(store, first_free)
    assert store.get(first_free.id).modem_imei == intl  # 0 parts today against 4

    british = [enqueue(store, cfg, f"+4477009001{i:02d}", f"to London {i}") for i in range(6)]
    anyone = [enqueue(store, cfg, FRANCE, f"à qui veut {i}") for i in range(12)]
    wait_sent(store, *british, *anyone)
    assert {store.get(m.id).want_group for m in british} == {"intl"}
    assert {store.get(m.id).modem_imei for m in british} == {intl}
    assert {store.get(m.id).modem_imei for m in anyone} == {intl, local}
    local_air = on_air([local_sim])
    assert not any(text.startswith("to London") for text in local_air)


# --- 7. PIN ----------------------------------------------------------------------------------


def test_a_sim_asking_for_a_pin_that_is_not_configured_is_sim_locked(
    sim_factory, daemon_factory, store, config
):
    server = sim_factory(pin="1234")
    daemon_factory(0, cfg=with_modems(config, explicit(server)))
    imei = imei_of(server)
    wait_until(
        lambda: getattr(modem_row(store, imei), "state", None) == "sim-locked", 10, "sim-locked"
    )
    assert "PIN" in modem_row(store, imei).reason
    assert server.call(lambda m, now: m.sim.pin_attempts) == 3  # nothing was tried


def test_a_wrong_pin_is_tried_once_and_never_again(sim_factory, daemon_factory, store, config):
    server = sim_factory(pin="1234")
    cfg = with_modems(config, explicit(server, pin="4321"))
    daemon = daemon_factory(0, cfg=cfg)
    imei = imei_of(server)

    def locked() -> bool:
        return getattr(modem_row(store, imei), "state", None) == "sim-locked"

    wait_until(locked, 10, "sim-locked")
    assert "PIN" in modem_row(store, imei).reason
    assert server.call(lambda m, now: m.sim.pin_attempts) == 2

    daemon.stop()
    assert modem_row(store, imei).state == "absent"
    daemon_factory(0, cfg=cfg)
    wait_until(locked, 10, "sim-locked again after the restart")
    assert "not retried" in modem_row(store, imei).reason
    assert server.call(lambda m, now: m.sim.pin_attempts) == 2  # not tried a second time


def test_the_right_pin_unlocks_the_sim(sim_factory, daemon_factory, store, config):
    server = sim_factory(pin="1234")
    daemon = daemon_factory(0, cfg=with_modems(config, explicit(server, pin="1234")))
    ready(daemon)
    assert modem_row(store, imei_of(server)).state == "ready"
    assert server.call(lambda m, now: (m.sim.locked, m.sim.pin_attempts)) == (False, 3)


# --- 8. transient errors ---------------------------------------------------------------------


def test_a_transient_error_is_retried_on_the_other_modem(
    sim_factory, daemon_factory, store, config
):
    broken = sim_factory(fail_rate=1.0, fail_codes=(38,))  # "network out of order"
    healthy = sim_factory()
    cfg = with_modems(config, explicit(broken), explicit(healthy))
    daemon = daemon_factory(0, cfg=cfg)
    ready(daemon, 2)
    messages = [enqueue(store, cfg, FRANCE, f"relance {i}") for i in range(8)]

    wait_sent(store, *messages)
    rows = [store.get(m.id) for m in messages]
    assert {row.modem_imei for row in rows} == {imei_of(healthy)}
    assert on_air([broken]) == Counter()
    assert on_air([healthy]) == Counter({m.text: 1 for m in messages})
    retried = [row for row in rows if row.attempts > 1]
    assert retried, "the broken modem took some of them first"
    with store.session() as session:
        errors = session.exec(
            select(Event).where(Event.kind == "message.error", Event.modem_imei == imei_of(broken))
        ).all()
    assert len(errors) == sum(row.attempts - 1 for row in rows)
    assert all(e.detail.startswith("+CMS ERROR 38") for e in errors)


# --- 9. a send that times out after the PDU --------------------------------------------------

SHORT_SEND = dataclasses.replace(
    FAST_TUNING,
    timeouts=dataclasses.replace(FAST_TUNING.timeouts, command=0.3, send=0.3, sim_ready=1.0),
)


def test_a_send_that_times_out_after_the_pdu_is_unknown(daemon_factory, store, config):
    daemon = daemon_factory(1, tuning=SHORT_SEND, send_delay=100.0)  # 1 s real, timeout 0.3 s
    ready(daemon)
    server = daemon.simulators[0]
    message = enqueue(store, config, FRANCE, "peut-être parti")
    wait_until(lambda: status(store, message) == Status.UNKNOWN, 10, "unknown")
    row = store.get(message.id)
    assert row.attempts == 1 and "may or may not have left" in row.reason

    # it did leave in the end, and the healed modem does not send it again on its own
    wait_until(lambda: on_air([server])["peut-être parti"] == 1, 5, "the late send on air")
    ready(daemon)
    one_full_tick(daemon)
    assert status(store, message) == Status.UNKNOWN
    assert on_air([server])["peut-être parti"] == 1


def test_resend_unknown_queues_a_timed_out_send_again(daemon_factory, store, config):
    cfg = dataclasses.replace(config, resend_unknown=True)
    daemon = daemon_factory(1, cfg=cfg, tuning=SHORT_SEND, send_delay=100.0)  # 1 s real
    ready(daemon)
    server = daemon.simulators[0]
    message = enqueue(store, cfg, FRANCE, "envoyé deux fois")
    wait_until(lambda: "resend_unknown" in (store.get(message.id).reason or ""), 10, "queued again")
    assert status(store, message) in (Status.QUEUED, Status.SENDING)
    server.call(lambda m, now: setattr(m.faults, "send_delay", 1.0))
    wait_sent(store, message, timeout=20)
    assert store.get(message.id).attempts >= 2
    # the first attempt did leave in the end: the duplicate resend_unknown accepts
    wait_until(lambda: on_air([server])["envoyé deux fois"] == 2, 5, "both copies on air")


# --- 10. recovery after a crash --------------------------------------------------------------


def test_recover_settles_what_this_node_left_sending(daemon_factory, store, config):
    ours = enqueue(store, config, FRANCE, "en cours au crash")
    theirs = enqueue(store, config, FRANCE, "en cours sur un autre nœud")
    now = datetime.now(UTC)
    for node in ("test-node", "other-node"):
        claim = Claim(
            imei="356938035643809",
            iccid=None,
            group=None,
            node=node,
            max_parts=10,
            quiet=False,
            avoid_own_retries=False,
        )
        assert store.claim(claim, now) is not None  # the crash: sending, and no daemon any more

    daemon = daemon_factory(1)
    assert status(store, ours) == Status.UNKNOWN  # settled before any worker opened a port
    assert "may or may not have left" in store.get(ours.id).reason
    assert status(store, theirs) == Status.SENDING  # another node's claim is not ours to settle
    ready(daemon)
    one_full_tick(daemon)
    assert status(store, ours) == Status.UNKNOWN  # never re-sent without the operator
    assert on_air(daemon.simulators) == Counter()
    with store.session() as session:
        kinds = session.exec(select(Event.kind).where(col(Event.message_id) == ours.id)).all()
    assert "message.unknown" in kinds
