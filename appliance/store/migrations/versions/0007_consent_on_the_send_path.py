"""Consent on the send path (issue 11): what a message is for, who it is to, and what a number did.

- ``message.kind``: transactional (a script's one-off, the default), campaign, reminder, reply
  (automatic) or correction. The per-person cap counts every kind but transactional and
  correction; quiet hours hold campaign traffic.
- ``message.strict``: the sender marked it strictly transactional (a one-time code); with the
  config's ``transactional_after_stop`` it may still go to a number that said STOP.
- ``message.contact_id``: the contact it was written to, when the number is one.
- ``inbound.handled``: what the appliance did with a received message (a join or stop keyword,
  an automatic reply left unanswered), for the conversation and the inbox; empty until the
  consent desk handled it. Messages received before the upgrade are marked ``before``.
- ``event.number``: the number an event is about (an opt-in, an opt-out), so a number's
  conversation reads its events by index and an erase finds them all.

Columns only, with defaults the database fills for existing rows: the upgrade is instant on
SQLite and PostgreSQL alike.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN, never a batch copy: on SQLite a copy of ``message``
    # would drop the triggers that keep the text search index (migration 0004) in step.
    op.add_column(
        "message",
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="transactional"),
    )
    op.add_column(
        "message", sa.Column("strict", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("message", sa.Column("contact_id", sa.Integer(), nullable=True))
    op.create_index("ix_message_contact_id", "message", ["contact_id"])
    op.add_column("inbound", sa.Column("handled", sa.String(length=16), nullable=True))
    # what was received before is not answered now (a STOP of last year was a person's, but a
    # confirmation a year late is not): the consent desk handles what arrives from here on
    op.execute("UPDATE inbound SET handled = 'before'")
    op.add_column("event", sa.Column("number", sa.String(length=32), nullable=True))
    op.create_index("ix_event_number", "event", ["number"])


def downgrade() -> None:
    # SQLite 3.35+ and PostgreSQL drop a column in place (no copy: the triggers stay)
    op.drop_index("ix_event_number", table_name="event")
    op.drop_column("event", "number")
    op.drop_column("inbound", "handled")
    op.drop_index("ix_message_contact_id", table_name="message")
    for column in ("contact_id", "strict", "kind"):
        op.drop_column("message", column)
