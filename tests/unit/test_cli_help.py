"""Every command has help with an example (the sqlite-utils rule): a command without one fails."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from appliance.cli import main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):  # the top group is lazy: get_command imports
        command = group.get_command(context, name)
        assert command is not None
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from all_commands(command, path)


COMMANDS = list(all_commands(main))


def test_there_are_commands():
    assert {path[0] for path, _ in COMMANDS} >= {"simulate", "at"}


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_help_has_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`smsrelay {' '.join(path)} --help` shows no example"
    assert "smsrelay " + path[0] in result.output.split("Example:", 1)[1]


def test_top_level_help_has_an_example():
    result = CliRunner().invoke(main, ["--help"])
    assert "Example:" in result.output


def test_the_lazy_listing_says_what_each_command_says_of_itself():
    """``smsrelay --help`` lists ``main.COMMANDS``' summaries without importing the commands:
    each must be the first sentence of its command's own help, under the name it runs by."""
    from appliance.cli.main import COMMANDS

    for name, (_, _, summary) in COMMANDS.items():
        command = main.get_command(click.Context(main), name)
        assert command is not None and command.name == name
        for width in (40, 80, 1000):
            assert command.get_short_help_str(width) == click.Command(
                name, help=summary
            ).get_short_help_str(width), name
