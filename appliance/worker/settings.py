"""``WorkerSettings``: what the config says about one modem, as the worker needs it.

The daemon and the pool build one per port from ``appliance.config`` (a ``[[modem]]`` table, or
the ``[defaults]`` for a discovered modem) and the appliance-wide keys (time zone, region,
validity, ``resend_unknown``); the worker reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from modem.device import Timeouts


@dataclass(frozen=True)
class WorkerSettings:
    """What the config says about one modem (or the defaults for discovered ones)."""

    port: str
    pin: str | None = None
    max_per_minute: float = 6.0
    daily_limit: int | None = 200
    monthly_limit: int | None = 3000
    group: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_attempts: int = 10  # every attempt counts; a failed one costs seconds, not hours
    breaker_threshold: int = 3  # errors in a row before the SIM pauses (appliance.breaker)
    breaker_max_pause: float = 600.0
    retry_base: float = 30.0
    retry_failed_after: float = 300.0
    reconnect_after: float = 2.0
    power_cycle_wait: float = 60.0  # a dongle takes 10-30 s to come back after AT+CFUN=1,1
    # how long a radio may stay off after AT+CFUN=1, or the modem stay "+CREG: 0" (not
    # registered, not searching), before this bring-up is given up (``health``): registering
    # takes seconds, 2 minutes is far past any modem that will still do it by itself
    registration_wait: float = 120.0
    resend_unknown: bool = False
    timezone: str = "UTC"
    region: str = "FR"
    validity: timedelta | None = None
    # calls and credit (issue 13; ``appliance.config.calls`` says what each means)
    hangup_calls: bool = True
    hangup_command: str = "ATH"
    credit_code: str | None = None
    credit_every: timedelta | None = None
    credit_low: float | None = None
