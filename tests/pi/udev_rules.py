"""A small interpreter of udev rules, for the subset ``76-smsrelay.rules`` uses.

It exists so that tests can run our rules on the properties of real devices (``udevadm info``
captures) without a udev daemon: ``udevadm test`` would do it for real but changes /dev and /run,
so it never runs in tests. The semantics follow udev(7): on each line all match keys are checked
first, then the assignments run; ``SUBSYSTEMS``/``ATTRS`` keys must all match one device of the
chain (the device itself or one parent); patterns are shell globs with ``|`` alternatives; a key
it does not know is an error, so a rule using one fails its test until this learns it.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

MATCH_KEYS = {"ACTION", "SUBSYSTEM", "KERNEL", "ENV", "SUBSYSTEMS", "ATTRS"}
ASSIGN_KEYS = {"ENV", "SYMLINK", "GROUP", "MODE", "GOTO", "LABEL"}
KEYS_WITH_NAME = {"ENV", "ATTRS"}
PARENT_KEYS = {"SUBSYSTEMS", "ATTRS"}

_TOKEN = re.compile(
    r"\s*(?P<key>[A-Z]+)(?:\{(?P<name>[^}]*)\})?\s*(?P<op>==|!=|\+=|-=|:=|=)\s*"
    r'"(?P<value>[^"]*)"\s*(?:,|$)'
)


class RuleError(ValueError):
    """A line that is not a rule this interpreter understands (``str(e)`` names the line)."""


@dataclass(frozen=True)
class Token:
    key: str
    name: str | None
    op: str
    value: str

    @property
    def is_match(self) -> bool:
        return self.op in ("==", "!=")


@dataclass(frozen=True)
class Rule:
    number: int  # line number in the file, from 1
    tokens: tuple[Token, ...]

    def assigns(self, key: str, name: str | None = None) -> list[Token]:
        return [
            t
            for t in self.tokens
            if not t.is_match and t.key == key and (name is None or t.name == name)
        ]


def parse(text: str) -> list[Rule]:
    """The rules of a file; comments and blank lines dropped; ``RuleError`` on anything else."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            raise RuleError(f"line {number}: continuation lines are not used here")
        tokens, position = [], 0
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if not match:
                raise RuleError(f"line {number}: cannot read {stripped[position:]!r}")
            tokens.append(Token(match["key"], match["name"], match["op"], match["value"]))
            position = match.end()
        for token in tokens:
            allowed = MATCH_KEYS if token.is_match else ASSIGN_KEYS
            if token.key not in allowed:
                raise RuleError(f"line {number}: {token.key} {token.op} is not supported")
            if (token.key in KEYS_WITH_NAME) != (token.name is not None):
                raise RuleError(f"line {number}: {token.key} and its {{name}} do not agree")
            if not token.is_match and token.op not in ("=", "+="):
                raise RuleError(f"line {number}: operator {token.op} is not used here")
        rules.append(Rule(number, tuple(tokens)))
    return rules


@dataclass(frozen=True)
class Parent:
    """A device up the chain (a USB interface, a USB device) with its sysfs attributes."""

    subsystem: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Device:
    """What udev knows of a device when our rules run: the event and its properties so far."""

    subsystem: str
    kernel: str
    properties: dict[str, str]
    action: str = "add"
    parents: tuple[Parent, ...] = ()


@dataclass(frozen=True)
class Outcome:
    properties: dict[str, str]  # public ones (names starting with "." are udev-private)
    symlinks: tuple[str, ...]  # relative to /dev, as SYMLINK gives them
    group: str | None
    mode: str | None

    @property
    def devlinks(self) -> list[str]:
        """DEVLINKS after the event: the links known before and ours."""
        before = self.properties.get("DEVLINKS", "").split()
        return before + [f"/dev/{link}" for link in self.symlinks if f"/dev/{link}" not in before]


def _glob(pattern: str, value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, part) for part in pattern.split("|"))


def _substitute(value: str, env: dict[str, str], device: Device) -> str:
    value = re.sub(r"\$env\{([^}]*)\}", lambda m: env.get(m[1], ""), value)
    return value.replace("$kernel", device.kernel).replace("%k", device.kernel)


def _own(token: Token, env: dict[str, str], device: Device) -> bool:
    actual = {
        "ACTION": device.action,
        "SUBSYSTEM": device.subsystem,
        "KERNEL": device.kernel,
    }.get(token.key)
    if token.key == "ENV":
        actual = env.get(token.name or "", "")
    assert actual is not None, token
    return _glob(token.value, actual) == (token.op == "==")


def _chain(tokens: list[Token], device: Device) -> bool:
    """Do all parent-walking keys match one device of the chain?"""
    if not tokens:
        return True
    chain = [Parent(device.subsystem), *device.parents]
    for member in chain:
        if all(
            (
                _glob(t.value, member.subsystem)
                if t.key == "SUBSYSTEMS"
                else t.name in member.attributes and _glob(t.value, member.attributes[t.name])
            )
            == (t.op == "==")
            for t in tokens
        ):
            return True
    return False


def evaluate(rules: list[Rule], device: Device) -> Outcome:
    """Run the rules on one event, as udevd would, and say what the device ends up with."""
    env = dict(device.properties)
    env.setdefault("SUBSYSTEM", device.subsystem)
    symlinks: list[str] = []
    group = mode = None
    labels = {t.value: index for index, r in enumerate(rules) for t in r.assigns("LABEL")}
    index = 0
    while index < len(rules):
        rule = rules[index]
        index += 1
        matches = [t for t in rule.tokens if t.is_match]
        own = [t for t in matches if t.key not in PARENT_KEYS]
        if not all(_own(t, env, device) for t in own):
            continue
        if not _chain([t for t in matches if t.key in PARENT_KEYS], device):
            continue
        for token in rule.tokens:
            if token.is_match or token.key == "LABEL":
                continue
            value = _substitute(token.value, env, device)
            if token.key == "ENV":
                if value:
                    env[token.name or ""] = value
                else:
                    env.pop(token.name or "", None)
            elif token.key == "SYMLINK":
                if token.op == "=":
                    symlinks.clear()
                symlinks.extend(value.split())
            elif token.key == "GROUP":
                group = value
            elif token.key == "MODE":
                mode = value
            elif token.key == "GOTO":
                index = labels[value]
    public = {k: v for k, v in env.items() if not k.startswith(".")}
    return Outcome(public, tuple(symlinks), group, mode)


def read_capture(path: Path) -> tuple[str, dict[str, str]]:
    """An ``udevadm info`` capture: (the device node N:, the E: properties); # lines skipped."""
    node, properties = "", {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("N: "):
            node = line[3:]
        elif line.startswith("E: "):
            key, _, value = line[3:].partition("=")
            properties[key] = value
    return node, properties
