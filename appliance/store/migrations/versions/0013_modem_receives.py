"""Whether a modem can report received SMS (issue 13).

``modem.receives``: false for a send-only modem, a phone used as a modem that refuses every
AT+CNMI and AT+CPMS; the worker sets it when the modem comes up, the panel's card,
``smsrelay status`` and ``GET /api/v1/modems`` say it in words. Existing rows are modems that
came up receiving (the driver refused send-only ones before), hence the server default true.

One column with a default: instant whatever the table's size.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("modem") as batch:
        batch.add_column(
            sa.Column("receives", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("modem") as batch:
        batch.drop_column("receives")
