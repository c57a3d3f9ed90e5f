"""The nodes sharing one database (issue 15): who runs, their claims' leases, and jobs that one
node at a time may run.

A claim marks a message ``sending`` before ``AT+CMGS`` (``outbound``), which on one node is
enough: a node that crashes settles what it left ``sending`` when it starts again (``recover``).
With several nodes, one that dies may never start again, and its ``sending`` messages would
stay so for ever. So each claim carries a lease (``message.lease_until``), which the owning
node's daemon renews with its own row (``renew``) every third of the lease; a claim whose lease
passed belongs to a node that died or lost the database, and another node settles it
``unknown`` (``settle_expired_claims``): its SMS may or may not have left, so it is never sent
again silently, even with ``resend_unknown`` (a node that merely lost the database may still
send it). A claim made ahead of its modem's next send (``sending`` without ``sending_at``,
``appliance.worker.ahead``) was never handed over, so it never left: the sweep queues it again
as it was, for any node, and its node, if alive after all, finds it no longer its own at the
hand-over and does not send it. What a dead node left queued was never claimed and goes to
whichever node takes it.

Scheduled jobs (expiry, retention, campaign planning, the lease sweep) must run on one node at
a time: ``exclusive`` takes a PostgreSQL session advisory lock named after the job, without
waiting (``pg_try_advisory_lock``). The lock lives as long as the connection holding it, so a
node that dies mid-job frees it with its connection and the next node's run takes it. On SQLite
(one node) it always grants.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from .attempt_schema import MessageAttempt, Outcome
from .attempts import requeue_unsent
from .engine import MIGRATION_LOCK
from .node_schema import Node
from .schema import Event, Message, Status
from .transactions import Transactions

DEAD_NODE = (
    "node {node} stopped renewing its claim during the send (dead, or cut off from the "
    "database): it may or may not have left"
)


def job_lock_key(job: str) -> int:
    """A stable 32-bit key per job name (the second key of the advisory lock)."""
    return zlib.crc32(job.encode()) - 2**31


class NodeRegistry(Transactions):
    """Each method one transaction, except ``exclusive``, which holds a connection."""

    @property
    def shared(self) -> bool:
        """True on PostgreSQL, where several nodes may share the database."""
        return self.engine.dialect.name == "postgresql"

    def node(self, name: str) -> Node | None:
        with self.reading() as session:
            return session.get(Node, name)

    def nodes(self) -> list[Node]:
        with self.reading() as session:
            return list(session.exec(select(Node).order_by(col(Node.name))).all())

    def register_node(self, name: str, host: str, pid: int, now: datetime, until: datetime) -> None:
        """This node's row at start: who runs it, and its first lease."""
        with self.session() as session:
            node = session.get(Node, name) or Node(name=name)
            node.host, node.pid = host, pid
            node.started_at = node.seen_at = now
            node.lease_until, node.stopped_at = until, None
            session.add(node)
            session.commit()

    def renew(
        self, name: str, now: datetime, until: datetime, holding: Collection[int] = ()
    ) -> int:
        """Extend this node's lease, and its claims' on the messages its workers ``holding``,
        to ``until``; how many claims. A claim of this node that no worker holds (its commit
        went through but its answer was lost with the connection, or its worker failed) is
        not renewed: once its lease passes it is settled ``unknown`` like a dead node's."""
        with self.session() as session:
            session.execute(
                update(Node).where(col(Node.name) == name).values(seen_at=now, lease_until=until)
            )
            renewed = 0
            if holding:
                result = session.execute(
                    update(Message)
                    .where(
                        Message.status == Status.SENDING,
                        Message.node == name,
                        col(Message.id).in_(sorted(holding)),
                    )
                    .values(lease_until=until)
                )
                renewed = result.rowcount or 0
            session.commit()
            return renewed

    def node_stopped(self, name: str, now: datetime) -> None:
        """A clean stop: the node's lease ends now (its modems show as that node's, stopped)."""
        with self.session() as session:
            session.execute(
                update(Node)
                .where(col(Node.name) == name)
                .values(stopped_at=now, lease_until=now, seen_at=now)
            )
            session.commit()

    def settle_expired_claims(self, now: datetime) -> list[tuple[int, str]]:
        """``sending`` messages whose lease passed (their node died, lost the database, or lost
        the claim) become ``unknown``, with an event each; returns (message id, node). Those
        claimed ahead and never handed over (no ``sending_at``) go back to the queue instead.
        Rows another transaction holds are skipped (the owner writing its outcome now wins)."""
        with self.session() as session:
            rows = session.exec(
                select(Message.id, Message.node, Message.sending_at)
                .where(
                    Message.status == Status.SENDING,
                    col(Message.lease_until).is_not(None),
                    col(Message.lease_until) < now,
                )
                .with_for_update(skip_locked=True)
            ).all()
            # claimed ahead and never handed over: never left, queued again
            requeue_unsent(session, [i for i, _, sending_at in rows if i and sending_at is None])
            settled = [
                (message_id, node or "?")
                for message_id, node, sending_at in rows
                if message_id and sending_at is not None
            ]
            for message_id, node in settled:
                reason = DEAD_NODE.format(node=node)
                session.execute(
                    update(Message)
                    .where(col(Message.id) == message_id, Message.status == Status.SENDING)
                    .values(status=Status.UNKNOWN, finished_at=now, reason=reason)
                )
                session.execute(  # its attempt ends too (issue 16), as ``recover`` ends one
                    update(MessageAttempt)
                    .where(
                        col(MessageAttempt.message_id) == message_id,
                        MessageAttempt.outcome == Outcome.SENDING,
                    )
                    .values(outcome=Outcome.UNKNOWN, ended_at=now, reason=reason)
                )
                session.add(Event(at=now, kind="message.unknown", message_id=message_id,
                                  detail=reason))  # fmt: skip
            session.commit()
            return settled

    @contextmanager
    def exclusive(self, job: str) -> Iterator[bool]:
        """Hold the job's advisory lock while the block runs; yields False (run nothing) when
        another node holds it. Always True on SQLite."""
        if not self.shared:
            yield True
            return
        key = job_lock_key(job)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            taken = connection.exec_driver_sql(
                f"SELECT pg_try_advisory_lock({MIGRATION_LOCK}, {key})"
            ).scalar()
            try:
                yield bool(taken)
            finally:
                if taken:
                    try:
                        connection.exec_driver_sql(
                            f"SELECT pg_advisory_unlock({MIGRATION_LOCK}, {key})"
                        )
                    except DBAPIError:  # the connection is gone, and the lock with it
                        pass
