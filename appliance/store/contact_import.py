"""How an import merges many contacts into the base, fast: the work of
``Contacts.upsert_contacts`` (``contacts``), chunk by chunk, in the caller's transaction.

Rows are first merged by number (the later row's non-empty values win, tags joined). Then each
chunk of 2,000 numbers costs three reads (its kept contacts, their tags, their fields; built
once, below) and a handful of batched writes, plain SQL run by the driver's ``executemany``
(``contact_writes`` says why): 100,000 rows take seconds, not one round trip each. Also here:
the row an import gives (``ContactValues``), the counts it returns, and the folding of tags
(``tag_key``) that every match by tag uses.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, select

from .contact_schema import DATE, NUMBER, TEXT, Contact, ContactField, ContactTag
from .contact_writes import ImportStatements, statements_for

CONTACT = Contact.__table__
TAG = ContactTag.__table__
FIELD = ContactField.__table__
CHUNK = 2000  # numbers per read and batch: well under SQLite's 32,766 bound parameters

FieldValue = str | int | float | date

# A chunk's reads, built once; an "expanding" parameter takes the chunk's list of values.
_c, _f = CONTACT.c, FIELD.c
_NUMBERS = bindparam("b_numbers", expanding=True)
_IDS = bindparam("b_ids", expanding=True)
KEPT_CONTACTS = select(_c.id, _c.number, _c.first_name, _c.last_name, _c.language).where(
    _c.number.in_(_NUMBERS)
)
KEPT_TAGS = select(TAG.c.contact_id, TAG.c.tag_key).where(TAG.c.contact_id.in_(_IDS))
KEPT_FIELDS = select(
    _f.contact_id, _f.name, _f.kind, _f.text_value, _f.date_value, _f.number_value
).where(_f.contact_id.in_(_IDS))
IDS = select(_c.number, _c.id).where(_c.number.in_(_NUMBERS))


@functools.lru_cache(maxsize=4096)  # an import repeats a few tags on every row
def tag_key(tag: str) -> str:
    """A tag as matched: case-folded, accents removed, spaces trimmed ("Bénévole" = "benevole")."""
    decomposed = unicodedata.normalize("NFKD", tag.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class ContactValues:
    """One contact as an import (or a form) gives it; empty values leave what is kept alone.
    ``line`` is where it came from in the file, for the proof of opt-in."""

    number: str
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    fields: dict[str, FieldValue] = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class UpsertCounts:
    """What an import did (or, dry, would do)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def typed(value: FieldValue) -> tuple[str, str | None, date | None, float | None]:
    """A free field's value as its row keeps it: (kind, text, date, number)."""
    exact = type(value)  # the usual types first: an import calls this once per cell
    if exact is str:
        return (TEXT, value, None, None)
    if exact is int or exact is float:
        return (NUMBER, None, None, float(value))
    if exact is date:
        return (DATE, None, value, None)
    if isinstance(value, datetime):
        return (DATE, None, value.date(), None)
    if isinstance(value, date):
        return (DATE, None, value, None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (NUMBER, None, None, float(value))
    return (TEXT, str(value), None, None)


def field_value(kind: str, text: str | None, day: date | None, number: float | None) -> FieldValue:
    if kind == DATE:
        return day
    if kind == NUMBER:
        return number
    return text


def merged_rows(rows: Iterable[ContactValues]) -> list[ContactValues]:
    """One row per number, the later rows' non-empty values over the earlier's, tags joined."""
    by_number: dict[str, ContactValues] = {}
    for row in rows:
        kept = by_number.get(row.number)
        if kept is None:
            by_number[row.number] = row
            continue
        by_number[row.number] = replace(
            kept,
            first_name=row.first_name or kept.first_name,
            last_name=row.last_name or kept.last_name,
            language=row.language or kept.language,
            tags=kept.tags + row.tags,
            fields={**kept.fields, **row.fields},
            line=row.line if row.line is not None else kept.line,
        )
    return list(by_number.values())


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert_chunk(
    connection: Connection,
    chunk: Sequence[ContactValues],
    now: datetime,
    source: str,
    proof_of: Callable[[ContactValues], str],
    dry_run: bool,
) -> tuple[int, int]:
    """Merge one chunk of distinct numbers: three reads, then batched writes."""
    numbers = [row.number for row in chunk]
    kept = {
        number: (id_, names)
        for id_, number, *names in connection.execute(KEPT_CONTACTS, {"b_numbers": numbers}).all()
    }
    ids = [id_ for id_, _ in kept.values()]
    tags: set[tuple[int, str]] = set()
    fields: dict[tuple[int, str], tuple] = {}
    if ids:
        tags = {(id_, key) for id_, key in connection.execute(KEPT_TAGS, {"b_ids": ids}).all()}
        for contact_id, name, *value in connection.execute(KEPT_FIELDS, {"b_ids": ids}).all():
            fields[(contact_id, name)] = tuple(value)

    fresh = [row for row in chunk if row.number not in kept]
    sql = statements_for(connection.dialect)
    changed_contacts, new_tags, new_fields, changed_fields = [], [], [], []
    touched: set[str] = set()
    for row in chunk:
        old = kept.get(row.number)
        if old is None:
            continue
        old_id, (first_name, last_name, language) = old
        names = (row.first_name or first_name, row.last_name or last_name,
                 row.language or language)  # fmt: skip
        if names != (first_name, last_name, language):
            changed_contacts.append((*names, old_id))
            touched.add(row.number)
        for tag in row.tags:
            key = tag_key(tag)
            if key and (old_id, key) not in tags:
                tags.add((old_id, key))
                new_tags.append((old_id, key, tag.strip()))
                touched.add(row.number)
        for name, value in row.fields.items():
            kept_as = typed(value)
            before = fields.get((old_id, name))
            if before == kept_as:
                continue
            kind, text, day, number = kept_as
            bound = (kind, text, None if day is None else sql.day(day), number)
            if before is None:
                new_fields.append((old_id, name, *bound))
            else:
                changed_fields.append((*bound, old_id, name))
            touched.add(row.number)
    if dry_run:
        return len(fresh), len(touched)

    if fresh:
        _insert_new(connection, sql, fresh, now, source, proof_of, new_tags, new_fields)
    when = sql.when(now)
    sql.run(connection, sql.update_names, [(*names, when, id_) for *names, id_ in changed_contacts])
    renamed = {id_ for *_, id_ in changed_contacts}
    untouched_ids = sorted({kept[n][0] for n in touched} - renamed)
    # tags or fields changed: the contact was updated too
    sql.run(connection, sql.touch_contact, [(when, id_) for id_ in untouched_ids])
    sql.run(connection, sql.insert_tag, new_tags)
    sql.run(connection, sql.insert_field, new_fields)
    sql.run(connection, sql.update_field, changed_fields)
    return len(fresh), len(touched)


def _insert_new(
    connection: Connection,
    sql: ImportStatements,
    fresh: Sequence[ContactValues],
    now: datetime,
    source: str,
    proof_of: Callable[[ContactValues], str],
    new_tags: list[tuple],
    new_fields: list[tuple],
) -> None:
    """Insert the chunk's new contacts, opted in, and add their tags and fields to the
    batches the caller writes."""
    when = sql.when(now)
    sql.run(
        connection,
        sql.insert_contact,
        [
            (row.number, row.first_name or None, row.last_name or None, row.language or None,
             when, when, when, source, proof_of(row))
            for row in fresh
        ],
    )  # fmt: skip
    numbers = [row.number for row in fresh]
    ids = {number: id_ for number, id_ in connection.execute(IDS, {"b_numbers": numbers}).all()}
    bind_day = sql.day
    for row in fresh:
        contact_id = ids[row.number]
        keys: set[str] = set()
        for tag in row.tags:
            key = tag_key(tag)
            if key and key not in keys:
                keys.add(key)
                new_tags.append((contact_id, key, tag.strip()))
        for name, value in row.fields.items():
            kind, text, day, number = typed(value)
            day = None if day is None else bind_day(day)
            new_fields.append((contact_id, name, kind, text, day, number))
