"""The campaign tables (issue 12): a campaign, and one row per person it was meant for.

A ``Campaign`` is a template, an audience and a status. Its audience is tags (a comma list of
tag keys, folded as ``contact_tag.tag_key``; a contact carrying ANY of them is in) and at most
one field filter (a free field's name and the text it must equal), always minus the people who
are not opted in or who opted out. An empty tag list means every opted-in contact.

A ``CampaignRecipient`` is the record of one person for one step of a campaign ("main" for a
plain campaign; an events file's steps have their own keys): the message queued for them, or why
they were skipped. Its unique key (campaign, step, contact) is what makes expanding idempotent:
expanding again, or after a crash, finds the person done and queues nothing twice.

Kept apart from ``schema``; ``appliance.store`` imports this module, which registers the tables
on the same metadata (migration 0008 creates them).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from .schema import _when


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"  # its queued messages wait (``PAUSED_RANK``) until it resumes
    CANCELLED = "cancelled"
    DONE = "done"


class Campaign(SQLModel, table=True):
    """A campaign: what it says (a template), to whom (tags, a field filter), and its state."""

    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    template: str
    kind: str = Field(default="campaign", max_length=16)  # campaign or reminder (MessageKind)
    tags: str = ""  # comma list of tag keys: a contact with ANY of them; empty: every contact
    field_name: str | None = Field(default=None, max_length=64)  # a free field's name ...
    field_value: str | None = None  # ... and the text it must equal (None: no filter)
    status: str = Field(default=CampaignStatus.DRAFT, max_length=16)
    created_at: datetime | None = _when(nullable=False)
    started_at: datetime | None = _when()
    finished_at: datetime | None = _when()
    send_at: datetime | None = _when()  # None: as soon as it starts
    paused_at: datetime | None = _when()
    # a send window: local wall times "HH:MM", spread over ``window_days`` days from ``send_at``
    window_start: str | None = Field(default=None, max_length=5)
    window_end: str | None = Field(default=None, max_length=5)
    window_days: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # replies: comma lists of words (compared folded), the tag a confirmation gives, replies
    confirm_words: str = Field(
        default="OUI,YES,1", sa_column_kwargs={"server_default": "OUI,YES,1"}
    )
    decline_words: str = Field(default="NON,NO,2", sa_column_kwargs={"server_default": "NON,NO,2"})
    confirm_tag: str = Field(
        default="confirmed", max_length=64, sa_column_kwargs={"server_default": "confirmed"}
    )
    confirm_reply: str | None = None
    decline_reply: str | None = None
    parent_id: int | None = None  # the campaign a follow-up follows
    # an events campaign: its events in ``campaign_event``, ``template`` is the invitation's
    events: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    reminder_template: str | None = None
    correction_template: str | None = None
    invitation_days: int | None = Field(default=7, sa_column_kwargs={"server_default": "7"})
    invitation_at: str = Field(default="10:00", max_length=5,
                               sa_column_kwargs={"server_default": "10:00"})  # fmt: skip
    reminder_days: int | None = Field(default=1, sa_column_kwargs={"server_default": "1"})
    reminder_at: str = Field(default="18:00", max_length=5,
                             sa_column_kwargs={"server_default": "18:00"})  # fmt: skip
    area_field: str | None = Field(default=None, max_length=64)  # the contacts' field of areas
    # a campaign on each contact's own date: that free field, plus ``date_days`` (None: its
    # anniversary, every year), at the local wall time ``date_at``
    date_field: str | None = Field(default=None, max_length=64)
    date_days: int | None = None
    date_at: str | None = Field(default=None, max_length=5)

    @property
    def tag_keys(self) -> list[str]:
        return [key for key in self.tags.split(",") if key]


class CampaignRecipient(SQLModel, table=True):
    """One person of one step of a campaign: their message, or why they were skipped."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "step_key", "contact_id", name="uq_campaign_recipient"),
        Index("ix_campaign_recipient_number", "number"),
        Index("uq_campaign_recipient_code", "code", unique=True),
        Index("ix_campaign_recipient_message", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    step_key: str = Field(default="main", max_length=64)
    contact_id: int
    number: str = Field(max_length=32)
    message_id: int | None = None
    skipped: str | None = None  # "cap: ...", "template: ...": the kind of reason, then the detail
    code: str | None = Field(default=None, max_length=32)
    created_at: datetime | None = _when(nullable=False)
    replied_at: datetime | None = _when()
    reply_id: int | None = None  # the inbound message that answered
    answer: str | None = Field(default=None, max_length=16)  # confirmed, declined or text
    redeemed_at: datetime | None = _when()


class CampaignEvent(SQLModel, table=True):
    """One event of an events campaign as last imported (``Event.as_dict`` as JSON, dates and
    times as ISO text); a re-import is compared with these (``schedule.diff``)."""

    __tablename__ = "campaign_event"
    __table_args__ = (UniqueConstraint("campaign_id", "event_key", name="uq_campaign_event"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    event_key: str = Field(max_length=64)
    data: str
    removed_at: datetime | None = _when()
    updated_at: datetime | None = _when(nullable=False)
