"""Alerts to a person and email to SMS (issue 16): ``alert`` and ``mail_cursor``.

Two new tables (instant). ``alert``: each condition seen, fired and resolved, so a restart
neither repeats nor forgets an alert; ``mail_cursor``: the last received message forwarded by
email (``appliance.store.alert_schema``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_open", "alert", ["condition", "subject", "resolved_at"])
    op.create_table(
        "mail_cursor",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_inbound_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("mail_cursor")
    op.drop_index("ix_alert_open", table_name="alert")
    op.drop_table("alert")
