"""The CLI's quick path to a SQLite store (``appliance.store.direct``) against the full
``Store``: the same rows written, byte for byte, under the same rules of consent; the same
refusals; the same reads for ``status`` and ``messages``; and it steps aside (None) whenever
the full store must do the work (no file yet, a schema to migrate, not SQLite)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from appliance import views
from appliance.store import ConsentRules, NewMessage, NotOptedIn, OptedOut, Store
from appliance.store.direct import DirectStore, open_direct
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import MessageKind, Priority

NOW = datetime(2026, 12, 2, 9, 0, 0, 123456, tzinfo=UTC)
RULES = ConsentRules(cap_messages=2, cap_period=timedelta(days=30), timezone="Europe/Paris")
IN, OUT, NOBODY = "+33611111111", "+33622222222", "+33633333333"


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _seeded(path: Path) -> Store:
    """A store with an opted-in contact already at the cap, an opted-out one, and a modem."""
    engine = create_engine_for(_url(path))
    migrate(engine)
    store = Store(engine)
    store.opt_in(IN, now=NOW - timedelta(days=90), source="import", proof="line 2")
    store.opt_out(OUT, now=NOW - timedelta(days=3), how="sms STOP")
    for days in (5, 1):  # two campaign messages in the window: the next one is held
        store.enqueue(_new(MessageKind.CAMPAIGN, IN, due=NOW - timedelta(days=days)), NOW, RULES)
    store.upsert_modem("356938035643809", state="ready", iccid="8933000000000000001", port="/x")
    store.upsert_sim(  # its credit read (a float, a bool, a time): the status shows it
        "8933000000000000001", day="2026-12-02", sent_day=3, credit_answer="Solde 4,50 EUR",
        credit_amount=4.5, credit_currency="EUR", credit_checked_at=NOW, credit_low=True,
    )  # fmt: skip
    return store


def _new(kind=MessageKind.TRANSACTIONAL, to=NOBODY, *, due=None, **more) -> NewMessage:
    return NewMessage(
        recipient=to, text="Collecte demain 8h-12h é€", parts=1, encoding="ucs2",
        priority=Priority.HIGH, kind=kind, due_at=due, **more,
    )  # fmt: skip


BATCH = [
    _new(),  # a stranger: transactional goes to anyone
    _new(MessageKind.CAMPAIGN, IN),  # over the cap: held, with the reason
    _new(MessageKind.REMINDER, IN, expires_at=NOW + timedelta(hours=1)),  # held: expiry dropped
    _new(MessageKind.REPLY, NOBODY, want_modem="356938035643809", want_group="orange"),
    _new(MessageKind.CORRECTION, IN, due=NOW + timedelta(days=2), source="api", report=False),
    _new(MessageKind.TRANSACTIONAL, OUT, strict=True),  # passes STOP: the rules allow it
]
STRICT_RULES = ConsentRules(
    cap_messages=2, cap_period=timedelta(days=30), strict_after_stop=True, timezone="Europe/Paris"
)


def _raw_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM message ORDER BY id").fetchall()


@pytest.fixture
def two(tmp_path) -> tuple[Store, DirectStore, Path, Path]:
    full, quick = tmp_path / "full.db", tmp_path / "quick.db"
    store = _seeded(full)
    _seeded(quick)
    direct = open_direct(_url(quick))
    assert direct is not None
    return store, direct, full, quick


def test_both_paths_write_identical_rows(two):
    store, direct, full, quick = two
    written = store.enqueue_all(BATCH, NOW, STRICT_RULES)
    quick_written = direct.enqueue_all(BATCH, NOW, STRICT_RULES)
    assert _raw_rows(full) == _raw_rows(quick)  # every column, as stored
    assert [views.message(m) for m in written] == [views.message(m) for m in quick_written]
    held = [m for m in quick_written if m.reason]
    assert len(held) == 2 and all(m.reason.startswith(f"held: {IN} reached") for m in held)


@pytest.mark.parametrize(
    ("news", "refusal"),
    [
        ([_new(), _new(to=OUT)], OptedOut),  # the second refused: the first is not queued
        ([_new(MessageKind.CAMPAIGN, NOBODY)], NotOptedIn),
    ],
)
def test_both_paths_refuse_alike_and_write_nothing(two, news, refusal):
    store, direct, full, quick = two
    before = _raw_rows(quick)
    with pytest.raises(refusal) as on_full:
        store.enqueue_all(news, NOW, RULES)
    with pytest.raises(refusal) as on_quick:
        direct.enqueue_all(news, NOW, RULES)
    assert str(on_full.value) == str(on_quick.value)
    assert _raw_rows(quick) == before == _raw_rows(full)


def test_both_paths_read_alike_for_status_and_messages(two, config):
    store, direct, _, _ = two
    store.enqueue_all(BATCH, NOW, STRICT_RULES)
    direct.enqueue_all(BATCH, NOW, STRICT_RULES)
    status = views.status(config, direct, NOW)
    assert status == views.status(config, store, NOW)
    assert status["modems"][0]["credit"]["low"] is True  # a bool, not SQLite's 1
    assert status["queue"]["queued"] == 8
    for query in ({}, {"status": "queued", "limit": 2}, {"recipient": IN}):
        assert [views.message(m) for m in direct.messages(**query)] == [
            views.message(m) for m in store.messages(**query)
        ]
    assert views.message(direct.get(3)) == views.message(store.get(3))
    assert direct.get(99) is None and direct.get(2**40) is None
    assert direct.modem("356938035643809") is not None and direct.modem("1") is None


def test_the_quick_path_steps_aside_when_the_full_store_must_work(tmp_path):
    assert open_direct(_url(tmp_path / "absent.db")) is None  # created and migrated by Store
    assert open_direct("postgresql+psycopg://u@h/db") is None
    assert open_direct("sqlite:///:memory:") is None
    path = tmp_path / "old.db"
    _seeded(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    assert open_direct(_url(path)) is None  # to migrate: only the full store does
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert open_direct(_url(tmp_path / "junk.db")) is None
