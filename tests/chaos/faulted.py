"""One run of ``smsrelay serve`` through faults of its modems or its disk, kept alive throughout.

``runs.py`` interrupts the daemon; here the daemon runs on, and the world around it fails: a
modem unplugged, hung, its SIM pulled, its network gone, the disk full or read-only. A test
gives a ``script`` that injects the faults into a ``Scene`` (the fleet, the daemon, its store)
while the messages go, and undoes them; then the run goes to the end (every message settled),
the daemon stops as systemd stops it, and the same promises are checked on the simulators' air
logs (``runs.broken_promises``): sent once, failed with a reason, or unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, col, select

from appliance.store import Store
from appliance.store.engine import create_engine_for
from appliance.store.schema import Event, Modem
from tests.chaos.runs import SETTLE_TIMEOUT, Run, queue_messages
from tests.chaos.serving import POLL, Serve, by_message, networks_idle, parts_on_air, poll


class Scene:
    """What a fault script sees: the simulated modems, the daemon, and its store (read)."""

    def __init__(self, fleet, serve: Serve, database: Path) -> None:
        self.fleet = fleet
        self.serve = serve
        self.engine = create_engine_for(f"sqlite:///{database}")
        self.store = Store(self.engine)

    def on_air(self, modem: int | None = None) -> int:
        """Parts on air, on one modem or on all."""
        servers = self.fleet if modem is None else [self.fleet[modem]]
        return sum(server.call(lambda m, now: len(m.submits)) for server in servers)

    def wait(self, predicate: Callable[[], object], timeout: float, what: str):
        return poll(self.serve, predicate, timeout, what)

    def wait_for_air(self, more: int, timeout: float = 60.0, modem: int | None = None) -> int:
        """Until ``more`` parts went on air (on ``modem``, or on all), or the queue is empty."""
        target = self.on_air(modem) + more
        self.wait(
            lambda: self.on_air(modem) >= target or self.settled(),
            timeout,
            f"{more} more parts on air",
        )
        return self.on_air(modem)

    def mid_send(self, modem: int, timeout: float = 5.0) -> bool:
        """Wait until ``modem`` has a PDU out waiting for the network; False if none came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.settled():
            if self.fleet[modem].call(lambda m, now: m.awaiting_network):
                return True
            time.sleep(POLL / 4)
        return False

    def row(self, modem: int) -> Modem | None:
        """The store's row of a simulated modem (its card in the panel)."""
        return self.store.modem(self.fleet[modem].modem.imei)

    def state(self, modem: int) -> str | None:
        row = self.row(modem)
        return None if row is None else str(row.state)

    def events(self, kind: str) -> list[Event]:
        with Session(self.engine) as session:
            return list(
                session.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id)))
            )

    def settled(self) -> bool:
        counts = self.store.counts()
        return counts["queued"] == 0 and counts["sending"] == 0

    def close(self) -> None:
        self.engine.dispose()


def run_with_faults(
    tmp_path: Path, fleet, script: Callable[[Scene], object], *, total: int,
    environ: dict[str, str] | None = None, health_interval: float = 30.0,
) -> tuple[Run, object]:  # fmt: skip
    """Queue ``total`` messages, serve them while ``script`` injects faults, settle, stop.

    Returns the run (as ``runs.py`` makes it, with no interruption) and what ``script``
    returned. ``health_interval``: the daemon's health polls (real seconds).
    """
    database = tmp_path / "smsrelay.db"
    config_path = queue_messages(tmp_path, fleet, f"sqlite:///{database}", total)
    variables = {"SMSRELAY_CHAOS_HEALTH_INTERVAL": str(health_interval), **(environ or {})}
    started = time.monotonic()
    serve = Serve(config_path, tmp_path / "serve.log", fast=True, environ=variables)
    scene = Scene(fleet, serve, database)
    run = Run()
    try:
        poll(serve, lambda: scene.on_air() > 0, 60, "the first part on air")
        found = script(scene)
        poll(serve, scene.settled, SETTLE_TIMEOUT, "every message settled after the faults")
        poll(serve, lambda: networks_idle(fleet), 10, "the networks' last answers")
        assert serve.stop() == 0, serve.output()[-3000:]
        run.messages = scene.store.messages(limit=total + 10)
    finally:
        scene.close()
        serve.close()
    run.parts = by_message(parts_on_air(fleet))
    run.last_log = serve.output()
    run.seconds = time.monotonic() - started
    return run, found
