"""``smsrelay campaign``: create a campaign, preview its texts, start it, count it (issue 12);
``campaign_moves`` holds the changes to a running one. Thin: the rules live in
``appliance.campaigning`` (shared with the API and the panel) and the store.

Exit codes as ``send``: 0 ok, 1 failed, not found, or not allowed in the campaign's state (start
a cancelled campaign), 2 bad input (a template that cannot be compiled, or that misses a value
for a contact at preview; a bad time or window; a name taken).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    clock,
    config_option,
    database_errors,
    emit,
    emit_rows,
    fail,
    json_option,
    load,
    open_store,
)


@click.group()
def campaign() -> None:
    """Campaigns to opted-in contacts: create, preview, start, pause, resume, edit, correct,
    follow-up, cancel, stats, replies, export, code, list.

    \b
    Example:
      smsrelay campaign create rentree --text "Bonjour {first_name}, ..." --tag sport
      smsrelay campaign preview rentree
      smsrelay campaign start rentree
      smsrelay campaign stats rentree --json
    """


@campaign.command()
@config_option
@click.argument("name")
@click.option("--text", "text", required=True, help="The template: {first_name}, {fields.NAME}...")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Contacts with this tag (repeat: ANY of the tags; none: every contact).",
)
@click.option(
    "--field",
    "field",
    default=None,
    help="Only contacts whose free field NAME holds exactly VALUE: --field 'Ville=Lyon'.",
)
@click.option(
    "--kind", type=click.Choice(["campaign", "reminder"]), default="campaign", show_default=True
)
@click.option(
    "--at", "send_at", default=None, help="Send from: ISO 8601 local time or +10m, +2h, +1d."
)
@click.option(
    "--window",
    default=None,
    help="Spread the sends inside this local window each day: 18:00-20:00.",
)
@click.option(
    "--days",
    "window_days",
    type=int,
    default=1,
    show_default=True,
    help="How many days the window spreads over.",
)
@click.option("--confirm-words", default=None, help="Replies that confirm [OUI,YES,1].")
@click.option("--decline-words", default=None, help="Replies that decline [NON,NO,2].")
@click.option("--confirm-tag", default=None, help="The tag a confirmation gives [confirmed].")
@click.option("--confirm-reply", default=None, help="An automatic reply to a confirmation.")
@click.option("--decline-reply", default=None, help="An automatic reply to a decline.")
@click.option(
    "--date-field", default=None, help="Send on each contact's own date: this free date field..."
)
@click.option(
    "--date-days",
    type=int,
    default=None,
    help="... plus this many days (none: every year on its anniversary)...",
)
@click.option("--date-at", default=None, help="... at this local time [10:00].")
@json_option
def create(
    config_path: Path | None,
    name: str,
    text: str,
    tags: tuple[str, ...],
    field: str | None,
    kind: str,
    send_at: str | None,
    window: str | None,
    window_days: int,
    confirm_words: str | None,
    decline_words: str | None,
    confirm_tag: str | None,
    confirm_reply: str | None,
    decline_reply: str | None,
    date_field: str | None,
    date_days: int | None,
    date_at: str | None,
    as_json: bool,
) -> None:
    """Create the campaign NAME as a draft (nothing is sent before `campaign start`).

    \b
    Example:
      smsrelay campaign create collecte --text "Bonjour {first_name}" --tag "Don du sang"
      smsrelay campaign create soir --text "..." --tag benevoles --window 18:00-20:00 --days 3
      smsrelay campaign create redonner --text "..." --date-field "Dernier don" --date-days 56
    """
    from appliance.campaigning import operations as ops

    config = load(config_path)
    replies = {
        "confirm_words": confirm_words,
        "decline_words": decline_words,
        "confirm_tag": confirm_tag,
        "confirm_reply": confirm_reply,
        "decline_reply": decline_reply,
    }
    extra: dict[str, object] = {}
    if date_field is not None:
        if not date_field.strip():
            fail("date_field: it is empty", EXIT_BAD_INPUT)
        extra = {
            "date_field": date_field.strip(),
            "date_days": date_days,
            "date_at": date_at or "10:00",
        }
    store = open_store(config)
    with _errors(), database_errors("cannot create the campaign"):
        made = ops.create(
            store,
            config,
            clock().now(),
            name=name,
            text=text,
            tags=tags,
            field=field,
            kind=kind,
            send_at=send_at,
            window=window,
            window_days=window_days,
            replies=replies,
            extra=extra,
        )
    emit(view(made), as_json, [f"campaign {made.id} {made.name!r} created (draft)"])


@campaign.command()
@config_option
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="How many contacts of the audience to render.")  # fmt: skip
@json_option
def preview(config_path: Path | None, name: str, limit: int, as_json: bool) -> None:
    """Render NAME's text for the first contacts of its audience: each text with its encoding
    and parts, the costly ones (over one part, or UCS-2) and the problems (a missing value).
    Exit 2 when there is a problem: fix it before `campaign start`.

    \b
    Example:
      smsrelay campaign preview collecte --limit 20
    """
    from appliance.campaigning import operations as ops

    store = open_store(load(config_path))
    found = _campaign(store, name)
    with _errors():
        data = ops.preview(store, found, limit=limit)
    lines = [f"{found.name}: {data['contacts']} of {data['audience']} contact(s) rendered"]
    for p in data["previews"]:
        lines.append(f"{p['contact']}: {p['encoding']}, {p['parts']} part(s): {p['text']}")
    lines += [f"warning: {w}" for w in data["warnings"]]
    lines += [f"problem: {p}" for p in data["problems"]]
    emit(data, as_json, lines)
    if data["problems"]:
        raise SystemExit(EXIT_BAD_INPUT)


@campaign.command()
@config_option
@click.argument("name")
@json_option
def start(config_path: Path | None, name: str, as_json: bool) -> None:
    """Start NAME: queue a message for each person of its audience (at low priority, from its
    --at time), skipping with the reason those the cap per person holds or whose text cannot be
    made; wake the daemon. Starting again queues only who is new to the audience.

    \b
    Example:
      smsrelay campaign start collecte && smsrelay campaign stats collecte
    """
    from appliance.campaigning import operations as ops
    from appliance.outbox import wakeup_path
    from appliance.wakeup import notify

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with _errors(), database_errors(f"campaign {found.name!r} stopped part way (start it again)"):
        done = ops.start(store, config, found, clock().now())
    notify(wakeup_path(config))
    skipped = ", ".join(f"{n} {why}" for why, n in done.skipped.items() if n) or "none"
    data = {"campaign": found.name, "queued": done.queued, "skipped": done.skipped}
    emit(data, as_json, [f"{found.name}: {done.queued} queued, skipped: {skipped}"])


@campaign.command()
@config_option
@click.argument("name")
@json_option
def cancel(config_path: Path | None, name: str, as_json: bool) -> None:
    """Cancel NAME and every message of it still queued (what left has left).

    \b
    Example:
      smsrelay campaign cancel collecte
    """
    from appliance.campaigning import operations as ops

    store = open_store(load(config_path))
    found = _campaign(store, name)
    with _errors(), database_errors(f"cannot cancel campaign {found.name!r}"):
        cancelled = ops.cancel(store, found, clock().now())
    data = {"campaign": found.name, "cancelled_messages": cancelled}
    emit(data, as_json, [f"{found.name}: cancelled, {cancelled} queued message(s) cancelled"])


@campaign.command()
@config_option
@click.argument("name")
@json_option
def stats(config_path: Path | None, name: str, as_json: bool) -> None:
    """NAME's counts: people targeted, skipped by reason, messages by status.

    \b
    Example:
      smsrelay campaign stats collecte --json
    """
    from appliance.campaigning import results

    store = open_store(load(config_path))
    found = _campaign(store, name)
    data = results.stats(store, found)
    skipped = ", ".join(f"{why} {n}" for why, n in data["skipped"].items())
    messages = ", ".join(f"{status} {n}" for status, n in data["messages"].items() if n)
    rate = data["response_rate"]
    emit(
        data,
        as_json,
        [
            f"{found.name} ({found.status}): {data['targeted']} targeted",
            f"skipped: {skipped}",
            f"messages: {messages or 'none'}",
            f"replied {data['replied']} ({'-' if rate is None else f'{rate:.0%}'}), confirmed "
            f"{data['confirmed']}, declined {data['declined']}, opted out {data['opted_out']}",
            f"codes {data['codes']}, redeemed {data['redeemed']}",
        ],
    )


@campaign.command(name="list")
@config_option
@json_option
def list_campaigns(config_path: Path | None, as_json: bool) -> None:
    """Every campaign, newest first.

    \b
    Example:
      smsrelay campaign list --json
    """
    store = open_store(load(config_path))
    emit_rows(
        store.campaigns(),
        view,
        lambda c: f"{c['id']}\t{c['name']}\t{c['status']}\ttags {c['tags'] or 'all'}",
        as_json,
        empty="no campaign",
    )


def view(c) -> dict:
    """A campaign as ``--json`` shows it (stable keys, the API's too)."""
    from appliance.campaigning.results import campaign_view

    return campaign_view(c)


def _campaign(store, name: str):
    from appliance.campaigning import operations as ops

    try:
        return ops.find(store, name)
    except ops.CampaignNotFound:
        fail(f"no campaign named {name!r} (see `smsrelay campaign list`)", EXIT_FAILED)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """The service's errors as exit codes: bad input 2, a move the state refuses 1."""
    from appliance.campaigning import operations as ops

    try:
        yield
    except ops.CampaignInputError as error:
        fail(str(error), EXIT_BAD_INPUT)
    except (ops.CampaignStateError, ops.CampaignNotFound) as error:
        fail(str(error), EXIT_FAILED)
