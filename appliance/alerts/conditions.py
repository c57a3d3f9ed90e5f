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

MODEM_DOWN = "modem_down"
SIM_CAP = "sim_cap"
QUEUE_STUCK = "queue_stuck"
LOW_CREDIT = "low_credit"
DISK_FULL = "disk_full"
NOW = timedelta(0)

# the subject line of each condition, for the SMS and the email
TITLES = {
    MODEM_DOWN: "modem down",
    SIM_CAP: "SIM near its daily cap",
    QUEUE_STUCK: "queue not moving",
    LOW_CREDIT: "low credit",
    DISK_FULL: "disk nearly full",
}


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
                seen[(MODEM_DOWN, modem.imei)] = Seen(
                    f"Modem {modem.imei}{_on(modem.operator)} {why}.", alerts.modem_down_after
                )
    today = now.astimezone(config.zone).date().isoformat()
    for sim in facts.sims:
        limit = sim.daily_limit
        percent = alerts.cap_percent
        if percent and limit and sim.day == today and sim.sent_day * 100 >= limit * percent:
            seen[(SIM_CAP, sim.iccid)] = Seen(
                f"SIM {sim.iccid} sent {sim.sent_day} of its {limit} parts today "
                f"({sim.sent_day * 100 // limit} %).",
                NOW,
            )
        if alerts.low_credit and sim.credit_low:
            currency = f" {sim.credit_currency}" if sim.credit_currency else ""
            amount = (
                f" ({sim.credit_amount:.2f}{currency})" if sim.credit_amount is not None else ""
            )
            seen[(LOW_CREDIT, sim.iccid)] = Seen(f"SIM {sim.iccid} is low on credit{amount}.", NOW)
    stuck = alerts.queue_stuck_after
    # not in quiet hours, nor in the first minutes after them (the night's messages leave then)
    hushed = stuck is not None and (quiet(now, config) or quiet(now - stuck, config))
    if stuck is not None and facts.oldest_due is not None and not hushed:
        nothing_left = facts.last_sent is None or now - facts.last_sent >= stuck
        if now - facts.oldest_due >= stuck and nothing_left:
            seen[(QUEUE_STUCK, "")] = Seen(
                f"{facts.waiting} message(s) wait and none was sent for {_minutes(stuck)}.",
                NOW,
            )
    full = alerts.disk_percent
    if full is not None and disk_percent is not None and disk_percent >= full:
        seen[(DISK_FULL, "")] = Seen(
            f"The disk of {config.data_dir} is {disk_percent:.0f} % full.", NOW
        )
    return seen


def _down(modem, now: datetime) -> str | None:
    """Why a modem counts as down (cannot send), or None."""
    stale = modem.seen_at is not None and now - modem.seen_at > STALE_AFTER
    if stale and modem.state != "absent":
        return f"has not been heard from since {modem.seen_at:%Y-%m-%d %H:%M} UTC"
    if modem.state in SENDING_STATES:
        return None
    doing = DOING.get(modem.state, modem.state)
    reason = f": {modem.reason}" if modem.reason and modem.reason != modem.state else ""
    return f"is {doing}{reason}"


def _on(operator: str | None) -> str:
    return f" ({operator})" if operator else ""


def _minutes(span: timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
