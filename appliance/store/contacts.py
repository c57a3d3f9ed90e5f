"""The contact base as the store keeps it: contacts, their consent, tags and free fields.

``upsert_contacts`` is the import (its merging, chunk by chunk, in ``contact_import``).
``is_opted_out`` is what every send path will ask before queueing: one read of the unique index
on ``number``.

The rules of consent live here because the store is where they cannot be bypassed: an import
records an opt-in for the contacts it creates, never for one that opted out (only the person
undoes STOP, by a join keyword: ``opt_in``); a STOP from a stranger is kept as a bare opted-out
contact, so a later import cannot opt them in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from .contact_import import (
    CONTACT,
    FIELD,
    TAG,
    ContactValues,
    FieldValue,
    UpsertCounts,
    chunks,
    field_value,
    merged_rows,
    tag_key,
    typed,
    upsert_chunk,
)
from .erasure import Erased  # in __all__: it was defined here before ``erasure``
from .schema import Event, Message, Status
from .transactions import Transactions

EVENT = Event.__table__
MESSAGE = Message.__table__

__all__ = [
    "ContactRecord",
    "ContactValues",
    "Contacts",
    "Erased",
    "TagCount",
    "UpsertCounts",
    "tag_key",
]

# The send paths' question, prebuilt: one read of the unique index on ``contact.number``.
OPTED_OUT = text("SELECT opted_out_at FROM contact WHERE number = :b_number")


@dataclass(frozen=True)
class ContactRecord:
    """A contact as kept, with its tags (as written) and free fields (typed values)."""

    id: int
    number: str
    first_name: str | None
    last_name: str | None
    language: str | None
    created_at: datetime
    updated_at: datetime
    opted_in_at: datetime | None
    opt_in_source: str | None
    opt_in_proof: str | None
    opted_out_at: datetime | None
    opt_out_how: str | None
    tags: tuple[str, ...] = ()
    fields: dict[str, FieldValue] = field(default_factory=dict)

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None


@dataclass(frozen=True)
class TagCount:
    """A tag (as first written, by its key) and how many contacts carry it."""

    tag: str
    key: str
    contacts: int


class Contacts(Transactions):
    """The contact base; each method is one transaction."""

    # --- the import ---------------------------------------------------------------------------

    def upsert_contacts(
        self,
        rows: Iterable[ContactValues],
        *,
        now: datetime,
        source: str,
        proof_of: Callable[[ContactValues], str],
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> UpsertCounts:
        """Insert or merge ``rows`` in one transaction: all of them or none.

        A number seen twice (in the rows or already kept) is one contact: the newest non-empty
        names and language win, tags are joined (every tag kept, matched by ``tag_key``), free
        fields are merged (the newest value of a name wins). A new contact is recorded as opted
        in (``now``, ``source``, ``proof_of(row)``). An existing contact's consent is left as it
        is: one who opted out is NOT opted in again by an import; only the person can undo STOP,
        by a join keyword (``opt_in``). ``dry_run`` counts what would be new, updated and
        unchanged, and writes nothing (the import's preview). ``progress`` is told how many
        merged contacts are done after each chunk (a progress bar; the commit comes after).
        """
        merged = merged_rows(rows)
        new = updated = 0
        writing = self.reading() if dry_run else self._writing()
        with writing as transaction:
            connection = transaction.connection() if dry_run else transaction
            for chunk in chunks(merged):
                chunk_new, chunk_updated = upsert_chunk(
                    connection, chunk, now, source, proof_of, dry_run
                )
                new += chunk_new
                updated += chunk_updated
                if progress is not None:
                    progress(len(chunk))
        return UpsertCounts(new=new, updated=updated, unchanged=len(merged) - new - updated)

    # --- reading ------------------------------------------------------------------------------

    def contact(self, number: str) -> ContactRecord | None:
        """The contact of ``number``, with its tags and free fields, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(select(CONTACT).where(CONTACT.c.number == number)).first()
            return _records(connection, [row])[0] if row is not None else None

    def find_contacts(
        self,
        text: str | None = None,
        tag: str | None = None,
        *,
        limit: int = 50,
        cursor: int | None = None,
    ) -> list[ContactRecord]:
        """Contacts whose name or number contains ``text`` (any case) and who carry ``tag``
        (matched by its key), by id; ``cursor`` is the last id of the previous page."""
        c = CONTACT.c
        query = select(CONTACT).order_by(c.id).limit(limit)
        if cursor is not None:
            query = query.where(c.id > cursor)
        if text:
            query = query.where(or_(c.number.contains(text.strip()), *self._names_holding(text)))
        if tag is not None:
            tagged = select(TAG.c.contact_id).where(TAG.c.tag_key == tag_key(tag))
            query = query.where(c.id.in_(tagged))
        with self.reader.connect() as connection:
            return _records(connection, connection.execute(query).all())

    def _names_holding(self, text: str) -> list:
        """Conditions: a first or last name holds ``text``. On SQLite without case nor accents
        ("elodie" finds "Élodie"), through the fold function ``engine`` registers; on
        PostgreSQL without case (ILIKE; its accents count: no unaccent extension is assumed)."""
        c = CONTACT.c
        if self.engine.dialect.name == "sqlite":
            folded = tag_key(text)
            return [func.smsrelay_fold(c.first_name).contains(folded, autoescape=True),
                    func.smsrelay_fold(c.last_name).contains(folded, autoescape=True)]  # fmt: skip
        pattern = f"%{text.strip()}%"
        return [c.first_name.ilike(pattern), c.last_name.ilike(pattern)]

    def is_opted_out(self, number: str) -> bool:
        """Whether ``number`` said STOP (and has not joined again): checked on every send path,
        so one read of an index and no model."""
        with self.reader.connect() as connection:
            return connection.execute(OPTED_OUT, {"b_number": number}).scalar() is not None

    # --- consent ------------------------------------------------------------------------------

    def opt_in(
        self, number: str, *, now: datetime, source: str, proof: str, tag: str | None = None
    ) -> None:
        """Record that ``number`` opted in (a form, a join keyword, the panel), creating the
        contact if absent, and tag it. An opt-out is undone: call this for an opted-out contact
        only on the person's own request (a join keyword), never from an import."""
        values = {"opted_in_at": now, "opt_in_source": source, "opt_in_proof": proof,
                  "opted_out_at": None, "opt_out_how": None, "updated_at": now}  # fmt: skip
        with self._writing() as connection:
            contact_id = _contact_id(connection, number, now)
            connection.execute(update(CONTACT).where(CONTACT.c.id == contact_id).values(values))
            if tag is not None:
                _tag(connection, [contact_id], tag)
            themed = f", tag {tag.strip()}" if tag else ""
            _log(connection, "contact.opted_in", now, number, f"{source}: {proof}{themed}")

    def opt_out(self, number: str, *, now: datetime, how: str, keep_strict: bool = False) -> bool:
        """Record that ``number`` opted out (``how``: "sms STOP", "panel", "cli"); a stranger
        becomes a bare opted-out contact, so the STOP is remembered if they are imported later.
        In the same transaction every message still queued for the number is cancelled, so
        nothing already waiting goes after the STOP (``keep_strict``: but those marked strictly
        transactional, when the rules let them pass a STOP). Returns False when the contact had
        already opted out (the first time is kept)."""
        with self._writing() as connection:
            contact_id = _contact_id(connection, number, now)
            done = connection.execute(
                update(CONTACT)
                .where(CONTACT.c.id == contact_id, CONTACT.c.opted_out_at.is_(None))
                .values(opted_out_at=now, opt_out_how=how, updated_at=now)
            )
            waiting = MESSAGE.c.status == Status.QUEUED
            if keep_strict:
                waiting = waiting & MESSAGE.c.strict.is_(False)
            cancelled = connection.execute(
                update(MESSAGE)
                .where(MESSAGE.c.recipient == number, waiting)
                .values(
                    status=Status.CANCELLED, finished_at=now, reason=f"cancelled: opted out ({how})"
                )
            ).rowcount
            if done.rowcount == 1:
                dropped = f"; {cancelled} queued message(s) cancelled" if cancelled else ""
                _log(connection, "contact.opted_out", now, number, f"{how}{dropped}")
            return done.rowcount == 1

    # --- tags (the erasure of a number: ``erasure``) ---------------------------------------

    def tag_contacts(self, numbers: Iterable[str], tag: str) -> int:
        """Put ``tag`` on the contacts of ``numbers`` that exist (it creates none: a contact
        needs a consent record); returns how many were newly tagged."""
        tagged = 0
        with self._writing() as connection:
            for chunk in chunks(list(dict.fromkeys(numbers))):
                ids = connection.execute(
                    select(CONTACT.c.id).where(CONTACT.c.number.in_(chunk))
                ).scalars()
                tagged += _tag(connection, list(ids), tag)
        return tagged

    # --- the panel's edits --------------------------------------------------------------------

    def add_contact(self, values: ContactValues, *, now: datetime, source: str, proof: str) -> bool:
        """A contact typed in by hand, opted in now on ``proof`` ("paper form 2026-11-30"),
        with its names, language, tags and free fields, in one transaction. False, and nothing
        written, when the number is already a contact: its own page is where to change it, and
        a hand-made opt-in must not undo the STOP of someone who said it."""
        row = {"number": values.number, "first_name": values.first_name,
               "last_name": values.last_name, "language": values.language, "created_at": now,
               "updated_at": now, "opted_in_at": now, "opt_in_source": source,
               "opt_in_proof": proof}  # fmt: skip
        try:
            with self._writing() as connection:
                known = select(CONTACT.c.id).where(CONTACT.c.number == values.number)
                if connection.execute(known).first() is not None:
                    return False
                contact_id = connection.execute(insert(CONTACT).values(row)).inserted_primary_key[0]
                for tag in values.tags:
                    _tag(connection, [contact_id], tag)
                fields = [_field_row(contact_id, name, v) for name, v in values.fields.items()]
                if fields:
                    connection.execute(insert(FIELD), fields)
                _log(connection, "contact.opted_in", now, values.number, f"{source}: {proof}")
        except IntegrityError:  # PostgreSQL: the same number added at the same moment elsewhere
            return False
        return True

    def edit_contact(
        self,
        number: str,
        *,
        first_name: str | None,
        last_name: str | None,
        language: str | None,
        now: datetime,
    ) -> bool:
        """Set the names and language of ``number``'s contact exactly as given: unlike an
        import, where an empty cell leaves a value alone, a field emptied in a form is removed.
        Consent is not touched. False when there is no such contact."""
        with self._writing() as connection:
            done = connection.execute(
                update(CONTACT)
                .where(CONTACT.c.number == number)
                .values(first_name=first_name, last_name=last_name, language=language,
                        updated_at=now)
            )  # fmt: skip
        return done.rowcount == 1

    def tag_counts(self) -> list[TagCount]:
        """Every tag with how many contacts carry it, by key (one read of the tag index). A tag
        is shown as its first spelling in sort order when people wrote it several ways."""
        t = TAG.c
        query = (
            select(t.tag_key, func.min(t.tag), func.count()).group_by(t.tag_key).order_by(t.tag_key)
        )
        with self.reader.connect() as connection:
            return [TagCount(tag, key, n) for key, tag, n in connection.execute(query)]


def _field_row(contact_id: int, name: str, value: FieldValue) -> dict[str, object]:
    kind, text_value, date_value, number_value = typed(value)
    return {"contact_id": contact_id, "name": name, "kind": kind, "text_value": text_value,
            "date_value": date_value, "number_value": number_value}  # fmt: skip


def _log(connection: Connection, kind: str, now: datetime, number: str, detail: str) -> None:
    """An event about a number (its conversation, the contact.* webhooks), in the caller's
    transaction."""
    connection.execute(insert(EVENT).values(at=now, kind=kind, number=number, detail=detail))


def _contact_id(connection: Connection, number: str, now: datetime) -> int:
    """The id of ``number``'s contact, created bare (no consent) if absent."""
    contact_id = connection.execute(select(CONTACT.c.id).where(CONTACT.c.number == number)).scalar()
    if contact_id is not None:
        return contact_id
    inserted = connection.execute(
        insert(CONTACT).values(number=number, created_at=now, updated_at=now)
    )
    return inserted.inserted_primary_key[0]


def _tag(connection: Connection, ids: list[int], tag: str) -> int:
    """Add ``tag`` to the contacts ``ids`` that lack it; how many got it."""
    key = tag_key(tag)
    if not key or not ids:
        return 0
    have = set(connection.execute(
        select(TAG.c.contact_id).where(TAG.c.tag_key == key, TAG.c.contact_id.in_(ids))
    ).scalars())  # fmt: skip
    rows = [{"contact_id": i, "tag_key": key, "tag": tag.strip()} for i in ids if i not in have]
    if rows:
        connection.execute(insert(TAG), rows)
    return len(rows)


def _records(connection: Connection, rows: list) -> list[ContactRecord]:
    """Contacts rows as records, with their tags and fields (two reads for the lot)."""
    ids = [row.id for row in rows]
    tags: dict[int, list[str]] = {i: [] for i in ids}
    fields: dict[int, dict[str, FieldValue]] = {i: {} for i in ids}
    if ids:
        for contact_id, tag in connection.execute(
            select(TAG.c.contact_id, TAG.c.tag).where(TAG.c.contact_id.in_(ids))
            .order_by(TAG.c.contact_id, TAG.c.tag_key)
        ):  # fmt: skip
            tags[contact_id].append(tag)
        f = FIELD.c
        for r in connection.execute(
            select(f.contact_id, f.name, f.kind, f.text_value, f.date_value, f.number_value)
            .where(f.contact_id.in_(ids)).order_by(f.contact_id, f.name)
        ):  # fmt: skip
            fields[r.contact_id][r.name] = field_value(
                r.kind, r.text_value, r.date_value, r.number_value
            )
    return [
        ContactRecord(**row._mapping, tags=tuple(tags[row.id]), fields=fields[row.id])
        for row in rows
    ]
