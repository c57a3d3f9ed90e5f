"""``smsrelay token limit`` and ``smsrelay user limit``: where a token or a user may send
(country calling codes) and a token's daily quota, read and written by ``appliance.limits``
as the panel's /admin/limits does (the rules: ``appliance.senders``, ``store.destinations``).
Imported with ``tokens`` and ``users`` (``main.ALSO_IMPORT``)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from .common import EXIT_BAD_INPUT, EXIT_FAILED, config_option, fail, load, open_store
from .tokens import token
from .users import user

COUNTRIES_HELP = (
    'Country calling codes or countries ("33,32", "FR,BE"), "*" for any, or "default" for '
    "the config's [security] countries."
)


def _bad_input(exc) -> NoReturn:
    """Exit 2 naming the option of each field that cannot be read (``appliance.limits``)."""
    fail("; ".join(f"--{p.field.replace('_', '-')}: {p}" for p in exc.problems), EXIT_BAD_INPUT)


def _words(row, config) -> str:
    from appliance.senders import token_rules
    from appliance.store.destinations import countries_words

    rules = token_rules(config, row)
    quota = [
        f"{limit} {what}"
        for limit, what in ((rules.daily_messages, "messages"), (rules.daily_parts, "parts"))
        if limit is not None
    ]
    return (
        f"token {row.id} ({row.name}): may send to {countries_words(rules.countries)}; "
        f"daily quota: {' and '.join(quota) or 'none'}"
    )


@token.command("limit")
@config_option
@click.argument("which", metavar="TOKEN")
@click.option("--countries", default=None, help=COUNTRIES_HELP)
@click.option("--daily-messages", default=None, help='Messages a local day, "none" or "default".')
@click.option("--daily-parts", default=None, help='SMS parts a local day, "none" or "default".')
def token_limit(config_path: Path | None, which: str, countries, daily_messages, daily_parts):
    """Where TOKEN (its id or name) may send, and its quota per local day; shows them.

    A message to another country, or past the quota, is refused naming the rule (the API
    answers 422 or 429; nothing is queued).

    \b
    Example:
      smsrelay token limit school-script --countries 33,32 --daily-messages 200
    """
    from appliance.limits import BadLimits, change_token_limits
    from appliance.store.sender_limits import UnknownSender

    config = load(config_path)
    store = open_store(config)
    key: str | int = (
        int(which) if which.isascii() and which.isdigit() and len(which) < 10 else which
    )
    try:
        row = change_token_limits(
            store, key, countries=countries, daily_messages=daily_messages, daily_parts=daily_parts
        )
    except BadLimits as exc:
        _bad_input(exc)
    except UnknownSender as exc:
        fail(f"{exc} (see `smsrelay token list`)", EXIT_FAILED)
    click.echo(_words(row, config))


@user.command("limit")
@config_option
@click.argument("name")
@click.option("--countries", required=True, help=COUNTRIES_HELP)
def user_limit(config_path: Path | None, name: str, countries: str):
    """Where the panel user NAME may send (country calling codes).

    \b
    Example:
      smsrelay user limit alice --countries 33,32,41
    """
    from appliance.limits import BadLimits, change_user_countries
    from appliance.senders import user_rules
    from appliance.store.destinations import countries_words
    from appliance.store.sender_limits import UnknownSender

    config = load(config_path)
    try:
        row = change_user_countries(open_store(config), name, countries)
    except BadLimits as exc:
        _bad_input(exc)
    except UnknownSender as exc:
        fail(f"{exc} (see `smsrelay user list`)", EXIT_FAILED)
    click.echo(f"user {row.name}: may send to {countries_words(user_rules(config, row).countries)}")
