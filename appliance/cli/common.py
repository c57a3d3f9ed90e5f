"""What every command shares: the exit codes, the ``--config`` and ``--json`` options, opening
the config and the store (or exiting with the reason, never a traceback), asking for a
confirmation, and printing a result or a listing in words or as JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3
EXIT_QUOTA = 4  # send --as-token: the token's quota of the day would be passed

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (default: $SMSRELAY_CONFIG, else /etc/smsrelay/smsrelay.toml, else "
    "built-in defaults).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def load(path: Path | None, *, only: Iterable[str] | None = None):
    """The config, or exit 2 naming the file, the key and why. ``only``: the optional tables a
    quick command reads (``appliance.config.loading.OPTIONAL``); by default the whole file."""
    from appliance.config import ConfigError, load_config

    try:
        return load_config(path, only=only)
    except ConfigError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def open_store(config):
    """The store, or exit 1 saying which database could not be opened and why (no traceback:
    the usual causes are a folder the user may not write, or a PostgreSQL server that is down)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from appliance.store import Store
    from appliance.store.engine import MissingDriver, create_engine_for, migrate

    try:
        engine = create_engine_for(config.database)
        migrate(engine)
    except MissingDriver as exc:
        fail(str(exc), EXIT_FAILED)
    except (OSError, SQLAlchemyError) as exc:
        where = make_url(config.database).render_as_string(hide_password=True)
        why = getattr(exc, "orig", None) or exc
        fail(f"cannot open the database {where}: {why}", EXIT_FAILED)
    return Store(engine)


def open_quick_store(config):
    """For ``send``, ``status`` and ``messages``: the quick store on Python's ``sqlite3``
    (``appliance.store.direct``: the same methods, rules and rows, without importing
    SQLAlchemy) when the database is a SQLite file at the current schema; else the full store
    (PostgreSQL, a first start, a schema to migrate)."""
    from appliance.store.direct import open_direct

    return open_direct(config.database) or open_store(config)


@contextmanager
def database_errors(what: str) -> Iterator[None]:
    """Exit 1 with ``what`` and the database's reason (a lock held too long, a server gone)
    instead of a traceback; the store's transaction was rolled back, so nothing is half-written.
    Either driver's errors: ``sqlite3``'s (the quick store) or SQLAlchemy's, if it was imported
    (an error of a module never imported cannot have been raised)."""
    import sqlite3

    try:
        yield
    except Exception as exc:
        orm = sys.modules.get("sqlalchemy.exc")
        if isinstance(exc, sqlite3.Error) or (orm and isinstance(exc, orm.SQLAlchemyError)):
            fail(f"{what}: {getattr(exc, 'orig', None) or exc}", EXIT_FAILED)
        raise


def stdin_is_a_terminal() -> bool:
    return sys.stdin.isatty()


def confirm_or_exit(question: str, yes: bool) -> None:
    """Go on if ``yes`` (--yes) or the person at the terminal says so. A script (stdin not a
    terminal) must say --yes: a prompt nobody answers would hang it or read its input as the
    answer, so it exits 2 at once instead. "No" exits 1, having done nothing."""
    if yes:
        return
    if not stdin_is_a_terminal():
        fail("stdin is not a terminal, so nobody can confirm: add --yes", EXIT_BAD_INPUT)
    if not click.confirm(question, default=False, err=True):
        fail("cancelled, nothing done", EXIT_FAILED)


def clock():
    from appliance.clock import SystemClock

    return SystemClock()


def fail(why: str, code: int) -> NoReturn:
    """Say what went wrong on standard error and exit with ``code``."""
    click.echo(f"error: {why}", err=True)
    sys.exit(code)


def emit(data: Any, as_json: bool, lines: Iterable[str]) -> None:
    """``data`` as indented JSON with ``--json``, else the ``lines`` for a person; either way
    without a raw control character (``terminal``: texts come from strangers)."""
    from .terminal import json_shown, shown

    if as_json:
        import json

        click.echo(json_shown(json.dumps(data, indent=2, ensure_ascii=False)))
    else:
        for line in lines:
            click.echo(shown(line))


def emit_rows(
    rows: Iterable[object],
    view: Callable[[Any], dict],
    line: Callable[[dict], str],
    as_json: bool,
    *,
    empty: str | None = None,
) -> None:
    """A listing: each row as its stable JSON shape (``appliance.views``), shown as a JSON list
    or one ``line`` per row (``empty`` when there is none, if given)."""
    data = [view(row) for row in rows]
    lines: Sequence[str] = [line(d) for d in data] or ([empty] if empty is not None else [])
    emit(data, as_json, lines)
