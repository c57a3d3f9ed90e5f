"""Campaigns that run (issue 12): pause, send windows, replies, codes, events files, follow-ups.

- ``campaign`` gains its send window (local wall times and a number of days), its reply rules
  (the words that confirm or decline, the tag a confirmation gives, an automatic reply), the
  campaign a follow-up follows (``parent_id``), and for an events campaign its other templates
  and when its steps go (``events``, ``reminder_template``, ``correction_template``, the days and
  wall times of the invitation and the reminder, the free field an event's area is matched on),
  and for a campaign on the contacts' own dates the date field, the days after it (none: every
  year on its anniversary) and the wall time (``date_field``, ``date_days``, ``date_at``);
- ``campaign_recipient`` gains what the person did: their reply (``replied_at``, ``reply_id``,
  ``answer``) and the redemption of their code, which becomes unique (several NULLs are allowed
  on SQLite and PostgreSQL alike);
- ``campaign_event``: the events file as last imported, one row an event (its values as JSON),
  which a re-import is compared with.

Columns added with defaults and one new table: instant whatever the number of messages.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_CAMPAIGN_COLUMNS = (
    ("window_start", sa.String(length=5), None),
    ("window_end", sa.String(length=5), None),
    ("window_days", sa.Integer(), "1"),
    ("confirm_words", sa.String(), "OUI,YES,1"),
    ("decline_words", sa.String(), "NON,NO,2"),
    ("confirm_tag", sa.String(length=64), "confirmed"),
    ("confirm_reply", sa.String(), None),
    ("decline_reply", sa.String(), None),
    ("parent_id", sa.Integer(), None),
    ("events", sa.Boolean(), sa.false()),
    ("reminder_template", sa.String(), None),
    ("correction_template", sa.String(), None),
    ("invitation_days", sa.Integer(), "7"),
    ("invitation_at", sa.String(length=5), "10:00"),
    ("reminder_days", sa.Integer(), "1"),
    ("reminder_at", sa.String(length=5), "18:00"),
    ("area_field", sa.String(length=64), None),
    ("date_field", sa.String(length=64), None),
    ("date_days", sa.Integer(), None),
    ("date_at", sa.String(length=5), None),
)
_MAY_BE_NONE = ("invitation_days", "reminder_days")  # None: that step is left out


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        for name, type_, default in _CAMPAIGN_COLUMNS:
            batch.add_column(
                sa.Column(
                    name,
                    type_,
                    nullable=default is None or name in _MAY_BE_NONE,
                    server_default=default,
                )
            )
        batch.add_column(_when("paused_at"))
    with op.batch_alter_table("campaign_recipient") as batch:
        batch.add_column(_when("replied_at"))
        batch.add_column(sa.Column("reply_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answer", sa.String(length=16), nullable=True))
        batch.add_column(_when("redeemed_at"))
    op.create_index("uq_campaign_recipient_code", "campaign_recipient", ["code"], unique=True)
    op.create_index("ix_campaign_recipient_message", "campaign_recipient", ["message_id"])
    op.create_table(
        "campaign_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.String(), nullable=False),
        _when("removed_at"),
        _when("updated_at", nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "event_key", name="uq_campaign_event"),
    )


def downgrade() -> None:
    op.drop_table("campaign_event")
    op.drop_index("ix_campaign_recipient_message", table_name="campaign_recipient")
    op.drop_index("uq_campaign_recipient_code", table_name="campaign_recipient")
    with op.batch_alter_table("campaign_recipient") as batch:
        for name in ("redeemed_at", "answer", "reply_id", "replied_at"):
            batch.drop_column(name)
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("paused_at")
        for name, _, _ in reversed(_CAMPAIGN_COLUMNS):
            batch.drop_column(name)
