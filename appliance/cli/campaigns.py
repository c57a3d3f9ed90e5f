"""``smsrelay campaign``: create a campaign, preview its texts, start it, cancel it, count it
(issue 12). Thin: the rules live in ``appliance.campaigns`` (templates, previews) and the store
(the audience, consent, the cap, the expansion).

Exit codes as ``send``: 0 ok, 1 failed or not found, 2 bad input (a template that cannot be
compiled, or that misses a value for a contact at preview; a bad time; a name taken).
"""

from __future__ import annotations

from datetime import datetime, timedelta
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

ENDED = ("cancelled", "done")


@click.group()
def campaign() -> None:
    """Campaigns to opted-in contacts: create, preview, start, cancel, stats, list.

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
    required=True,
    help="Contacts with this tag (repeat: contacts with ANY of the tags).",
)
@click.option(
    "--field",
    "field",
    default=None,
    help="Only contacts whose free field NAME holds exactly VALUE: --field 'Ville=Lyon'.",
)
@click.option("--kind", type=click.Choice(["campaign", "reminder"]), default="campaign",
              show_default=True)  # fmt: skip
@click.option(
    "--at", "send_at", default=None, help="Send from: ISO 8601 local time or +10m, +2h, +1d."
)
@json_option
def create(
    config_path: Path | None,
    name: str,
    text: str,
    tags: tuple[str, ...],
    field: str | None,
    kind: str,
    send_at: str | None,
    as_json: bool,
) -> None:
    """Create the campaign NAME as a draft (nothing is sent before `campaign start`).

    \b
    Example:
      smsrelay campaign create collecte --text "Bonjour {first_name}" --tag "Don du sang"
    """
    from appliance.campaigns.templates import Template, TemplateError
    from appliance.outbox import BadRequest, parse_when
    from appliance.store import CampaignError
    from appliance.store.contacts import tag_key

    config = load(config_path)
    now = clock().now()
    if not name.strip():
        fail("name: it is empty", EXIT_BAD_INPUT)
    if not text.strip():
        fail("text: it is empty", EXIT_BAD_INPUT)
    try:
        Template(text)
    except TemplateError as error:
        fail(f"text: {error}", EXIT_BAD_INPUT)
    for tag in tags:
        if not tag_key(tag):
            fail(f"tag: {tag!r} is empty once spaces and accents are folded", EXIT_BAD_INPUT)
    field_name = field_value = None
    if field is not None:
        field_name, sep, field_value = field.partition("=")
        field_name = field_name.strip()
        if not sep or not field_name:
            fail(f"field: {field!r} is not NAME=VALUE", EXIT_BAD_INPUT)
    when = None
    if send_at is not None:
        try:
            when = parse_when(send_at, timezone=config.timezone, now=now)
        except BadRequest as error:
            fail(f"at: {error.why}", EXIT_BAD_INPUT)
        if when < now - timedelta(minutes=1):
            fail(f"at: {send_at!r} is in the past", EXIT_BAD_INPUT)
    store = open_store(config)
    try:
        with database_errors("cannot create the campaign"):
            made = store.create_campaign(name.strip(), text, now=now, tags=list(tags), kind=kind,
                                         field_name=field_name, field_value=field_value,
                                         send_at=when)  # fmt: skip
    except CampaignError as error:
        fail(str(error), EXIT_BAD_INPUT)
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
    from appliance.campaigns.previews import check

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    sample = store.audience(found, limit)
    checked = check(found.template, [(contact, None, None) for contact in sample])
    data = {
        "campaign": found.name,
        "contacts": len(sample),
        "previews": [_preview(p) for p in checked.previews],
        "warnings": list(checked.warnings),
        "problems": [p.message for p in checked.problems],
    }
    lines = [f"{found.name}: {len(sample)} contact(s) of the audience rendered"]
    for p in checked.previews:
        lines.append(f"{p.contact}: {p.encoding}, {p.parts} part(s): {p.text}")
    lines += [f"warning: {w}" for w in checked.warnings]
    lines += [f"problem: {p.message}" for p in checked.problems]
    emit(data, as_json, lines)
    if checked.problems:
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
    from appliance.campaigns.previews import renderer
    from appliance.campaigns.templates import Template
    from appliance.outbox import consent_rules, route_group, wakeup_path
    from appliance.store import MAIN_STEP
    from appliance.wakeup import notify

    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    if found.status in ENDED:
        fail(f"campaign {found.name!r} is {found.status}: it cannot start again", EXIT_FAILED)
    now = clock().now()
    render = renderer(Template(found.template))
    with database_errors(f"campaign {found.name!r} stopped part way (start it again)"):
        store.set_campaign_status(found.id, "running", now)
        done = store.expand(found.id, MAIN_STEP, now, render, consent_rules(config),
                            validity=config.validity, max_parts=config.max_parts,
                            group_of=lambda number: route_group(config, number))  # fmt: skip
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
    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    with database_errors(f"cannot cancel campaign {found.name!r}"):
        cancelled = store.cancel_campaign(found.id, clock().now())
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
    config = load(config_path)
    store = open_store(config)
    found = _campaign(store, name)
    counts = store.campaign_stats(found.id)
    data = {"campaign": found.name, "status": found.status, **counts.as_dict()}
    skipped = ", ".join(f"{why} {n}" for why, n in counts.skipped.items())
    messages = ", ".join(f"{status} {n}" for status, n in counts.messages.items() if n)
    emit(data, as_json, [
        f"{found.name} ({found.status}): {counts.targeted} targeted",
        f"skipped: {skipped}",
        f"messages: {messages or 'none'}",
    ])  # fmt: skip


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
    """A campaign as ``--json`` shows it (stable keys)."""
    return {
        "id": c.id, "name": c.name, "kind": c.kind, "status": c.status, "text": c.template,
        "tags": c.tag_keys, "field": {c.field_name: c.field_value} if c.field_name else None,
        "created_at": _iso(c.created_at), "started_at": _iso(c.started_at),
        "finished_at": _iso(c.finished_at), "send_at": _iso(c.send_at),
    }  # fmt: skip


def _preview(p) -> dict:
    return {"contact": p.contact, "text": p.text, "encoding": p.encoding, "parts": p.parts,
            "units": p.units, "warning": p.warning}  # fmt: skip


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _campaign(store, name: str):
    found = store.campaign(name)
    if found is None:
        fail(f"no campaign named {name!r} (see `smsrelay campaign list`)", EXIT_FAILED)
    return found
