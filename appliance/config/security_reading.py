"""Reading the ``[security]`` table (what it means: ``security``)."""

from __future__ import annotations

import phonenumbers

from .security import SecurityConfig
from .tables import Table, describe


def read_security(table: Table, region: str = "FR") -> SecurityConfig:
    return SecurityConfig(
        short_codes=_short_codes(table),
        premium_rate=table.flag("premium_rate", False),
        webhook_networks=_networks(table),
        behind_proxy=table.flag("behind_proxy", False),
        countries=_countries(table, region),
        token_daily_messages=table.limit("token_daily_messages", None),
        token_daily_parts=table.limit("token_daily_parts", None),
    )


def _countries(table: Table, region: str) -> frozenset[int] | None:
    """``countries``: calling codes or countries (``["33", "BE"]``), ``"*"`` for any; by
    default the home ``region``'s code alone."""
    from appliance.store.destinations import parse_countries

    value = table.values.get("countries")
    if value is None:
        return frozenset({phonenumbers.country_code_for_region(region)})
    if value == "*":
        return None
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        table.fail(
            "countries",
            'must be a list of country calling codes or countries, e.g. ["33", "32"] or '
            f'["FR", "BE"], or "*" for any, not {describe(value)}',
        )
    try:
        return parse_countries(",".join(str(item) for item in value))
    except ValueError as exc:
        table.fail("countries", str(exc))


def _short_codes(table: Table) -> frozenset[str] | None:
    value = table.values.get("short_codes", False)
    if value is True:
        return None
    if value is False:
        return frozenset()
    shaped = isinstance(value, list) and all(
        isinstance(code, str) and code.isascii() and code.isdigit() and 3 <= len(code) <= 6
        for code in value
    )
    if not shaped:
        table.fail(
            "short_codes",
            'must be a list of short codes in quotes (3 to 6 digits), e.g. ["38200"], or true '
            f"for any, or false for none, not {describe(value)}",
        )
    return frozenset(value)


def _networks(table: Table) -> tuple:
    value = table.values.get("webhook_networks", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        table.fail(
            "webhook_networks",
            f'must be a list of address ranges in quotes, e.g. ["192.168.1.0/24"], not '
            f"{describe(value)}",
        )
    from ipaddress import ip_network

    networks = []
    for item in value:
        try:
            networks.append(ip_network(item.strip(), strict=False))
        except ValueError:
            table.fail(
                "webhook_networks",
                f"{item!r} is not an address range like 192.168.1.0/24 or 127.0.0.1/32",
            )
    return tuple(networks)
