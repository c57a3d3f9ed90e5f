"""The contact base's tables (issue 11): who the appliance may write to, and on what consent.

One ``Contact`` per E.164 number, with its consent record: when, how and on what proof the
person opted in, and when and how they opted out. An opt-out is never erased by an import; only
the person undoes it (a join keyword). Tags and typed free fields hang off the contact in their
own tables, keyed by (contact, tag key) and (contact, field name): a tag is kept as written and
matched by its key, folded for case and accents, so "Bénévole" and "benevole" are one tag.

Kept apart from ``schema`` so that file stays about the send path; ``appliance.store`` imports
this module, which registers the tables on the same metadata (migration 0006 creates them).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index
from sqlmodel import Field, SQLModel

from .schema import _when

# How a free field's value is kept: one typed column per kind, the others NULL.
TEXT, DATE, NUMBER = "text", "date", "number"


class Contact(SQLModel, table=True):
    """A person the appliance may write to, by number, and their consent record."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True)  # E.164
    first_name: str | None = Field(default=None, max_length=128)
    last_name: str | None = Field(default=None, max_length=128)
    language: str | None = Field(default=None, max_length=8)  # "fr", "en" or None
    created_at: datetime | None = _when(nullable=False)
    updated_at: datetime | None = _when(nullable=False)
    opted_in_at: datetime | None = _when()
    opt_in_source: str | None = Field(default=None, max_length=16)  # import, form, sms, panel, api
    opt_in_proof: str | None = None  # "file contacts.csv line 4", "inbound message 12"
    opted_out_at: datetime | None = _when()
    opt_out_how: str | None = Field(default=None, max_length=32)  # "sms STOP", "panel", "cli"


class ContactTag(SQLModel, table=True):
    """A tag on a contact: as written (``tag``) and folded for matching (``tag_key``)."""

    __tablename__ = "contact_tag"
    __table_args__ = (Index("ix_contact_tag_key", "tag_key", "contact_id"),)

    contact_id: int = Field(primary_key=True, foreign_key="contact.id")
    tag_key: str = Field(primary_key=True, max_length=64)
    tag: str = Field(max_length=64)


class ContactField(SQLModel, table=True):
    """A free field of a contact (a birthday, an area...): one value, in the column of its kind."""

    __tablename__ = "contact_field"

    contact_id: int = Field(primary_key=True, foreign_key="contact.id")
    name: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=8)  # TEXT, DATE or NUMBER
    text_value: str | None = None
    date_value: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    number_value: float | None = None
