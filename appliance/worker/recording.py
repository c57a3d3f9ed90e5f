"""Recording what a send did, even while the database takes no write (issues 14 and 15).

Once ``AT+CMGS`` is answered the outcome exists only in this thread's memory until the store
commits it. A full disk (or a file system turned read-only), or a database that cannot be
reached (a PostgreSQL server restarting, a network cut), makes that commit fail: one
``store.outage`` or the other. Dropping the outcome would leave the message ``sending`` until
the next start (then ``unknown``, though it was sent or refused), and going on would hand this
modem more messages whose outcomes would be lost the same way. So such a write is kept and
tried again (``database_trouble.kept``) until the store takes it; meanwhile the worker is busy,
so the dispatcher hands it nothing, and its card says why. A daemon stopped while the store is
still away leaves the message ``sending``: the next start (or another node, after the lease)
makes it ``unknown``, never sends it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from appliance.database_trouble import kept

T = TypeVar("T")


class Recording:
    """Mixed into ``ModemWorker``: store writes that must not be lost (a send's outcome)."""

    def _keep(self, what: str, write: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``write(*args, **kwargs)``, tried again while the database is in trouble."""

        def on_kept(trouble: object) -> None:
            self.reason = f"{trouble}: {what} is kept until it can be recorded"

        return kept(
            lambda: write(*args, **kwargs),
            f"{self.port}: {what}",
            self._trouble,
            self._stopping,
            on_kept,
        )
