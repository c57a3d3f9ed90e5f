"""This daemon as one node among those sharing a PostgreSQL database (issue 15).

What a node does besides sending, each for a reason:

- **its name is its own**: at start it refuses, in words, a name that a live node already uses
  (another machine whose lease still runs, or another process of this machine), since two
  daemons under one name would each take the other's ``sending`` messages for its own after a
  crash (``Store.recover``);
- **its claims carry a lease** (``[node] lease``, 30 s), renewed every third of it (``renew``):
  when the node dies, another node's ``sweep`` settles its ``sending`` messages ``unknown``
  once the lease passed, never sending them again silently;
- **it hears the others' work**: a ``WorkListener`` on PostgreSQL's notifications rings the
  dispatcher when any node (its CLI, its panel, its workers giving a message back) queues work;
- **one node at a time runs a scheduled job** (``exclusive``): the job's advisory lock, taken
  without waiting; the node whose run finds it free does the work, so a job survives the death
  of whichever node ran it last.

On SQLite a daemon is the only node: none of this runs but ``exclusive``, which always grants.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime

from .clock import Clock
from .config import Config
from .store import Store, outage_of
from .store.node_schema import Node
from .store.work_listener import WorkListener

log = logging.getLogger(__name__)


class NodeNameTaken(RuntimeError):
    """Another live daemon already runs under this node's name; the message says where."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _runs_elsewhere(other: Node, now: datetime, host: str) -> bool:
    """Whether the node row ``other`` is a live daemon other than this process: its lease
    runs, and it is on another host, or another live process of this one (a restart after a
    crash finds its own dead process there, and goes on)."""
    if other.stopped_at is not None or other.lease_until is None or other.lease_until <= now:
        return False
    return other.host != host or (other.pid != os.getpid() and _alive(other.pid))


class Membership:
    """This daemon's row among the nodes, its leases, its listener and its exclusive jobs."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        on_work: Callable[[], object],
        holding: Callable[[], set[int]] = set,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.name = config.node
        self.lease = config.node_lease
        self.shared = store.shared
        self.host = socket.gethostname()
        self.listener: WorkListener | None = None
        self._renewing_since: float | None = None  # monotonic: renewals without a failure
        self._renew_failed = False
        self._on_work = on_work
        self.holding = holding  # the messages this node's workers hold (Pool.holding)

    @property
    def renew_every(self) -> float:
        return self.lease.total_seconds() / 3

    def lease_until(self, now: datetime) -> datetime | None:
        """The lease a claim made now carries (None on SQLite: one node, nothing to hand on)."""
        return now + self.lease if self.shared else None

    def join(self) -> None:
        """Check the name is free, write this node's row, start listening (PostgreSQL)."""
        if not self.shared:
            return
        now = self.clock.now()
        other = self.store.node(self.name)
        if other is not None and _runs_elsewhere(other, now, self.host):
            where = "this machine" if other.host == self.host else f"host {other.host}"
            raise NodeNameTaken(
                f"node {self.name!r} is already running on {where} (process {other.pid}, "
                f"last seen {other.seen_at:%Y-%m-%d %H:%M:%S} UTC): give each node sharing "
                "the database its own [node] name in its config"
            )
        self.store.register_node(self.name, self.host, os.getpid(), now, now + self.lease)
        self._renewing_since = time.monotonic()
        self.listener = WorkListener(self.config.database, self._on_work).start()

    def renew(self) -> None:
        """The scheduler's job on every node: this node's lease and its claims', extended."""
        now = self.clock.now()
        try:
            self.store.renew(self.name, now, now + self.lease, self.holding())
        except Exception as exc:
            trouble = outage_of(exc)
            if trouble is None:
                raise
            self._renewing_since = None
            if not self._renew_failed:
                log.warning("cannot renew this node's lease: %s", trouble)
            self._renew_failed = True
            return
        self._renew_failed = False
        if self._renewing_since is None:
            self._renewing_since = time.monotonic()

    @property
    def steady(self) -> bool:
        """Renewing without a failure for a whole lease: only then may this node judge that
        another node's lease ran out because it died, and not because the database was away
        for everyone (every node then had a lease to catch up on)."""
        since = self._renewing_since
        return since is not None and time.monotonic() - since >= self.lease.total_seconds()

    def sweep(self) -> None:
        """The scheduler's job (one node at a time): dead nodes' claims settled ``unknown``."""
        if not self.steady:
            return
        settled = self.store.settle_expired_claims(self.clock.now())
        for message_id, node in settled:
            log.warning(
                "message %d: node %s stopped renewing its claim during the send; now unknown",
                message_id, node,
            )  # fmt: skip

    def exclusive(self, job: str, run: Callable[[], object]) -> Callable[[], None]:
        """``run`` as a scheduled job that one node at a time runs (a no-op where another
        node holds the job's lock at that moment: that node is doing it)."""

        def guarded() -> None:
            try:
                with self.store.exclusive(job) as mine:
                    if mine:
                        run()
                    else:
                        log.debug("job %s runs on another node", job)
            except Exception as exc:
                trouble = outage_of(exc)
                if trouble is None:
                    raise
                log.warning("job %s skipped: %s; it runs again at its next time", job, trouble)

        guarded.__name__ = f"exclusive_{job}"
        return guarded

    def leave(self) -> None:
        """A clean stop: the listener closed, this node's row says it stopped."""
        if self.listener is not None:
            self.listener.stop()
        if self.shared:
            try:
                self.store.node_stopped(self.name, self.clock.now())
            except Exception as exc:  # the database is away: the lease will run out instead
                log.warning("could not record this node's stop: %s", exc)
