"""The ``smsrelay`` group: the program's entry point (``appliance.cli:main`` in setup.cfg) and
the one list of its commands, each defined in the module of its group."""

from __future__ import annotations

import click

from . import (
    campaign_moves,  # noqa: F401 - registers pause, resume, edit... on the campaign group
    campaigns,
    contacts,
    debug,
    events,
    install,
    messages,
    privacy,
    send,
    serve,
    status,
    tokens,
    users,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smsrelay")
def main() -> None:
    """smsrelay: a local SMS appliance driving USB GSM modems.

    \b
    Example:
      smsrelay simulate --modems 2
    """


for command in (
    debug.simulate,
    debug.at_command,
    serve.serve,
    send.send,
    status.status,
    messages.messages,
    messages.inbox,
    messages.cancel,
    messages.retry,
    contacts.contacts,
    tokens.token,
    users.user,
    install.install_command,
    privacy.privacy,
    campaigns.campaign,
    events.events,
):
    main.add_command(command)
