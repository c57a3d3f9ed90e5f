"""``smsrelay token limit`` and ``smsrelay user limit``: where a token or a user may send
(country calling codes) and a token's daily quota (``appliance.senders``,
``store.destinations``). Imported with ``tokens`` and ``users`` (``main.ALSO_IMPORT``)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_BAD_INPUT, EXIT_FAILED, config_option, fail, load, open_store
from .tokens import token
from .users import user

COUNTRIES_HELP = (
    'Country calling codes or countries ("33,32", "FR,BE"), "*" for any, or "default" for '
    "the config's [security] countries."
)


def _countries(text: str) -> str | None:
    """The stored form of --countries (None: the config's default); exit 2 when unreadable."""
    from appliance.store.destinations import parse_countries, stored_countries

    if text.strip().lower() == "default":
        return None
    try:
        return stored_countries(parse_countries(text))
    except ValueError as exc:
        fail(f"--countries: {exc}", EXIT_BAD_INPUT)


def _quota(option: str, text: str) -> int | None:
    """A stored quota: a number, -1 for "none", None for the config's default."""
    value = text.strip().lower()
    if value == "default":
        return None
    if value == "none":
        return -1
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        fail(f"{option}: {text!r} is not a whole number, 'none' or 'default'", EXIT_BAD_INPUT)
    return int(value)


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
    from appliance.store.sender_limits import UnknownSender

    changes: dict[str, object] = {}
    if countries is not None:
        changes["countries"] = _countries(countries)
    if daily_messages is not None:
        changes["daily_messages"] = _quota("--daily-messages", daily_messages)
    if daily_parts is not None:
        changes["daily_parts"] = _quota("--daily-parts", daily_parts)
    config = load(config_path)
    store = open_store(config)
    key: str | int = (
        int(which) if which.isascii() and which.isdigit() and len(which) < 10 else which
    )
    try:
        row = store.set_token_limits(key, **changes)
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
    from appliance.senders import user_rules
    from appliance.store.destinations import countries_words
    from appliance.store.sender_limits import UnknownSender

    stored = _countries(countries)
    config = load(config_path)
    try:
        row = open_store(config).set_user_countries(name, stored)
    except UnknownSender as exc:
        fail(f"{exc} (see `smsrelay user list`)", EXIT_FAILED)
    click.echo(f"user {row.name}: may send to {countries_words(user_rules(config, row).countries)}")
