"""Who may send where, and how much a day: the rules ``admission.queue_all`` applies to every
message a person or a script queues (the CLI, the API, the panel), on either driver.

- **Countries.** A message goes only to the country calling codes its sender may use: the
  config's ``[security] countries`` (by default the appliance's home country alone: a French
  NGO's SIM pays for every SMS abroad, and a stolen token should not be able to pump traffic
  to far-away premium ranges), or the list set for that user or token. Short codes are not a
  country's: ``[security] short_codes`` rules them, before this (``outbox``).
- **A daily quota per API token**: at most so many messages and so many parts (SMS units) a
  local day (the configured time zone), counted from the messages the token queued since local
  midnight (``message.token_id``), cancelled ones included. All or nothing: a batch that would
  pass the quota is refused whole.

Each refusal names the number, the rule and the sender ("+447700900123 is a number of +44
(GB), not allowed for token 'school-script'") and says how an admin changes it. Pure: the counts
come from the driver (``Lookups.token_usage``), in the transaction that writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Protocol

ANY_COUNTRY = "*"


class RefusedDestination(ValueError):
    """A message to a country its sender may not reach: nothing was queued."""

    def __init__(self, number: str, why: str) -> None:
        super().__init__(why)
        self.number = number


class UnknownCountry(ValueError):
    """A list of countries that names no country, or an item that is none: ``item`` is the
    piece typed ("Narnia", "999"), None when the list is empty."""

    def __init__(self, why: str, item: str | None = None) -> None:
        super().__init__(why)
        self.item = item


class OverQuota(ValueError):
    """A token's messages of the day would pass its quota: nothing was queued."""


@dataclass(frozen=True)
class SenderRules:
    """What one sender may do. ``who``: the sender in words ("token 'school-script'");
    ``countries``: the calling codes allowed, None for any; ``change``: how an admin changes
    the rule (a command)."""

    who: str
    countries: frozenset[int] | None
    token_id: int | None = None
    daily_messages: int | None = None
    daily_parts: int | None = None
    timezone: str = "UTC"
    change: str = ""

    @property
    def has_quota(self) -> bool:
        return self.token_id is not None and (
            self.daily_messages is not None or self.daily_parts is not None
        )


class _News(Protocol):
    recipient: str
    parts: int


def calling_code(recipient: str) -> int | None:
    """The country calling code of a normalised number (``+44…`` -> 44); None for a short
    code (digits without "+")."""
    if not recipient.startswith("+"):
        return None
    import phonenumbers  # here, not at the top: ``smsrelay status`` reads no number

    try:
        return phonenumbers.parse(recipient).country_code
    except phonenumbers.NumberParseException:
        return None


def country_words(code: int) -> str:
    """``+44 (GB)``; several regions share +1 and +7, so the first is named."""
    import phonenumbers

    region = phonenumbers.region_code_for_country_code(code)
    return f"+{code}" if region in ("ZZ", "001") else f"+{code} ({region})"


def countries_words(codes: frozenset[int] | None) -> str:
    if codes is None:
        return "any country"
    if not codes:
        return "no country"
    return ", ".join(country_words(code) for code in sorted(codes))


def check_country(rules: SenderRules, recipient: str) -> None:
    """Raise RefusedDestination when ``recipient`` is in a country ``rules`` do not allow."""
    code = calling_code(recipient)
    if code is None or rules.countries is None or code in rules.countries:
        return
    change = f"; an admin can allow it: {rules.change}" if rules.change else ""
    raise RefusedDestination(
        recipient,
        f"{recipient} is a number of {country_words(code)}, not allowed for {rules.who} "
        f"(allowed: {countries_words(rules.countries)}){change}",
    )


def day_start(now: datetime, timezone: str) -> datetime:
    """Local midnight of ``now``'s local day, in UTC: where a day's quota starts."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def check_quota(rules: SenderRules, used: tuple[int, int], news: Sequence[_News]) -> None:
    """Raise OverQuota when ``news`` on top of ``used`` (messages, parts of today) pass the
    token's quota."""
    messages, parts = used
    more_messages, more_parts = len(news), sum(new.parts for new in news)
    limits = (
        ("messages", rules.daily_messages, messages, more_messages),
        ("parts", rules.daily_parts, parts, more_parts),
    )
    for what, limit, done, more in limits:
        if limit is not None and done + more > limit:
            change = f"; an admin can raise it: {rules.change}" if rules.change else ""
            raise OverQuota(
                f"the daily quota of {rules.who} is {limit} {what} a day and {done} were queued "
                f"today: {more} more would pass it; it starts again at midnight "
                f"({rules.timezone}){change}"
            )


def parse_countries(text: str) -> frozenset[int] | None:
    """``"33, +32, BE"`` -> {33, 32}; ``"*"`` or ``"any"`` -> None (any country). Calling
    codes with or without "+", or ISO 3166 regions (FR). Raises UnknownCountry naming the item."""
    text = text.strip()
    if text.lower() in (ANY_COUNTRY, "any"):
        return None
    import phonenumbers

    codes: set[int] = set()
    for item in (part.strip() for part in text.replace(";", ",").split(",")):
        if not item:
            continue
        digits = item.removeprefix("+")
        if digits.isascii() and digits.isdigit() and len(digits) <= 3:
            code = int(digits)
            if phonenumbers.region_code_for_country_code(code) == "ZZ":
                raise UnknownCountry(f"{item!r} is not a country calling code", item)
        elif item.isascii() and item.upper() in phonenumbers.SUPPORTED_REGIONS:
            code = phonenumbers.country_code_for_region(item.upper())
        else:
            raise UnknownCountry(
                f"{item!r} is neither a country calling code (33, +44) nor a country (FR, BE)",
                item,
            )
        codes.add(code)
    if not codes:
        raise UnknownCountry('no country given: list calling codes ("33,32") or "*" for any')
    return frozenset(codes)


def stored_countries(codes: Iterable[int] | None) -> str:
    """How a token's or user's list is stored: ``"32,33"``, or ``"*"`` for any."""
    return ANY_COUNTRY if codes is None else ",".join(str(code) for code in sorted(codes))


def read_stored_countries(
    text: str | None, default: frozenset[int] | None
) -> frozenset[int] | None:
    """A stored list back (``default`` when none is stored)."""
    if text is None:
        return default
    if text == ANY_COUNTRY:
        return None
    return frozenset(int(code) for code in text.split(",") if code)
