"""Where a user or an API token may send, and a token's daily quota, as an admin changes and
reads them: the one way ``smsrelay token limit`` / ``user limit`` and the panel's
/admin/limits turn what was typed into what is stored, and what the panel shows of each sender
(its countries, its quota and the token's use of the day).

What the values mean and how admission checks them is ``store.destinations``'s (countries, the
quota) and ``outbox``'s (premium-rate numbers and short codes: the config's ``[security]``, the
same for every sender; shown here, not changed). ``senders`` says which rule wins: a sender's
own value over the config's.

Typed values, the CLI's words: countries as ``"33, +32, BE"``, ``"*"`` for any, ``"default"``
for the config's list; a quota as a whole number, ``"none"`` for no quota, ``"default"`` for
the config's. Every field is read before anything is written: a change with one bad field
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .accounts import tokens, users
from .senders import token_rules, user_rules
from .store.destinations import UnknownCountry, day_start, parse_countries, stored_countries

if TYPE_CHECKING:
    from .config import Config
    from .store import Store
    from .store.schema import ApiToken, User

DEFAULT = "default"
NO_QUOTA = "none"
MAX_QUOTA_DIGITS = 9  # fits the column (an int) and any appliance's day
MAX_STORED_COUNTRIES = 255  # the columns' length (api_token.countries, app_user.countries)


class BadLimit(ValueError):
    """One field that cannot be read. ``field``: "countries", "daily_messages" or
    "daily_parts"; ``problem``: "country" (``item`` the piece that is no country, None when
    none was given), "too_many" (more countries than the column keeps) or "quota" (``item``
    the text typed)."""

    def __init__(self, field: str, problem: str, why: str, item: str | None = None) -> None:
        super().__init__(why)
        self.field = field
        self.problem = problem
        self.item = item


class BadLimits(ValueError):
    """Every field of a change that cannot be read (``problems``); nothing was written."""

    def __init__(self, problems: list[BadLimit]) -> None:
        super().__init__("; ".join(f"{p.field}: {p}" for p in problems))
        self.problems = problems


def countries_to_store(text: str) -> str | None:
    """The stored form of typed countries (None: the config's default); raises BadLimit."""
    if text.strip().lower() == DEFAULT:
        return None
    try:
        stored = stored_countries(parse_countries(text))
    except UnknownCountry as exc:
        raise BadLimit("countries", "country", str(exc), exc.item) from None
    if len(stored) > MAX_STORED_COUNTRIES:  # PostgreSQL would refuse the row
        count = stored.count(",") + 1
        raise BadLimit(
            "countries", "too_many", f"{count} countries are more than can be kept: use * for any"
        )
    return stored


def quota_to_store(field: str, text: str) -> int | None:
    """A stored quota: a number (0 or more), -1 for no quota, None for the config's default;
    raises BadLimit naming ``field``."""
    value = text.strip().lower()
    if value == DEFAULT:
        return None
    if value == NO_QUOTA:
        return -1
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_QUOTA_DIGITS):
        raise BadLimit(field, "quota", f"{text!r} is not a whole number, 'none' or 'default'", text)
    return int(value)


def change_token_limits(
    store: Store,
    who: str | int,
    *,
    countries: str | None = None,
    daily_messages: str | None = None,
    daily_parts: str | None = None,
) -> ApiToken:
    """Change what a token (its id, or the name of one not revoked) may do; a field left None
    is unchanged. Raises BadLimits (nothing written) or ``UnknownSender``."""
    changes: dict[str, object] = {}
    problems: list[BadLimit] = []
    readers = {
        "countries": (countries, countries_to_store),
        "daily_messages": (daily_messages, lambda t: quota_to_store("daily_messages", t)),
        "daily_parts": (daily_parts, lambda t: quota_to_store("daily_parts", t)),
    }
    for field, (text, read) in readers.items():
        if text is None:
            continue
        try:
            changes[field] = read(text)
        except BadLimit as problem:
            problems.append(problem)
    if problems:
        raise BadLimits(problems)
    return store.set_token_limits(who, **changes)


def change_user_countries(store: Store, who: str | int, countries: str) -> User:
    """Change where a user (their id or name) may send. Raises BadLimits or ``UnknownSender``."""
    try:
        stored = countries_to_store(countries)
    except BadLimit as problem:
        raise BadLimits([problem]) from None
    return store.set_user_countries(who, stored)


# --- what the panel shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplianceLimits:
    """The config's rules: the same for every sender (premium-rate numbers, short codes) or
    the default of one without its own (countries, a token's quota)."""

    countries: frozenset[int] | None
    premium_rate: bool
    short_codes: frozenset[str] | None  # None: any short code; empty: none
    token_daily_messages: int | None
    token_daily_parts: int | None


@dataclass(frozen=True)
class UserLimits:
    id: int
    name: str
    role: str
    countries: frozenset[int] | None  # in force: None for any country
    own_countries: str | None  # as stored: None for the config's default, "*", "32,33"


@dataclass(frozen=True)
class TokenLimits:
    id: int
    name: str
    countries: frozenset[int] | None
    own_countries: str | None
    daily_messages: int | None  # in force: None for no quota
    daily_parts: int | None
    own_daily_messages: int | None  # as stored: None for the default, -1 for no quota
    own_daily_parts: int | None
    used_messages: int  # today's, from local midnight (the configured zone)
    used_parts: int


def appliance_limits(config: Config) -> ApplianceLimits:
    security = config.security
    return ApplianceLimits(
        countries=security.countries,
        premium_rate=security.premium_rate,
        short_codes=security.short_codes,
        token_daily_messages=security.token_daily_messages,
        token_daily_parts=security.token_daily_parts,
    )


def users_limits(store: Store, config: Config) -> list[UserLimits]:
    return [
        UserLimits(u.id, u.name, u.role, user_rules(config, u).countries, u.countries)
        for u in users(store)
    ]


def tokens_limits(store: Store, config: Config, now: datetime) -> list[TokenLimits]:
    """The tokens that still open the API, with their use since local midnight."""
    used = store.tokens_usage(day_start(now, config.timezone))
    rows = []
    for token in tokens(store):
        if token.revoked:
            continue
        rules = token_rules(config, token)
        messages, parts = used.get(token.id, (0, 0))
        rows.append(
            TokenLimits(
                token.id,
                token.name,
                rules.countries,
                token.countries,
                rules.daily_messages,
                rules.daily_parts,
                token.daily_messages,
                token.daily_parts,
                messages,
                parts,
            )
        )
    return rows
