"""Hearing that another node queued work: PostgreSQL's LISTEN/NOTIFY (issue 15).

On SQLite the daemon is the only one sending, and the CLI and the panel ring its local wake-up
socket (``appliance.wakeup``). Nodes sharing PostgreSQL are on other machines, so the database
tells them: migration 0014's trigger sends ``NOTIFY smsrelay_work`` when a message becomes
queued or cancelled (committed work only, one notification a transaction), and each daemon keeps
one connection that ``LISTEN``s and rings its own wake-up for each. As with the socket, a
notification only says "look again": the queue in the database stays the truth, so one lost
while the connection was down costs nothing more than a look when it is back (``on_work`` is
called after every (re)connection).

The listening connection is psycopg's own, outside SQLAlchemy's pool: it sits idle in
``LISTEN`` for the daemon's life, with TCP keepalives so that a database that vanished without
closing it (a cable, a failover) is noticed within about 20 s, and is opened again, with a
growing pause (0.2 s to 5 s), until the database answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "smsrelay_work"  # the trigger's (migrations/versions/0014_nodes.py)
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
              "keepalives_count": 3, "connect_timeout": 5}  # fmt: skip
LOOK_EVERY = 0.5  # seconds: how often the listening thread checks that it should stop
LONGEST_PAUSE = 5.0


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy ``postgresql+psycopg://`` URL (its options kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class WorkListener:
    """A thread that calls ``on_work`` for every notification on ``smsrelay_work``.

    ``on_link(up, why)`` hears when the connection is lost and back (``why`` in words).
    """

    def __init__(
        self,
        url: str,
        on_work: Callable[[], object],
        on_link: Callable[[bool, str], object] | None = None,
    ) -> None:
        self._conninfo = conninfo(url)
        self._on_work = on_work
        self._on_link = on_link
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="work-listener", daemon=True)
        self.listening = threading.Event()  # set while LISTEN is in force (tests wait on it)
        self.heard = 0

    def start(self) -> WorkListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(LOOK_EVERY * 4)

    def _run(self) -> None:
        import psycopg

        pause, down_said = 0.2, False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, **KEEPALIVES) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    pause = 0.2
                    if down_said and self._on_link is not None:
                        self._on_link(True, "")
                    down_said = False
                    self._on_work()  # what was queued while we did not listen
                    while not self._stopping.is_set():
                        for _ in connection.notifies(timeout=LOOK_EVERY):
                            self.heard += 1
                            self._on_work()
            except psycopg.Error as exc:
                self.listening.clear()
                if not down_said:
                    why = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                    log.warning("lost the database's notifications (%s); reconnecting", why)
                    if self._on_link is not None:
                        self._on_link(False, why)
                    down_said = True
                self._stopping.wait(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
        self.listening.clear()
