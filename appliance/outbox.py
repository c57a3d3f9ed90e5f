"""Taking a message in: validate everything, then queue it and wake the daemon.

The CLI, the HTTP API and the panel all come through ``prepare`` so that a bad number, an empty or
overlong text, a send time in the past or an unknown priority gets the same clear error naming the
field, and nothing half-valid reaches the queue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from modem.pdu.counter import count as count_parts

from .numbers import InvalidRecipient, is_premium_rate, is_short_code, normalise
from .senders import appliance_rules
from .store.admission import ConsentRefused, ConsentRules, NewMessage
from .store.destinations import OverQuota, RefusedDestination, SenderRules
from .store.kinds import MessageKind, Priority
from .wakeup import notify

if TYPE_CHECKING:
    from .config import Config


class BadRequest(ValueError):
    """Input that cannot be queued; ``field`` names what was wrong (to, text, send_at, ...)."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


class Refused(BadRequest):
    """A valid message the rules of consent refuse (``store.consent``): its number said STOP,
    or campaign traffic to a number that is not an opted-in contact; or a country its sender
    may not reach (``store.destinations``). Nothing was queued; the CLI exits 2 and the API
    answers 422, like any bad input."""


class QuotaExceeded(Refused):
    """The sender's token would pass its daily quota (``store.destinations``): nothing was
    queued; the API answers 429 and the CLI exits 4 (try again tomorrow, or raise it)."""


def consent_rules(config: Config) -> ConsentRules:
    """The config's ``[contacts]`` rules as the store applies them."""
    consent = config.consent
    return ConsentRules(
        cap_messages=consent.cap_messages,
        cap_period=consent.cap_period,
        strict_after_stop=consent.transactional_after_stop,
        timezone=config.timezone,
    )


# A send time further ahead than this is a typo (4764 for 2026), and a message kept for years
# would be sent to whoever has the number by then.
FURTHEST_AHEAD = timedelta(days=366)
_RELATIVE = re.compile(r"^\+(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_when(text: str, *, timezone: str, now: datetime) -> datetime:
    """``2026-12-01T08:00`` (local time unless it has an offset), ``2026-12-01 08:00+01:00``, or
    relative ``+10m``, ``+2h``, ``+1d``. Returns aware UTC."""
    text = text.strip()
    relative = _RELATIVE.match(text)
    when = None
    try:
        if relative:
            if len(relative.group(1)) > 6:
                raise OverflowError
            return now + timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
        when = datetime.fromisoformat(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(timezone))
        return when.astimezone(now.tzinfo)
    except ValueError:
        raise BadRequest(
            "send_at", f"{text!r} is not a time: use ISO 8601 (2026-12-01T08:00) or +10m/+2h/+1d"
        ) from None
    except OverflowError:  # past datetime's range once moved to UTC: year 1 or year 9999
        if when is not None and when.year < now.year:
            raise BadRequest("send_at", f"{text!r} is in the past") from None
        raise BadRequest("send_at", f"{text!r} is too far in the future") from None


def route_group(config: Config, recipient: str) -> str | None:
    """The SIM group the config sends this number to (longest matching prefix), if any."""
    best: tuple[int, str] | None = None
    for route in config.routes:
        if recipient.startswith(route.prefix) and (best is None or len(route.prefix) > best[0]):
            best = (len(route.prefix), route.group)
    return best[1] if best else None


def _check_costly(config: Config, typed: str, recipient: str) -> None:
    """Refuse a short code or a premium-rate number unless ``[security]`` allows it."""
    if is_short_code(recipient) and not config.security.allows_short_code(recipient):
        raise BadRequest(
            "to",
            f"{typed!r} is a short code, often a paid service; to write to it, list it in "
            f'[security] short_codes (e.g. short_codes = ["{recipient}"])',
        )
    if is_premium_rate(recipient) and not config.security.premium_rate:
        raise BadRequest(
            "to",
            f"{typed!r} is a premium-rate number; to write to such numbers, set "
            "[security] premium_rate = true",
        )


def prepare(
    config: Config,
    *,
    to: str,
    text: str,
    now: datetime,
    send_at: str | None = None,
    priority: str = "normal",
    modem: str | None = None,
    group: str | None = None,
    source: str = "cli",
    campaign_id: int | None = None,
    kind: str = MessageKind.TRANSACTIONAL,
    strict: bool = False,
) -> NewMessage:
    """Validate a message; raise BadRequest naming the field. ``strict`` marks a message
    strictly transactional (a one-time code): it may pass a STOP when the config allows it."""
    if not isinstance(to, str):
        raise BadRequest("to", "must be a phone number as a string")
    if not isinstance(text, str):
        raise BadRequest("text", "must be a string")
    try:
        recipient = normalise(to, config.region)
    except InvalidRecipient as exc:
        raise BadRequest("to", str(exc)) from None
    _check_costly(config, to, recipient)
    if not text:
        raise BadRequest("text", "is empty")
    if text.isspace():  # an SMS that says nothing costs a part and alarms whoever gets it
        raise BadRequest("text", "is blank (only spaces or line breaks)")
    if "\x00" in text:
        raise BadRequest("text", "contains a NUL character")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise BadRequest("text", "is not valid Unicode (a lone surrogate)")
    count = count_parts(text)
    if count.parts > config.max_parts:
        raise BadRequest(
            "text",
            f"needs {count.parts} SMS parts ({count.units} {count.encoding} units); at most "
            f"{config.max_parts} are allowed",
        )
    try:
        message_kind = MessageKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in MessageKind)
        raise BadRequest("kind", f"{kind!r} is not one of {kinds}") from None
    try:
        rank_priority = Priority(priority)
    except ValueError:
        raise BadRequest("priority", f"{priority!r} is not one of high, normal, low") from None
    due = parse_when(send_at, timezone=config.timezone, now=now) if send_at else None
    if due is not None and due < now - timedelta(minutes=1):
        raise BadRequest("send_at", f"{send_at!r} is in the past")
    if due is not None and due > now + FURTHEST_AHEAD:
        raise BadRequest(
            "send_at", f"{send_at!r} is too far ahead: at most {FURTHEST_AHEAD.days} days from now"
        )
    if modem is not None and not re.fullmatch(r"\d{14,16}", modem):
        raise BadRequest("modem", f"{modem!r} is not an IMEI (15 digits)")
    start = due or now
    try:
        expires = start + config.validity if config.validity else None
    except OverflowError:
        raise BadRequest("send_at", f"{send_at!r} is too far in the future") from None
    return NewMessage(
        recipient=recipient,
        text=text,
        parts=count.parts,
        encoding=count.encoding,
        priority=rank_priority,
        due_at=due,
        expires_at=expires,
        want_modem=modem,
        want_group=group or route_group(config, recipient),
        source=source,
        campaign_id=campaign_id,
        kind=message_kind,
        strict=strict,
    )


