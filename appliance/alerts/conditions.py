"""What counts as an alert (pure): the facts read from the store, judged against ``[alerts]``.

Each condition that holds now on a subject becomes a ``Seen`` with the time it must last before
it fires: a modem down fires after ``modem_down_after`` (a modem reset takes a minute or two,
and nobody should be woken for it), a queue stuck after ``queue_stuck_after``; a SIM near its
cap, low credit and a full disk at once, since waiting does not make them better.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from appliance.config import Config, quiet
from appliance.status import DOING, SENDING_STATES, STALE_AFTER
from appliance.store.alerts import Facts, Seen

from . import wording
from .wording import english

MODEM_DOWN = "modem_down"
SIM_CAP = "sim_cap"
QUEUE_STUCK = "queue_stuck"
LOW_CREDIT = "low_credit"
DISK_FULL = "disk_full"
NOW = timedelta(0)


def judge(
    facts: Facts, config: Config, now: datetime, disk_percent: float | None
) -> dict[tuple[str, str], Seen]:
    """Every condition that holds now, by (condition, subject)."""
    alerts = config.alerts
    seen: dict[tuple[str, str], Seen] = {}
    if alerts.modem_down_after is not None:
        for modem in facts.modems:
            why = _down(modem, now)
            if why:
                detail = english(why[0], modem=modem.imei + _on(modem.operator), **why[1])
                seen[(MODEM_DOWN, modem.imei)] = Seen(detail, alerts.modem_down_after)
    today = now.astimezone(config.zone).date().isoformat()
    for sim in facts.sims:
        limit = sim.daily_limit
        percent = alerts.cap_percent
        if percent and limit and sim.day == today and sim.sent_day * 100 >= limit * percent:
            seen[(SIM_CAP, sim.iccid)] = Seen(
                english(
                    wording.SIM_CAP, iccid=sim.iccid, sent=sim.sent_day, limit=limit,
                    percent=sim.sent_day * 100 // limit,
                ),
                NOW,
            )  # fmt: skip
        if alerts.low_credit and sim.credit_low:
            amount, currency = sim.credit_amount, sim.credit_currency
            msgid = wording.CREDIT_IN if currency else wording.CREDIT_AMOUNT
            detail = (
                english(wording.CREDIT, iccid=sim.iccid)
                if amount is None
                else english(msgid, iccid=sim.iccid, amount=f"{amount:.2f}", currency=currency)
            )
            seen[(LOW_CREDIT, sim.iccid)] = Seen(detail, NOW)
    stuck = alerts.queue_stuck_after
    # not in quiet hours, nor in the first minutes after them (the night's messages leave then)
    hushed = stuck is not None and (quiet(now, config) or quiet(now - stuck, config))
    if stuck is not None and facts.oldest_due is not None and not hushed:
        nothing_left = facts.last_sent is None or now - facts.last_sent >= stuck
        if now - facts.oldest_due >= stuck and nothing_left:
            span = wording.minutes(max(1, round(stuck.total_seconds() / 60)))
            seen[(QUEUE_STUCK, "")] = Seen(
                english(wording.QUEUE_STUCK, n=facts.waiting, minutes=span), NOW
            )
    full = alerts.disk_percent
    if full is not None and disk_percent is not None and disk_percent >= full:
        seen[(DISK_FULL, "")] = Seen(
            english(wording.DISK_FULL, folder=config.data_dir, percent=f"{disk_percent:.0f}"), NOW
        )
    return seen


def _down(modem, now: datetime) -> tuple[str, dict[str, str]] | None:
    """Why a modem counts as down (cannot send): the detail's msgid and values, or None."""
    stale = modem.seen_at is not None and now - modem.seen_at > STALE_AFTER
    if stale and modem.state != "absent":
        return wording.MODEM_STALE, {"when": f"{modem.seen_at:%Y-%m-%d %H:%M}"}
    if modem.state in SENDING_STATES:
        return None
    doing = DOING.get(modem.state, modem.state)
    if modem.reason and modem.reason != modem.state:
        return wording.MODEM_DOING_WHY, {"doing": doing, "why": modem.reason}
    return wording.MODEM_DOING, {"doing": doing}


def _on(operator: str | None) -> str:
    return f" ({operator})" if operator else ""
