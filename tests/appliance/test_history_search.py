"""History's text search against a plain Python filter, on SQLite and on PostgreSQL.

A few hundred messages with accents in both cases, emoji, LIKE's wildcards, quotes and codes
are searched with texts of one character to a whole sentence, alone and with each other filter
(number, status, dates), paged towards older messages and back towards newer ones; every page
must be exactly what ``q.lower() in text.lower()`` picks, newest first. The walks' constants
are shrunk (``tight``) so that every branch (the trigram probe giving way to the status walk,
the status walk's windows and its index) runs on so few rows; the defaults run too.

Then SQLite's index itself: the triggers follow updates and deletes (FTS5's integrity check),
every letter the search folds is folded by FTS5 as well, and migration 0004 indexes the
messages a database already holds, and goes back down. PostgreSQL runs on a throwaway cluster
(tests/pg.py), migrated by our alembic scripts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, Table, event, insert, inspect, text
from sqlmodel import col, select

from appliance.store import Store, history, text_search
from appliance.store.engine import alembic_config, create_engine_for, migrate
from appliance.store.history import MessageFilter
from appliance.store.schema import Message, Status
from tests.pg import fresh_database

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NUMBERS = ("+33612345678", "+33698765432", "36180")
STATUSES = (Status.DELIVERED, Status.DELIVERED, Status.SENT, Status.FAILED, Status.QUEUED)
PIECES = (
    "Bonjour Élodie", "bonjour élodie", "BONJOUR ÉLODIE", "Elodie", "à bientôt", "À BIENTÔT",
    "Zoé", "ZOÉ", "Raphaël", "Ça marche", "ça", "déjà", "🎉", "🎉🎉", "❤️ merci", "100%",
    "100 %", "a_b", "aXb", "50/50", "C'est", 'dit "oui"', "Σοφία", "ΣΟΦΊΑ", "Code 12345",
    "code 12346", "Réf 0007", "collecte", "COLLECTE", "Collecte de sang demain 8h-12h",
    "STOP au 36180", "l'été", "naïve", "Œuvre", "œuvre", "  ", "x",
)  # fmt: skip
SEARCHES = (
    # shorter than a trigram: scanned
    "é", "É", "%", "_", "🎉", "x", "a", "zo", "ÇA", "%_", "/", "'",
    # served by the index
    "élodie", "ÉLODIE", "Elodie", "elodie", "bonjour é", "à bientôt", "À BIENTÔT", "À bientôt",
    "zoé", "100%", "0%", "a_b", "a%b", "50/50", '"oui"', "c'est", "σοφία", "ΣΟΦΊΑ", "code 1234",
    "12345", "réf 0007", "🎉🎉", "❤️ m", "collecte", "collecte de sang demain 8h-12h",
    "de sang demain 8h-12h à bientôt", "nothing like it", "œuvre", "naÏve", "l'ÉTÉ",
)  # fmt: skip
LIMIT = 7


def corpus(size: int = 320, seed: int = 4) -> list[dict]:
    """Messages made of one to three pieces, one minute apart (ids follow creation)."""
    rng = random.Random(seed)
    rows = []
    for n in range(size):
        body = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
        at = T0 + timedelta(minutes=n)
        rows.append(
            dict(
                recipient=rng.choice(NUMBERS),
                text=body,
                status=rng.choice(STATUSES),
                created_at=at,
                due_at=at,
            )
        )
    return rows


def load(engine: Engine, rows: list[dict]) -> None:
    with engine.begin() as connection:
        connection.execute(insert(Message), rows)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def searched_store(request, tmp_path_factory) -> Iterator[Store]:
    """A migrated database of either kind holding ``corpus()``."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'smsrelay.db'}"
        yield from _store_at(url)
    else:
        server = request.getfixturevalue("postgresql_server")
        with fresh_database(server) as url:
            yield from _store_at(url)


def _store_at(url: str) -> Iterator[Store]:
    engine = create_engine_for(url)
    migrate(engine)
    load(engine, corpus())
    yield Store(engine)
    engine.dispose()


@pytest.fixture(params=["tight", "defaults"])
def walks(request, monkeypatch) -> str:
    """Every branch on a few hundred rows (``tight``), and the constants as shipped."""
    if request.param == "tight":
        monkeypatch.setattr(history, "TEXT_PROBE", 3)
        monkeypatch.setattr(history, "RARE_STATUS", 70)  # delivered is common, the rest rare
        monkeypatch.setattr(history, "STATUS_WINDOWS", (2, 5, 11))
        monkeypatch.setattr(history, "ID_SLACK", 1)
    return request.param


def everything(store: Store) -> list[Message]:
    with store.reading() as session:
        return list(session.exec(select(Message).order_by(col(Message.id).desc())).all())


