"""``smsrelay send``: check and queue one SMS, print its id; with ``--wait``, wait for its outcome
(woken by the daemon through ``appliance.waiters``, not by polling the database)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from appliance import views

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TIMEOUT,
    clock,
    config_option,
    emit,
    fail,
    json_option,
    load,
    open_store,
)


@click.command()
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
@json_option
def send(
    config_path: Path | None,
    number: str,
    text: str | None,
    send_at: str | None,
    priority: str,
    modem: str | None,
    kind: str,
    strict: bool,
    wait: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Queue an SMS to NUMBER and print its id. TEXT '-' (or no TEXT) reads standard input.

    Exit status: 0 queued (with --wait: sent), 1 failed, 2 bad input or a number that opted
    out, 3 timed out waiting.

    \b
    Example:
      smsrelay send +33612345678 "Collecte demain 8h-12h" --wait
      echo "Rappel: collecte demain" | smsrelay send 0612345678 - --at 2026-12-01T18:00
    """
    from appliance.outbox import BadRequest, prepare, submit
    from appliance.waiters import wait_for_outcome, waiters_path

    text = text_from(text)
    config = load(config_path)
    now = clock().now
    try:
        new = prepare(
            config,
            to=number,
            text=text,
            now=now(),
            send_at=send_at,
            priority=priority,
            modem=modem,
            source="cli",
            strict=strict,
            kind=kind,
        )
        store = open_store(config)
        message = submit(store, config, new, now())
    except BadRequest as exc:  # Refused too: the number opted out
        fail(str(exc), EXIT_BAD_INPUT)
    if not wait:
        emit(views.message(message), as_json, [str(message.id)])
        return
    # Standard output carries the id alone (or the JSON) whatever the outcome, so that
    # ``id=$(smsrelay send ... --wait)`` works; what went wrong goes to standard error.
    settled = wait_for_outcome(
        store, message.id, folder=waiters_path(config), timeout=timeout, settled=views.SETTLED
    )
    if settled is not None:
        emit(views.message(settled), as_json, [str(settled.id)])
        if settled.status in ("sent", "delivered"):
            sys.exit(EXIT_OK)
        fail(f"message {settled.id} {settled.status}: {settled.reason or 'no reason'}", EXIT_FAILED)
    current = store.get(message.id) or message
    emit(views.message(current), as_json, [str(current.id)])
    hint = (
        " (no modem took it: is `smsrelay serve` running? see `smsrelay status`)"
        if current.status == "queued"
        else ""
    )
    fail(f"message {current.id} still {current.status} after {timeout:g} s{hint}", EXIT_TIMEOUT)


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
