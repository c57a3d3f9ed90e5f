"""``smsrelay contacts``: the contact base from the command line (issue 11). ``import`` lives in
``contact_import``; here are ``export``, ``list``, ``show``, ``tag``, ``optout`` and ``erase``.

Numbers typed here are read as ``send`` reads them (``appliance.numbers``, in the configured
region), so "06 12 34 56 78" finds the contact kept as "+33612345678"; a number that cannot be
one is exit 2 before anything is done.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path

import click

from appliance import views
from appliance.store import ErasureRefused

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    clock,
    config_option,
    confirm_or_exit,
    database_errors,
    emit,
    emit_rows,
    fail,
    json_option,
    load,
    open_store,
)
from .contact_import import import_contacts


@click.group()
def contacts() -> None:
    """The organisation's contacts: import, export, list, show, tag, opt out, erase.

    \b
    Example:
      smsrelay contacts import adherents.csv
      smsrelay contacts list --tag sport
      smsrelay contacts show "06 12 34 56 78"
      smsrelay contacts optout +33612345678
    """


contacts.add_command(import_contacts)


def _number(typed: str, region: str) -> str:
    """``typed`` in E.164, or exit 2 saying why it is not a person's number."""
    from appliance.numbers import InvalidRecipient, normalise

    try:
        number = normalise(typed, region)
    except InvalidRecipient as exc:
        fail(f"number: {exc}", EXIT_BAD_INPUT)
    if not number.startswith("+"):  # a contact is a person, as the import's numbers are
        fail(f"number: {typed!r} is a short code, not a person's number", EXIT_BAD_INPUT)
    return number


@contacts.command("export")
@config_option
@click.argument("file", default="-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--tag", default=None, help="Only the contacts with this tag.")
def export_contacts(config_path: Path | None, file: str, tag: str | None) -> None:
    """Write the contacts as CSV, in the columns import reads.

    The file is UTF-8 with ',' between cells, to FILE or to standard output ('-', the
    default). Columns: number, first_name, last_name, language, tags, then one per free field.
    Consent is not in the file: importing it elsewhere records new opt-ins with that file as
    proof. So contacts who opted out (or never opted in) are left out, as the API's export does:
    a file listing them would opt them in wherever it is imported next.

    \b
    Example:
      smsrelay contacts export contacts.csv
      smsrelay contacts export --tag sport > sport.csv
    """
    from appliance.contacts.csvfile import write_csv
    from appliance.contacts.exporting import exportable

    store = open_store(load(config_path))
    with database_errors("cannot read the contacts"):
        rows = exportable(store, tag)
    text = write_csv(rows)
    if file == "-":
        click.echo(text, nl=False)
        return
    try:  # atomic: a reader never sees half a file, and a failure leaves the old one
        with click.open_file(file, "w", encoding="utf-8", atomic=True) as out:
            out.write(text)
    except OSError as exc:
        fail(f"{file}: cannot write it: {exc.strerror or exc}", EXIT_FAILED)
    click.echo(f"{len(rows)} contact(s) exported to {file} (opted-out ones left out)", err=True)


@contacts.command("list")
@config_option
@click.option("--search", default=None, help="Text in the name or the number.")
@click.option("--tag", default=None, help="Only the contacts with this tag (any case, accents).")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@json_option
def list_contacts(
    config_path: Path | None, search: str | None, tag: str | None, limit: int, as_json: bool
) -> None:
    """List contacts, oldest first.

    \b
    Example:
      smsrelay contacts list --search dupont
      smsrelay contacts list --tag sport --limit 500 --json
    """
    config = load(config_path)
    store = open_store(config)
    with database_errors("cannot read the contacts"):
        found = store.find_contacts(_searched(search, config.region), tag, limit=limit)
    emit_rows(
        found,
        views.contact,
        lambda d: (
            f"{d['number']:<16} {_name(d) or '-':<28} {d['consent']:<10} {', '.join(d['tags'])}"
        ).rstrip(),
        as_json,
        empty="no contacts",
    )


def _searched(text: str | None, region: str) -> str | None:
    """What to look for: a whole number as kept (``06 98 76 54 32`` is ``+33698765432``), a
    piece of one without its spaces (``98 76`` is ``9876``), else the text (a name)."""
    from appliance.numbers import InvalidRecipient, normalise

    if not text or not text.strip():
        return None
    try:
        number = normalise(text, region)
    except InvalidRecipient:
        return text
    if number.startswith("+"):
        return number
    compact = "".join(text.split())
    return compact if compact.lstrip("+").isdecimal() else text


def _name(d: dict) -> str:
    return " ".join(part for part in (d["first_name"], d["last_name"]) if part)


