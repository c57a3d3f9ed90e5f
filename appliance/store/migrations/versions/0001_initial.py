"""The initial schema: messages, modems, SIMs, inbox, delivery reports, signal, events.

Written out as alembic's autogenerate would, with plain SQLAlchemy types so the revision stays
what it is whatever later happens to ``appliance/models.py`` (``UtcDateTime`` is stored as
``DateTime(timezone=True)``, sqlmodel's ``AutoString`` as ``String``).

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=8), nullable=False),
        sa.Column("report", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("want_modem", sa.String(length=20), nullable=True),
        sa.Column("want_group", sa.String(length=64), nullable=True),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("sim_iccid", sa.String(length=22), nullable=True),
        sa.Column("node", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("concat_ref", sa.Integer(), nullable=True),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("part_refs", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        _when("created_at", nullable=False),
        _when("due_at", nullable=False),
        _when("expires_at"),
        _when("sending_at"),
        _when("sent_at"),
        _when("delivered_at"),
        _when("finished_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_message_campaign_id", "message", ["campaign_id"])
    op.create_index("ix_message_created_at", "message", ["created_at"])
    op.create_index("ix_message_dispatch", "message", ["status", "rank", "due_at", "id"])
    op.create_index("ix_message_modem_imei", "message", ["modem_imei"])
    op.create_index("ix_message_recipient", "message", ["recipient", "id"])

    op.create_table(
        "modem",
        sa.Column("imei", sa.String(length=20), nullable=False),
        sa.Column("node", sa.String(length=64), nullable=False),
        sa.Column("port", sa.String(length=255), nullable=True),
        sa.Column("manufacturer", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("revision", sa.String(length=128), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("iccid", sa.String(length=22), nullable=True),
        sa.Column("sim", sa.String(length=24), nullable=True),
        sa.Column("signal_dbm", sa.Integer(), nullable=True),
        sa.Column("bars", sa.Integer(), nullable=False),
        sa.Column("registration", sa.String(length=24), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("daily_limit", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        _when("last_error_at"),
        sa.Column("rejected_pin", sa.String(length=64), nullable=True),
        _when("last_success_at"),
        _when("seen_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("imei"),
    )

    op.create_table(
        "sim",
        sa.Column("iccid", sa.String(length=22), nullable=False),
        sa.Column("imsi", sa.String(length=16), nullable=True),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("sim_group", sa.String(length=64), nullable=True),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("sent_day", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent_month", sa.Integer(), nullable=False),
        sa.Column("sent_total", sa.Integer(), nullable=False),
        _when("last_sent_at"),
        sa.PrimaryKeyConstraint("iccid"),
    )

    op.create_table(
        "inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("sim_iccid", sa.String(length=22), nullable=True),
        _when("sent_at"),
        _when("received_at", nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key", name="uq_inbound_dedupe"),
    )
    op.create_index("ix_inbound_campaign_id", "inbound", ["campaign_id"])
    op.create_index("ix_inbound_received_at", "inbound", ["received_at"])
    op.create_index("ix_inbound_sender", "inbound", ["sender"])

    op.create_table(
        "inbound_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("modem_imei", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("concat_ref", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        _when("sent_at"),
        _when("received_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "modem_imei", "sender", "concat_ref", "total", "seq", name="uq_inbound_part"
        ),
    )

    op.create_table(
        "delivery_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("part_ref", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        _when("discharged_at"),
        _when("received_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_report_message_id", "delivery_report", ["message_id"])

    op.create_table(
        "signal_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("modem_imei", sa.String(length=20), nullable=False),
        _when("at", nullable=False),
        sa.Column("dbm", sa.Integer(), nullable=True),
        sa.Column("bars", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signal_sample_modem_at", "signal_sample", ["modem_imei", "at"])

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("at", nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_at", "event", ["at"])


def downgrade() -> None:
    for table in (
        "event",
        "signal_sample",
        "delivery_report",
        "inbound_part",
        "inbound",
        "sim",
        "modem",
        "message",
    ):
        op.drop_table(table)  # dropping a table drops its indexes
