"""A throwaway PostgreSQL cluster for the tests that need the real thing (≈ 1 s to start).

``postgresql_server`` (session scope) starts one cluster for the whole run and yields its URL
(``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``); tests/conftest.py registers this
module (``pytest_plugins``), so every test may ask for it. A test makes its own database on it
with ``fresh_database``, or takes ``postgresql_store`` (a fresh database, migrated), so tests
never see each other's rows. When the PostgreSQL binaries are
missing the tests are skipped, which tests/conftest.py turns into a failure in CI.

The cluster is made for speed (no fsync, no synchronous commit, no full-page writes) and dies
with the session. ``initdb`` and ``postgres`` refuse to run as root: as root they run as the
``postgres`` user, in a folder it owns (pytest's ``tmp_path`` is mode 0700 under root's, so a
``mkdtemp`` of our own), with a short socket path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

START_TIMEOUT_S = 30


def postgresql_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), or None."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    found = [path for path in candidates if (path / "initdb").exists()]
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres() -> dict:
    """subprocess options that drop root to the ``postgres`` user (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


@contextmanager
def running_cluster(bin_folder: Path) -> Iterator[str]:
    """Start a cluster in a fresh folder, yield its URL, stop it and remove the folder."""
    folder = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, log, port = folder / "data", folder / "log", _free_port()
    run = dict(check=True, capture_output=True, text=True, **_as_postgres())
    try:
        subprocess.run(
            [bin_folder / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            **run,
        )  # fmt: skip
        options = (
            f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [bin_folder / "pg_ctl", "-D", data, "-l", log, "-w", "-t", str(START_TIMEOUT_S),
             "start", "-o", options],
            **run,
        )  # fmt: skip
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        _CLUSTERS[url] = (bin_folder, data, log, options)
        try:
            yield url
        finally:
            _CLUSTERS.pop(url, None)
            subprocess.run(
                [bin_folder / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], **run
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_CLUSTERS: dict[str, tuple] = {}  # URL -> (bin folder, data, log, options) of a running cluster


def stop_cluster(url: str) -> None:
    """``pg_ctl stop -m fast``: the server goes away (``start_cluster`` brings it back)."""
    bin_folder, data, _, _ = _CLUSTERS[url]
    subprocess.run([bin_folder / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
                   check=True, capture_output=True, text=True, **_as_postgres())  # fmt: skip


def start_cluster(url: str) -> None:
    bin_folder, data, log, options = _CLUSTERS[url]
    subprocess.run(
        [bin_folder / "pg_ctl", "-D", data, "-l", log, "-w", "-t", str(START_TIMEOUT_S),
         "start", "-o", options],
        check=True, capture_output=True, text=True, **_as_postgres(),
    )  # fmt: skip


def restart_cluster(url: str) -> None:
    """``pg_ctl restart -m fast`` of the cluster at ``url`` (a base URL ``running_cluster``
    yielded): every session is ended, the server is down for a moment, then back."""
    bin_folder, data, log, options = _CLUSTERS[url]
    subprocess.run(
        [bin_folder / "pg_ctl", "-D", data, "-l", log, "-m", "fast", "-w", "-t",
         str(START_TIMEOUT_S), "restart", "-o", options],
        check=True, capture_output=True, text=True, **_as_postgres(),
    )  # fmt: skip


@pytest.fixture
def own_postgresql_server() -> Iterator[str]:
    """A cluster of the test's own, which it may restart (``restart_cluster``)."""
    pytest.importorskip("psycopg")
    bin_folder = postgresql_bin()
    if bin_folder is None:
        pytest.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    with running_cluster(bin_folder) as url:
        yield url


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[str]:
    """The URL of the session's throwaway cluster (its ``postgres`` database)."""
    pytest.importorskip("psycopg")
    bin_folder = postgresql_bin()
    if bin_folder is None:
        pytest.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    with running_cluster(bin_folder) as url:
        yield url


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the cluster for one test or module; dropped afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    # pre-ping: a test may have restarted the cluster since (restart_cluster)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def postgresql_store(postgresql_server):
    """A ``Store`` on a fresh database of the session's cluster, migrated by our scripts."""
    from appliance.store import Store
    from appliance.store.engine import create_engine_for, migrate

    with fresh_database(postgresql_server) as url:
        engine = create_engine_for(url)
        migrate(engine)
        try:
            yield Store(engine)
        finally:
            engine.dispose()
