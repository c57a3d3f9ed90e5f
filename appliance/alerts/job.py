"""The scheduled job: read the facts, judge them, move the alerts' rows, tell the people.

Run by the daemon's scheduler (``one_node``: one node at a time when several share PostgreSQL,
under the job's advisory lock, ``appliance.nodes``). The rows move first, in one transaction
with their webhook events; the SMS and the email follow. A crash between the two loses that
SMS or email (the webhook still goes), never fires the alert twice.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from appliance.clock import Clock
from appliance.config import Config
from appliance.store import Store
from appliance.store.alerts import read_facts, record_told, settle_alerts

from .channels import Channels
from .conditions import judge

log = logging.getLogger(__name__)


def disk_percent(folder: Path) -> float | None:
    """How full the file system of ``folder`` is, in percent (None if it cannot be read)."""
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        return None
    return 100.0 * usage.used / usage.total if usage.total else None


class AlertJob:
    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        wake: Callable[[], object],
        disk: Callable[[Path], float | None] = disk_percent,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.wake = wake
        self.disk = disk
        self.channels = Channels(store, config, clock.now)

    def run(self) -> None:
        now = self.clock.now()
        facts = read_facts(self.store, now)
        seen = judge(facts, self.config, now, self.disk(self.config.data_dir))
        fired, resolved = settle_alerts(self.store, seen, now)
        for alert, is_resolved in [*((a, False) for a in fired), *((a, True) for a in resolved)]:
            log.warning("%s: %s", "resolved" if is_resolved else "alert", alert.detail)
            told = self.channels.tell(alert, is_resolved)
            record_told(self.store, alert.id, told)
        if (fired or resolved) and self.config.alerts.sms_to:
            self.wake()  # the SMS queued: a dispatcher pass now
