"""Opening the store and bringing its schema up to date.

SQLite is the single-node store, shared by three kinds of process (the daemon, the CLI, the panel),
so every connection is set up for that (a connect event, on each new connection):

- ``journal_mode=WAL``: readers never block the writer and the writer never blocks readers;
- ``busy_timeout=5000``: a writer waits up to 5 s for another instead of failing at once;
- ``synchronous=FULL``: every commit is on stable storage (the WAL file fsynced) before it
  returns, so a power cut keeps every commit. The at-most-once rule needs it: the claim that
  marks a message ``sending`` must survive before ``AT+CMGS`` is written, or a power cut rolls it
  back to ``queued`` and the restarted daemon sends the message again (``NORMAL``, which syncs
  the WAL only at checkpoints, did exactly that: tests/chaos/test_power_cut.py). So do the
  promise "never lost" (a message enqueued and acknowledged by the CLI or the API) and the
  inbound rule (an SMS is deleted from the SIM only after its commit). With WAL one fsync of
  the WAL file per write transaction; readers pay nothing (cost in docs/benchmarks.md, issue 14);
- ``foreign_keys=ON``: SQLite leaves them off unless asked, per connection;
- ``secure_delete=ON``: what is deleted or rewritten is overwritten with zeros, in its page and
  in freed pages, so an erased number (``erasure``) or a pruned message leaves no copy in the
  file. It is already the default of Debian's and Raspberry Pi OS's SQLite (built with
  ``SQLITE_SECURE_DELETE``); set here so that another build behaves the same. The cost is the
  writing of freed pages, which only deletes make.

And every transaction starts with ``BEGIN IMMEDIATE``, taking the write lock up front. Python's
``sqlite3`` (3.11) otherwise starts a transaction only at the first write, so a read-then-write
(claim the next queued message) reads outside any transaction, and two processes update from
the same stale read. With a plain deferred ``BEGIN``, the read's snapshot cannot be upgraded to a
write once another process has committed, and SQLite fails at once with "database is locked"
whatever the busy timeout. Measured here (3 processes x 300 read-increment-write transactions):
the driver's default lost 593 of 900 increments, deferred ``BEGIN`` raised 687 "database is
locked", ``BEGIN IMMEDIATE`` lost none and raised none. The cost is that transactions, readers'
included, take turns; they are milliseconds long here. A connection that only reads and must
not wait can opt out with ``execution_options(sqlite_begin="DEFERRED")``.

PostgreSQL (several nodes, ``postgresql+psycopg://``) needs none of this; connections are checked
with ``pool_pre_ping`` because a node's connections outlive database restarts and failovers. Its
commits are durable unless ``synchronous_commit`` is ``off`` (a server, database or role setting
that loses the last commits in a crash of the server): a session that finds it ``off`` turns it
back ``on`` for itself and says so in the log; stronger settings (``remote_apply``...) are kept.

``migrate`` runs alembic to the newest revision in code, without an ``alembic.ini``: the scripts
ship inside the package (``appliance/store/migrations``). Alembic, mako and pygments cost the
process that imports them about 12 MB for the rest of its life (they cannot be unloaded: measured,
deleting them from ``sys.modules`` gives back nothing), so a long-running daemon migrates
``isolated``: in a short-lived child process, and the daemon never imports alembic.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from . import sqlite_file
from .contact_import import tag_key
from .file_modes import make_private_file, make_private_folder

# their home is sqlite_file (shared with the CLI's quick path); named here too
from .sqlite_file import MIGRATIONS, SQLITE_PRAGMAS, configure, head_revision  # noqa: F401

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)
MIGRATION_LOCK = 0x736D7372  # "smsr": PostgreSQL advisory lock held while migrating

# The History page's trigram index (revision 0004) is no model: SQLite's is an FTS5 virtual table
# over ``message`` (with the shadow tables FTS5 makes), PostgreSQL's a GIN index SQLAlchemy cannot
# declare portably. Autogenerate (migrations/env.py) and the schema tests leave out these names.
UNMODELLED_TABLES = frozenset(
    {"message_text", "message_text_data", "message_text_idx", "message_text_config"}
)
UNMODELLED_INDEXES = frozenset({"ix_message_text_trgm"})


def modelled(name: str | None, type_: str, parent_names: object = None) -> bool:
    """False for the schema objects the models do not declare (alembic's ``include_name``)."""
    if type_ == "table":
        return name not in UNMODELLED_TABLES
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True


def create_engine_for(url: str) -> Engine:
    """An engine for a ``sqlite:///`` or ``postgresql[+psycopg]://`` URL, set up as above.

    A bare ``postgresql://`` gets the psycopg (3) driver, the one the ``postgres`` extra installs.
    For a SQLite file, the folder is created if missing.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:  # the driver is an extra, not installed by default
            raise MissingDriver(
                f"the database {parsed.render_as_string(hide_password=True)} needs the "
                f"{parsed.get_driver_name()} driver, which is not installed here ({exc}): "
                "pip install 'smsrelay[postgres]' in smsrelay's environment"
            ) from exc
        event.listen(engine, "connect", _durable_postgresql_session)
        return engine
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


class MissingDriver(RuntimeError):
    """A PostgreSQL URL on a machine without the ``postgres`` extra; the message says what to
    install (rather than a traceback ending in ``No module named 'psycopg'``)."""


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def _sqlite_engine(url: URL) -> Engine:
    if _in_memory(url):
        # One connection for everyone, or each checkout would see its own empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        database = url.database or ""
        if not database.startswith("file:"):
            path = Path(database).expanduser()
            make_private_folder(path.parent)  # file_modes: private whatever the umask
            make_private_file(path)
        engine = create_engine(url)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(
    dbapi_connection: sqlite3.Connection, connection_record: object
) -> None:
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN; _begin_... does
    # SQLite's lower() knows ASCII only: the contact search folds names with this instead
    dbapi_connection.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    configure(dbapi_connection)


def _durable_postgresql_session(dbapi_connection: Any, connection_record: object) -> None:
    """``synchronous_commit = on`` for this session if the server's setting is ``off``."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        if cursor.fetchone()[0] == "off":
            cursor.execute("SET synchronous_commit = on")
            if not _warned_async_commit:
                _warned_async_commit.append(True)
                log.warning(
                    "PostgreSQL has synchronous_commit = off: smsrelay turns it on for its own "
                    "sessions (a crash of the server must not lose a message marked sending)"
                )
    dbapi_connection.commit()  # the SET is transactional: keep it past this first transaction


_warned_async_commit: list[bool] = []  # once per process, not once per pooled connection

FOLD_FUNCTION = "smsrelay_fold"


def _fold(value: str | None) -> str | None:
    """Case and accents away ("Élodie" -> "elodie"), as tags are matched (``tag_key``)."""
    return None if value is None else tag_key(value)


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
        raise ValueError(f"sqlite_begin={mode!r}: expected IMMEDIATE, DEFERRED or EXCLUSIVE")
    if mode == "DEFERRED":  # a reader: in WAL mode it never waits for a lock
        connection.exec_driver_sql("BEGIN DEFERRED")
    else:
        _begin_writing(connection, mode)


def _begin_writing(connection: Connection, mode: str) -> None:
    """``BEGIN IMMEDIATE``, waiting for another process's write lock in steps of at most 1 ms.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between its
    tries, so a write lock held 30 ms by another process (the panel's, enqueueing, while the
    kernel gave its core to someone else) could keep the daemon waiting up to 300 ms between two
    sends (measured: a 301 ms wait in a 100 s run with 50 API clients). Here the lock is tried
    again every 0.1-1 ms for as long as the connection's busy timeout allows, so its release is
    noticed within a millisecond. The busy timeout stays in force for every other statement.
    The same loop serves the CLI's thin path (``sqlite_file.begin_immediate``); here on the
    connection under SQLAlchemy's, its refusal raised as SQLAlchemy's own error as any statement's.
    """
    try:
        sqlite_file.begin_immediate(connection.connection.dbapi_connection, mode)
    except sqlite3.OperationalError as exc:
        raise OperationalError(f"BEGIN {mode}", (), exc) from exc


def alembic_config() -> AlembicConfig:
    """The alembic configuration, built in code: the scripts are found inside the package."""
    from alembic.config import Config as AlembicConfig  # alembic is imported only to migrate

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def _schema_is_current(engine: Engine) -> bool:
    try:
        with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
            current = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:  # no table yet, or no database: let alembic find out
        return False
    return current == head_revision()


class MigrationFailed(RuntimeError):
    """The isolated migration's child process failed; the message ends with its error."""


def migrate(engine: Engine, *, isolated: bool = False) -> None:
    """Upgrade the schema to the newest revision; a no-op when it is already there.

    The whole upgrade is one transaction (SQLite and PostgreSQL both have transactional DDL), so
    a failure leaves the previous schema. Two processes starting at once do not both migrate:
    SQLite's ``BEGIN IMMEDIATE`` (or an advisory lock on PostgreSQL) makes the second wait, and
    it then finds the schema up to date.

    ``isolated``: upgrade in a child process (same interpreter, same code), for the daemon, which
    would otherwise keep alembic's 12 MB; an in-memory SQLite database, which another process
    cannot see, is upgraded here. The child costs a second or two on a Pi, once per upgrade.
    """
    if _schema_is_current(engine):
        return  # the usual start: no need to import alembic (11 MB kept for the daemon's life)
    if isolated and not _in_memory(engine.url):
        _upgrade_in_child(engine.url)
        return
    _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _upgrade_in_child(url: URL) -> None:
    # The URL goes on standard input, not on the command line, where any user of the machine
    # could read a PostgreSQL password with ``ps``. argv[1] is the folder holding the
    # ``appliance`` package, appended so that the child runs this very code, from a source tree too.
    program = (
        "import sys; sys.path.append(sys.argv[1]); "
        "from appliance.store.engine import _child_upgrade; sys.exit(_child_upgrade())"
    )
    child = subprocess.run(
        [sys.executable, "-c", program, str(Path(__file__).resolve().parents[2])],
        input=url.render_as_string(hide_password=False),
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        lines = child.stderr.strip().splitlines() or [f"exit status {child.returncode}"]
        where = url.render_as_string(hide_password=True)
        failure = MigrationFailed(f"migrating {where} failed: {lines[-1]}")
        failure.add_note(child.stderr)  # the child's traceback, for the log
        raise failure


def _child_upgrade() -> int:
    """The isolated migration's child: the URL on standard input; on failure, the traceback
    and then one line saying why, which the parent quotes."""
    engine = create_engine_for(sys.stdin.read())
    try:
        _upgrade(engine)
    except Exception as exc:
        traceback.print_exc()
        reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's wrapper
        print(f"{type(reason).__name__}: {reason}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
