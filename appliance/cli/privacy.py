"""``smsrelay privacy``: the right of access (``access``: everything held on one number) and the
retention rule applied now (``prune``, what the daemon does every night). Erasing a number is
``smsrelay contacts erase``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    EXIT_BAD_INPUT,
    clock,
    config_option,
    database_errors,
    emit,
    fail,
    json_option,
    load,
    open_store,
)


@click.group()
def privacy() -> None:
    """What is held on a person, and for how long.

    \b
    Example:
      smsrelay privacy access +33612345678 --json > person.json
    """


@privacy.command("access")
@config_option
@click.argument("number")
@json_option
def access(config_path: Path | None, number: str, as_json: bool) -> None:
    """Show everything held on NUMBER (the right of access).

    The contact (names, consent, tags, free fields), the messages sent to the number and
    received from it, the delivery reports, events and webhook deliveries that name it. With
    --json, the whole of it, to hand to the person who asked.

    \b
    Example:
      smsrelay privacy access "06 12 34 56 78"
      smsrelay privacy access +33612345678 --json > person.json
    """
    from appliance.numbers import InvalidRecipient, normalise
    from appliance.privacy import access_report

    config = load(config_path)
    try:
        number = normalise(number, config.region)
    except InvalidRecipient as exc:
        fail(f"NUMBER: {exc.why}", EXIT_BAD_INPUT)
    store = open_store(config)
    with database_errors(f"cannot read what is held on {number}"):
        record = store.number_record(number)
    report = access_report(record)
    emit(report, as_json, _lines(report, record.found, config.zone))


@privacy.command("prune")
@config_option
@json_option
def prune(config_path: Path | None, as_json: bool) -> None:
    """Forget now what is older than the config's [retention] periods.

    The daemon does it every night; this is for a first clean-up after the periods were
    shortened. It deletes in batches, so a running daemon goes on sending meanwhile.

    \b
    Example:
      smsrelay privacy prune
    """
    from dataclasses import asdict

    from appliance.privacy import apply_retention

    config = load(config_path)
    store = open_store(config)
    with database_errors("the clean-up stopped (what went before stays gone)"):
        pruned = apply_retention(store, config.retention, clock().now())
    emit(asdict(pruned), as_json, [f"forgot {pruned.words()}"])


def _lines(report: dict, found: bool, zone) -> list[str]:
    """The access report in words, for a person at a terminal."""
    from datetime import datetime

    def when(iso: str | None) -> str:
        if iso is None:
            return "-"
        return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    number = report["number"]
    if not found:
        return [f"nothing is held on {number}"]
    lines = [number]
    contact = report["contact"]
    if contact is None:
        lines.append("not a contact")
    else:
        name = " ".join(n for n in (contact["first_name"], contact["last_name"]) if n)
        lines.append(f"contact: {name or 'no name'} ({contact['language'] or 'no language'})")
        consent = contact["consent"]
        if consent["opted_in_at"]:
            lines.append(f"  opted in {when(consent['opted_in_at'])} by "
                         f"{consent['opt_in_source']}: {consent['opt_in_proof']}")  # fmt: skip
        if consent["opted_out_at"]:
            lines.append(f"  opted out {when(consent['opted_out_at'])} ({consent['opt_out_how']})")
        if contact["tags"]:
            lines.append(f"  tags: {', '.join(contact['tags'])}")
        for name, value in contact["fields"].items():
            lines.append(f"  {name}: {value}")
    lines.append(f"messages sent to it: {len(report['messages'])}")
    for m in report["messages"]:
        lines.append(f"  {m['id']:>6} {when(m['created_at'])} {m['status']:<9} {m['text']}")
    lines.append(f"messages received from it: {len(report['inbound'])}")
    for m in report["inbound"]:
        lines.append(f"  {m['id']:>6} {when(m['created_at'])} {m['text']}")
    if report["calls"]:
        lines.append(f"missed calls from it: {len(report['calls'])}")
        for c in report["calls"]:
            lines.append(f"  {c['id']:>6} {when(c['rang_at'])}")
    if report["inbound_parts"]:
        lines.append(f"parts of messages still arriving: {len(report['inbound_parts'])}")
    lines.append(f"delivery reports: {len(report['delivery_reports'])}")
    lines.append(f"events: {len(report['events'])}")
    for e in report["events"]:
        lines.append(f"  {when(e['at'])} {e['kind']}: {e['detail']}")
    lines.append(f"webhook deliveries naming it: {len(report['webhook_deliveries'])}")
    return lines
