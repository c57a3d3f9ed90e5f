"""The ``smsrelay`` command line: thin over the library (parse arguments, call, print, exit).

Every command's help ends with an example; ``tests/unit/test_cli_help.py`` fails when one has none.
Exit codes follow DESIGN.md: 0 ok, 1 failed, 2 bad input, 3 timeout.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

from modem.device import Modem, Timeouts
from modem.errors import CommandTimeout, ModemError, PortBusy, PortGone

from . import views

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (default: $SMSRELAY_CONFIG, else /etc/smsrelay/smsrelay.toml, else "
    "built-in defaults).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _config(path: Path | None):
    from .config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _store(config):
    """The store, or exit 1 saying which database could not be opened and why (no traceback:
    the usual causes are a folder the user may not write, or a PostgreSQL server that is down)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from .store import Store
    from .store.engine import create_engine_for, migrate

    try:
        engine = create_engine_for(config.database)
        migrate(engine)
    except (OSError, SQLAlchemyError) as exc:
        where = make_url(config.database).render_as_string(hide_password=True)
        why = getattr(exc, "orig", None) or exc
        click.echo(f"error: cannot open the database {where}: {why}", err=True)
        sys.exit(EXIT_FAILED)
    return Store(engine)


def _text_from(text: str | None) -> str:
    """TEXT as given, or standard input for ``-`` or none; exit 2 unless it is text an SMS can
    carry and every database can store.

    Bytes that are not UTF-8 reach Python as lone surrogates (its ``surrogateescape`` handler on
    argv and, in a C/POSIX locale, on stdin); they could not be stored nor encoded for the SMS.
    """
    if text is None or text == "-":
        try:
            text = sys.stdin.read().rstrip("\n")
        except UnicodeDecodeError as exc:
            click.echo(
                f"error: text: standard input is not UTF-8 text (byte {exc.start})", err=True
            )
            sys.exit(EXIT_BAD_INPUT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        click.echo(f"error: text: it is not UTF-8 text (character {exc.start})", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if "\0" in text:  # refused by the HTTP API too: PostgreSQL cannot store it
        click.echo(
            f"error: text: it contains a NUL byte (character {text.index(chr(0))})", err=True
        )
        sys.exit(EXIT_BAD_INPUT)
    return text


def _clock():
    from .clock import SystemClock

    return SystemClock()


def _emit(data, as_json: bool, lines) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smsrelay")
def main() -> None:
    """smsrelay: a local SMS appliance driving USB GSM modems.

    \b
    Example:
      smsrelay simulate --modems 2
    """


@main.command()
@click.option(
    "--modems",
    "count",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="How many simulated modems.",
)
@click.option(
    "--profile",
    default="generic",
    show_default=True,
    help="Which device to imitate: generic, huawei-e173, simcom-sim800, quectel-ec25.",
)
@click.option(
    "--send-delay",
    type=click.FloatRange(0, 600),
    default=None,
    help="Seconds the network takes to accept each part (default: the profile's).",
)
@click.option(
    "--fail-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of parts answered with +CMS ERROR.",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.0001),
    default=1.0,
    show_default=True,
    help="Real seconds per simulated second (0.01 makes a 5 s send take 50 ms).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the ports' symlinks (default: a new temp dir).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed for identities and faults, so runs repeat.",
)
def simulate(
    count: int,
    profile: str,
    send_delay: float | None,
    fail_rate: float,
    time_scale: float,
    directory: Path | None,
    seed: int,
) -> None:
    """Start simulated modems on pseudo-terminals and print their ports.

    Each one answers AT commands like the chosen device, on a real pty: any serial program
    (smsrelay, minicom, picocom) can talk to it. Stop with Ctrl-C.

    \b
    Example:
      smsrelay simulate --modems 2 --profile huawei-e173 --send-delay 0.5
      smsrelay at /tmp/smsrelay-sim-XXXX/ttySIM0 AT+CSQ
    """
    from modem.sim import PROFILES, start_fleet

    if profile not in PROFILES:
        raise click.BadParameter(
            f"unknown profile {profile!r}; choose one of {', '.join(sorted(PROFILES))}",
            param_hint="--profile",
        )
    directory = directory or Path(tempfile.mkdtemp(prefix="smsrelay-sim-"))
    directory.mkdir(parents=True, exist_ok=True)
    faults: dict[str, float] = {"fail_rate": fail_rate}
    if send_delay is not None:
        faults["send_delay"] = send_delay
    servers = start_fleet(
        count, profile=profile, directory=directory, time_scale=time_scale, seed=seed, **faults
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        for server in servers:
            imei = server.call(lambda m, now: m.imei)
            click.echo(f"{server.link}\t{server.port}\t{profile}\tIMEI {imei}")
        sys.stdout.flush()
        stop.wait()
    finally:
        for server in servers:
            server.stop()


@main.command("at")
@click.argument("port")
@click.argument("command")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds to wait for the final result.",
)
def at_command(port: str, command: str, timeout: float) -> None:
    """Send one AT command to PORT and print the answer (for debugging).

    Refuses a port that another program (the smsrelay daemon, ModemManager) holds open.

    \b
    Example:
      smsrelay at /dev/ttyUSB2 AT+CSQ
      smsrelay at /dev/gsm/huawei-0123-at 'AT+COPS?'
    """
    try:
        with Modem(port, timeouts=Timeouts(command=timeout)) as modem:
            response = modem.at(command, timeout=timeout)
    except PortBusy as exc:
        raise click.ClickException(f"{exc}") from exc
    except PortGone as exc:
        raise click.ClickException(f"cannot open {port}: {exc}") from exc
    except CommandTimeout as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_TIMEOUT)
    except ModemError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    for line in response.lines:
        click.echo(line)
    final = response.final
    click.echo(final.text or final.kind)
    sys.exit(EXIT_OK if final.kind == "OK" else EXIT_FAILED)


