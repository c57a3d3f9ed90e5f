"""``smsrelay campaign pause|resume|edit|correct|follow-up|replies|export|code`` (issue 12): the
changes to a campaign that runs, and what came back. Registered on the ``campaign`` group of
``campaigns``; exit codes as there (1: not allowed in the campaign's state or not found, 2: bad
input).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .campaigns import _campaign, _errors, campaign
from .common import clock, config_option, database_errors, emit, json_option, load, open_store


def _wake(config) -> None:
    from appliance.outbox import wakeup_path
    from appliance.wakeup import notify

    notify(wakeup_path(config))


@campaign.command()
@config_option
@click.argument("name")
@json_option
def pause(config_path: Path | None, name: str, as_json: bool) -> None:
    """Hold NAME's queued messages until `campaign resume` (what left has left).

    \b
    Example:
      smsrelay campaign pause collecte
    """
    from appliance.campaigning import operations as ops

    store = open_store(load(config_path))
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot pause campaign {found.name!r}"):
        held = ops.pause(store, found, clock().now())
    emit({"campaign": found.name, "held": held}, as_json,
         [f"{found.name}: paused, {held} queued message(s) wait"])  # fmt: skip


@campaign.command()
@config_option
@click.argument("name")
@json_option
def resume(config_path: Path | None, name: str, as_json: bool) -> None:
    """Let a paused NAME's messages go again.

    \b
    Example:
      smsrelay campaign resume collecte
    """
    from appliance.campaigning import operations as ops

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot resume campaign {found.name!r}"):
        released = ops.resume(store, found, clock().now())
    _wake(config)
    emit({"campaign": found.name, "released": released}, as_json,
         [f"{found.name}: running, {released} message(s) released"])  # fmt: skip


@campaign.command()
@config_option
@click.argument("name")
@click.option("--text", required=True, help="The new template.")
@json_option
def edit(config_path: Path | None, name: str, text: str, as_json: bool) -> None:
    """Give NAME a new text: its messages still queued are rewritten (those sent are not).

    \b
    Example:
      smsrelay campaign edit collecte --text "Bonjour {first_name}, RDV à 15h"
    """
    from appliance.campaigning import operations as ops

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot edit campaign {found.name!r}"):
        rewritten = ops.edit(store, config, found, text, clock().now())
    emit({"campaign": found.name, "rewritten": rewritten}, as_json,
         [f"{found.name}: new text, {rewritten} queued message(s) rewritten"])  # fmt: skip


@campaign.command()
@config_option
@click.argument("name")
@click.option("--text", required=True, help="The correction's template.")
@json_option
def correct(config_path: Path | None, name: str, text: str, as_json: bool) -> None:
    """Send a correction to exactly the people whose message of NAME already left: exempt from
    the cap per person, never from a STOP.

    \b
    Example:
      smsrelay campaign correct collecte --text "Correction : la collecte commence à 15h"
    """
    from appliance.campaigning import operations as ops

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot correct campaign {found.name!r}"):
        done = ops.correct(store, config, found, text, clock().now())
    _wake(config)
    emit({"campaign": found.name, "queued": done.queued, "skipped": done.skipped}, as_json,
         [f"{found.name}: correction queued to {done.queued} person(s)"])  # fmt: skip


@campaign.command(name="follow-up")
@config_option
@click.argument("name")
@click.option("--text", required=True, help="The follow-up's template.")
@click.option(
    "--after",
    "days",
    type=int,
    default=3,
    show_default=True,
    help="To who has not answered this many days after their message left.",
)
@click.option("--as", "new_name", default=None, help="The new campaign's name.")
@json_option
def follow_up(config_path: Path | None, name: str, text: str, days: int,
              new_name: str | None, as_json: bool) -> None:  # fmt: skip
    """Start a new campaign to the people of NAME who have not answered after --after days.

    \b
    Example:
      smsrelay campaign follow-up collecte --text "Toujours partant ? OUI/NON" --after 3
    """
    from appliance.campaigning import operations as ops

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot follow up campaign {found.name!r}"):
        made, done = ops.follow_up(store, config, found, text, clock().now(), days=days,
                                   name=new_name)  # fmt: skip
    _wake(config)
    emit({"campaign": made.name, "follows": found.name, "queued": done.queued}, as_json,
         [f"{made.name}: follow-up of {found.name}, {done.queued} queued"])  # fmt: skip


@campaign.command()
@config_option
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@json_option
def replies(config_path: Path | None, name: str, limit: int, as_json: bool) -> None:
    """The replies NAME received, newest first, with how each was read.

    \b
    Example:
      smsrelay campaign replies collecte --json
    """
    from appliance.campaigning import results

    store = open_store(load(config_path))
    found = _campaign(store, name)
    rows = results.replies(store, found, limit)
    lines = [f"{r['received_at']}\t{r['number']}\t{r['answer'] or '-'}\t{r['text']}" for r in rows]
    emit(rows, as_json, lines or ["no reply"])


@campaign.command()
@config_option
@click.argument("name")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")  # fmt: skip
def export(config_path: Path | None, name: str, output: Path | None) -> None:
    """NAME's recipients as CSV: step, number, status, code, answer...

    \b
    Example:
      smsrelay campaign export collecte -o collecte.csv
    """
    from appliance.campaigning import results

    store = open_store(load(config_path))
    found = _campaign(store, name)
    if output is None:
        for line in results.export_csv(store, found):
            sys.stdout.write(line)
        return
    partial = output.with_name(output.name + ".part")
    with partial.open("w", encoding="utf-8", newline="") as file:
        for line in results.export_csv(store, found):
            file.write(line)
    partial.replace(output)  # whole or nothing
    click.echo(f"{found.name}: written to {output}")


@campaign.command()
@config_option
@click.argument("code")
@click.option("--redeem", is_flag=True, help="Mark it redeemed (once).")
@json_option
def code(config_path: Path | None, code: str, redeem: bool, as_json: bool) -> None:
    """Look up a recipient's unique CODE ({code} in a text), or --redeem it.

    \b
    Example:
      smsrelay campaign code K7M29QXD --redeem
    """
    from appliance.campaigning import results

    store = open_store(load(config_path))
    with _errors(), database_errors("cannot read the code"):
        if redeem:
            found = results.redeem_code(store, code, clock().now())
        else:
            found = results.lookup_code(store, code)
    state = f"redeemed {found['redeemed_at']}" if found["redeemed"] else "not redeemed"
    emit(found, as_json, [f"{found['code']}: {found['campaign']}, {found['number']}, {state}"])
