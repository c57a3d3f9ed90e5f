"""The rules of consent where a message enters the queue and where it leaves it (issue 11).

Two rules hold on every path that queues a message (the CLI, the API, the panel, campaigns,
automatic replies), so they live in the store, inside the transaction that writes the message,
where no path can skip them:

- **STOP stops everything.** A number whose contact opted out gets nothing: ``enqueue`` raises
  ``OptedOut`` and writes nothing (the CLI exits 2, the API answers 422). The one exception is a
  message its sender marked strictly transactional (``strict``: a one-time code) when the
  organisation allows it (``ConsentRules.strict_after_stop``, off by default).
- **A cap per person.** Messages of the capped kinds (campaign, reminder, automatic reply; not
  transactional messages nor corrections) to one number are at most ``cap_messages`` in any
  ``cap_period``, counted in messages, not parts. A message over the cap is not refused but
  held: queued with a due time when it may go, and a reason that says so. The cap is checked
  again when the dispatcher takes the message (``hold_over_cap``), because between the two
  other messages may have left.

The hold's time: the cap-th most recent counted message to the number leaves the window at
its time plus the period; the new message may go then (or at its own due time if later).
Queued messages count at their due time, so two campaigns queued the same minute do not both
pass.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select, text, update

from .admission import (
    COUNTED,
    DEFAULT_RULES,
    LEFT,
    NEEDS_OPT_IN,
    Admission,
    ConsentRefused,
    ConsentRules,
    ContactConsent,
    NotOptedIn,
    OptedOut,
    cap_free_at,
    held_reason,
    judge,
)
from .schema import CAPPED_KINDS, Message, Status, UtcDateTime
from .statements import constants

__all__ = [  # the rules live in ``admission`` (pure); their SQL here
    "COUNTED",
    "DEFAULT_RULES",
    "NEEDS_OPT_IN",
    "Admission",
    "ConsentRefused",
    "ConsentRules",
    "NotOptedIn",
    "OptedOut",
    "admit",
    "cap_free_at",
    "held_at_dispatch",
    "held_reason",
]

MESSAGE = Message.__table__
_CAPPED = sorted(CAPPED_KINDS)

CONTACT_OF = text(
    "SELECT id, opted_in_at, opted_out_at, opt_out_how FROM contact WHERE number = :b_number"
).columns(opted_in_at=UtcDateTime(), opted_out_at=UtcDateTime())

m = MESSAGE.c
_WHEN = func.coalesce(m.sent_at, m.sending_at, m.due_at, type_=UtcDateTime())


def _times_query(statuses: tuple[str, ...]):
    """The times (ascending) of the capped messages to one number, in ``statuses``, in the
    window: what the cap counts."""
    return (
        select(_WHEN)
        .where(
            m.recipient == bindparam("b_number", type_=m.recipient.type),
            m.kind.in_(constants(_CAPPED)),
            m.status.in_(constants(statuses)),
            m.id != bindparam("b_id", type_=m.id.type),
            bindparam("b_since", type_=UtcDateTime()) < _WHEN,
        )
        .order_by(_WHEN)
    )


# when queued: every one that left in the window, and every one still queued (at its due time)
COUNTED_TIMES = _times_query(COUNTED)

HOLD = (
    update(MESSAGE)
    .where(m.id == bindparam("b_id", type_=m.id.type), m.status == Status.QUEUED)
    .values(
        due_at=bindparam("b_until", type_=UtcDateTime()),
        reason=bindparam("b_reason", type_=m.reason.type),
    )
)
# at dispatch only what already left counts (the queued ones are checked when they go)
LEFT_TIMES = _times_query(LEFT)


def admit(
    connection: Connection,
    *,
    number: str,
    kind: str,
    strict: bool,
    due: datetime,
    now: datetime,
    rules: ConsentRules,
) -> Admission:
    """Check a message about to be queued (``admission.judge``, with this connection's
    reads); raise OptedOut or NotOptedIn, or say whether it is held."""
    row = connection.execute(CONTACT_OF, {"b_number": number}).first()
    return judge(
        ContactConsent(*row) if row is not None else None,
        lambda since: counted_times(connection, number, since),
        number=number,
        kind=kind,
        strict=strict,
        due=due,
        rules=rules,
    )


def counted_times(connection: Connection, number: str, since: datetime) -> list[datetime]:
    """The times the cap counts for a new message to ``number`` (``COUNTED_TIMES``)."""
    rows = connection.execute(COUNTED_TIMES, {"b_number": number, "b_id": 0, "b_since": since})
    return list(rows.scalars())


def held_at_dispatch(
    connection: Connection, *, message_id: int, number: str, now: datetime, rules: ConsentRules
) -> bool:
    """At dispatch, for a message of a capped kind: if the cap holds it now, push its due time
    to when it may go, say so in its reason, and return True (the caller takes another)."""
    if rules.cap_messages is None:
        return False
    times = _times(connection, LEFT_TIMES, number, message_id, now, rules)
    until = cap_free_at(times, now, rules)
    if until is None:
        return False
    connection.execute(
        HOLD, {"b_id": message_id, "b_until": until, "b_reason": held_reason(number, until, rules)}
    )
    return True


def _times(
    connection: Connection,
    query,
    number: str,
    message_id: int,
    at: datetime,
    rules: ConsentRules,
) -> list[datetime]:
    since = at - rules.cap_period
    rows = connection.execute(query, {"b_number": number, "b_id": message_id, "b_since": since})
    return list(rows.scalars())
