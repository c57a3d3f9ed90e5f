"""Campaigns (issue 12): the ``campaign`` table and ``campaign_recipient``, one row per person of
each step of a campaign (its message, or why it was skipped).

Two new tables, nothing existing changes (``message.campaign_id`` is there since 0001): the
upgrade is instant whatever the number of messages, and the downgrade drops the campaigns only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("template", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.String(), nullable=False),
        sa.Column("field_name", sa.String(length=64), nullable=True),
        sa.Column("field_value", sa.String(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("created_at", nullable=False),
        _when("started_at"),
        _when("finished_at"),
        _when("send_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "campaign_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("skipped", sa.String(), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=True),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "step_key", "contact_id", name="uq_campaign_recipient"),
    )
    op.create_index("ix_campaign_recipient_number", "campaign_recipient", ["number"])


def downgrade() -> None:
    op.drop_index("ix_campaign_recipient_number", table_name="campaign_recipient")
    op.drop_table("campaign_recipient")
    op.drop_table("campaign")
