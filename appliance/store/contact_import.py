"""How an import merges many contacts into the base, fast: the work of
``Contacts.upsert_contacts`` (``contacts``), chunk by chunk, in the caller's transaction.

Rows are first merged by number (the later row's non-empty values win, tags joined). Then each
chunk of 2,000 numbers costs three reads (its kept contacts, their tags, their fields)
and a handful of batched writes (``executemany``): 100,000 rows take seconds, not one round trip
each. Also here: the row an import gives (``ContactValues``), the counts it returns, and the
folding of tags (``tag_key``) that every match by tag uses.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from .contact_schema import DATE, NUMBER, TEXT, Contact, ContactField, ContactTag

CONTACT = Contact.__table__
TAG = ContactTag.__table__
FIELD = ContactField.__table__
CHUNK = 2000  # numbers per read and batch: well under SQLite's 32,766 bound parameters

FieldValue = str | int | float | date


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
    c = CONTACT.c
    kept = {
        r.number: r
        for r in connection.execute(
            select(c.id, c.number, c.first_name, c.last_name, c.language).where(
                c.number.in_(numbers)
            )
        )
    }
    ids = [r.id for r in kept.values()]
    tags: set[tuple[int, str]] = set()
    fields: dict[tuple[int, str], tuple] = {}
    if ids:
        tags = {(r.contact_id, r.tag_key) for r in connection.execute(
            select(TAG.c.contact_id, TAG.c.tag_key).where(TAG.c.contact_id.in_(ids)))}  # fmt: skip
        f = FIELD.c
        for r in connection.execute(
            select(f.contact_id, f.name, f.kind, f.text_value, f.date_value, f.number_value).where(
                f.contact_id.in_(ids)
            )
        ):
            fields[(r.contact_id, r.name)] = (r.kind, r.text_value, r.date_value, r.number_value)

    fresh = [row for row in chunk if row.number not in kept]
    changed_contacts, new_tags, new_fields, changed_fields = [], [], [], []
    touched: set[str] = set()
    for row in chunk:
        old = kept.get(row.number)
        if old is None:
            continue
        values = {
            "first_name": row.first_name or old.first_name,
            "last_name": row.last_name or old.last_name,
            "language": row.language or old.language,
        }
        if values != {"first_name": old.first_name, "last_name": old.last_name,
                      "language": old.language}:  # fmt: skip
            changed_contacts.append({"b_id": old.id, **values})
            touched.add(row.number)
        for tag in row.tags:
            key = tag_key(tag)
            if key and (old.id, key) not in tags:
                tags.add((old.id, key))
                new_tags.append({"contact_id": old.id, "tag_key": key, "tag": tag.strip()})
                touched.add(row.number)
        for name, value in row.fields.items():
            kept_as = typed(value)
            before = fields.get((old.id, name))
            if before == kept_as:
                continue
            target = new_fields if before is None else changed_fields
            keys = ("b_contact_id", "b_name") if before else ("contact_id", "name")
            target.append(dict(zip(("kind", "text_value", "date_value", "number_value"),
                                   kept_as, strict=True), **dict(zip(keys, (old.id, name),
                                   strict=True))))  # fmt: skip
            touched.add(row.number)
    if dry_run:
        return len(fresh), len(touched)

    if fresh:
        _insert_new(connection, fresh, now, source, proof_of, new_tags, new_fields)
    if changed_contacts:
        connection.execute(
            update(CONTACT)
            .where(c.id == bindparam("b_id"))
            .values(updated_at=now, first_name=bindparam("first_name"),
                    last_name=bindparam("last_name"), language=bindparam("language")),
            changed_contacts,
        )  # fmt: skip
    untouched_ids = {kept[n].id for n in touched} - {r["b_id"] for r in changed_contacts}
    if untouched_ids:  # tags or fields changed: the contact was updated too
        connection.execute(update(CONTACT).where(c.id.in_(untouched_ids)).values(updated_at=now))
    if new_tags:
        connection.execute(insert(TAG), new_tags)
    if new_fields:
        connection.execute(insert(FIELD), new_fields)
    if changed_fields:
        f = FIELD.c
        connection.execute(
            update(FIELD)
            .where(f.contact_id == bindparam("b_contact_id"), f.name == bindparam("b_name"))
            .values(kind=bindparam("kind"), text_value=bindparam("text_value"),
                    date_value=bindparam("date_value"), number_value=bindparam("number_value")),
            changed_fields,
        )  # fmt: skip
    return len(fresh), len(touched)


def _insert_new(
    connection: Connection,
    fresh: Sequence[ContactValues],
    now: datetime,
    source: str,
    proof_of: Callable[[ContactValues], str],
    new_tags: list[dict],
    new_fields: list[dict],
) -> None:
    """Insert the chunk's new contacts, opted in, and add their tags and fields to the
    batches the caller writes."""
    inserted = connection.execute(
        insert(CONTACT).returning(CONTACT.c.id, CONTACT.c.number),
        [
            {"number": row.number, "first_name": row.first_name or None,
             "last_name": row.last_name or None, "language": row.language or None,
             "created_at": now, "updated_at": now, "opted_in_at": now,
             "opt_in_source": source, "opt_in_proof": proof_of(row),
             "opted_out_at": None, "opt_out_how": None}
            for row in fresh
        ],
    )  # fmt: skip
    ids = {number: contact_id for contact_id, number in inserted}
    for row in fresh:
        contact_id = ids[row.number]
        keys: set[str] = set()
        for tag in row.tags:
            key = tag_key(tag)
            if key and key not in keys:
                keys.add(key)
                new_tags.append({"contact_id": contact_id, "tag_key": key, "tag": tag.strip()})
        for name, value in row.fields.items():
            kind, text, day, number = typed(value)
            new_fields.append({"contact_id": contact_id, "name": name, "kind": kind,
                               "text_value": text, "date_value": day,
                               "number_value": number})  # fmt: skip
