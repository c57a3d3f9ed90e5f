"""The store on real SQLite files: migrations, connection set-up, sharing between processes."""

from __future__ import annotations

import configparser
import fnmatch
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from setuptools import find_packages
from sqlalchemy import bindparam, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, select

from appliance.store.engine import (
    MIGRATIONS,
    UNMODELLED_TABLES,
    alembic_config,
    create_engine_for,
    migrate,
    modelled,
)
from appliance.store.schema import Message, UtcDateTime

TIMES = ("created_at", "due_at", "sent_at")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/data/nested/smsrelay.db"  # the folders do not exist yet


@pytest.fixture
def engine(url):
    engine = create_engine_for(url)
    migrate(engine)
    yield engine
    engine.dispose()


HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

_not_the_text_index = modelled  # the History page's trigram index (0004) is no model


def revision(engine) -> str:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def queued(recipient: str = "+33612345678") -> Message:
    now = datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    return Message(recipient=recipient, text="Collecte demain 8h-12h", created_at=now, due_at=now)


def test_migrate_creates_the_folder_the_file_and_every_table(tmp_path, engine):
    assert (tmp_path / "data" / "nested" / "smsrelay.db").is_file()
    tables = set(inspect(engine).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"} | UNMODELLED_TABLES
    assert revision(engine) == HEAD


def test_the_migrated_schema_is_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_the_text_index}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrating_again_is_a_no_op(url, engine):
    with Session(engine) as session:
        session.add(queued())
        session.commit()
    schema = _schema(engine)
    other = create_engine_for(url)  # as a second process starting would
    migrate(other)
    migrate(other)
    assert revision(other) == HEAD
    assert _schema(other) == schema
    with Session(other) as session:
        assert len(session.exec(select(Message)).all()) == 1
    other.dispose()


