"""The one way a message enters the queue, whichever driver writes it.

``Queueing.enqueue_all`` (SQLAlchemy, SQLite or PostgreSQL) and the quick path of the CLI
(``direct``: Python's ``sqlite3``, for a script's ``smsrelay send`` in a few milliseconds) both
run ``queue_all`` here: the row's columns (``message_values``), who may send where and how
much (``destinations``: countries per user or token, a token's daily quota), the rules of consent
(STOP, the opt-in of campaign traffic, the cap per person: ``judge``) and the held message's due
time and reason. A driver only supplies the four things that touch its database (``Lookups``): a
number's contact, the times the cap counts, a token's use of the day, and the INSERT.
``tests/appliance/test_direct_store.py`` proves both write identical rows.

Pure: no SQLAlchemy, no sqlmodel (``consent`` re-exports the rules for the store's callers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from appliance.states import Status

from .destinations import SenderRules, check_country, check_quota, day_start
from .kinds import CAPPED_KINDS, PRIORITY_RANK, MessageKind, Priority

# the kinds that go only to opted-in contacts (DESIGN.md: "campaigns go only to opted-in
# contacts"); a script's transactional message may go to anyone, a reply to who wrote
NEEDS_OPT_IN = frozenset({MessageKind.CAMPAIGN, MessageKind.REMINDER})
# what counts against the cap: what left or may leave (failed, expired, cancelled do not count)
COUNTED = (Status.QUEUED, Status.SENDING, Status.SENT, Status.DELIVERED, Status.UNKNOWN)
LEFT = (Status.SENDING, Status.SENT, Status.DELIVERED, Status.UNKNOWN)


@dataclass(frozen=True)
class NewMessage:
    """A message as a caller asks for it, already validated (number normalised, parts counted)."""

    recipient: str
    text: str
    parts: int
    encoding: str
    priority: Priority = Priority.NORMAL
    due_at: datetime | None = None
    expires_at: datetime | None = None
    want_modem: str | None = None
    want_group: str | None = None
    report: bool = True
    source: str = "cli"
    campaign_id: int | None = None
    kind: MessageKind = MessageKind.TRANSACTIONAL
    strict: bool = False  # strictly transactional: may pass a STOP if the rules allow it
    contact_id: int | None = None


def message_values(new: NewMessage, now: datetime) -> dict[str, Any]:
    """Every column of the new ``message`` row but its id, as both drivers write it."""
    return {
        "recipient": new.recipient,
        "text": new.text,
        "status": Status.QUEUED,
        "priority": new.priority,
        "rank": PRIORITY_RANK[new.priority],
        "parts": new.parts,
        "encoding": new.encoding,
        "report": new.report,
        "source": new.source,
        "kind": new.kind,
        "strict": new.strict,
        "contact_id": new.contact_id,
        "campaign_id": new.campaign_id,
        "token_id": None,
        "want_modem": new.want_modem,
        "want_group": new.want_group,
        "modem_imei": None,
        "sim_iccid": None,
        "node": None,
        "attempts": 0,
        "concat_ref": None,
        "parts_sent": 0,
        "part_refs": "",
        "reason": None,
        "created_at": now,
        "due_at": new.due_at or now,
        "expires_at": new.expires_at,
        "sending_at": None,
        "sent_at": None,
        "delivered_at": None,
        "finished_at": None,
    }


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


class ContactConsent(NamedTuple):
    """What the rules read of a number's contact."""

    id: int
    opted_in_at: datetime | None
    opted_out_at: datetime | None
    opt_out_how: str | None


@dataclass(frozen=True)
class Admission:
    """What the rules make of a new message: its contact, and whether it is held (till when)."""

    contact_id: int | None
    held_until: datetime | None = None
    reason: str | None = None


def judge(
    contact: ContactConsent | None,
    counted_times: Callable[[datetime], list[datetime]],
    *,
    number: str,
    kind: str,
    strict: bool,
    due: datetime,
    rules: ConsentRules,
) -> Admission:
    """Check a message about to be queued; raise OptedOut or NotOptedIn, or say whether it
    is held. ``counted_times(since)``: the times (ascending) of the number's counted messages
    after ``since`` (``COUNTED``, capped kinds), asked only for a capped kind."""
    opted_out = contact is not None and contact.opted_out_at is not None
    if opted_out and not (strict and rules.strict_after_stop):
        raise OptedOut(number, contact.opted_out_at, contact.opt_out_how)
    if kind in NEEDS_OPT_IN and (contact is None or contact.opted_in_at is None):
        raise NotOptedIn(number, kind)
    contact_id = contact.id if contact is not None else None
    if kind not in CAPPED_KINDS or rules.cap_messages is None:
        return Admission(contact_id)
    free_at = cap_free_at(counted_times(due - rules.cap_period), due, rules)
    if free_at is None:
        return Admission(contact_id)
    return Admission(contact_id, free_at, held_reason(number, free_at, rules))


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
    from zoneinfo import ZoneInfo

    days = rules.cap_period.days or 1
    local = until.astimezone(ZoneInfo(rules.timezone))
    return (
        f"held: {number} reached the cap of {rules.cap_messages} messages in {days} days; "
        f"may go from {local:%Y-%m-%d %H:%M} {local.tzname()}"
    )


class Lookups(Protocol):
    """What ``queue_all`` asks of a driver, inside the one transaction that writes."""

    def contact(self, number: str) -> ContactConsent | None: ...

    def counted_times(self, number: str, since: datetime) -> list[datetime]: ...

    def token_usage(self, token_id: int, since: datetime) -> tuple[int, int]:
        """The messages and parts the token queued from ``since``; the token's row locked till
        the end of the transaction where the database locks rows (two calls at once count
        each other)."""
        ...

    def insert(self, values: dict[str, Any]) -> int:
        """Write the row (the cap of the next message counts it); return its id."""
        ...


def queue_all(
    lookups: Lookups,
    news: Sequence[NewMessage],
    now: datetime,
    rules: ConsentRules | None,
    sender: SenderRules | None = None,
) -> list[dict[str, Any]]:
    """Every message's row as written, with its id, in order; raises ``ConsentRefused`` for
    the first one the rules refuse, ``destinations.RefusedDestination`` for the first number
    its ``sender`` may not reach, ``destinations.OverQuota`` when the whole would pass the
    sender's token's quota (the caller's transaction then writes nothing). ``sender`` None:
    the appliance's own messages (campaigns, automatic replies), under consent alone."""
    if sender is not None:
        for new in news:
            check_country(sender, new.recipient)
        if sender.has_quota:
            assert sender.token_id is not None
            used = lookups.token_usage(sender.token_id, day_start(now, sender.timezone))
            check_quota(sender, used, news)
    rows = []
    for new in news:
        values = message_values(new, now)
        values["token_id"] = sender.token_id if sender is not None else None
        admission = judge(
            lookups.contact(new.recipient),
            lambda since, number=new.recipient: lookups.counted_times(number, since),
            number=new.recipient,
            kind=new.kind,
            strict=new.strict,
            due=values["due_at"],
            rules=rules or DEFAULT_RULES,
        )
        if values["contact_id"] is None:
            values["contact_id"] = admission.contact_id
        if admission.held_until is not None:
            values["due_at"] = admission.held_until
            values["reason"] = admission.reason
            if values["expires_at"] is not None and values["expires_at"] < values["due_at"]:
                values["expires_at"] = None  # held by our own rule: not to expire unsent
        values["id"] = lookups.insert(values)
        rows.append(values)
    return rows
