"""A message's priority and kind, and the rules read from them, without the schema's imports.

Pure names (no SQLAlchemy, no sqlmodel) so that the quick path of ``smsrelay send`` (``direct``)
and the models (``schema``, which re-exports them) share one definition.
"""

from __future__ import annotations

from enum import StrEnum

# The largest id a row can have: ids are INTEGER columns, 32 bits on PostgreSQL. A larger id in a
# URL, an API path or a command line is "not found" (or refused) before any query, never a 500.
MAX_ID = 2**31 - 1


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}


class MessageKind(StrEnum):
    """What a message is for (DESIGN.md, "Contacts, consent and campaigns")."""

    TRANSACTIONAL = "transactional"  # a script's one-off: a confirmation, an alert
    CAMPAIGN = "campaign"
    REMINDER = "reminder"
    REPLY = "reply"  # an automatic reply
    CORRECTION = "correction"  # a fix to a campaign already sent


# the kinds the cap per person counts (DESIGN.md): all but transactional messages and corrections
CAPPED_KINDS = frozenset({MessageKind.CAMPAIGN, MessageKind.REMINDER, MessageKind.REPLY})
