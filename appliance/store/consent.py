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

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, select, text, update

from .schema import CAPPED_KINDS, Message, MessageKind, Status, UtcDateTime

MESSAGE = Message.__table__
_CAPPED = sorted(CAPPED_KINDS)
# what counts against the cap: what left or may leave (failed, expired, cancelled do not count)
_COUNTED = [Status.QUEUED, Status.SENDING, Status.SENT, Status.DELIVERED, Status.UNKNOWN]
_LEFT = [Status.SENDING, Status.SENT, Status.DELIVERED, Status.UNKNOWN]

CONTACT_OF = text(
    "SELECT id, opted_in_at, opted_out_at, opt_out_how FROM contact WHERE number = :b_number"
).columns(opted_in_at=UtcDateTime(), opted_out_at=UtcDateTime())
# the kinds that go only to opted-in contacts (DESIGN.md: "campaigns go only to opted-in
# contacts"); a script's transactional message may go to anyone, a reply to who wrote
NEEDS_OPT_IN = frozenset({MessageKind.CAMPAIGN, MessageKind.REMINDER})

m = MESSAGE.c
_WHEN = func.coalesce(m.sent_at, m.sending_at, m.due_at, type_=UtcDateTime())


def _times_query(statuses: list[Status]):
    """The times (ascending) of the capped messages to one number, in ``statuses``, in the
    window: what the cap counts."""
    return (
        select(_WHEN)
        .where(
            m.recipient == bindparam("b_number", type_=m.recipient.type),
            m.kind.in_(_CAPPED),
            m.status.in_(statuses),
            m.id != bindparam("b_id", type_=m.id.type),
            bindparam("b_since", type_=UtcDateTime()) < _WHEN,
        )
        .order_by(_WHEN)
    )


# when queued: every one that left in the window, and every one still queued (at its due time)
COUNTED_TIMES = _times_query(_COUNTED)

HOLD = (
    update(MESSAGE)
    .where(m.id == bindparam("b_id", type_=m.id.type), m.status == Status.QUEUED)
    .values(
        due_at=bindparam("b_until", type_=UtcDateTime()),
        reason=bindparam("b_reason", type_=m.reason.type),
    )
)
# at dispatch only what already left counts (the queued ones are checked when they go)
LEFT_TIMES = _times_query(_LEFT)


@dataclass(frozen=True)
class ConsentRules:
    """The organisation's rules (config ``[contacts]``): the cap, and STOP's one exception."""

    cap_messages: int | None = 2
    cap_period: timedelta = timedelta(days=30)
    strict_after_stop: bool = False
    timezone: str = "UTC"  # what a held message's reason tells its time in


DEFAULT_RULES = ConsentRules()


class ConsentRefused(ValueError):
    """A message the rules of consent refuse: nothing was queued."""


class NotOptedIn(ConsentRefused):
    """Campaign traffic to a number that is not an opted-in contact."""

    def __init__(self, number: str, kind: str) -> None:
        super().__init__(
            f"{number} is not an opted-in contact: a {kind} message goes only to contacts who "
            "agreed to receive them (import them with their consent, or let them text the join "
            "keyword)"
        )
        self.number = number


class OptedOut(ConsentRefused):
    """The number said STOP: nothing may be queued for it."""

    def __init__(self, number: str, when: datetime | None, how: str | None) -> None:
        day = f" on {when:%Y-%m-%d}" if when is not None else ""
        by = f" ({how})" if how else ""
        super().__init__(
            f"{number} opted out{day}{by}: no message may be sent to it "
            "(only the person can opt in again, by texting the join keyword)"
        )
        self.number = number
        self.when = when
        self.how = how


@dataclass(frozen=True)
class Admission:
    """What the rules make of a new message: its contact, and whether it is held (till when)."""

    contact_id: int | None
    held_until: datetime | None = None
    reason: str | None = None


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
    """Check a message about to be queued; raise OptedOut or NotOptedIn, or say whether it
    is held."""
    contact = connection.execute(CONTACT_OF, {"b_number": number}).first()
    opted_out = contact is not None and contact.opted_out_at is not None
    if opted_out and not (strict and rules.strict_after_stop):
        raise OptedOut(number, contact.opted_out_at, contact.opt_out_how)
    if kind in NEEDS_OPT_IN and (contact is None or contact.opted_in_at is None):
        raise NotOptedIn(number, kind)
    contact_id = contact.id if contact is not None else None
    if kind not in CAPPED_KINDS or rules.cap_messages is None:
        return Admission(contact_id)
    times = _times(connection, COUNTED_TIMES, number, 0, due, rules)
    free_at = cap_free_at(times, due, rules)
    if free_at is None:
        return Admission(contact_id)
    return Admission(contact_id, free_at, held_reason(number, free_at, rules))


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


def cap_free_at(times: list[datetime], at: datetime, rules: ConsentRules) -> datetime | None:
    """The first moment from ``at`` when one more message stays within the cap, given the
    ``times`` (ascending) of the counted messages; None when ``at`` itself is fine."""
    cap = rules.cap_messages
    if cap is None:
        return None
    in_window = [t for t in times if at - rules.cap_period < t]
    if len(in_window) < cap:
        return None
    return max(at, in_window[-cap] + rules.cap_period)


def held_reason(number: str, until: datetime, rules: ConsentRules) -> str:
    days = rules.cap_period.days or 1
    local = until.astimezone(ZoneInfo(rules.timezone))
    return (
        f"held: {number} reached the cap of {rules.cap_messages} messages in {days} days; "
        f"may go from {local:%Y-%m-%d %H:%M} {local.tzname()}"
    )


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
