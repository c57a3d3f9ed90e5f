"""The writes of a contacts import, as plain SQL handed to the driver's ``executemany``.

Through SQLAlchemy's own ``executemany`` every row of a batch is a dict that SQLAlchemy checks
and converts one value at a time (``construct_params`` and the column types' processors):
about half of the 11.7 s that writing 100,000 new contacts (150,000 tags, 300,000 free fields)
took on SQLite, whose own work is about 3.5 s. Here each statement is written once per parameter
style, the rows are tuples, and the only values that need converting (times and dates) go
through the very processors SQLAlchemy would have used, taken once per dialect, so what is
stored is the same as before, byte for byte (``UtcDateTime`` included).

The statements are plain SQL that SQLite and PostgreSQL both run, in the caller's transaction:
an import stays one transaction, all of it or none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Dialect

from .contact_schema import Contact, ContactField

_CONTACT = Contact.__table__
_FIELD = ContactField.__table__

# The driver's placeholder for each DB-API parameter style (PEP 249) we may meet.
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _same(value: object) -> object:
    return value


@dataclass(frozen=True)
class ImportStatements:
    """The import's SQL for one dialect, and the conversions of its times and dates."""

    insert_contact: str
    insert_tag: str
    insert_field: str
    update_names: str
    touch_contact: str
    update_field: str
    when: Callable[[datetime], object]  # an aware datetime as ``UtcDateTime`` binds it
    day: Callable[[date], object]  # a date as the ``Date`` column binds it

    def run(self, connection: Connection, sql: str, rows: Sequence[tuple]) -> None:
        """``sql`` once per row of ``rows`` (nothing when there are none), in one call."""
        if rows:  # an empty list would make SQLAlchemy run the statement once, bare
            connection.exec_driver_sql(sql, list(rows))


def _processor(column, dialect: Dialect) -> Callable[[object], object]:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or _same


@functools.lru_cache(maxsize=8)
def statements_for(dialect: Dialect) -> ImportStatements:
    """The import's statements for ``dialect`` (built on first use, then kept)."""
    try:
        mark = _PLACEHOLDERS[dialect.paramstyle]
    except KeyError:
        raise ValueError(f"unsupported parameter style {dialect.paramstyle!r}") from None

    def marks(count: int) -> str:
        return ", ".join([mark] * count)

    contact = ("number", "first_name", "last_name", "language", "created_at", "updated_at",
               "opted_in_at", "opt_in_source", "opt_in_proof")  # fmt: skip
    field = ("contact_id", "name", "kind", "text_value", "date_value", "number_value")
    return ImportStatements(
        insert_contact=f"INSERT INTO contact ({', '.join(contact)}) VALUES ({marks(len(contact))})",
        insert_tag=f"INSERT INTO contact_tag (contact_id, tag_key, tag) VALUES ({marks(3)})",
        insert_field=f"INSERT INTO contact_field ({', '.join(field)}) VALUES ({marks(len(field))})",
        update_names=(
            f"UPDATE contact SET first_name = {mark}, last_name = {mark}, language = {mark}, "
            f"updated_at = {mark} WHERE id = {mark}"
        ),
        touch_contact=f"UPDATE contact SET updated_at = {mark} WHERE id = {mark}",
        update_field=(
            f"UPDATE contact_field SET kind = {mark}, text_value = {mark}, date_value = {mark}, "
            f"number_value = {mark} WHERE contact_id = {mark} AND name = {mark}"
        ),
        when=_processor(_CONTACT.c.created_at, dialect),
        day=_processor(_FIELD.c.date_value, dialect),
    )
