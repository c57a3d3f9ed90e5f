"""Checking what the admin typed for a webhook: its URL, the event kinds it wants, its secret.

Each check returns the value to store (stripped, in canonical order, or a new random secret) or
raises ``WebhookError`` naming the field at fault, so the panel can show it next to that field.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from .destinations import Forbidden, Network, check_destination

EVENTS = (
    "message.sent",
    "message.failed",
    "message.delivered",
    "message.received",
    "modem.down",
    "modem.up",
    "contact.created",
    "contact.updated",
    "contact.opted_in",
    "contact.opted_out",
    "campaign.started",
    "campaign.paused",
    "campaign.resumed",
    "campaign.cancelled",
    "campaign.corrected",
    "campaign.events_imported",
    "campaign.replied",
    "campaign.code_redeemed",
    "call.missed",
    "sim.low_credit",
    "alert.fired",  # issue 16: alerts to a person (appliance.alerts)
    "alert.resolved",
)
TEST_EVENT = "webhook.test"

SECRET_PREFIX = "whsec_"
MIN_SECRET = 16
MAX_SECRET = 128  # the column's size
MAX_URL = 1024
# RFC 3986 characters, plus "%" for escapes: no spaces, quotes or angle brackets to smuggle.
URL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")


class WebhookError(ValueError):
    """A webhook the panel cannot save; ``field`` names the form field at fault."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(why)
        self.field = field
        self.why = why


def check_url(url: str, allowed: Sequence[Network] = ()) -> str:
    """The URL, stripped, if the daemon can and may POST to it; WebhookError otherwise. Its
    host must be public, or in one of the ``allowed`` ranges (``destinations``)."""
    url = url.strip()
    if not url:
        raise WebhookError("url", "give the URL that will receive the events")
    if len(url) > MAX_URL:
        raise WebhookError("url", f"the URL is longer than {MAX_URL} characters")
    if not set(url) <= URL_CHARACTERS:
        raise WebhookError(
            "url",
            "the URL has characters a URL cannot hold as they are (spaces, quotes, angle "
            "brackets, accents): percent-encode them, and write an accented host name in "
            "its xn-- form",
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise WebhookError("url", f"not a valid URL: {error}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise WebhookError("url", "only http:// and https:// URLs can receive webhooks")
    if not parts.hostname:
        raise WebhookError("url", "the URL has no host name")
    if parts.username is not None or parts.password is not None:
        raise WebhookError(
            "url",
            "leave the user name and password out of the URL: it would show them in the "
            "panel; the signature proves to the receiver that smsrelay sent the request",
        )
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        check_destination(parts.hostname, port, allowed)
    except Forbidden as refused:
        raise WebhookError("url", str(refused)) from None
    return url


def check_events(events: Iterable[str]) -> tuple[str, ...]:
    """The chosen event kinds, in the canonical order; at least one, all known."""
    chosen = set(events)
    unknown = chosen - set(EVENTS)
    if unknown:
        raise WebhookError("events", f"unknown event(s): {', '.join(sorted(unknown))}")
    if not chosen:
        raise WebhookError("events", "choose at least one event")
    return tuple(kind for kind in EVENTS if kind in chosen)


def check_secret(secret: str | None) -> str:
    """A typed secret (stripped), or a new random one when none was typed."""
    secret = (secret or "").strip()
    if not secret:
        return SECRET_PREFIX + secrets.token_urlsafe(32)
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise WebhookError(
            "secret", f"a secret is {MIN_SECRET} to {MAX_SECRET} characters (or leave it empty)"
        )
    if not secret.isprintable():
        raise WebhookError("secret", "the secret has control characters")
    return secret
