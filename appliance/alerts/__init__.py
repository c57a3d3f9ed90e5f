"""Alerts to a person (issue 16): a modem down, a SIM near its daily cap, a queue that does not
move, low credit, a disk nearly full; told by SMS, email and webhook, once, then "resolved".

Why a table and a job rather than reacting to events: each condition is a state (a modem *is*
down), not a moment, and several of them (a stuck queue, a full disk) have no event at all. So
a scheduled job looks at the state every minute, and the ``alert`` table remembers, per
condition and subject, since when it holds, whether it fired, and when it cleared: one alert
per condition until it clears, then one "resolved", across restarts, on whichever node runs
the job.

What lives where:

- ``conditions``: what counts as each condition, judged on the facts the store reads (pure);
- ``channels``: SMS (the normal admission path, high priority), email (``[smtp]``), webhook
  (the ``alert.*`` events);
- ``job``: the scheduled run: facts, judgement, rows moved, people told.

The rows and their events: ``appliance.store.alerts``; the settings: ``[alerts]`` and
``[smtp]`` (``appliance.config.alerts``).
"""

from .conditions import DISK_FULL, LOW_CREDIT, MODEM_DOWN, QUEUE_STUCK, SIM_CAP, judge
from .job import AlertJob, disk_percent

__all__ = [
    "DISK_FULL",
    "LOW_CREDIT",
    "MODEM_DOWN",
    "QUEUE_STUCK",
    "SIM_CAP",
    "AlertJob",
    "disk_percent",
    "judge",
]
