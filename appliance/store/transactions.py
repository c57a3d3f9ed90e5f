"""How the store opens its transactions: one writing session, one plain write connection, one
reading session. Every query of the package goes through one of these three.

SQLite has one writer at a time, and a writer that finds the lock taken sleeps in SQLite's busy
handler (1, 2, 5, 10, 15 ms...) before it tries again. Within this process the writers (workers,
dispatcher, webhooks) queue on a mutex instead, which hands over at once; other processes (the
CLI) still meet the busy handler, rarely. Readers begin ``DEFERRED`` (``engine`` explains why
writers begin ``IMMEDIATE``): a page, a status query or the webhook sender's look never queue
behind the daemon's write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import Connection, Engine
from sqlmodel import Session


class Transactions:
    """The engine of a store and the three ways to run a transaction on it; the subjects of the
    store (``outbound``, ``inbound``, ``fleet``) are built on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # the engine's connections with SQLite's read-only BEGIN (the same pool)
        self.reader = engine.execution_options(sqlite_begin="DEFERRED")
        self._write_lock = threading.RLock() if engine.dialect.name == "sqlite" else nullcontext()
        self._joined = threading.local()  # the connection of a ``together`` block, per thread

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that may write (SQLite: ``BEGIN IMMEDIATE``, behind this process's mutex)."""
        with self._write_lock, Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction on a plain connection, for the prebuilt statements of the send
        path (``statements``): committed on leaving, rolled back on an exception; inside a
        ``together`` block of this thread, that block's transaction."""
        joined = getattr(self._joined, "connection", None)
        if joined is not None:
            yield joined
            return
        with self._write_lock, self.engine.begin() as connection:
            yield connection

    @contextmanager
    def _writing_in_bulk(self) -> Iterator[Connection]:
        """One write transaction of a bulk job that commits without waiting for the disk: each
        batch of a campaign's expansion, whose job ends with an ordinary (durable) commit that
        puts every batch before it on the disk too (SQLite's fsync of the WAL file, PostgreSQL's
        flush of its WAL up to that commit). A power cut before that end may lose the last
        batches, never half of one; the expansion is idempotent and does them again. At 100,000
        recipients the fsync of each batch of 2,000 was 3–4 s of the 12 (docs/benchmarks.md
        section 10). The send path never uses this: its claims and outcomes stay durable."""
        if self.engine.dialect.name != "sqlite":
            with self._writing() as connection:
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield connection
            return
        with self._write_lock, self.engine.connect() as connection:
            # SQLite refuses to change its safety level inside a transaction: before, and back
            # after the commit, on the driver's connection (the pool's begin is not involved)
            driver = connection.connection.driver_connection
            driver.execute("PRAGMA synchronous=NORMAL")
            try:
                with connection.begin():
                    yield connection
            finally:
                try:
                    driver.execute("PRAGMA synchronous=FULL")
                except Exception:
                    connection.invalidate()  # never back in the pool unsynced
                    raise

    @contextmanager
    def together(self) -> Iterator[None]:
        """The prebuilt-statement writes (``_writing``) this thread makes in the block, in one
        transaction: one commit (one fsync) where there were several. A worker writes the
        outcome of a send with the hand-over of its next (``appliance.worker.ahead``). Writes
        through ``session`` must not run in the block (SQLite: a second writer waits on it)."""
        with self._writing() as connection:
            self._joined.connection = connection
            try:
                yield
            finally:
                self._joined.connection = None
        self._after_together()

    def _after_together(self) -> None:
        """After the commit of a ``together`` block (the daemon's store rings its waiters)."""

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: on SQLite it begins DEFERRED, so a page or a status query
        never queues behind the daemon's write lock (writes begin IMMEDIATE)."""
        with Session(self.reader, expire_on_commit=False) as session:
            yield session
