"""``smsrelay status``: the modems as the daemon last saw them, and the queue."""

from __future__ import annotations

from pathlib import Path

import click

from .common import clock, config_option, database_errors, emit, json_option, load, open_quick_store


@click.command()
@config_option
@json_option
def status(config_path: Path | None, as_json: bool) -> None:
    """Show the modems (as the daemon last saw them) and the queue.

    \b
    Example:
      smsrelay status
      smsrelay status --json | jq '.modems[] | {imei, state, reason}'
    """
    from appliance import views
    from appliance.status import (
        capability_words,
        credit_words,
        explain_database,
        explain_modem,
        explain_queue,
    )

    config = load(config_path, only=())  # no optional table: start-up time
    store = open_quick_store(config)
    now = clock().now()
    with database_errors("cannot read the status"):
        data = views.status(config, store, now)
    lines = []
    several = len({m["node"] for m in data["modems"]} | {n["name"] for n in data["nodes"]}) > 1
    for node in data["nodes"] if several else ():  # issue 15: the nodes sharing the database
        lines.append(f"node {node['name']} on {node['host']}: " + (
            "running" if node["running"] else f"not running (last seen {node['seen_at']})"
        ))  # fmt: skip
    for m in data["modems"]:
        signal_text = f"{m['signal_dbm']} dBm" if m["signal_dbm"] is not None else "no signal"
        lines.append(
            (f"{m['node']:<12} " if several else "")
            + f"{m['imei']}  {m['state']:<10} {signal_text:>10}  {m['operator'] or '-':<12}"
            f" {m['sent_today']}/{m['daily_limit'] or '-'} today  {m['port'] or ''}"
        )
        named = ", ".join(
            part
            for part in (
                f"modem {m['name']!r}" if m["name"] else "",
                f"SIM {m['sim_name']!r}" if m["sim_name"] else "",
                f"number {m['sim_number']}" if m["sim_number"] else "",
            )
            if part
        )
        if named:
            lines.append(f"    {named}")
        why = explain_modem(m, now, node=config.node)
        if why:
            lines.append(f"    why: {_after_colon(why)}")
        cannot = capability_words(m)
        if cannot:
            lines.append(f"    send-only: {cannot}")
        credit = credit_words(m["credit"], now, config.zone)
        if credit:
            lines.append(f"    credit: {credit}")
    if not data["modems"]:
        lines.append("no modem seen yet (is `smsrelay serve` running?)")
    queue = data["queue"]
    lines.append(
        "queue: " + ", ".join(f"{k} {v}" for k, v in queue.items() if v)
        if any(queue.values())
        else "queue: empty"
    )
    stuck = explain_database(data["database_trouble"]) or explain_queue(
        queue, data["modems"], now, node=config.node
    )
    if stuck:
        lines.append(f"    why: {_after_colon(stuck)}")
    emit(data, as_json, lines)


def _after_colon(sentence: str) -> str:
    """The panel's sentence as it reads after "why:" ("The SIM ..." -> "the SIM ...")."""
    if sentence[:2].isupper():  # an acronym: "SIM …5678 pauses ..."
        return sentence
    return sentence[0].lower() + sentence[1:]
