"""Names for modems and SIMs, the SIM's own number, and who may send where (issue 16).

- ``modem.name`` and ``sim.name``: what a volunteer calls them ("Orange 1"), set in the panel,
  the API or ``smsrelay modem name``; the reasons in words use them;
- ``sim.msisdn``: the number the SIM stores for itself, read by AT+CNUM at bring-up (most
  prepaid SIMs store none); ``sim.number``: the one an admin typed in for a SIM that does not;
- ``api_token.countries``, ``app_user.countries``: the country calling codes a token or a user
  may send to ("33,32", "*" for any), NULL for ``[security] countries``;
  ``api_token.daily_messages`` and ``daily_parts``: its quota per local day, NULL for the
  config's ``token_daily_messages``/``token_daily_parts``;
- ``message.token_id``: the token that queued it, which the quota counts (indexed with
  ``created_at``: a token's messages of today are one range of the index).

Nullable columns without defaults and one new index: instant on existing tables but the index,
built on ``message`` once.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("modem") as batch:
        batch.add_column(sa.Column("name", sa.String(length=64), nullable=True))
    with op.batch_alter_table("sim") as batch:
        batch.add_column(sa.Column("name", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("msisdn", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("number", sa.String(length=32), nullable=True))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("countries", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("daily_messages", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("daily_parts", sa.Integer(), nullable=True))
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("countries", sa.String(length=255), nullable=True))
    # plain ALTER TABLE, never a batch copy: on SQLite a copy of ``message`` would drop the
    # text search's triggers (as revisions 0007 and 0014 say)
    op.add_column("message", sa.Column("token_id", sa.Integer(), nullable=True))
    op.create_index("ix_message_token_created", "message", ["token_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_message_token_created", table_name="message")
    op.drop_column("message", "token_id")  # SQLite 3.35+ drops a column in place
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("countries")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("daily_parts")
        batch.drop_column("daily_messages")
        batch.drop_column("countries")
    with op.batch_alter_table("sim") as batch:
        batch.drop_column("number")
        batch.drop_column("msisdn")
        batch.drop_column("name")
    with op.batch_alter_table("modem") as batch:
        batch.drop_column("name")
