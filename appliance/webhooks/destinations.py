"""Where a webhook may post: public addresses only, unless the admin allows a range.

A webhook URL is typed by an admin, but the daemon that POSTs to it sits on the local network
and on the box itself: a URL to ``http://127.0.0.1:8080/`` (the panel), ``169.254.169.254``
(a cloud's metadata service), ``192.168.1.1`` (the router's admin page) would turn the webhook
into a way to reach what only this machine can reach, its answers shown in the delivery log.
So a destination must be a public address, whatever the way it is written: names
(``localhost``), the forms ``inet_aton`` reads (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
``127.1``), IPv6 (``::1``) and IPv4 inside IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64, Teredo).
All are resolved by ``getaddrinfo``, as the connection itself would be, and every address a
name resolves to must be allowed.

The check runs twice: when the webhook is saved (a name that does not resolve yet is saved), and
at each send, on the very address then connected to (``posting``): a name that resolved to a
public address when saved may resolve to 127.0.0.1 a minute later (DNS rebinding). Ranges in
``[security] webhook_networks`` (``"192.168.1.0/24"``, ``"127.0.0.1/32"``) are allowed: a
receiver on the local network is a real need, and the admin says so where it shows.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
NAT64 = ip_network("64:ff9b::/96")


class Forbidden(ValueError):
    """A destination that is not public and not allowed; the message says which and why."""


def _inner_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one carries to (mapped, 6to4, Teredo's client, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _not_public(address: Address) -> str | None:
    """Why ``address`` is not a public one, in words; None when it is."""
    inner = _inner_ipv4(address) if isinstance(address, IPv6Address) else None
    if inner is not None and (why := _not_public(inner)):
        return why
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "not public"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not public"
    return None


def _allowed(address: Address, allowed: Sequence[Network]) -> bool:
    inner = _inner_ipv4(address) if isinstance(address, IPv6Address) else None
    return any(
        candidate.version == network.version and candidate in network
        for network in allowed
        for candidate in (address, inner)
        if candidate is not None
    )


def check_address(host: str, address: Address, allowed: Sequence[Network]) -> None:
    """Raise ``Forbidden`` unless ``address`` (what ``host`` resolved to) may be posted to."""
    if _allowed(address, allowed):
        return
    why = _not_public(address)
    if why is not None:
        shown = host if host == str(address) else f"{host} ({address})"
        raise Forbidden(
            f"{shown} is {why}: webhooks go to public addresses only, unless its range is in "
            "[security] webhook_networks"
        )


def resolve(host: str, port: int, allowed: Sequence[Network]) -> list[str]:
    """The addresses of ``host``, each checked (``Forbidden`` if any is refused); ``OSError``
    when the name does not resolve."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for text in addresses:
        check_address(host, ip_address(text.partition("%")[0]), allowed)
    return addresses


def check_destination(host: str, port: int, allowed: Sequence[Network]) -> None:
    """The check when a webhook is saved: ``Forbidden`` if ``host`` resolves to an address
    that is refused; a name that does not resolve (yet) passes, the send checks it again."""
    try:
        resolve(host, port, allowed)
    except OSError:
        return