def _schema(engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master ORDER BY name")
        return [tuple(row) for row in rows]


def test_sqlite_connections_are_set_up_for_several_processes(engine):
    with engine.connect() as connection:

        def pragma(name: str):
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == 5000
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL: a commit survives a power cut (issue 14)


def impatient_engine(url: str):
    """A second engine whose connections give up after 50 ms instead of 5 s."""
    engine = create_engine_for(url)
    event.listen(engine, "connect", lambda dbapi, record: dbapi.execute("PRAGMA busy_timeout=50"))
    return engine


def test_transactions_take_the_write_lock_up_front(engine, url):
    """BEGIN IMMEDIATE: a second transaction waits at BEGIN, before it has read anything."""
    other = impatient_engine(url)
    with engine.begin() as holder:
        holder.exec_driver_sql("SELECT 1")  # only a read, yet the write lock is held
        with pytest.raises(OperationalError, match="database is locked"), other.connect() as c:
            c.exec_driver_sql("SELECT 1")
    with other.connect() as free:
        assert free.exec_driver_sql("SELECT count(*) FROM message").scalar() == 0
    other.dispose()


def test_a_writer_waits_for_another_process_s_lock_then_gets_it(engine, url):
    """The wait for another writer is ours (short steps), bounded by the connection's busy
    timeout, which it leaves as it found it."""
    holder = sqlite3.connect(
        url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")  # as another process would
    other = impatient_engine(url)  # 50 ms of patience
    with pytest.raises(OperationalError, match="database is locked"), other.begin():
        pass
    release = threading.Timer(0.05, holder.commit)
    release.start()
    try:
        with engine.begin() as waiter:  # 5 s of patience: it waits for the commit
            waiter.exec_driver_sql(
                "INSERT INTO event (at, kind, detail) VALUES ('2026-11-23', 'x', '')"
            )
            busy_timeout = waiter.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        release.join()
        holder.close()
        other.dispose()
    assert busy_timeout == 5000


def test_a_read_only_connection_can_opt_out_of_the_write_lock(engine, url):
    other = impatient_engine(url)
    with engine.begin() as writer:
        writer.exec_driver_sql("SELECT 1")
        with other.connect().execution_options(sqlite_begin="DEFERRED") as reader:
            assert reader.exec_driver_sql("SELECT count(*) FROM message").scalar() == 0
    with (
        pytest.raises(ValueError, match="sqlite_begin"),
        other.connect().execution_options(sqlite_begin="SOMETIMES") as wrong,
    ):
        wrong.exec_driver_sql("SELECT 1")
    other.dispose()


def test_a_row_written_by_one_engine_is_read_by_another(url, engine):
    other = create_engine_for(url)
    with Session(engine) as session:
        session.add(queued())
        session.commit()
    with Session(other) as session:
        message = session.exec(select(Message)).one()
    assert message.recipient == "+33612345678"
    assert message.created_at == datetime(2025, 6, 1, 7, 0, tzinfo=UTC)  # aware UTC back
    assert message.status == "queued"
    other.dispose()


WRITER = """
import sys
from sqlalchemy import text
from appliance.store.engine import create_engine_for

engine = create_engine_for(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with engine.begin() as connection:  # read, then write from what was read: a claim
        n = connection.execute(text("SELECT attempts FROM message WHERE id = 1")).scalar()
        connection.execute(text("UPDATE message SET attempts = :n WHERE id = 1"), {"n": n + 1})
with engine.begin() as connection:
    connection.execute(
        text("INSERT INTO event (at, kind, detail) VALUES (CURRENT_TIMESTAMP, 'cli', :who)"),
        {"who": sys.argv[3]},
    )
"""


def test_processes_see_each_other_s_rows_and_lose_no_update(url, engine):
    """Three processes claim-and-update one row at once: no lost update, no "locked" error."""
    with Session(engine) as session:
        session.add(queued())
        session.commit()
    rounds = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(rounds), f"writer {n}"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors
    with engine.connect() as connection:
        attempts = connection.execute(text("SELECT attempts FROM message WHERE id = 1")).scalar()
        who = connection.execute(text("SELECT detail FROM event ORDER BY detail")).scalars().all()
    assert attempts == 3 * rounds
    assert who == ["writer 0", "writer 1", "writer 2"]


def test_in_memory_sqlite_is_one_database_for_every_checkout():
    engine = create_engine_for("sqlite://")
    migrate(engine)
    with Session(engine) as session:
        session.add(queued())
        session.commit()
    with Session(engine) as session:
        assert session.exec(select(Message)).one().recipient == "+33612345678"


def test_unsupported_databases_are_refused():
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        create_engine_for("mysql://u@h/db")


def test_postgresql_urls_get_psycopg_and_pre_ping():
    pytest.importorskip("psycopg")
    engine = create_engine_for("postgresql://relay@db.local/smsrelay")
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.pool._pre_ping


def test_the_migration_scripts_ship_in_the_package():
    """env.py and the revisions ship as packages, the template through package_data."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    include = parser["options.packages.find"]["include"].split()
    packages = set(find_packages(str(ROOT), include=include))
    assert {"appliance.store.migrations", "appliance.store.migrations.versions"} <= packages
    data = [p.strip() for p in parser["options.package_data"]["*"].split(",")]
    for path in MIGRATIONS.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            package = ".".join(path.parent.relative_to(ROOT).parts)
            assert package in packages, path
            if path.suffix != ".py":
                assert any(fnmatch.fnmatch(path.name, pattern) for pattern in data), path


def test_the_quick_head_check_agrees_with_alembic(tmp_path):
    """``migrate`` skips importing alembic when the schema is at the head it reads itself."""
    from appliance.store.engine import head_revision

    assert head_revision() == HEAD
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    migrate(engine)  # the quick path
    assert revision(engine) == HEAD


# --- migration 0005: the index on message.sent_at, on a database that already holds messages -----


def _alembic(engine, verb, target: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, target)


def _message_indexes(engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("message")}


def _sent_in_window(engine, since: datetime) -> tuple[list[int], str]:
    """Ids of the messages sent since ``since``, and SQLite's plan for that query."""
    query = "SELECT id FROM message WHERE sent_at >= ?"
    value = since.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with engine.connect() as connection:
        ids = sorted(connection.exec_driver_sql(query, (value,)).scalars())
        plan = " ".join(
            str(row[-1])
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", (value,))
        )
    return ids, plan


def test_migration_0005_indexes_sent_at_of_existing_messages_and_goes_back_down(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    _alembic(engine, "upgrade", "0004")
    sent = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:  # the columns of revision 0004, not today's model
        for n in range(30):
            message = queued(f"+336123456{n:02d}")
            if n % 3:  # two in three were sent, a minute apart; the rest still wait
                message.status, message.sent_at = "sent", sent.replace(minute=n)
            connection.execute(
                text(
                    "INSERT INTO message (recipient, text, status, priority, rank, parts, "
                    "encoding, report, source, attempts, parts_sent, part_refs, created_at, "
                    "due_at, sent_at) VALUES (:recipient, :text, :status, 'normal', 1, 1, "
                    "'gsm7', 1, 'cli', 0, 0, '', :created_at, :due_at, :sent_at)"
                ).bindparams(*(bindparam(name, type_=UtcDateTime()) for name in TIMES)),
                {
                    "recipient": message.recipient,
                    "text": message.text,
                    "status": message.status,
                    "created_at": message.created_at,
                    "due_at": message.due_at,
                    "sent_at": message.sent_at,
                },
            )
    assert "ix_message_sent_at" not in _message_indexes(engine)
    _, plan = _sent_in_window(engine, sent)
    assert "ix_message_sent_at" not in plan

    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    assert "ix_message_sent_at" in _message_indexes(engine)
    ids, plan = _sent_in_window(engine, sent.replace(minute=20))
    assert ids == [n + 1 for n in range(20, 30) if n % 3]  # rows from before the upgrade
    assert "ix_message_sent_at" in plan, plan
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    _alembic(engine, "downgrade", "0004")
    assert "ix_message_sent_at" not in _message_indexes(engine)
    assert _sent_in_window(engine, sent.replace(minute=20))[0] == ids
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM message").scalar() == 30
    _alembic(engine, "upgrade", "head")  # and up again
    assert "ix_message_sent_at" in _message_indexes(engine)
    engine.dispose()


def test_the_contact_tables_go_up_and_down_again(engine):
    """Revision 0006 (the contact base) can be undone and redone."""
    contact_tables = {"contact", "contact_tag", "contact_field"}
    _alembic(engine, "downgrade", "0005")
    assert revision(engine) == "0005"
    assert not contact_tables & set(inspect(engine).get_table_names())
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    assert contact_tables <= set(inspect(engine).get_table_names())


def test_the_consent_columns_go_up_and_down_again(engine):
    """Revision 0007 (consent on the send path) adds columns with defaults and can be undone."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event (at, kind, detail) VALUES ('2026-12-01 10:00:00.000000', "
                "'modem.ready', '')"
            )
        )
    _alembic(engine, "downgrade", "0006")
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("message")}
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    with Session(engine) as session:
        session.add(queued())
        session.commit()
        assert session.exec(select(Message.kind, Message.strict)).one() == ("transactional", False)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT number FROM event")).scalar() is None
        triggers = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        ).scalar()
    assert triggers == 3  # the text search's (migration 0004) survive, there and back


def test_the_campaign_tables_go_up_and_down_again(engine):
    """Revision 0008 (campaigns) adds two tables and can be undone, the triggers kept."""
    campaign_tables = {"campaign", "campaign_recipient"}
    assert campaign_tables <= set(inspect(engine).get_table_names())
    _alembic(engine, "downgrade", "0007")
    assert not campaign_tables & set(inspect(engine).get_table_names())
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    assert campaign_tables <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        triggers = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        ).scalar()
    assert triggers == 3


def test_the_campaign_steps_go_up_and_down_again(engine):
    """Revision 0009 (windows, replies, codes, events) adds columns and a table, and can be
    undone: the campaigns stay, the new columns go."""
    from appliance.store import Store

    store = Store(engine)
    store.create_campaign("kept", "Bonjour", now=datetime.now(UTC))
    _alembic(engine, "downgrade", "0008")
    tables = set(inspect(engine).get_table_names())
    assert "campaign_event" not in tables
    assert "window_start" not in {c["name"] for c in inspect(engine).get_columns("campaign")}
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    assert store.campaign("kept").confirm_words == "OUI,YES,1"
    assert store.campaign("kept").invitation_days == 7


def test_the_calls_and_credit_go_up_and_down_again(engine):
    """Revision 0010 (issue 13) adds the missed calls and the SIMs' credit, and can be undone:
    the SIMs and their counters stay, the new columns and table go."""
    from appliance.store import Store

    store = Store(engine)
    now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    store.upsert_sim("8933150319000000001", imsi="208150000000001")
    store.add_missed_call(caller="+33612345678", imei=None, iccid=None, rang_at=now, hung_up=True)
    assert revision(engine) == HEAD
    _alembic(engine, "downgrade", "0009")
    assert "missed_call" not in set(inspect(engine).get_table_names())
    assert "credit_low" not in {c["name"] for c in inspect(engine).get_columns("sim")}
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    sim = store.sim("8933150319000000001")
    assert sim is not None and sim.imsi == "208150000000001"
    assert sim.credit_low is False and sim.credit_amount is None
    assert store.missed_calls().rows == ()
