"""Send attempts (issue 16, message detail): one row each time a modem took a message.

``message_attempt``: the message, the attempt's number, the modem (IMEI), SIM (ICCID) and node,
the part it started at, when it began and ended, its outcome (sending, sent, refused, unknown,
returned), the +CMS ERROR code and the reason in words of a refusal, and the message references
(TP-MR) the modem returned in +CMGS for the parts it sent. Messages sent before this revision
have no rows: their detail shows their last modem and SIM (kept on the message) only.

And ``ix_inbound_sender_received`` (sender, received_at, id): a message's detail reads the
messages received from its number just before and after it as one range.

One new table (instant) and one index on ``inbound`` (built once: 2.3 s per million received
messages on SQLite, this machine at load 5).

Revision ID: 0015
Revises: 0014 (issue 15, merged before it; it was 0013 on main)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("modem_imei", sa.String(length=20), nullable=False),
        sa.Column("sim_iccid", sa.String(length=22), nullable=True),
        sa.Column("node", sa.String(length=64), nullable=True),
        sa.Column("first_part", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("cms_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("part_refs", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_message_attempt_message", "message_attempt", ["message_id", "id"])
    op.create_index("ix_inbound_sender_received", "inbound", ["sender", "received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbound_sender_received", table_name="inbound")
    op.drop_index("ix_message_attempt_message", table_name="message_attempt")
    op.drop_table("message_attempt")
