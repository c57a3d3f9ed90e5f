"""Queuing one message as ``smsrelay send`` asks it: checked (``outbox.prepare``), under the
rules of an API token if ``--as-token`` names one, then queued (``outbox.submit``).

One function, because two processes run it: the CLI itself, or the running daemon on the CLI's
behalf (``send_socket_server``), whose store and number rules are already loaded. Either way the
message is written by the same code, with the same errors in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .outbox import BadRequest, prepare, submit

if TYPE_CHECKING:
    from .config import Config

# ``smsrelay send``'s options that ``prepare`` takes, as the CLI names them
OPTIONS = ("send_at", "priority", "modem", "source", "strict", "kind")


class NoSuchToken(BadRequest):
    """``--as-token`` names no token: nothing was queued (exit 2)."""


def queue_one(
    open_store: Callable[[], Any],
    config: Config,
    *,
    to: str,
    text: str,
    options: Mapping[str, Any],
    as_token: str | None,
    now: Callable[[], datetime],
) -> Any:
    """The queued message; raises ``BadRequest`` (``Refused``, ``QuotaExceeded``,
    ``NoSuchToken``) with nothing queued, or the database's error. ``open_store`` is called
    once the message is known to be well formed: a wrong number opens no database."""
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise ValueError(f"queue_one: unknown options {sorted(unknown)}")
    new = prepare(config, to=to, text=text, now=now(), **options)
    store = open_store()
    return submit(store, config, new, now(), sender_rules(store, config, as_token))


def sender_rules(store: Any, config: Config, as_token: str | None):
    """The rules of the token ``as_token`` names (None: the appliance's own)."""
    if as_token is None:
        return None
    from .senders import token_rules

    row = store.token_named(as_token)
    if row is None:
        raise NoSuchToken("--as-token", f"no token named {as_token!r} (see `smsrelay token list`)")
    return token_rules(config, row)
