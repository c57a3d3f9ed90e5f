"""The login limit kept in the database, and panel sessions that end on the server (issue 14).

- ``login_failure``: each failed panel login (and each one being checked), by account typed and
  client address, which the limit counts: it then holds across panel restarts and nodes, and one
  transaction checks and records an attempt, so guesses sent at once cannot all pass;
- ``app_user.session_epoch``: bumped to end every session of the account (logout, a new role or
  password, "log out everywhere"); a session carries the epoch it began in.

One new table and a column with a default: instant.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_at", "login_failure", ["at"])
    op.create_index("ix_login_failure_account", "login_failure", ["account"])
    op.create_index("ix_login_failure_address", "login_failure", ["address"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_epoch")
    op.drop_index("ix_login_failure_address", table_name="login_failure")
    op.drop_index("ix_login_failure_account", table_name="login_failure")
    op.drop_index("ix_login_failure_at", table_name="login_failure")
    op.drop_table("login_failure")
