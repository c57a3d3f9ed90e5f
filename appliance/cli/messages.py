"""The queue and the inbox: ``messages`` and ``inbox`` (listings, newest first), ``cancel`` and
``retry`` (each id tried, the daemon woken after)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    clock,
    config_option,
    database_errors,
    emit_rows,
    fail,
    json_option,
    load,
    open_quick_store,
    open_store,
)


@click.command()
@config_option
@click.option(
    "--status",
    "status_filter",
    default=None,
    type=click.Choice(
        ["queued", "sending", "sent", "delivered", "failed", "expired", "cancelled", "unknown"]
    ),
)
@click.option("--to", "recipient", default=None, help="Only messages to this number.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@json_option
def messages(
    config_path: Path | None,
    status_filter: str | None,
    recipient: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List sent and queued messages, newest first.

    \b
    Example:
      smsrelay messages --status failed --limit 50
      smsrelay messages --to +33612345678 --json
    """
    from appliance import views

    # no optional table; the region checked only to read --to (start-up time)
    config = load(config_path, only=("numbers",) if recipient else ())
    if recipient:
        from appliance.numbers import InvalidRecipient, normalise

        try:
            recipient = normalise(recipient, config.region)
        except InvalidRecipient as exc:
            fail(f"to: {exc}", EXIT_BAD_INPUT)
    store = open_quick_store(config)
    with database_errors("cannot read the messages"):
        rows = store.messages(status=status_filter, recipient=recipient, limit=limit)
    emit_rows(
        rows,
        views.message,
        lambda d: (
            f"{d['id']:>6} {d['status']:<9} {d['to']:<16} {d['parts']}p "
            f"{(d['reason'] or d['text'])[:60]!s}"
        ),
        as_json,
    )


@click.command()
@config_option
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@json_option
def inbox(config_path: Path | None, limit: int, as_json: bool) -> None:
    """List received messages, newest first.

    \b
    Example:
      smsrelay inbox --limit 5
    """
    from appliance import views

    emit_rows(
        open_store(load(config_path)).inbox(limit=limit),
        views.inbound,
        lambda d: f"{d['id']:>6} {d['created_at'][:19]} {d['from']:<16} {d['text']}",
        as_json,
    )


def _each(config, ids: tuple[int, ...], action) -> None:
    """Apply ``action`` to each id; exit 1 if any could not be done, after trying them all."""
    store = open_store(config)
    failed = False
    for message_id in ids:
        ok, why = action(store, message_id, clock().now())
        click.echo(f"{message_id}: {why}")
        failed |= not ok
    from appliance.outbox import wakeup_path
    from appliance.wakeup import notify

    notify(wakeup_path(config))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@click.command()
@config_option
@click.argument("ids", nargs=-1, type=int, required=True)
def cancel(config_path: Path | None, ids: tuple[int, ...]) -> None:
    """Cancel queued messages (not those already sending or sent).

    \b
    Example:
      smsrelay cancel 41 42
    """
    _each(load(config_path), ids, lambda store, i, now: store.cancel(i, now))


@click.command()
@config_option
@click.argument("ids", nargs=-1, type=int, required=True)
def retry(config_path: Path | None, ids: tuple[int, ...]) -> None:
    """Queue failed, expired or unknown messages again (unknown ones may then arrive twice).

    \b
    Example:
      smsrelay retry 57
    """
    _each(load(config_path), ids, lambda store, i, now: store.retry(i, now))