class UnknownModem(Refused):
    """A message for a modem no node has ever seen (a mistyped IMEI): it would wait in the queue
    until it expired, so it is refused at once."""


def wakeup_path(config: Config) -> Path:
    return config.data_dir / "wakeup.sock"


class Queue(Protocol):
    """What ``submit`` needs of a store: ``Store``, or the CLI's quick ``DirectStore`` (the
    same methods on Python's ``sqlite3``, ``appliance.store.direct``)."""

    def modem(self, imei: str) -> Any: ...

    def enqueue_all(
        self,
        news: Sequence[NewMessage],
        now: datetime,
        rules: ConsentRules | None = None,
        sender: SenderRules | None = None,
    ) -> list[Any]: ...


def submit(
    store: Queue, config: Config, new: NewMessage, now: datetime, sender: SenderRules | None = None
) -> Any:
    """Queue a prepared message and wake the daemon (if one runs) within milliseconds.
    Raises Refused when the number opted out (nothing is queued)."""
    return submit_all(store, config, [new], now, sender)[0]


def submit_all(
    store: Queue,
    config: Config,
    news: list[NewMessage],
    now: datetime,
    sender: SenderRules | None = None,
) -> list[Any]:
    """Queue every prepared message or none (Refused names the first number that opted out, or
    the modem asked for that was never seen, or a country ``sender`` may not reach;
    QuotaExceeded when its token's quota of the day would be passed). ``sender`` None: the
    appliance itself (the CLI), under the config's countries."""
    for imei in sorted({new.want_modem for new in news if new.want_modem}):
        if store.modem(imei) is None:
            raise UnknownModem(
                "modem", f"no modem {imei} was ever seen here; smsrelay status lists them"
            )
    try:
        messages = store.enqueue_all(
            news, now, consent_rules(config), sender or appliance_rules(config)
        )
    except (ConsentRefused, RefusedDestination) as exc:
        raise Refused("to", str(exc)) from None
    except OverQuota as exc:
        raise QuotaExceeded("quota", str(exc)) from None
    notify(wakeup_path(config))
    return messages
