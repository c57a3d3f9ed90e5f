"""The webhook sender's cursor in the event log.

The row starts at the newest event already logged: upgrading an appliance with a long history
must not replay it to the first webhook configured afterwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_cursor",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute(
        "INSERT INTO webhook_cursor (name, last_event_id) "
        "SELECT 'events', COALESCE(MAX(id), 0) FROM event"
    )


def downgrade() -> None:
    op.drop_table("webhook_cursor")
