"""``smsrelay token``: the API tokens scripts send as ``Authorization: Bearer TOKEN``
(``appliance.accounts`` keeps only their hashes)."""

from __future__ import annotations

from pathlib import Path

import click

from appliance import views
from appliance.store.schema import MAX_ID

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    clock,
    config_option,
    emit_rows,
    fail,
    json_option,
    load,
    open_store,
)


@click.group()
def token() -> None:
    """API tokens: what scripts send as ``Authorization: Bearer TOKEN``.

    Only a hash of each token is kept: a token is shown once, when it is created.

    \b
    Example:
      smsrelay token create backup-script
      smsrelay token list
    """


@token.command("create")
@config_option
@click.argument("name")
def token_create(config_path: Path | None, name: str) -> None:
    """Create a token named NAME; it is printed alone on the last line, and only this once.

    \b
    Example:
      TOKEN=$(smsrelay token create backup-script | tail -n 1)
      curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/modems
    """
    from appliance.accounts import AccountError, create_token

    config = load(config_path)
    try:
        row, secret = create_token(open_store(config), name, clock().now())
    except AccountError as exc:
        fail(f"name: {exc}", EXIT_BAD_INPUT)
    click.echo(f"token {row.id} ({row.name}) created; copy it now, it is not shown again:")
    click.echo(secret)


@token.command("list")
@config_option
@json_option
def token_list(config_path: Path | None, as_json: bool) -> None:
    """List the tokens (names and use, never the tokens themselves).

    \b
    Example:
      smsrelay token list --json
    """
    from appliance.accounts import tokens

    emit_rows(
        tokens(open_store(load(config_path))),
        views.token,
        lambda d: (
            f"{d['id']:>4}  {d['name']:<24} created {d['created_at'][:16]}  last used "
            f"{(d['last_used_at'] or 'never')[:16]}{'  REVOKED' if d['revoked'] else ''}"
        ),
        as_json,
        empty="no token yet (smsrelay token create NAME)",
    )


@token.command("revoke")
@config_option
@click.argument("token_id", metavar="ID", type=click.IntRange(1, MAX_ID))
def token_revoke(config_path: Path | None, token_id: int) -> None:
    """Revoke the token ID (see `smsrelay token list`): it stops working at once.

    \b
    Example:
      smsrelay token revoke 3
    """
    from appliance.accounts import revoke_token

    if not revoke_token(open_store(load(config_path)), token_id):
        fail(f"no token {token_id}", EXIT_FAILED)
    click.echo(f"token {token_id} revoked")
