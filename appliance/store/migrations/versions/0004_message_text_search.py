"""A trigram index on ``message.text``, so that the History page finds a rare text without
reading every message.

A substring search (``LIKE '%code 1234%'``) can use no B-tree index: without one, a text found
in fewer messages than a page holds makes the search read the whole table (0.7-1.1 s at a
million messages). A trigram index lists, for every three-character piece, the messages whose
text contains it; the pieces of the searched text narrow the search to a handful of candidates,
which are then checked with the exact condition. Each dialect has its own:

- SQLite: an FTS5 table with the ``trigram`` tokenizer (SQLite 3.34 or newer), over the
  ``message`` table itself (external content: the text is not stored twice) and ``detail=none``
  (it keeps which messages hold a trigram, not where: phrase queries are refused, so the search
  asks for every trigram and checks the candidates; measured at a million messages: 94 MB and
  15 s to build, against 253 MB and 23 s with positions, for the same 1 ms answers), without
  the per-row sizes (``columnsize=0``: only ranking uses them). Triggers keep it in step with
  every INSERT, DELETE and UPDATE of the text; they are SQL, so every writer (the daemon, the
  CLI, the panel, another tool) keeps it right.
- PostgreSQL: a GIN index with ``gin_trgm_ops`` from the ``pg_trgm`` extension (trusted since
  PostgreSQL 13: the database owner may create it), which ``ILIKE '%...%'`` uses by itself.

The upgrade fills the index from the messages already there (SQLite: FTS5's ``rebuild``;
PostgreSQL: ``CREATE INDEX`` reads the table): about 15 s at a million messages on SQLite (the
bench machine), during which the migration holds the write lock. The downgrade drops the index
(PostgreSQL keeps the extension: other objects may use it).

Beware (SQLite): the triggers and the FTS table belong to ``message`` by name. A later revision
that rebuilds ``message`` in batch mode (copy, drop, rename) drops the triggers with the old
table: it must create them again (``SQLITE_UP`` below) and ``rebuild`` the index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FTS_TABLE = "message_text"  # appliance.store.text_search.MESSAGE_TEXT_INDEX reads it
PG_INDEX = "ix_message_text_trgm"

SQLITE_UP = (
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        text, content='message', content_rowid='id',
        tokenize='trigram case_sensitive 0', detail=none, columnsize=0)""",
    f"""CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON message BEGIN
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON message BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, text ON message BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
    END""",
    # the messages already there
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    f"DROP TRIGGER {FTS_TABLE}_update",
    f"DROP TRIGGER {FTS_TABLE}_delete",
    f"DROP TRIGGER {FTS_TABLE}_insert",
    f"DROP TABLE {FTS_TABLE}",  # and its shadow tables
)
POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX {PG_INDEX} ON message USING gin (text gin_trgm_ops)",
)
POSTGRESQL_DOWN = (f"DROP INDEX {PG_INDEX}",)


def _run(statements: tuple[str, ...]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRESQL_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRESQL_DOWN)