@main.command()
@config_option
@click.option(
    "--simulate",
    type=click.IntRange(0, 32),
    default=0,
    show_default=True,
    help="Drive N simulated modems instead of real ones (no hardware needed).",
)
@click.option(
    "--profile",
    default="generic",
    show_default=True,
    help="With --simulate: which device the simulated modems imitate.",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.0001),
    default=1.0,
    help="With --simulate: real seconds per simulated second.",
)
@click.option("--bind", default=None, help="HOST:PORT for the panel (default from the config).")
def serve(
    config_path: Path | None, simulate: int, profile: str, time_scale: float, bind: str | None
) -> None:
    """Run the daemon: drive the modems, move the queue, serve the panel.

    \b
    Example:
      smsrelay serve --simulate 2
      smsrelay serve --config /etc/smsrelay/smsrelay.toml --bind 0.0.0.0:8080
    """
    import logging

    from .daemon import Daemon, Simulation, StartError, installed_frontends
    from .memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any thread starts (appliance.memory says why)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # the scheduler logs every job run at INFO: twice a minute per job, noise in the journal
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    config = _config(config_path)
    if bind:
        try:
            config = config.with_bind(bind)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--bind") from None
    daemon = Daemon(
        config,
        simulation=Simulation(modems=simulate, profile=profile, time_scale=time_scale),
        frontends=installed_frontends(),
        isolate_migration=True,
    )
    try:
        daemon.stop_on_signals().start()
    except StartError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"smsrelay serving: node {config.node}, database {config.database}", err=True)
    for frontend in daemon.frontends:
        if hasattr(frontend, "url"):
            click.echo(f"panel on {frontend.url}", err=True)
    for server in daemon.simulators:
        click.echo(f"simulated modem on {server.link}", err=True)
    daemon.run_forever()


