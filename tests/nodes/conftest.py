"""Several nodes on one PostgreSQL (issue 15): two ``smsrelay serve`` processes for real, each
with simulated modems of its own, sharing a database of the throwaway cluster.

As in the chaos tests (tests/chaos/serving.py, whose ``Serve`` this reuses), the simulated
modems run in the test's process, so they outlive a node killed with ``kill -9`` and their air
logs are the truth of what was sent. Each node has its own config, data folder (its wake-up
socket) and ``[node] name``; leases are short (2 s) so that a dead node's claims are settled
within seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appliance.config import Config, load_config
from appliance.outbox import prepare, submit_all
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from modem.sim import start_fleet
from tests.chaos.serving import Serve, by_message, parts_on_air, poll, recipient_for, text_for
from tests.conftest import TIME_SCALE
from tests.pg import fresh_database

LEASE = 2  # seconds: [node] lease


def write_node_config(folder: Path, name: str, url: str, ports: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    modems = "".join(f'\n[[modem]]\nport = "{port}"\n' for port in ports)
    path = folder / "smsrelay.toml"
    path.write_text(
        f"""\
[appliance]
database = "{url}"
data_dir = "{folder}/data"
timezone = "Europe/Paris"

[node]
name = "{name}"
lease = {LEASE}

[discovery]
auto = false

[defaults]
max_per_minute = 100000
daily_limit = false
monthly_limit = false
{modems}""",
        encoding="utf-8",
    )
    return path


@dataclass
class Node:
    name: str
    fleet: list
    config_path: Path
    log: Path
    serve: Serve | None = None
    runs: int = 0

    def start(self) -> Node:
        self.runs += 1
        self.serve = Serve(self.config_path, self.log.with_suffix(f".{self.runs}.log"), fast=True)
        return self

    def on_air(self) -> int:
        return sum(parts_on_air(self.fleet).values())


@dataclass
class Site:
    """Two nodes (or more) on one database, and the store as the test sees it."""

    url: str
    store: Store
    nodes: dict[str, Node] = field(default_factory=dict)

    def config(self, name: str) -> Config:
        return load_config(self.nodes[name].config_path)

    def queue_on(self, name: str, total: int, first: int = 0) -> None:
        """``total`` messages queued through node ``name``'s config (as its CLI would)."""
        config, now = self.config(name), datetime.now(UTC)
        news = [prepare(config, to=recipient_for(i), text=text_for(i), now=now)
                for i in range(first, first + total)]  # fmt: skip
        submit_all(self.store, config, news, now)

    def ready(self, name: str, modems: int) -> bool:
        return (
            sum(1 for m in self.store.modems() if m.node == name and m.state == "ready") >= modems
        )

    def wait_ready(self, modems: int) -> None:
        """Every node serving (its panel too) and its modems ready."""
        for name, node in self.nodes.items():
            poll(node.serve, lambda n=name: self.ready(n, modems), 60, f"{name}'s modems ready")
            poll(node.serve, node.serve.serving, 60, f"{name} serving")

    def settled(self) -> bool:
        counts = self.store.counts()
        return counts["queued"] == 0 and counts["sending"] == 0

    def parts(self) -> dict[int, dict[str, int]]:
        every = [server for node in self.nodes.values() for server in node.fleet]
        return by_message(parts_on_air(every))

    def stop(self) -> None:
        for node in self.nodes.values():
            if node.serve is not None and node.serve.alive():
                assert node.serve.stop() == 0, node.serve.output()[-3000:]


@pytest.fixture
def site_factory(tmp_path) -> Iterator[Callable[..., Site]]:
    """``site_factory(server_url, modems=4, send_delay=...)``: a fresh database, two nodes
    ``pi-a`` and ``pi-b`` configured on it, each with its own simulated modems (not started)."""
    fleets, sites, databases = [], [], []

    def make(server_url: str, *, modems: int = 4, names=("pi-a", "pi-b"), **faults) -> Site:
        database = fresh_database(server_url)
        url = database.__enter__()
        databases.append(database)
        engine = create_engine_for(url)
        migrate(engine)
        site = Site(url=url, store=Store(engine))
        for seed, name in enumerate(names, start=1):
            fleet = start_fleet(modems, directory=tmp_path / name / "sim",
                                time_scale=TIME_SCALE, seed=seed, **faults)  # fmt: skip
            fleets.extend(fleet)
            config = write_node_config(tmp_path / name, name, url, [s.link for s in fleet])
            site.nodes[name] = Node(name, fleet, config, tmp_path / name / "serve")
        sites.append(site)
        return site

    yield make
    for site in sites:
        for node in site.nodes.values():
            if node.serve is not None:
                node.serve.close()
        site.store.engine.dispose()
    for server in fleets:
        server.stop()
    for database in reversed(databases):
        database.__exit__(None, None, None)
