"""``smsrelay send``: check and queue one SMS (or one per line of ``--to-file``), print its id;
with ``--wait``, wait for its outcome (woken by the daemon through ``appliance.waiters``, not by
polling the database).

Quick to start (docs/benchmarks.md, "CLI start-up"): nothing heavy is imported at the top, and a
SQLite store is reached through ``appliance.store.direct`` (``common.open_quick_store``), which
queues through the same ``outbox`` and ``store.admission`` as every other path."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_QUOTA,
    EXIT_TIMEOUT,
    clock,
    config_option,
    database_errors,
    emit,
    fail,
    json_option,
    load,
    open_quick_store,
)


@click.command()
@config_option
@click.argument("number", required=False)
@click.argument("text", required=False)
@click.option(
    "--to-file",
    "to_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Send to every number of FILE ('-': standard input) instead of NUMBER: one number a "
    "line, or a CSV with a number column; TEXT is then a template ({first_name}, "
    "{fields.NAME}). All or nothing.",
)
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
@click.option(
    "--kind",
    type=click.Choice(["transactional", "campaign", "reminder", "reply", "correction"]),
    default="transactional",
    show_default=True,
    help="What it is for: campaign and reminder go only to opted-in contacts and, with reply, "
    "count in the cap per person (over it, the message waits).",
)
@click.option(
    "--transactional",
    "strict",
    is_flag=True,
    help="Strictly transactional (a one-time code): may go to a number that said STOP when "
    "the config allows it ([contacts] transactional_after_stop).",
)
@click.option("--wait", is_flag=True, help="Wait until the modem sent it (or it failed).")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=120.0,
    show_default=True,
    help="With --wait: give up waiting after this many seconds (exit 3).",
)
@click.option(
    "--as-token",
    "as_token",
    default=None,
    metavar="NAME",
    help="Send under the rules of the API token NAME: the countries it may reach and its daily "
    "quota (exit 4 past it).",
)
@json_option
def send(
    config_path: Path | None,
    number: str | None,
    text: str | None,
    to_file: str | None,
    send_at: str | None,
    priority: str,
    modem: str | None,
    kind: str,
    strict: bool,
    wait: bool,
    timeout: float,
    as_token: str | None,
    as_json: bool,
) -> None:
    """Queue an SMS to NUMBER and print its id. TEXT '-' (or no TEXT) reads standard input.

    With --to-file, every number of the file (one a line, or a CSV's number column) gets TEXT,
    rendered for its line ({first_name}, {last_name}, {fields.NAME}); nothing is queued if a
    line is wrong, and the ids are printed one a line (--json: a list).

    Exit status: 0 queued (with --wait: sent), 1 failed, 2 bad input, a number that opted
    out or a country not allowed, 3 timed out waiting, 4 over the --as-token token's quota.

    \b
    Example:
      smsrelay send +33612345678 "Collecte demain 8h-12h" --wait
      echo "Rappel: collecte demain" | smsrelay send 0612345678 - --at 2026-12-01T18:00
      smsrelay send --to-file donneurs.csv "Bonjour {first_name}, collecte demain"
    """
    options = {
        "send_at": send_at,
        "priority": priority,
        "modem": modem,
        "source": "cli",
        "strict": strict,
        "kind": kind,
    }
    if to_file is not None:
        if number is not None and text is not None:
            fail("with --to-file, give TEXT only (the numbers come from the file)", EXIT_BAD_INPUT)
        _send_many(config_path, to_file, number, options, wait, timeout, as_json, as_token)
        return
    if number is None:  # as click says it of a required argument (exit 2)
        raise click.UsageError("Missing argument 'NUMBER' (or give --to-file FILE).")
    text = text_from(text)
    if not wait and _through_daemon(config_path, number, text, options, as_token, as_json):
        return
    config = load(config_path, only=SEND_READS)
    from appliance.outbox import BadRequest, QuotaExceeded
    from appliance.queue_one import queue_one

    opened = []

    def open_store():
        opened.append(open_quick_store(config))
        return opened[0]

    try:
        with database_errors("cannot queue the message"):
            message = queue_one(
                open_store, config, to=number, text=text, options=options, as_token=as_token,
                now=clock().now,
            )  # fmt: skip
    except QuotaExceeded as exc:
        fail(str(exc), EXIT_QUOTA)
    except BadRequest as exc:  # Refused too: the number opted out
        fail(str(exc), EXIT_BAD_INPUT)
    _report([message], opened[0], config, wait, timeout, as_json, single=True)


def _through_daemon(config_path, number, text, options, as_token, as_json) -> bool:
    """Handed to the daemon running on this data folder (``appliance.send_socket``), its
    answer printed (or its error said, with its exit code); False when none may take it.
    Only the file's shape is read here: the daemon checked the rest when it started, and
    answers only if it read this very file."""
    from appliance.send_socket import NoAnswer, ask

    config = load(config_path, only=())
    request = {"to": number, "text": text, "options": options, "as_token": as_token}
    try:
        answer = ask(config, request)
    except NoAnswer as exc:
        fail(
            f"the daemon did not answer ({exc}): the message may or may not be queued; "
            "see `smsrelay messages`",
            EXIT_FAILED,
        )
    if answer is None:
        return False
    if "queued" not in answer:
        fail(str(answer.get("error")), int(answer.get("exit", EXIT_FAILED)))
    view = answer["queued"]
    emit(view, as_json, [str(view["id"])])
    return True


# what queuing one message reads of the file (``appliance.outbox``): the consent rules, what
# [security] allows, and the region to read the number; a script's start-up time
# (docs/benchmarks.md, "CLI start-up") need not pay for [alerts] or [imap]
SEND_READS = ("contacts", "security", "numbers")


def _send_many(config_path, to_file, text, options, wait, timeout, as_json, as_token) -> None:
    """``--to-file``: every line checked (``recipients_file``), then all queued in one
    transaction, or none."""
    from appliance.outbox import BadRequest, QuotaExceeded, submit_all
    from appliance.queue_one import NoSuchToken, sender_rules
    from appliance.recipients_file import RecipientsError, prepare_batch

    if to_file == "-" and text in (None, "-"):
        fail("standard input holds the numbers (--to-file -): give TEXT", EXIT_BAD_INPUT)
    text = text_from(text)
    config = load(config_path)
    try:
        with click.open_file(to_file, "rb") as file:
            data = file.read()
    except OSError as exc:
        fail(f"--to-file: cannot read {to_file}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    now = clock().now
    try:
        batch = prepare_batch(config, data, text, now(), **options)
    except RecipientsError as exc:
        fail(f"{to_file}: nothing queued:\n{exc}", EXIT_BAD_INPUT)
    store = open_quick_store(config)
    try:
        with database_errors("cannot read the token"):
            sender = sender_rules(store, config, as_token)
    except NoSuchToken as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    try:
        with database_errors("cannot queue the messages (nothing was queued)"):
            messages = submit_all(store, config, batch.messages, now(), sender)
    except QuotaExceeded as exc:
        fail(f"{to_file}: nothing queued: {exc}", EXIT_QUOTA)
    except BadRequest as exc:  # a number that opted out: none of them is queued
        refused = str(exc)  # "to: +33622222222 opted out ..." names the number first
        pairs = zip(batch.messages, batch.lines, strict=True)
        line = next((n for m, n in pairs if refused.startswith(f"to: {m.recipient} ")), None)
        where = f"line {line}: " if line is not None else ""
        fail(f"{to_file}: nothing queued: {where}{exc}", EXIT_BAD_INPUT)
    if batch.duplicates:
        click.echo(f"{batch.duplicates} repeated number(s) sent once", err=True)
    _report(messages, store, config, wait, timeout, as_json, single=False)


def _report(messages, store, config, wait, timeout, as_json, *, single: bool) -> None:
    """Print the ids (or the JSON) and, with ``--wait``, wait for every outcome."""
    from appliance import views

    def show(rows) -> None:
        data = [views.message(m) for m in rows]
        emit(data[0] if single else data, as_json, [str(m.id) for m in rows])

    if not wait:
        show(messages)
        return
    from appliance.waiters import wait_for_outcome, waiters_path

    # Standard output carries the ids alone (or the JSON) whatever the outcome, so that
    # ``id=$(smsrelay send ... --wait)`` works; what went wrong goes to standard error.
    deadline = time.monotonic() + timeout
    settled, late = [], []
    for message in messages:
        left = max(deadline - time.monotonic(), 0.0)
        outcome = wait_for_outcome(
            store, message.id, folder=waiters_path(config), timeout=left, settled=views.SETTLED
        )
        if outcome is None:
            late.append(store.get(message.id) or message)
        else:
            settled.append(outcome)
    by_id = {m.id: m for m in settled + late}
    show([by_id[m.id] for m in messages])
    failed = [m for m in settled if m.status not in ("sent", "delivered")]
    for m in failed:
        click.echo(f"error: message {m.id} {m.status}: {m.reason or 'no reason'}", err=True)
    for current in late:
        hint = (
            " (no modem took it: is `smsrelay serve` running? see `smsrelay status`)"
            if current.status == "queued"
            else ""
        )
        click.echo(
            f"error: message {current.id} still {current.status} after {timeout:g} s{hint}",
            err=True,
        )
    sys.exit(EXIT_TIMEOUT if late else EXIT_FAILED if failed else EXIT_OK)


def text_from(text: str | None) -> str:
    """TEXT as given, or standard input for ``-`` or none; exit 2 unless it is text an SMS can
    carry and every database can store.

    Bytes that are not UTF-8 reach Python as lone surrogates (its ``surrogateescape`` handler on
    argv and, in a C/POSIX locale, on stdin); they could not be stored nor encoded for the SMS.
    Characters are counted from 1, as the API and the panel count them; bytes from 0.
    """
    if text is None or text == "-":
        try:
            text = sys.stdin.read().rstrip("\n")
        except UnicodeDecodeError as exc:
            fail(f"text: standard input is not UTF-8 text (byte {exc.start})", EXIT_BAD_INPUT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        fail(f"text: it is not UTF-8 text (character {exc.start + 1})", EXIT_BAD_INPUT)
    if "\0" in text:  # refused by the HTTP API too: PostgreSQL cannot store it
        fail(f"text: it contains a NUL byte (character {text.index(chr(0)) + 1})", EXIT_BAD_INPUT)
    return text