def expected_ids(rows: list[Message], wanted: MessageFilter) -> list[int]:
    def keeps(m: Message) -> bool:
        return (
            (wanted.text is None or wanted.text.lower() in m.text.lower())
            and (wanted.recipient is None or m.recipient == wanted.recipient)
            and (wanted.status is None or m.status == wanted.status)
            and (wanted.since is None or m.created_at >= wanted.since)
            and (wanted.until is None or m.created_at < wanted.until)
        )

    return [m.id for m in rows if keeps(m)]


def paged_both_ways(store: Store, wanted: MessageFilter) -> tuple[list[int], list[int]]:
    """Every page from the newest to the oldest, then back up from below the oldest."""
    older, before = [], None
    for _ in range(500):
        page = history.search_messages(store, wanted, before=before, limit=LIMIT)
        assert len(page.rows) <= LIMIT
        older += [m.id for m in page.rows]
        if page.older is None:
            break
        before = page.older
    newer, after = [], (older[-1] - 1 if older else 0)
    for _ in range(500):
        page = history.search_messages(store, wanted, after=after, limit=LIMIT)
        newer = [m.id for m in page.rows] + newer
        if page.newer is None:
            break
        after = page.newer
    return older, newer


FILTERS = {
    "text alone": {},
    "and a number": {"recipient": NUMBERS[0]},
    "and delivered": {"status": Status.DELIVERED},
    "and failed": {"status": Status.FAILED},
    "and queued": {"status": Status.QUEUED},
    "and cancelled (none)": {"status": Status.CANCELLED},
    "and dates": {"since": T0 + timedelta(minutes=40), "until": T0 + timedelta(minutes=250)},
    "and all": {
        "recipient": NUMBERS[1],
        "status": Status.DELIVERED,
        "since": T0 + timedelta(minutes=10),
        "until": T0 + timedelta(minutes=300),
    },
}


@pytest.mark.parametrize("others", FILTERS.values(), ids=FILTERS.keys())
def test_every_search_matches_a_plain_python_filter(searched_store, walks, others):
    rows = everything(searched_store)
    for searched in SEARCHES:
        wanted = MessageFilter(text=searched, **others)
        expected = expected_ids(rows, wanted)
        older, newer = paged_both_ways(searched_store, wanted)
        assert older == expected, searched
        assert newer == expected, searched


def test_the_corpus_exercises_the_cases_that_matter(searched_store):
    """Guards the test itself: the searches find rows in several cases, and some find none."""
    rows = everything(searched_store)
    found = {q: len(expected_ids(rows, MessageFilter(text=q))) for q in SEARCHES}
    assert found["ÉLODIE"] == found["élodie"] > 0  # accents in both cases
    assert found["Elodie"] < found["élodie"]  # an accent is no case
    assert found["100%"] > 0 and found["a_b"] > 0 and found["a%b"] == 0  # wildcards literal
    assert found["nothing like it"] == 0 and found["🎉🎉"] > 0


def test_a_page_in_the_middle_has_both_neighbours(searched_store):
    wanted = MessageFilter(text="élodie")
    expected = expected_ids(everything(searched_store), wanted)
    assert len(expected) > 3 * LIMIT
    middle = history.search_messages(searched_store, wanted, before=expected[LIMIT], limit=LIMIT)
    assert [m.id for m in middle.rows] == expected[LIMIT + 1 : 2 * LIMIT + 1]
    assert middle.newer == expected[LIMIT + 1] and middle.older == expected[2 * LIMIT]


# --- SQLite: the index and its upkeep ------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Store]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'smsrelay.db'}")
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def integrity_check(engine: Engine) -> None:
    """FTS5 compares its index with the ``message`` rows; raises if they differ."""
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO message_text(message_text, rank) VALUES ('integrity-check', 1)")
        )


def found(store: Store, searched: str) -> list[int]:
    return [m.id for m in history.search_messages(store, MessageFilter(text=searched)).rows]


def test_a_search_of_three_characters_or_more_asks_the_trigram_index(sqlite_store):
    load(sqlite_store.engine, corpus(40))
    statements: list[str] = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    found(sqlite_store, "élodie")
    assert any("message_text MATCH" in s for s in statements)
    statements.clear()
    found(sqlite_store, "zo")  # no trigram: the table's rows are read
    assert not any("MATCH" in s for s in statements)


