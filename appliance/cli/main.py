"""The ``smsrelay`` group: the program's entry point (``appliance.cli:main`` in setup.cfg) and
the one list of its commands, each defined in the module of its group.

The group is lazy: a command's module is imported only when that command runs (or its help is
asked for), so ``smsrelay send`` pays for ``send`` alone, not for the daemon, the campaigns or
the web (docs/benchmarks.md, "CLI start-up": 0.8 s before, most of it importing SQLAlchemy,
pydantic and APScheduler). The top-level ``--help`` lists each command's one-line summary from
``COMMANDS`` below, without importing anything; ``tests/unit/test_cli_help.py`` fails when a
summary differs from the command's own help.
"""

from __future__ import annotations

import atexit
import gc
import importlib

import click

# At exit, before the interpreter's last full collection: everything alive goes to the permanent
# generation, which that collection skips. A command's objects die with the process anyway; a
# quarter of the time of a whole ``smsrelay send`` was that collection and its visit of every
# imported module's objects (docs/benchmarks.md, "CLI start-up"), and ``send --wait`` exits
# that much sooner after its message's outcome.
atexit.register(gc.freeze)

# name -> (module in appliance.cli, attribute, the first sentence of its help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "simulate": (
        "debug",
        "simulate",
        "Start simulated modems on pseudo-terminals and print their ports.",
    ),
    "at": (
        "debug",
        "at_command",
        "Send one AT command to PORT and print the answer (for debugging).",
    ),
    "serve": (
        "serve",
        "serve",
        "Run the daemon: drive the modems, move the queue, serve the panel.",
    ),
    "send": ("send", "send", "Queue an SMS to NUMBER and print its id."),
    "status": ("status", "status", "Show the modems (as the daemon last saw them) and the queue."),
    "messages": ("messages", "messages", "List sent and queued messages, newest first."),
    "inbox": ("messages", "inbox", "List received messages, newest first."),
    "cancel": ("messages", "cancel", "Cancel queued messages (not those already sending or sent)."),
    "retry": (
        "messages",
        "retry",
        "Queue failed, expired or unknown messages again (unknown ones may then arrive twice).",
    ),
    "contacts": (
        "contacts",
        "contacts",
        "The organisation's contacts: import, export, list, show, tag, opt out, erase.",
    ),
    "token": (
        "tokens",
        "token",
        "API tokens: what scripts send as ``Authorization: Bearer TOKEN``.",
    ),
    "user": (
        "users",
        "user",
        "Panel users: admins (everything) and volunteers (status, send, history, inbox).",
    ),
    "modem": (
        "modems",
        "modem",
        "Modems and their SIMs: the names volunteers read, a SIM's number.",
    ),
    "install": (
        "install",
        "install_command",
        "Install smsrelay as a service: config, systemd unit, udev rules, user.",
    ),
    "privacy": ("privacy", "privacy", "What is held on a person, and for how long."),
    "campaign": (
        "campaigns",
        "campaign",
        "Campaigns to opted-in contacts: create, preview, start, pause, resume, edit, correct, "
        "follow-up, cancel, stats, replies, export, code, list.",
    ),
    "events": (
        "events",
        "events",
        "Events files: collections, sessions, meetings, with invitations and reminders.",
    ),
}
# modules that add commands to another module's group when imported
ALSO_IMPORT = {
    "campaigns": ("campaign_moves",),  # pause, resume, edit... on ``campaign``
    "tokens": ("limits",),  # ``token limit`` (and ``user limit``)
    "users": ("limits",),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one runs (see the module's docstring)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[name]
        module = importlib.import_module(f"{__package__}.{module_name}")
        for also in ALSO_IMPORT.get(module_name, ()):
            importlib.import_module(f"{__package__}.{also}")
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing of ``click.Group.format_commands``, from the summaries in ``COMMANDS``."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, _summary(name).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _summary(name: str) -> click.Command:
    """A stand-in with the command's summary as its help: click shortens it as its own."""
    return click.Command(name, help=COMMANDS[name][2])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smsrelay")
def main() -> None:
    """smsrelay: a local SMS appliance driving USB GSM modems.

    \b
    Example:
      smsrelay simulate --modems 2
    """
