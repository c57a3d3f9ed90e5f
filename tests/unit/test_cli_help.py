"""Every command has help with an example (the sqlite-utils rule): a command without one fails."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from appliance.cli import main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
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