def test_the_triggers_follow_inserts_updates_and_deletes(sqlite_store):
    engine = sqlite_store.engine
    load(engine, corpus(30))
    load(engine, [dict(recipient=NUMBERS[0], text="Rendez-vous à Quimper", status="sent",
                       created_at=T0, due_at=T0)])  # fmt: skip
    (kept,) = found(sqlite_store, "quimper")
    with engine.begin() as connection:
        connection.execute(text("UPDATE message SET text = 'Rendez-vous à Brest' WHERE id = :i"),
                           {"i": kept})  # fmt: skip
        connection.execute(text("UPDATE message SET status = 'delivered' WHERE id = :i"),
                           {"i": kept})  # fmt: skip
    integrity_check(engine)
    assert found(sqlite_store, "quimper") == [] and found(sqlite_store, "BREST") == [kept]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM message WHERE id = :i"), {"i": kept})
        connection.execute(text("DELETE FROM message WHERE id % 3 = 0"))
    integrity_check(engine)
    assert found(sqlite_store, "brest") == []
    assert (
        found(sqlite_store, "élodie")
        == expected_ids(everything(sqlite_store), MessageFilter(text="élodie"))[:50]
    )


def test_store_enqueue_indexes_the_text(sqlite_store):
    from appliance.outbox import NewMessage

    message = sqlite_store.enqueue(
        NewMessage(recipient=NUMBERS[0], text="Collecte à Plougastel-Daoulas 🎉", parts=1,
                   encoding="ucs2"),
        T0,
    )  # fmt: skip
    assert found(sqlite_store, "PLOUGASTEL") == [message.id]
    integrity_check(sqlite_store.engine)


def test_fts5_folds_every_letter_the_search_folds(sqlite_store):
    """The search folds what FTS5 folds, or FTS5 would not offer every match as a candidate."""
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            text("CREATE VIRTUAL TABLE temp.fold USING fts5(x, tokenize='trigram', detail=none)")
        )
        connection.execute(
            text("INSERT INTO temp.fold(rowid, x) VALUES (:point, :x)"),
            [{"point": point, "x": chr(point) * 3} for point in text_search.FOLD],
        )
        missed = [
            point
            for point, lower in text_search.FOLD.items()
            if not connection.execute(
                text("SELECT 1 FROM temp.fold WHERE fold MATCH :q AND rowid = :point"),
                {"q": '"' + lower * 3 + '"', "point": point},
            ).first()
        ]
    assert missed == []
    assert len(text_search.FOLD) > 600  # Latin, Greek and Cyrillic at least


# --- migration 0004 on a database that already holds messages ------------------------------------


def _alembic(engine: Engine, verb, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        verb(config, revision)


def _text_index_objects(engine: Engine) -> set[str]:
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            return set(
                connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'message_text%'"
                ).scalars()
            )
    return {index["name"] for index in inspect(engine).get_indexes("message")} & {
        "ix_message_text_trgm"
    }


def _migration_round_trip(engine: Engine) -> None:
    _alembic(engine, command.upgrade, "0003")
    rows = corpus(120, seed=9)
    then = {c["name"] for c in inspect(engine).get_columns("message")}  # 0003's, not today's
    columns = [c._copy() for c in Message.__table__.columns if c.name in then]
    as_then = Table("message", MetaData(), *columns)
    with engine.begin() as connection:
        connection.execute(insert(as_then), rows)
    assert _text_index_objects(engine) == set()
    _alembic(engine, command.upgrade, "head")
    store = Store(engine)
    wanted = MessageFilter(text="élodie", status=Status.DELIVERED)
    expected = expected_ids(everything(store), wanted)
    assert expected and paged_both_ways(store, wanted) == (expected, expected)
    if engine.dialect.name == "sqlite":
        integrity_check(engine)
    assert _text_index_objects(engine)
    _alembic(engine, command.downgrade, "0003")
    assert _text_index_objects(engine) == set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM message")).scalar() == len(rows)
    _alembic(engine, command.upgrade, "head")  # and up again
    assert paged_both_ways(store, wanted) == (expected, expected)


def test_migration_0004_indexes_existing_messages_and_goes_back_down_on_sqlite(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    _migration_round_trip(engine)
    engine.dispose()


def test_migration_0004_indexes_existing_messages_and_goes_back_down_on_postgresql(
    postgresql_server,
):
    with fresh_database(postgresql_server) as url:
        engine = create_engine_for(url)
        _migration_round_trip(engine)
        engine.dispose()


def test_postgresql_serves_ilike_from_the_trigram_index(postgresql_store):
    """The query ``search_messages`` sends (``ILIKE ... ESCAPE '/'``) can use the GIN index."""
    store = postgresql_store
    engine = store.engine
    load(engine, corpus(200))
    with store.reading() as session:
        condition = history._text_condition(session, "a_b 100%")
        query = select(Message.id).where(condition)
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(session.connection().exec_driver_sql(f"EXPLAIN {compiled}").scalars())
    assert "ix_message_text_trgm" in plan, plan
