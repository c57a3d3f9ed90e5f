"""The table of nodes (issue 15): the appliances that share one database, and whether they live.

Each ``smsrelay serve`` writes its row at start and renews ``lease_until`` while it runs
(``node_registry``). A row whose lease has passed is a node that died or lost the database: the
others settle what it was sending (``unknown``) and show its modems as that node's, last seen
then. ``host`` and ``pid`` tell a second process started under the same name on the same machine
from the restart of one that died. Kept apart from ``schema``, as ``call_schema`` is; the store
imports it, which registers the table (migration 0014 creates it).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from .schema import _when


class Node(SQLModel, table=True):
    """One appliance (``[node] name``) that runs or ran a daemon on this database."""

    __tablename__ = "node"

    name: str = Field(primary_key=True, max_length=64)
    host: str = Field(default="", max_length=255)
    pid: int = 0
    started_at: datetime | None = _when()
    seen_at: datetime | None = _when()  # its last renewal
    lease_until: datetime | None = _when()  # past this, the node is taken for dead
    stopped_at: datetime | None = _when()  # a clean stop (None while it runs or after a crash)
