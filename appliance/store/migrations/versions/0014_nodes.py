"""Several nodes on one PostgreSQL (issue 15): the nodes, claims with a lease, and a wake-up.

- ``node``: each daemon's row (``node_schema``), its lease renewed while it runs;
- ``message.lease_until``: a ``sending`` message is its node's until then (``node_registry``);
- on PostgreSQL only, a trigger that sends ``NOTIFY smsrelay_work`` when a message becomes
  queued (enqueued, given back, due sooner, resumed) or cancelled: every node's daemon listens
  (``work_listener``) and looks at the queue within milliseconds, whichever node queued it. The
  notification is sent at commit, and identical ones of one transaction are folded into one, so a
  campaign of 10,000 messages wakes each node once. SQLite keeps the local wake-up socket.

One new table, a nullable column, a trigger: instant.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CHANNEL = "smsrelay_work"  # appliance/store/work_listener.py listens on it

NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION smsrelay_work_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$
"""
ON_INSERT = """
CREATE TRIGGER message_work_inserted AFTER INSERT ON message FOR EACH ROW
WHEN (NEW.status = 'queued') EXECUTE FUNCTION smsrelay_work_notify()
"""
ON_UPDATE = """
CREATE TRIGGER message_work_updated AFTER UPDATE ON message FOR EACH ROW
WHEN (
    (NEW.status = 'queued' AND (OLD.status <> 'queued' OR OLD.rank <> NEW.rank
                                OR OLD.due_at IS DISTINCT FROM NEW.due_at))
    OR (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
) EXECUTE FUNCTION smsrelay_work_notify()
"""


def upgrade() -> None:
    op.create_table(
        "node",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    # plain ALTER TABLE, never a batch copy: on SQLite a copy of ``message`` would drop the
    # text search's triggers (as revision 0007 says)
    op.add_column("message", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        op.execute(ON_INSERT)
        op.execute(ON_UPDATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS message_work_updated ON message")
        op.execute("DROP TRIGGER IF EXISTS message_work_inserted ON message")
        op.execute("DROP FUNCTION IF EXISTS smsrelay_work_notify()")
    op.drop_column("message", "lease_until")
    op.drop_table("node")
