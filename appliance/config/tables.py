"""Reading the file: TOML to a dictionary, then tables that hand out typed values.

Every refusal is a ``ConfigError`` naming the file and where: the line and column of a TOML
syntax error, the dotted key (``modem[2].daily_limit``) of a wrong value. A misspelt key or
table is refused with the nearest known one suggested (``KNOWN_KEYS`` lists them all), because
silently ignoring ``dayly_limit`` would send past the cap the volunteer meant to set.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

from .keys import KNOWN_KEYS
from .model import MAX_NAME_LENGTH, ConfigError

_BOM = b"\xef\xbb\xbf"
# a limit above this is a typo, and a value past SQLite's 64-bit integers would stop the daemon
# when it records the modem's cap
MAX_LIMIT = 1_000_000_000
# control characters a value escaped in (TOML's \u0000): no name, path or text needs them, and
# PostgreSQL cannot store a NUL; tab and line breaks are allowed (a reply's text may hold them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_toml(path: Path) -> tuple[dict, str]:
    """The file's tables, and its digest (its length and CRC-32): what ``send`` compares with
    the daemon's to know they read the same file (``appliance.send_socket``)."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, "", "no such file") from None
    except IsADirectoryError:
        raise ConfigError(file, "", "is a directory, not a TOML file") from None
    except PermissionError:
        raise ConfigError(file, "", "cannot be read (permission denied)") from None
    try:
        # a BOM is what Windows' Notepad puts first; tomllib would call it an invalid statement
        text = raw.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            file, f"line {line}", f"is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), f"{len(raw)}:{zlib.crc32(raw):08x}"
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        why = re.sub(r"\s*\(at [^)]*\)$", "", message)
        position = (
            f"line {where[1]}, column {where[2]}"
            if where
            else f"line {text.count(chr(10)) + 1} (end of file)"
        )
        raise ConfigError(file, position, f"TOML syntax: {why}") from None


def describe(value: object) -> str:
    """The TOML kind of a value, as a volunteer would call it."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"a date or time ({value})"


def _suggest(key: str, known: list[str]) -> str:
    import difflib  # only for a mistake

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"


class Table:
    """One TOML table being read: typed values out, and unknown keys refused on arrival."""

    def __init__(self, file: str, name: str, values: Mapping[str, object], known: list[str]):
        self.file = file
        self.name = name
        self.values = values
        for key in values:
            if key not in known:
                self.fail(key, f"unknown key{_suggest(key, known)}")

    def dotted(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def fail(self, key: str, why: str) -> NoReturn:
        raise ConfigError(self.file, self.dotted(key), why)

    def text(self, key: str, default: str | None = None, *, example: str = "") -> str | None:
        value = self.values.get(key, default)
        if value is not None and not isinstance(value, str):
            hint = f", e.g. {key} = {example}" if example else ""
            self.fail(key, f"must be text in quotes{hint}, not {describe(value)}")
        if value is not None and not value.strip():
            self.fail(key, "must not be empty")
        control = _CONTROL.search(value) if value is not None else None
        if control:
            self.fail(
                key,
                f"holds the control character U+{ord(control[0]):04X} (character "
                f"{control.start() + 1}); remove it",
            )
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {describe(value)}")
        return value

    def whole(self, key: str, default: int, *, low: int, high: int) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, not {describe(value)}")
        return value

    def limit(self, key: str, default: int | None) -> int | None:
        value = self.values.get(key, default)
        if value is False or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_LIMIT:
            self.fail(
                key,
                f"must be a whole number above zero and at most {MAX_LIMIT:_}, or false for no "
                f"limit, not {describe(value)}",
            )
        return value

    def rate(self, key: str, default: float) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.fail(
                key, f"must be a number above zero (messages per minute), not {describe(value)}"
            )
        return float(value)

    def name_text(self, key: str, default: str | None = None) -> str | None:
        value = self.text(key, default, example='"main"')
        if value is not None and len(value) > MAX_NAME_LENGTH:
            self.fail(key, f"must be at most {MAX_NAME_LENGTH} characters long")
        return value


def read_table(file: str, doc: dict, name: str, known: list[str]) -> Table:
    values = doc.get(name, {})
    if not isinstance(values, dict):
        hint = " (write it as [[" + name + "]] once per item)" if isinstance(values, list) else ""
        raise ConfigError(file, name, f"must be a table [{name}], not {describe(values)}{hint}")
    return Table(file, name, values, known)


def read_array(file: str, doc: dict, name: str, known: list[str]) -> list[Table]:
    items = doc.get(name, [])
    if isinstance(items, dict):
        raise ConfigError(file, name, f"write [[{name}]] (an array of tables), not [{name}]")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ConfigError(file, name, f"must be [[{name}]] tables, not {describe(items)}")
    return [Table(file, f"{name}[{i}]", item, known) for i, item in enumerate(items, start=1)]


_ARRAYS = ("modem", "route")


def check_top_level(file: str, doc: dict) -> None:
    for key, value in doc.items():
        if key in KNOWN_KEYS:
            continue
        owners = [table for table, keys in KNOWN_KEYS.items() if key in keys]
        if owners and not isinstance(value, dict | list):
            where = f"[[{owners[0]}]]" if owners[0] in _ARRAYS else f"[{owners[0]}]"
            raise ConfigError(file, key, f"belongs in the {where} table")
        raise ConfigError(file, key, f"unknown table{_suggest(key, list(KNOWN_KEYS))}")
