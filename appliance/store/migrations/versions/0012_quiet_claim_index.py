"""A partial index of the queued messages that quiet hours let go (issue 12).

Inside quiet hours campaign traffic below high priority waits. With a million messages queued by
campaigns of events, the claim that found nothing to send at night read every due message and
its row: 0.87 s in a write transaction, for each free modem at each tick (docs/benchmarks.md,
section 11). ``ix_message_quiet`` holds the queued messages that are neither a campaign's nor
campaign traffic, in the dispatcher's order, so the quiet claim's lower ranks read only those.

The condition is written out as it stands in ``appliance.store.schema.QUIET_SENDABLE`` today:
a migration must not change when the code does. Building it reads the queue once (0.6 s at
1,000,000 messages on SQLite).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SENDABLE_QUIETLY = (
    "status = 'queued' AND source <> 'campaign' "
    "AND kind NOT IN ('campaign', 'reminder', 'correction')"
)


def upgrade() -> None:
    op.create_index(
        "ix_message_quiet",
        "message",
        ["status", "rank", "due_at", "id"],
        sqlite_where=sa.text(SENDABLE_QUIETLY),
        postgresql_where=sa.text(SENDABLE_QUIETLY),
    )


def downgrade() -> None:
    op.drop_index("ix_message_quiet", table_name="message")
