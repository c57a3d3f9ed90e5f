"""An index on ``message.sent_at``, for what reads the messages sent in a window of time.

``/metrics``'s send-latency histogram (``web.ops``) and the modems page's sent-per-hour chart
(``appliance.store.charts.sent_per_hour``) ask for the messages sent in the last 24 hours. Without
an index on ``sent_at`` that is a read of every message (446 ms a scrape at a million messages,
measured on SQLite); both bounded it by the indexed ``created_at`` instead, which left out messages
scheduled more than a week before they were sent. With the index the exact query
reads only the window's rows (3.9 ms at a million).

The upgrade builds the index from the messages already there: about 2 s at a million messages on
SQLite (the bench machine), during which the migration holds the write lock. Rows with no
``sent_at`` (queued, failed before sending) are in the index too, as NULLs; a partial index
would be smaller but the models (and the schema test that compares them with the migrations)
describe a plain one, which both databases build the same way.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_message_sent_at"  # the name SQLModel gives ``Field(index=True)`` on message.sent_at


def upgrade() -> None:
    op.create_index(INDEX, "message", ["sent_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="message")
