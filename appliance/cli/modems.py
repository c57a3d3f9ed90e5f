"""``smsrelay modem name``: the names volunteers read on the cards and in the reasons ("SIM
Orange 2 pauses 40 s..."), and the number of a SIM that does not store its own."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_BAD_INPUT, EXIT_FAILED, config_option, fail, load, open_store

UNSET = "\0unset"


@click.group()
def modem() -> None:
    """Modems and their SIMs: the names volunteers read, a SIM's number.

    \b
    Example:
      smsrelay modem name 356938035643809 "Clé 1" --sim "Orange 1"
      smsrelay modem name 356938035643809 --number "06 12 34 56 78"
    """


@modem.command("name")
@config_option
@click.argument("imei")
@click.argument("name", required=False, default=UNSET)
@click.option("--sim", "sim_name", default=UNSET, help='The name of the SIM in it ("" removes it).')
@click.option(
    "--number",
    default=UNSET,
    help='The SIM\'s phone number, for a SIM that does not store its own ("" removes it).',
)
def name_command(config_path: Path | None, imei: str, name: str, sim_name: str, number: str):
    """Name the modem IMEI (see `smsrelay status`), its SIM, or type in the SIM's number.

    An empty NAME ("") removes the name. The SIM is the one in the modem now; a name follows
    the SIM card (its ICCID) if it moves to another modem.

    \b
    Example:
      smsrelay modem name 356938035643809 "Clé 1" --sim "Orange 1"
    """
    from appliance.naming import BadName, checked_name, checked_number
    from appliance.store.naming import UnknownDevice

    if name == UNSET and sim_name == UNSET and number == UNSET:
        fail("give a NAME, --sim NAME or --number NUMBER", EXIT_BAD_INPUT)
    config = load(config_path)
    try:
        modem_name = checked_name(name) if name != UNSET else UNSET
        sim_label = checked_name(sim_name, "--sim") if sim_name != UNSET else UNSET
        typed = checked_number(number, config.region, "--number") if number != UNSET else UNSET
    except BadName as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    store = open_store(config)
    row = store.modem(imei.strip())
    if row is None:
        fail(f"no modem {imei} was ever seen here; smsrelay status lists them", EXIT_FAILED)
    changes = {}
    if sim_label != UNSET:
        changes["name"] = sim_label
    if typed != UNSET:
        changes["number"] = typed
    if changes and not row.iccid:
        fail(f"modem {imei} holds no known SIM to name", EXIT_FAILED)
    try:
        if modem_name != UNSET:
            store.name_modem(row.imei, modem_name)
            click.echo(
                f"modem {row.imei}: " + (f"named {modem_name!r}" if modem_name else "unnamed")
            )
        if changes:
            sim = store.name_sim(row.iccid, **changes)
            click.echo(
                f"SIM {sim.iccid}: name {sim.name or '-'}, number "
                f"{sim.msisdn or sim.number or '-'}"
                + (" (read from the SIM, which wins)" if sim.msisdn else "")
            )
    except UnknownDevice as exc:
        fail(str(exc), EXIT_FAILED)
