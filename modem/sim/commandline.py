"""Splitting one AT command line into commands, as a DCE does (ITU-T V.250 §5.2 - §5.4).

A command line is ``AT`` (or ``at``), then basic commands (a letter or ``&`` and a letter, with an
optional number: ``E0``, ``&F``, ``S0=1``) written back to back, and extended commands (``+CMGF=0``,
``^ICCID?``) separated by ``;``. An extended command comes in four forms: action (``+CGMI``),
read (``+CMGF?``), test (``+CNMI=?``) and set (``+CNMI=2,1,0,0,0``), the last with
comma-separated values where strings are quoted and an empty value means "default".

This module only splits text: what a command means is the DCE's business (``dce.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["action", "read", "test", "set"]

# Characters that start an extended command name (V.250 §5.4.1 allows +, vendors use the rest).
_EXTENDED_PREFIXES = "+^$%*#!"
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!%-./:_")


class CommandLineError(ValueError):
    """The line is not valid V.250 syntax; the DCE answers ERROR and executes nothing."""


@dataclass(frozen=True)
class Argument:
    """One value of a set command: ``text`` is None when omitted; ``quoted`` for strings."""

    text: str | None
    quoted: bool = False

    def as_int(self, default: int | None = None) -> int | None:
        """The value as a number (None/``default`` when omitted); ValueError if not a number."""
        if self.text is None or self.text == "":
            return default
        if self.quoted:
            raise ValueError(f"{self.text!r} is a string, not a number")
        return int(self.text)


@dataclass(frozen=True)
class Command:
    """One command of a line: ``name`` upper-cased (``E``, ``&F``, ``+CMGS``, ``^ICCID``)."""

    name: str
    kind: Kind
    value: str = ""  # the number after a basic command ("0" in E0), or the dial string of D
    args: tuple[Argument, ...] = ()

    def arg(self, position: int) -> Argument:
        """The argument at ``position``, omitted if the line gave fewer."""
        return self.args[position] if position < len(self.args) else Argument(None)


def strip_prefix(line: str) -> str | None:
    """The body of a command line after ``AT``, or None when the line does not start with it.

    V.250 §5.2.1: the prefix is ``AT`` or ``at``; leading characters (line feeds, the tail of an
    earlier garbage burst) before it are ignored as a real DCE ignores them.
    """
    upper = line.upper()
    start = upper.find("AT")
    if start < 0:
        return None
    return line[start + 2 :]


def _split_args(text: str) -> tuple[Argument, ...]:
    args: list[Argument] = []
    current: list[str] = []
    quoted = False
    in_string = False
    for char in text:
        if in_string:
            if char == '"':
                in_string = False
            else:
                current.append(char)
        elif char == '"':
            in_string = True
            quoted = True
        elif char == ",":
            args.append(Argument("".join(current).strip() if current or quoted else None, quoted))
            current, quoted = [], False
        else:
            current.append(char)
    if in_string:
        raise CommandLineError("unterminated string")
    last = "".join(current).strip()
    if last or quoted or args:
        args.append(Argument(last if (last or quoted) else None, quoted))
    return tuple(args)


def _extended_end(body: str, start: int) -> int:
    """Index of the ``;`` that ends the extended command starting at ``start`` (or len)."""
    in_string = False
    for index in range(start, len(body)):
        char = body[index]
        if char == '"':
            in_string = not in_string
        elif char == ";" and not in_string:
            return index
    return len(body)


def parse(body: str) -> list[Command]:
    """The commands of a line body (what follows ``AT``, without the terminating CR)."""
    commands: list[Command] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char in " ;":
            index += 1
            continue
        if char in _EXTENDED_PREFIXES:
            end = _extended_end(body, index)
            commands.append(_parse_extended(body[index:end]))
            index = end + 1
            continue
        upper = char.upper()
        if upper == "D":  # the dial string runs to the end of the line
            commands.append(Command("D", "action", body[index + 1 :].strip()))
            break
        name = upper
        index += 1
        if upper == "&":
            if index >= len(body) or not body[index].isalpha():
                raise CommandLineError("& without a command letter")
            name += body[index].upper()
            index += 1
        elif not upper.isalpha():
            raise CommandLineError(f"unexpected character {char!r}")
        number_start = index
        while index < len(body) and body[index].isdigit():
            index += 1
        number = body[number_start:index]
        if upper == "S":  # S-parameters: S7? or S7=60
            if not number:
                raise CommandLineError("S without a register number")
            name = "S" + number
            if body[index : index + 1] == "?":
                commands.append(Command(name, "read"))
                index += 1
            elif body[index : index + 1] == "=":
                value_start = index + 1
                index = value_start
                while index < len(body) and body[index].isdigit():
                    index += 1
                commands.append(Command(name, "set", body[value_start:index]))
            else:
                raise CommandLineError("S register without ? or =")
            continue
        commands.append(Command(name, "action", number))
    return commands


def _parse_extended(text: str) -> Command:
    index = 1
    while index < len(text) and text[index].upper() in _NAME_CHARS:
        index += 1
    name = text[:index].upper()
    if len(name) < 2:
        raise CommandLineError("extended command without a name")
    rest = text[index:]
    if rest.strip() == "":
        return Command(name, "action")
    if rest == "?":
        return Command(name, "read")
    if rest == "=?":
        return Command(name, "test")
    if rest.startswith("="):
        return Command(name, "set", args=_split_args(rest[1:]))
    raise CommandLineError(f"cannot read {text!r}")
