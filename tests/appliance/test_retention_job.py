"""The daemon applies ``[retention]`` every night at 03:30 local time, and once soon after a
start (an appliance switched off at night would otherwise never prune): one rule for messages,
inbound messages, signal samples, webhook deliveries and events, replacing the hourly signal
prune and the webhook sender's own. The daemon's clock is a ``ManualClock``; the job is made due
now through the scheduler itself, and what it removed is read back from the event it logs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from appliance.config.consent import RetentionConfig
from appliance.daemon import RETAIN_AFTER_START
from appliance.privacy import PRUNED
from appliance.store.schema import Event, Message, SignalSample, Status
from tests.waiting import wait_until

IMEI = "356938035643809"


def _message(at: datetime, status: Status, text: str) -> Message:
    return Message(recipient="+33612345678", text=text, status=status, created_at=at, due_at=at,
                   finished_at=at if status != Status.QUEUED else None)  # fmt: skip


def _pruned_events(store) -> list[Event]:
    with store.reading() as session:
        return list(session.exec(select(Event).where(Event.kind == PRUNED)).all())


def test_the_scheduler_runs_the_retention_job(daemon_factory, store, config, manual_clock):
    now = manual_clock.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=1)
    with store.session() as session:
        session.add_all([
            _message(old, Status.DELIVERED, "ancien"),
            _message(old, Status.QUEUED, "programmé il y a longtemps"),
            _message(recent, Status.DELIVERED, "récent"),
            SignalSample(modem_imei=IMEI, at=now - timedelta(days=3), dbm=-70),
            SignalSample(modem_imei=IMEI, at=recent, dbm=-71),
            Event(at=old, kind="modem.up", detail="il y a longtemps"),
        ])  # fmt: skip
        session.commit()
    retention = RetentionConfig(messages=timedelta(days=365), events=timedelta(days=90))
    cfg = dataclasses.replace(config, retention=retention)

    started = datetime.now(UTC)
    daemon = daemon_factory(0, clock=manual_clock, cfg=cfg)
    job = daemon.scheduler.get_job("retention")
    assert str(job.trigger) == "cron[hour='3', minute='30']"
    assert job.trigger.timezone == ZoneInfo("Europe/Paris")
    first = job.next_run_time  # soon after the start, not at the next 03:30 only
    assert started + RETAIN_AFTER_START <= first <= datetime.now(UTC) + RETAIN_AFTER_START
    assert daemon.scheduler.get_job("prune") is None  # the hourly signal prune is folded in

    job.modify(next_run_time=datetime.now(UTC))  # due now: the scheduler's thread runs it
    (event,) = wait_until(lambda: _pruned_events(store), 10, "the retention.pruned event")

    assert event.at == now  # the daemon's clock
    assert event.detail == ("older than their retention: messages 1, signal samples 1, events 1")
    with store.reading() as session:
        texts = session.exec(select(Message.text).order_by(col(Message.id))).all()
        samples = session.exec(select(SignalSample.at)).all()
    assert texts == ["programmé il y a longtemps", "récent"]
    assert samples == [recent]
    after = daemon.scheduler.get_job("retention").next_run_time.astimezone(ZoneInfo("Europe/Paris"))
    assert (after.hour, after.minute) == (3, 30)  # then every night
