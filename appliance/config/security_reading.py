"""Reading the ``[security]`` table (what it means: ``security``)."""

from __future__ import annotations

from ipaddress import ip_network

from .security import SecurityConfig
from .tables import Table, describe


def read_security(table: Table) -> SecurityConfig:
    return SecurityConfig(
        short_codes=_short_codes(table),
        premium_rate=table.flag("premium_rate", False),
        webhook_networks=_networks(table),
        behind_proxy=table.flag("behind_proxy", False),
    )


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