@contacts.command("show")
@config_option
@click.argument("number")
@json_option
def show_contact(config_path: Path | None, number: str, as_json: bool) -> None:
    """Show a contact: names, tags, free fields, consent.

    Consent: opted in when, how and with what proof; opted out when and how.

    \b
    Example:
      smsrelay contacts show "06 12 34 56 78"
      smsrelay contacts show +33612345678 --json
    """
    config = load(config_path)
    number = _number(number, config.region)
    store = open_store(config)
    with database_errors("cannot read the contact"):
        record = store.contact(number)
    if record is None:
        fail(f"{number} is not a contact", EXIT_FAILED)
    d = views.contact(record)

    def when(moment: datetime | None) -> str:
        return moment.astimezone(config.zone).strftime("%Y-%m-%d %H:%M %Z") if moment else ""

    lines = [
        f"{d['number']}  {_name(d)}".rstrip(),
        f"  language:   {d['language'] or '-'}",
        f"  tags:       {', '.join(d['tags']) or '-'}",
    ]
    fields = [f"{name}: {value}" for name, value in d["fields"].items()] or ["-"]
    lines += [f"  {'fields:' if i == 0 else '':<11} {field}" for i, field in enumerate(fields)]
    if record.opted_in_at:
        proof = f" ({record.opt_in_proof})" if record.opt_in_proof else ""
        lines.append(f"  opted in:   {when(record.opted_in_at)}, {record.opt_in_source}{proof}")
    else:
        lines.append("  opted in:   no")
    out = f"{when(record.opted_out_at)}, {record.opt_out_how}" if record.opted_out else "no"
    lines.append(f"  opted out:  {out}")
    lines.append(f"  created:    {when(record.created_at)}, updated {when(record.updated_at)}")
    emit(d, as_json, lines)


@contacts.command("tag")
@config_option
@click.argument("tag")
@click.argument("numbers", nargs=-1, required=True)
def tag_contacts(config_path: Path | None, tag: str, numbers: tuple[str, ...]) -> None:
    """Put TAG on the contacts of NUMBERS.

    Each must already be a contact: tagging creates none, since a contact needs a consent.
    Exit 1 if any number is not a contact, after tagging the others.

    \b
    Example:
      smsrelay contacts tag sport +33612345678 0698765432
    """
    from appliance.store.contacts import tag_key

    if not tag_key(tag):
        fail("the tag is empty", EXIT_BAD_INPUT)
    config = load(config_path)
    wanted = list(dict.fromkeys(_number(n, config.region) for n in numbers))
    store = open_store(config)
    with database_errors("cannot tag the contacts"):
        known = [n for n in wanted if store.contact(n) is not None]
        tagged = store.tag_contacts(known, tag)
    had = f" ({len(known) - tagged} already had it)" if len(known) > tagged else ""
    click.echo(f"{tagged} contact(s) tagged {tag.strip()!r}{had}")
    unknown = [n for n in wanted if n not in known]
    for number in unknown:
        click.echo(f"{number}: not a contact (import it first)", err=True)
    if unknown:
        sys.exit(EXIT_FAILED)


@contacts.command("optout")
@config_option
@click.argument("number")
@click.option("--how", default="cli", show_default=True, help="How they asked, for the record.")
def optout_contact(config_path: Path | None, number: str, how: str) -> None:
    """Record that NUMBER opted out.

    Nothing goes to it again (but strictly transactional messages, if the config lets them
    pass a STOP); the messages still queued for it are cancelled. A number that is not a
    contact is kept as a bare opted-out number, so that no later import opts it in. Only the
    person can undo it (a join keyword by SMS).

    \b
    Example:
      smsrelay contacts optout 0612345678 --how "phone call"
    """
    config = load(config_path)
    number = _number(number, config.region)
    if not how.strip():
        fail("--how is empty: say how they asked (e.g. 'phone call')", EXIT_BAD_INPUT)
    store = open_store(config)
    with database_errors("cannot record the opt-out"):
        before = store.contact(number)
        done = store.opt_out(
            number,
            now=clock().now(),
            how=how.strip(),
            keep_strict=config.consent.transactional_after_stop,
        )
    if not done and before is not None and before.opted_out_at is not None:
        since = before.opted_out_at.astimezone(config.zone).strftime("%Y-%m-%d %H:%M %Z")
        click.echo(f"{number} had already opted out ({since}, {before.opt_out_how})")
    elif not done:
        click.echo(f"{number} had already opted out")
    elif before is None:
        click.echo(f"{number} opted out ({how.strip()}); not a contact: kept as opted out")
    else:
        click.echo(f"{number} opted out ({how.strip()})")


@contacts.command("erase")
@config_option
@click.argument("number")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for a confirmation.")
@json_option
def erase_contact(config_path: Path | None, number: str, yes: bool, as_json: bool) -> None:
    """Erase everything held on NUMBER, and say what.

    The right to be forgotten; it forgets an opt-out too. Without a terminal (a script),
    --yes is required.

    \b
    Example:
      smsrelay contacts erase +33612345678 --yes
    """
    config = load(config_path)
    number = _number(number, config.region)
    store = open_store(config)
    with database_errors("cannot read the contact"):
        record = store.contact(number)
    held = ""
    if record is not None:
        d = views.contact(record)
        held = f" ({_name(d) or 'no name'}, {len(d['tags'])} tag(s), {len(d['fields'])} field(s))"
        if record.opted_out:
            held += "; it opted out, and erasing forgets that"
    confirm_or_exit(f"Erase everything held on {number}{held}? It cannot be undone", yes)
    with database_errors(f"cannot erase {number}, nothing was erased"):
        try:
            erased = store.erase_contact(number)
        except ErasureRefused as exc:  # a message to it is on the air: nothing was erased
            fail(str(exc), EXIT_FAILED)
    if erased is None:
        fail(f"nothing is held on {number}", EXIT_FAILED)
    report = dataclasses.asdict(erased)  # generic: the store says what it erased
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return
    click.echo(f"erased {number}:")
    for name, value in report.items():
        if name != "number":
            click.echo(f"  {name.replace('_', ' ')}: {value}")
