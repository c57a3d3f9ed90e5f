"""The ``[contacts]`` and ``[retention]`` tables: the rules of consent, and how long data is kept.

``[contacts]`` holds what an organisation may tune of the rules of the field (issue 11):

- the join and opt-out keywords people text in (matched ignoring accents and case);
- the confirmation sent back for each (``false`` sends none);
- the cap per person across everything that is not transactional: ``cap_messages`` messages in
  ``cap_period`` (default 2 in 30 days, the operator rule our sources cite), ``false`` for none;
- ``transactional_after_stop``: whether a message marked strictly transactional (a one-time code,
  an appointment's confirmation) may still go to a number that said STOP. Off by default: STOP
  stops everything;
- ``auto_replies_per_hour``: at most this many automatic replies to one number in an hour, so
  two machines answering each other stop at once;
- ``reply_window``: a received message answers the latest campaign message sent to its number
  this recently (default ``"7d"``), and is linked to that campaign.

``[retention]`` says how long each kind of record is kept before the daily clean-up forgets it
(a duration such as ``"400d"``, or ``false`` to keep for ever): messages, inbound messages,
signal samples, webhook deliveries and the event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .keys import RETENTION_KEYS

DEFAULT_JOIN = ("INSCRIPTION", "JOIN")
DEFAULT_STOP = ("STOP", "STOP SMS", "ARRET", "DESINSCRIPTION", "UNSUBSCRIBE")
DEFAULT_JOIN_REPLY = (
    "Inscription enregistrée{theme}. Vous pouvez vous désinscrire à tout moment en répondant STOP."
)
DEFAULT_STOP_REPLY = (
    "Vous ne recevrez plus de SMS de notre part. Pour revenir, répondez INSCRIPTION."
)
MAX_KEYWORD_LENGTH = 32


@dataclass(frozen=True)
class ConsentConfig:
    """``[contacts]``, checked. ``join_reply`` may hold ``{theme}`` (" « <tag> »" or "")."""

    join_keywords: tuple[str, ...] = DEFAULT_JOIN
    stop_keywords: tuple[str, ...] = DEFAULT_STOP
    join_reply: str | None = DEFAULT_JOIN_REPLY
    stop_reply: str | None = DEFAULT_STOP_REPLY
    cap_messages: int | None = 2
    cap_period: timedelta = timedelta(days=30)
    transactional_after_stop: bool = False
    auto_replies_per_hour: int = 5
    reply_window: timedelta = timedelta(days=7)  # a reply answers a campaign sent this recently


@dataclass(frozen=True)
class RetentionConfig:
    """``[retention]``, checked: how long each kind of record is kept (None: for ever)."""

    messages: timedelta | None = None
    inbound: timedelta | None = None
    signal_samples: timedelta | None = timedelta(days=2)
    webhook_deliveries: timedelta | None = timedelta(days=7)
    events: timedelta | None = timedelta(days=90)

    def as_dict(self) -> dict[str, timedelta | None]:
        return {key: getattr(self, key) for key in RETENTION_KEYS}
