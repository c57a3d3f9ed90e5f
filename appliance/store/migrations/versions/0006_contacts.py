"""The contact base (issue 11): contacts with their consent record, their tags and free fields.

Three new tables, nothing existing changes: the upgrade is instant whatever the number of
messages, and the downgrade drops the contact base only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("first_name", sa.String(length=128), nullable=True),
        sa.Column("last_name", sa.String(length=128), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        _when("opted_in_at"),
        sa.Column("opt_in_source", sa.String(length=16), nullable=True),
        sa.Column("opt_in_proof", sa.String(), nullable=True),
        _when("opted_out_at"),
        sa.Column("opt_out_how", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "contact_tag",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag_key", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("contact_id", "tag_key"),
    )
    op.create_index("ix_contact_tag_key", "contact_tag", ["tag_key", "contact_id"])
    op.create_table(
        "contact_field",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text_value", sa.String(), nullable=True),
        sa.Column("date_value", sa.Date(), nullable=True),
        sa.Column("number_value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("contact_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("contact_field")
    op.drop_index("ix_contact_tag_key", table_name="contact_tag")
    op.drop_table("contact_tag")
    op.drop_table("contact")