@main.command()
@config_option
@click.argument("number")
@click.argument("text", required=False)
@click.option(
    "--at",
    "send_at",
    default=None,
    help="Send later: ISO 8601 local time (2026-12-01T08:00) or +10m, +2h, +1d.",
)
@click.option(
    "--priority", type=click.Choice(["high", "normal", "low"]), default="normal", show_default=True
)
@click.option("--modem", default=None, help="Send through this modem only (its IMEI).")
@click.option("--wait", is_flag=True, help="Wait until the modem sent it (or it failed).")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=120.0,
    show_default=True,
    help="With --wait: give up waiting after this many seconds (exit 3).",
)
@json_option
def send(
    config_path: Path | None,
    number: str,
    text: str | None,
    send_at: str | None,
    priority: str,
    modem: str | None,
    wait: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Queue an SMS to NUMBER and print its id. TEXT '-' (or no TEXT) reads standard input.

    Exit status: 0 queued (with --wait: sent), 1 failed, 2 bad input, 3 timed out waiting.

    \b
    Example:
      smsrelay send +33612345678 "Collecte demain 8h-12h" --wait
      echo "Rappel: collecte demain" | smsrelay send 0612345678 - --at 2026-12-01T18:00
    """
    from .outbox import BadRequest, prepare, submit

    text = _text_from(text)
    config = _config(config_path)
    clock = _clock()
    try:
        new = prepare(
            config,
            to=number,
            text=text,
            now=clock.now(),
            send_at=send_at,
            priority=priority,
            modem=modem,
            source="cli",
        )
    except BadRequest as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    store = _store(config)
    message = submit(store, config, new, clock.now())
    if not wait:
        _emit(views.message(message), as_json, [str(message.id)])
        return
    # Standard output carries the id alone (or the JSON) whatever the outcome, so that
    # ``id=$(smsrelay send ... --wait)`` works; what went wrong goes to standard error.
    deadline = time.monotonic() + timeout
    pause = 0.01
    while time.monotonic() < deadline:
        current = store.get(message.id)
        if current is not None and current.status in views.SETTLED:
            _emit(views.message(current), as_json, [str(current.id)])
            if current.status in ("sent", "delivered"):
                sys.exit(EXIT_OK)
            click.echo(
                f"error: message {current.id} {current.status}: {current.reason or 'no reason'}",
                err=True,
            )
            sys.exit(EXIT_FAILED)
        time.sleep(pause)
        pause = min(pause * 1.5, 0.2)
    current = store.get(message.id) or message
    _emit(views.message(current), as_json, [str(current.id)])
    hint = (
        " (no modem took it: is `smsrelay serve` running? see `smsrelay status`)"
        if current.status == "queued"
        else ""
    )
    click.echo(
        f"error: message {current.id} still {current.status} after {timeout:g} s{hint}", err=True
    )
    sys.exit(EXIT_TIMEOUT)


@main.command()
@config_option
@json_option
def status(config_path: Path | None, as_json: bool) -> None:
    """Show the modems (as the daemon last saw them) and the queue.

    \b
    Example:
      smsrelay status
      smsrelay status --json | jq '.modems[] | {imei, state, reason}'
    """
    config = _config(config_path)
    store = _store(config)
    data = views.status(config, store, _clock().now())
    lines = []
    for m in data["modems"]:
        signal_text = f"{m['signal_dbm']} dBm" if m["signal_dbm"] is not None else "no signal"
        lines.append(
            f"{m['imei']}  {m['state']:<10} {signal_text:>10}  {m['operator'] or '-':<12}"
            f" {m['sent_today']}/{m['daily_limit'] or '-'} today  {m['port'] or ''}"
        )
        if m["state"] != "ready" and m["reason"]:
            lines.append(f"    why: {m['reason']}")
    if not data["modems"]:
        lines.append("no modem seen yet (is `smsrelay serve` running?)")
    queue = data["queue"]
    lines.append(
        "queue: " + ", ".join(f"{k} {v}" for k, v in queue.items() if v)
        if any(queue.values())
        else "queue: empty"
    )
    _emit(data, as_json, lines)


@main.command()
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
    from .numbers import InvalidRecipient, normalise

    config = _config(config_path)
    if recipient:
        try:
            recipient = normalise(recipient, config.region)
        except InvalidRecipient as exc:
            click.echo(f"error: to: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    rows = _store(config).messages(status=status_filter, recipient=recipient, limit=limit)
    data = [views.message(m) for m in rows]
    _emit(
        data,
        as_json,
        [
            f"{d['id']:>6} {d['status']:<9} {d['to']:<16} {d['parts']}p "
            f"{(d['reason'] or d['text'])[:60]!s}"
            for d in data
        ],
    )


@main.command()
@config_option
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@json_option
def inbox(config_path: Path | None, limit: int, as_json: bool) -> None:
    """List received messages, newest first.

    \b
    Example:
      smsrelay inbox --limit 5
    """
    config = _config(config_path)
    data = [views.inbound(m) for m in _store(config).inbox(limit=limit)]
    _emit(
        data,
        as_json,
        [f"{d['id']:>6} {d['created_at'][:19]} {d['from']:<16} {d['text']}" for d in data],
    )


def _each(config, ids: tuple[int, ...], action) -> None:
    """Apply ``action`` to each id; exit 1 if any could not be done, after trying them all."""
    store = _store(config)
    failed = False
    for message_id in ids:
        ok, why = action(store, message_id, _clock().now())
        click.echo(f"{message_id}: {why}")
        failed |= not ok
    from .outbox import wakeup_path
    from .wakeup import notify

    notify(wakeup_path(config))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@config_option
@click.argument("ids", nargs=-1, type=int, required=True)
def cancel(config_path: Path | None, ids: tuple[int, ...]) -> None:
    """Cancel queued messages (not those already sending or sent).

    \b
    Example:
      smsrelay cancel 41 42
    """
    _each(_config(config_path), ids, lambda store, i, now: store.cancel(i, now))


@main.command()
@config_option
@click.argument("ids", nargs=-1, type=int, required=True)
def retry(config_path: Path | None, ids: tuple[int, ...]) -> None:
    """Queue failed, expired or unknown messages again (unknown ones may then arrive twice).

    \b
    Example:
      smsrelay retry 57
    """
    _each(_config(config_path), ids, lambda store, i, now: store.retry(i, now))


@main.group()
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
    from .accounts import AccountError, create_token

    config = _config(config_path)
    try:
        row, secret = create_token(_store(config), name, _clock().now())
    except AccountError as exc:
        click.echo(f"error: name: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
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
    from .accounts import tokens

    rows = tokens(_store(_config(config_path)))
    data = [views.token(t) for t in rows]
    lines = [
        f"{d['id']:>4}  {d['name']:<24} created {d['created_at'][:16]}  last used "
        f"{(d['last_used_at'] or 'never')[:16]}{'  REVOKED' if d['revoked'] else ''}"
        for d in data
    ] or ["no token yet (smsrelay token create NAME)"]
    _emit(data, as_json, lines)


@token.command("revoke")
@config_option
@click.argument("token_id", metavar="ID", type=click.IntRange(1, 2**31 - 1))
def token_revoke(config_path: Path | None, token_id: int) -> None:
    """Revoke the token ID (see `smsrelay token list`): it stops working at once.

    \b
    Example:
      smsrelay token revoke 3
    """
    from .accounts import revoke_token

    if not revoke_token(_store(_config(config_path)), token_id):
        click.echo(f"error: no token {token_id}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"token {token_id} revoked")


@main.group()
def user() -> None:
    """Panel users: admins (everything) and volunteers (status, send, history, inbox).

    There is always an admin: the last one can be neither deleted nor made a volunteer.
    Renaming a user, giving them a new password or deleting them ends their panel sessions.

    \b
    Example:
      smsrelay user add alice --role admin
      smsrelay user list
      smsrelay user role victor admin
    """


def _change_user(config_path: Path | None, change) -> object:
    """Run ``change(store)`` (an ``appliance.accounts`` change); exit 1 for an unknown user,
    2 for a refused change, each with the reason."""
    from .accounts import AccountError, UnknownUser

    store = _store(_config(config_path))
    try:
        return change(store)
    except UnknownUser as exc:
        click.echo(f"error: {exc} (see `smsrelay user list`)", err=True)
        sys.exit(EXIT_FAILED)
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


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
    from .accounts import AccountError, add_user, user_count

    config = _config(config_path)
    store = _store(config)
    role = role or ("admin" if user_count(store) == 0 else "volunteer")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        added = add_user(store, name, password, role, _clock().now())
    except AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
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
    from .accounts import users

    rows = users(_store(_config(config_path)))
    data = [views.user(u) for u in rows]
    lines = [
        f"{d['name']:<24} {d['role']:<10} last login {(d['last_login_at'] or 'never')[:16]}"
        for d in data
    ] or ["no user yet (smsrelay user add NAME)"]
    _emit(data, as_json, lines)


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
    from .accounts import rename_user

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
    from .accounts import delete_user

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
    from .accounts import set_role

    changed = _change_user(config_path, lambda store: set_role(store, name, role))
    click.echo(f"user {changed.name} is now {changed.role}")


@user.command("password")
@config_option
@click.argument("name")
def user_password(config_path: Path | None, name: str) -> None:
    """Give NAME a new password, asked twice (never taken as an argument).

    \b
    Example:
      smsrelay user password victor
    """
    from .accounts import find_user, set_password

    _change_user(config_path, lambda store: find_user(store, name))  # before asking in vain
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    changed = _change_user(config_path, lambda store: set_password(store, name, password))
    click.echo(f"new password set for {changed.name}; their panel sessions have ended")


@main.command("install")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Only write the files under this directory (no system command, no user).",
)
@click.option("--uninstall", is_flag=True, help="Remove what a previous install put in place.")
@click.option(
    "--purge", is_flag=True, help="With --uninstall: also the edited config and the user."
)
def install_command(root: Path | None, uninstall: bool, purge: bool) -> None:
    """Install smsrelay as a service: config, systemd unit, udev rules, user.

    Never overwrites /etc/smsrelay/smsrelay.toml. Without --root it must run as root, and it
    prints each system command (useradd, systemctl, udevadm, modprobe) before running it.

    \b
    Example:
      sudo /opt/smsrelay/bin/smsrelay install
      sudo smsrelay install --uninstall
      smsrelay install --root /tmp/image
    """
    import os
    import shutil
    import subprocess

    from .install import InstallError, Target
    from .install import install as install_files
    from .install import uninstall as uninstall_files

    if purge and not uninstall:
        raise click.UsageError("--purge goes with --uninstall")
    system = root is None
    if system and os.geteuid() != 0:
        click.echo("error: run it as root: sudo smsrelay install (or give --root DIR)", err=True)
        sys.exit(EXIT_FAILED)

    def run(command) -> int:
        click.echo("+ " + " ".join(command))
        return subprocess.run(list(command), check=False).returncode

    target = Target(root=root or Path("/"), system=system)
    try:
        if uninstall:
            uninstall_files(target, purge=purge, run=run, say=click.echo)
            return
        beside = Path(sys.executable).with_name("smsrelay")
        found = shutil.which("smsrelay")
        executable = beside if beside.is_file() else Path(found) if found else None
        if executable is None:
            raise InstallError("cannot find the smsrelay program next to this Python")
        install_files(
            target,
            executable=executable,
            run=run,
            say=click.echo,
            sudo_user=os.environ.get("SUDO_USER"),
        )
    except (InstallError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
