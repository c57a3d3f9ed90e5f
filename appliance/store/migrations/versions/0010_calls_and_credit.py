"""Missed calls and SIM credit (issue 13).

- ``missed_call``: one row per incoming call (the caller's number or NULL when withheld, the
  modem and SIM, when it rang, whether the modem hung up, what the consent desk did with it);
- ``sim`` gains its credit: the answer to the USSD balance query, the amount and currency read
  in it, when, why the last query failed, whether it is below the configured threshold, and
  when the panel asked for a query.

Columns added with defaults (or NULL) and one new table: instant whatever the history's size.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "missed_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=32), nullable=True),
        sa.Column("modem_imei", sa.String(length=20), nullable=True),
        sa.Column("sim_iccid", sa.String(length=22), nullable=True),
        _when("rang_at", nullable=False),
        sa.Column("hung_up", sa.Boolean(), nullable=False),
        sa.Column("handled", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_missed_call_caller", "missed_call", ["caller"])
    op.create_index("ix_missed_call_rang_at", "missed_call", ["rang_at"])
    with op.batch_alter_table("sim") as batch:
        batch.add_column(sa.Column("credit_answer", sa.String(), nullable=True))
        batch.add_column(sa.Column("credit_amount", sa.Float(), nullable=True))
        batch.add_column(sa.Column("credit_currency", sa.String(length=8), nullable=True))
        batch.add_column(_when("credit_checked_at"))
        batch.add_column(sa.Column("credit_error", sa.String(), nullable=True))
        batch.add_column(
            sa.Column("credit_low", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(_when("credit_asked_at"))


def downgrade() -> None:
    with op.batch_alter_table("sim") as batch:
        for name in ("credit_asked_at", "credit_low", "credit_error", "credit_checked_at",
                     "credit_currency", "credit_amount", "credit_answer"):  # fmt: skip
            batch.drop_column(name)
    op.drop_index("ix_missed_call_rang_at", table_name="missed_call")
    op.drop_index("ix_missed_call_caller", table_name="missed_call")
    op.drop_table("missed_call")
