"""The contact base written out as CSV, in the columns an import reads back (``csvfile``).

An export is for a person's spreadsheet or another system, and for the way back: exported, then
imported again, a contact comes out the same (names, language, tags, free fields by their
type). Whole numbers the store keeps as floats (3.0) are written "3", as they were typed.
Consent is not in the file: an import records its own consent (the file and line). So the
contacts who opted out (and the bare numbers kept only for their STOP) are left out of it: a
file that lists them would opt them in wherever it is imported next, and no consent, no message.
"""

from __future__ import annotations

from collections.abc import Iterator

from appliance.store import Store
from appliance.store.contacts import ContactRecord

from .csvfile import ContactRow, write_csv

PAGE = 2000  # contacts read at a time


def every_contact(store: Store, tag: str | None = None) -> Iterator[ContactRecord]:
    """Every contact (with ``tag``, if given), by id, read a page at a time."""
    cursor = None
    while True:
        page = store.find_contacts(tag=tag, limit=PAGE, cursor=cursor)
        yield from page
        if len(page) < PAGE:
            return
        cursor = page[-1].id


def as_row(record: ContactRecord) -> ContactRow:
    """A kept contact as a file row."""
    fields = {
        name: int(value) if isinstance(value, float) and value.is_integer() else value
        for name, value in record.fields.items()
    }
    return ContactRow(
        number=record.number,
        first_name=record.first_name,
        last_name=record.last_name,
        language=record.language,
        tags=record.tags,
        fields=fields,
    )


def exportable(store: Store, tag: str | None = None) -> list[ContactRow]:
    """The contacts who may be written to (with ``tag``, if given), as file rows; those who
    opted out are left out (the module says why)."""
    return [as_row(r) for r in every_contact(store, tag) if r.opted_in_at and not r.opted_out]


def export_csv(store: Store, tag: str | None = None) -> str:
    """``exportable`` as CSV text, in ``write_csv``'s columns."""
    return write_csv(exportable(store, tag))
