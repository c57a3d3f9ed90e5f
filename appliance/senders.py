"""Who is sending, as the rules of ``store.destinations`` see them: the appliance itself (the
CLI, a script on the Pi), a panel user, or an API token, each with the countries it may reach
and, for a token, its quota of the day.

A user's or a token's own list (``smsrelay user limit``, ``smsrelay token limit``, the admin
API) wins over the config's ``[security] countries``; a token's own quota over
``[security] token_daily_messages``/``token_daily_parts``. The refusal's words say which
command changes the rule that refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .store.destinations import SenderRules, read_stored_countries

if TYPE_CHECKING:
    from .config import Config


def appliance_rules(config: Config) -> SenderRules:
    """The CLI's and any sender without its own list: the config's countries."""
    return SenderRules(
        who="this appliance",
        countries=config.security.countries,
        timezone=config.timezone,
        change="[security] countries in the config",
    )


def token_rules(config: Config, token: Any) -> SenderRules:
    """An API token's (a row of ``api_token``)."""
    security = config.security
    return SenderRules(
        who=f"token {token.name!r}",
        countries=read_stored_countries(token.countries, security.countries),
        token_id=token.id,
        daily_messages=_own(token.daily_messages, security.token_daily_messages),
        daily_parts=_own(token.daily_parts, security.token_daily_parts),
        timezone=config.timezone,
        change=f"smsrelay token limit {token.id} ...",
    )


def user_rules(config: Config, user: Any) -> SenderRules:
    """A panel user's (a row of ``app_user``)."""
    return SenderRules(
        who=f"user {user.name!r}",
        countries=read_stored_countries(user.countries, config.security.countries),
        timezone=config.timezone,
        change=f"smsrelay user limit {user.name} --countries ...",
    )


def _own(value: int | None, default: int | None) -> int | None:
    """A token's own quota (0 or more), else the config's; -1 stored: none at all."""
    if value is None:
        return default
    return None if value < 0 else value
