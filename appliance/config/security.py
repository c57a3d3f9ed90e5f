"""The ``[security]`` table: what the appliance refuses by default, and the admin may allow.

Each key relaxes one guard, so that what was relaxed on a box is found in one place:

- ``short_codes``: the short codes ("38200", "36180") a message may go to; ``false`` (the
  default) none, ``true`` any. A short code is often a paid service (a vote, a horoscope, an
  operator's premium line): a script or a volunteer should not reach one by a typo;
- ``premium_rate``: whether a message may go to a premium-rate number (``+33 8 99…``,
  ``+44 9…``: the ``phonenumbers`` metadata says which); ``false`` by default, for the same
  reason;
- ``countries``: the country calling codes a message may go to unless a user's or a token's
  own list says otherwise (``smsrelay user limit``, ``smsrelay token limit``): by default the
  home country's alone (``[appliance] region``: +33 for FR). A French association's SIMs pay
  for every SMS abroad, and a leaked token must not send to far-away ranges. ``"*"`` allows any;
  ``["33", "262", "590"]`` adds La Réunion and Guadeloupe, which have their own codes;
- ``token_daily_messages``, ``token_daily_parts``: the quota of every API token per local day,
  unless the token has its own; none by default (the SIMs' own daily caps still hold);
- ``webhook_networks``: the private ranges (``"192.168.1.0/24"``, ``"127.0.0.1/32"``) a webhook
  may post to. By default a webhook may only reach public addresses: loopback, link-local (the
  cloud metadata service at 169.254.169.254), private, shared and reserved ranges are refused,
  when the webhook is saved and again at each send (``appliance.webhooks.destinations``);
- ``behind_proxy``: ``true`` when the panel is reached through a reverse proxy on this machine
  that terminates TLS (nginx, Caddy). Then ``X-Forwarded-Proto``, ``-For``, ``-Host`` and
  ``-Port`` from the one proxy in front are believed (the session cookie is ``Secure`` over
  HTTPS and the login limit counts the real client's address); without it they are ignored,
  since anyone could send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipaddress import IPv4Network, IPv6Network


@dataclass(frozen=True)
class SecurityConfig:
    """``[security]``, checked; the defaults refuse everything it can allow."""

    short_codes: frozenset[str] | None = frozenset()  # None: any short code
    premium_rate: bool = False
    webhook_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    behind_proxy: bool = False
    countries: frozenset[int] | None = frozenset({33})  # None: any; [appliance] region's code
    token_daily_messages: int | None = None
    token_daily_parts: int | None = None

    def allows_short_code(self, code: str) -> bool:
        return self.short_codes is None or code in self.short_codes
