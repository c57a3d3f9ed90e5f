"""``smsrelay user``: the panel's users, their roles and passwords (``appliance.accounts``)."""

from __future__ import annotations

from pathlib import Path

import click

from appliance import views

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
def user() -> None:
    """Panel users: admins (everything) and volunteers (status, send, history, inbox).

    There is always an admin: the last one can be neither deleted nor made a volunteer.
    Renaming a user, giving them a new role or password, `user logout` or deleting them ends
    their panel sessions.

    \b
    Example:
      smsrelay user add alice --role admin
      smsrelay user list
      smsrelay user role victor admin
    """


def _change_user(config_path: Path | None, change) -> object:
    """Run ``change(store)`` (an ``appliance.accounts`` change); exit 1 for an unknown user,
    2 for a refused change, each with the reason."""
    from appliance.accounts import AccountError, UnknownUser

    store = open_store(load(config_path))
    try:
        return change(store)
    except UnknownUser as exc:
        fail(f"{exc} (see `smsrelay user list`)", EXIT_FAILED)
    except AccountError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


@user.command("add")
@config_option
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["admin", "volunteer"]),
    default=None,
    help="Default: admin for the first user, volunteer after that.",
)
def user_add(config_path: Path | None, name: str, role: str | None) -> None:
    """Add the panel user NAME; the password is asked twice, never taken as an argument.

    \b
    Example:
      smsrelay user add alice            # the first user: an admin
      smsrelay user add victor --role volunteer
    """
    from appliance.accounts import AccountError, add_user, user_count

    config = load(config_path)
    store = open_store(config)
    role = role or ("admin" if user_count(store) == 0 else "volunteer")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        added = add_user(store, name, password, role, clock().now())
    except AccountError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    click.echo(f"user {added.name} added ({added.role})")


@user.command("list")
@config_option
@json_option
def user_list(config_path: Path | None, as_json: bool) -> None:
    """List the panel users and their roles (never their passwords).

    \b
    Example:
      smsrelay user list --json
    """
    from appliance.accounts import users

    emit_rows(
        users(open_store(load(config_path))),
        views.user,
        lambda d: (
            f"{d['name']:<24} {d['role']:<10} last login {(d['last_login_at'] or 'never')[:16]}"
        ),
        as_json,
        empty="no user yet (smsrelay user add NAME)",
    )


@user.command("rename")
@config_option
@click.argument("old")
@click.argument("new")
def user_rename(config_path: Path | None, old: str, new: str) -> None:
    """Rename the panel user OLD to NEW (1 to 64 characters, no spaces, not taken).

    \b
    Example:
      smsrelay user rename victor victor.hugo
    """
    from appliance.accounts import rename_user

    renamed = _change_user(config_path, lambda store: rename_user(store, old, new))
    click.echo(f"user {old.strip()} renamed {renamed.name}")


@user.command("delete")
@config_option
@click.argument("name")
def user_delete(config_path: Path | None, name: str) -> None:
    """Delete the panel user NAME; the last admin cannot be deleted.

    \b
    Example:
      smsrelay user delete victor
    """
    from appliance.accounts import delete_user

    deleted = _change_user(config_path, lambda store: delete_user(store, name))
    click.echo(f"user {deleted.name} deleted")


@user.command("role")
@config_option
@click.argument("name")
@click.argument("role", type=click.Choice(["admin", "volunteer"]))
def user_role(config_path: Path | None, name: str, role: str) -> None:
    """Make NAME an admin or a volunteer; the last admin stays an admin.

    \b
    Example:
      smsrelay user role victor admin
      smsrelay user role alice volunteer
    """
    from appliance.accounts import set_role

    changed = _change_user(config_path, lambda store: set_role(store, name, role))
    click.echo(f"user {changed.name} is now {changed.role}")


@user.command("logout")
@config_option
@click.argument("name")
def user_logout(config_path: Path | None, name: str) -> None:
    """End every panel session of NAME, in every browser (a lost phone, a shared computer).

    \b
    Example:
      smsrelay user logout victor
    """
    from appliance.accounts import end_sessions

    ended = _change_user(config_path, lambda store: end_sessions(store, name))
    click.echo(f"every panel session of {ended.name} has ended")


@user.command("password")
@config_option
@click.argument("name")
def user_password(config_path: Path | None, name: str) -> None:
    """Give NAME a new password, asked twice (never taken as an argument).

    \b
    Example:
      smsrelay user password victor
    """
    from appliance.accounts import find_user, set_password

    _change_user(config_path, lambda store: find_user(store, name))  # before asking in vain
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    changed = _change_user(config_path, lambda store: set_password(store, name, password))
    click.echo(f"new password set for {changed.name}; their panel sessions have ended")
