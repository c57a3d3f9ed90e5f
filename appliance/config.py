"""The appliance's configuration: one TOML file read once at start, checked whole, then frozen.

Which file (DESIGN.md, "Contracts"): the path given (``--config``), else ``$SMSRELAY_CONFIG``,
else ``/etc/smsrelay/smsrelay.toml`` if it exists, else no file at all and every default applies:
data in ``$XDG_DATA_HOME/smsrelay`` (or ``~/.local/share/smsrelay``), the database
``sqlite:///<data dir>/smsrelay.db``, the node named after the host, the panel on
127.0.0.1:8080 and modems found by auto-discovery.

The file is written by volunteers, so every mistake is refused at start with the file, the key
and the reason in plain words (``smsrelay.toml: modem[2].daily_limit: must be a whole number
above zero, or false for no limit``) rather than surfacing as a strange behaviour days later.
A misspelt key is an error, with the nearest known key suggested, because silently ignoring
``dayly_limit`` would send past the cap the volunteer meant to set.

Conventions of the file:

- ``[[modem]]`` and ``[[route]]`` tables are numbered from 1 in messages: ``modem[2]`` is the
  second ``[[modem]]`` of the file.
- A limit is a whole number above zero, or ``false`` for no limit (TOML has no null).
- ``validity`` (how long a message may wait before it expires, also asked of the network) is a
  duration such as ``"2d"``, ``"36h"``, ``"1d12h"`` or ``"90m"``, or ``false`` for none.
- ``data_dir`` holds the daemon's wake-up socket (and the SQLite file by default), so every
  process of one machine (daemon, CLI, panel) must agree on it: when it is not set, it is the
  folder of the SQLite database if one is configured, else the XDG default. A relative
  ``data_dir`` is taken from the folder of the file.
- Limits for discovered modems come from a ``[defaults]`` table (``max_per_minute``,
  ``daily_limit``, ``monthly_limit``); an explicit ``[[modem]]`` starts from them too and
  overrides what it sets.

Quiet hours are a local-time concept: ``quiet`` and ``end_of_quiet`` convert the UTC time they are
given into the configured time zone.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_VAR = "SMSRELAY_CONFIG"
SYSTEM_PATH = Path("/etc/smsrelay/smsrelay.toml")
DEFAULT_BIND = "127.0.0.1:8080"
MAX_NAME_LENGTH = 64  # node and group names fit the store's columns
MAX_CONCATENATED_PARTS = 255  # the concatenation header counts parts in one octet
SHORTEST_VALIDITY = timedelta(minutes=5)  # the network's relative validity: 5 min to 63 weeks
LONGEST_VALIDITY = timedelta(weeks=63)


class ConfigError(Exception):
    """A configuration the appliance refuses: ``str(e)`` is ``"<file>: <key>: <why>"``.

    ``key`` is dotted (``web.bind``, ``modem[2].daily_limit``); for a TOML syntax error it is the
    position (``line 3, column 7``), and for a file that cannot be read it is empty (and left out).
    """

    def __init__(self, file: str, key: str, why: str) -> None:
        super().__init__(": ".join(part for part in (file, key, why) if part))
        self.file = file
        self.key = key
        self.why = why


@dataclass(frozen=True)
class ModemConfig:
    """A ``[[modem]]`` table: a port to open even if discovery does not find it, and its limits.

    ``Config.defaults`` is one too, with an empty port: the template for discovered modems.
    """

    port: str
    pin: str | None = None
    max_per_minute: float = 6
    daily_limit: int | None = 200
    monthly_limit: int | None = 3000
    group: str | None = None


@dataclass(frozen=True)
class RouteConfig:
    """A ``[[route]]``: recipients whose E.164 number starts with ``prefix`` go to ``group``."""

    prefix: str
    group: str


@dataclass(frozen=True)
class Config:
    """The whole configuration, checked. ``path`` is the file it came from (None: defaults)."""

    path: Path | None
    database: str
    data_dir: Path
    node: str
    timezone: str
    region: str = "FR"
    quiet_hours: tuple[time, time] | None = None
    resend_unknown: bool = False
    max_parts: int = 10
    validity: timedelta | None = timedelta(days=2)
    bind: str = DEFAULT_BIND
    auto_discovery: bool = True
    modems: tuple[ModemConfig, ...] = ()
    routes: tuple[RouteConfig, ...] = ()
    defaults: ModemConfig = field(default_factory=lambda: ModemConfig(port=""))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def modem_for(self, port: str) -> ModemConfig:
        """The ``[[modem]]`` configured for ``port`` (same path string), else the defaults."""
        for modem in self.modems:
            if modem.port == port:
                return modem
        return replace(self.defaults, port=port)

    def with_bind(self, bind: str) -> Config:
        """This configuration with the panel on ``bind`` (``--bind``); ValueError if malformed."""
        parse_bind(bind)
        return replace(self, bind=bind)


# --- quiet hours ---------------------------------------------------------------------------------


def _local(at: datetime, config: Config) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: quiet hours need an aware time")
    return at.astimezone(config.zone)


def _inside(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # wraps midnight: 21:00-08:00


def quiet(at: datetime, config: Config) -> bool:
    """Is ``at`` (aware, any zone) inside the quiet hours, in the configured local time?"""
    if config.quiet_hours is None:
        return False
    start, end = config.quiet_hours
    return _inside(_local(at, config).time(), start, end)


def end_of_quiet(at: datetime, config: Config) -> datetime:
    """When the quiet period containing ``at`` ends, in UTC; ``at`` itself if it is not quiet.

    The end is the next local ``end`` time on the wall clock. When a daylight-saving jump skips
    that wall time, the result is up to an hour late, never early: ``quiet`` is false there.
    """
    if not quiet(at, config):
        return at.astimezone(UTC)
    assert config.quiet_hours is not None
    end = config.quiet_hours[1]
    local = _local(at, config)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    candidate = datetime.combine(day, end, tzinfo=config.zone)
    return candidate.astimezone(UTC)


# --- values with a syntax of their own -----------------------------------------------------------

_QUIET = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
_DURATION_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """``"21:00-08:00"`` -> (21:00, 08:00); the span may wrap midnight. Raises ValueError."""
    match = _QUIET.fullmatch(text)
    if not match:
        raise ValueError(f'{text!r} is not a span of hours like "21:00-08:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{text!r} has an hour past 23 or a minute past 59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"{text!r} starts and ends at the same time; remove it for no quiet hours")
    return start, end


def parse_duration(text: str) -> timedelta:
    """``"2d"``, ``"36h"``, ``"1d12h"``, ``"90m"``, ``"1w"`` -> timedelta. Raises ValueError."""
    compact = text.replace(" ", "").lower()
    pieces = _DURATION.findall(compact)
    if not compact or "".join(n + u for n, u in pieces) != compact:
        raise ValueError(f'{text!r} is not a duration like "2d", "36h", "1d12h" or "90m"')
    units = [unit for _, unit in pieces]
    if len(set(units)) != len(units):
        raise ValueError(f"{text!r} gives the same unit twice")
    return timedelta(**{_DURATION_UNITS[unit]: int(n) for n, unit in pieces})


def parse_bind(text: str) -> tuple[str, int]:
    """``"127.0.0.1:8080"``, ``"[::1]:8080"``, ``"pi.local:80"`` -> (host, port); ValueError."""
    host, colon, port_text = text.rpartition(":")
    if not colon or not host or not port_text.isdigit():
        raise ValueError(f'{text!r} is not HOST:PORT, e.g. "127.0.0.1:8080" or "0.0.0.0:80"')
    port = int(port_text)
    if not 0 <= port <= 65535:  # 0: any free port (tests, a second instance)
        raise ValueError(f"port {port} is outside 0-65535")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValueError(f"{host} is not an IPv6 address") from None
        return host[1:-1], port
    if ":" in host:
        raise ValueError(f"put an IPv6 address in brackets: [{host}]:{port}")
    if not _HOST_NAME.fullmatch(host):
        raise ValueError(f"{host!r} is not an IP address or a host name")
    return host, port


def _describe(value: object) -> str:
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
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"


# --- reading tables ------------------------------------------------------------------------------


class _Table:
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
            self.fail(key, f"must be text in quotes{hint}, not {_describe(value)}")
        if value is not None and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {_describe(value)}")
        return value

    def whole(self, key: str, default: int, *, low: int, high: int) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, not {_describe(value)}")
        return value

    def limit(self, key: str, default: int | None) -> int | None:
        value = self.values.get(key, default)
        if value is False or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(
                key,
                f"must be a whole number above zero, or false for no limit, not {_describe(value)}",
            )
        return value

    def rate(self, key: str, default: float) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.fail(
                key, f"must be a number above zero (messages per minute), not {_describe(value)}"
            )
        return float(value)

    def name_text(self, key: str, default: str | None = None) -> str | None:
        value = self.text(key, default, example='"main"')
        if value is not None and len(value) > MAX_NAME_LENGTH:
            self.fail(key, f"must be at most {MAX_NAME_LENGTH} characters long")
        return value


def _table(file: str, doc: dict, name: str, known: list[str]) -> _Table:
    values = doc.get(name, {})
    if not isinstance(values, dict):
        hint = " (write it as [[" + name + "]] once per item)" if isinstance(values, list) else ""
        raise ConfigError(file, name, f"must be a table [{name}], not {_describe(values)}{hint}")
    return _Table(file, name, values, known)


def _array(file: str, doc: dict, name: str, known: list[str]) -> list[_Table]:
    items = doc.get(name, [])
    if isinstance(items, dict):
        raise ConfigError(file, name, f"write [[{name}]] (an array of tables), not [{name}]")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ConfigError(file, name, f"must be [[{name}]] tables, not {_describe(items)}")
    return [_Table(file, f"{name}[{i}]", item, known) for i, item in enumerate(items, start=1)]


_KNOWN = {
    "appliance": [
        "database",
        "data_dir",
        "node",
        "timezone",
        "region",
        "quiet_hours",
        "resend_unknown",
        "max_parts",
        "validity",
    ],
    "web": ["bind"],
    "discovery": ["auto"],
    "defaults": ["max_per_minute", "daily_limit", "monthly_limit"],
    "modem": ["port", "pin", "max_per_minute", "daily_limit", "monthly_limit", "group"],
    "route": ["prefix", "group"],
}
_ARRAYS = ("modem", "route")


def _check_top_level(file: str, doc: dict) -> None:
    for key, value in doc.items():
        if key in _KNOWN:
            continue
        owners = [table for table, keys in _KNOWN.items() if key in keys]
        if owners and not isinstance(value, dict | list):
            where = f"[[{owners[0]}]]" if owners[0] in _ARRAYS else f"[{owners[0]}]"
            raise ConfigError(file, key, f"belongs in the {where} table")
        raise ConfigError(file, key, f"unknown table{_suggest(key, list(_KNOWN))}")


# --- defaults that come from the machine ---------------------------------------------------------


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/smsrelay``, else ``~/.local/share/smsrelay`` (XDG base directories)."""
    xdg = environ.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the spec says to ignore a relative one
        return Path(xdg) / "smsrelay"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share" / "smsrelay"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def system_timezone(environ: Mapping[str, str]) -> str:
    """The machine's IANA zone: ``$TZ``, ``/etc/timezone``, the ``/etc/localtime`` link, or UTC."""
    candidates = [environ.get("TZ", "").removeprefix(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.partition("zoneinfo/")[2])
    except OSError:
        pass
    return next((name for name in candidates if name and _valid_zone(name)), "UTC")


# --- the file -------------------------------------------------------------------------------------


def _choose_path(path: str | Path | None, environ: Mapping[str, str]) -> Path | None:
    if path is not None:
        return Path(path)
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    return SYSTEM_PATH if SYSTEM_PATH.is_file() else None


def _read(path: Path) -> dict:
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(file, "", f"is not UTF-8 text (byte {error.start})") from None
    try:
        return tomllib.loads(text)
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


def load_config(
    path: str | Path | None = None, *, environ: Mapping[str, str] = os.environ
) -> Config:
    """Find, read and check the configuration; raises ``ConfigError`` naming what is wrong."""
    chosen = _choose_path(path, environ)
    doc = _read(chosen) if chosen is not None else {}
    file = str(chosen) if chosen is not None else "(defaults)"
    _check_top_level(file, doc)

    app = _table(file, doc, "appliance", _KNOWN["appliance"])
    data_dir_text = app.text("data_dir", example='"/var/lib/smsrelay"')
    database = _database(app)
    folder = chosen.parent if chosen is not None else Path.cwd()
    if data_dir_text:
        data_dir = folder / data_dir_text
    elif database is not None and make_url(database).get_backend_name() == "sqlite":
        data_dir = Path(make_url(database).database or "").parent
    else:
        data_dir = default_data_dir(environ)
    database = database or f"sqlite:///{data_dir / 'smsrelay.db'}"
    node = app.name_text("node") or socket.gethostname()[:MAX_NAME_LENGTH] or "smsrelay"
    timezone = _timezone(app, environ)
    region = _region(app)

    web = _table(file, doc, "web", _KNOWN["web"])
    bind = web.text("bind", DEFAULT_BIND, example='"127.0.0.1:8080"')
    try:
        parse_bind(bind)
    except ValueError as error:
        web.fail("bind", str(error))

    discovery = _table(file, doc, "discovery", _KNOWN["discovery"])
    defaults_table = _table(file, doc, "defaults", _KNOWN["defaults"])
    base = ModemConfig(port="")
    defaults = ModemConfig(
        port="",
        max_per_minute=defaults_table.rate("max_per_minute", base.max_per_minute),
        daily_limit=defaults_table.limit("daily_limit", base.daily_limit),
        monthly_limit=defaults_table.limit("monthly_limit", base.monthly_limit),
    )
    return Config(
        path=chosen,
        database=database,
        data_dir=data_dir,
        node=node,
        timezone=timezone,
        region=region,
        quiet_hours=_quiet_hours(app),
        resend_unknown=app.flag("resend_unknown", False),
        max_parts=app.whole("max_parts", 10, low=1, high=MAX_CONCATENATED_PARTS),
        validity=_validity(app),
        bind=bind,
        auto_discovery=discovery.flag("auto", True),
        modems=_modems(_array(file, doc, "modem", _KNOWN["modem"]), defaults),
        routes=_routes(_array(file, doc, "route", _KNOWN["route"])),
        defaults=defaults,
    )


def _database(app: _Table) -> str | None:
    text = app.text("database", example='"sqlite:////var/lib/smsrelay/smsrelay.db"')
    if text is None:
        return None
    try:
        url = make_url(text)
    except ArgumentError:
        app.fail(
            "database",
            "is not a database URL like sqlite:////var/lib/smsrelay/smsrelay.db "
            "or postgresql+psycopg://user:password@host/smsrelay",
        )
    if url.get_backend_name() == "postgresql":
        if not url.database:
            app.fail("database", "names no database (postgresql+psycopg://user@host/DATABASE)")
        return text
    if url.get_backend_name() != "sqlite":
        app.fail("database", f"{url.get_backend_name()} is not supported; use sqlite or postgresql")
    if not url.database or url.database == ":memory:":
        app.fail(
            "database",
            "an in-memory database cannot be shared with the CLI and the panel; "
            "give a file: sqlite:////var/lib/smsrelay/smsrelay.db",
        )
    if not Path(url.database).is_absolute():
        app.fail(
            "database",
            f"the SQLite path {url.database!r} is relative (to whichever folder "
            "the program starts in); write it absolute, with four slashes: "
            f"sqlite:////var/lib/smsrelay/{Path(url.database).name}",
        )
    return text


def _quiet_hours(app: _Table) -> tuple[time, time] | None:
    value = app.values.get("quiet_hours", False)
    if value is False:
        return None
    if not isinstance(value, str):
        app.fail(
            "quiet_hours",
            f'must be text like "21:00-08:00", or false for none, not {_describe(value)}',
        )
    try:
        return parse_quiet_hours(value)
    except ValueError as error:
        app.fail("quiet_hours", str(error))


def _validity(app: _Table) -> timedelta | None:
    value = app.values.get("validity", "2d")
    if value is False:
        return None
    if not isinstance(value, str):
        app.fail(
            "validity",
            'must be a duration in quotes like "2d" or "36h", or false for none, '
            f"not {_describe(value)}",
        )
    try:
        validity = parse_duration(value)
    except ValueError as error:
        app.fail("validity", str(error))
    if not SHORTEST_VALIDITY <= validity <= LONGEST_VALIDITY:
        app.fail(
            "validity",
            f"must be from 5 minutes to 63 weeks (what the network accepts), not {value!r}",
        )
    return validity


def _timezone(app: _Table, environ: Mapping[str, str]) -> str:
    name = app.text("timezone", example='"Europe/Paris"')
    if name is None:
        return system_timezone(environ)
    if not _valid_zone(name):
        zones = sorted(available_timezones())
        exact = [zone for zone in zones if zone.lower() == name.lower()]
        close = exact or difflib.get_close_matches(name, zones, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ' (e.g. "Europe/Paris")'
        app.fail("timezone", f"{name!r} is not a time zone of the IANA database{hint}")
    return name


def _region(app: _Table) -> str:
    region = app.text("region", "FR", example='"FR"')
    assert region is not None
    if region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        app.fail("region", f"{region!r} is not a country code (ISO 3166, e.g. FR, BE, CH)")
    return region.upper()


def _modems(tables: list[_Table], defaults: ModemConfig) -> tuple[ModemConfig, ...]:
    modems: list[ModemConfig] = []
    seen: dict[str, str] = {}
    for table in tables:
        if "port" not in table.values:
            table.fail("port", 'is missing: every [[modem]] needs one, e.g. port = "/dev/gsm/sim1"')
        port = table.text("port", example='"/dev/gsm/sim800-1"')
        assert port is not None
        if not port.startswith("/"):
            table.fail("port", f"{port!r} is not a device path like /dev/ttyUSB2")
        if port in seen:
            table.fail("port", f"{port} is already used by {seen[port]}")
        seen[port] = table.name
        pin = table.values.get("pin")
        if pin is not None and not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 8):
            hint = (
                ' (write it in quotes, so a leading 0 is kept: pin = "0123")'
                if isinstance(pin, int) and not isinstance(pin, bool)
                else ""
            )
            table.fail("pin", f"must be 4 to 8 digits in quotes{hint}")
        modems.append(
            ModemConfig(
                port=port,
                pin=pin,
                max_per_minute=table.rate("max_per_minute", defaults.max_per_minute),
                daily_limit=table.limit("daily_limit", defaults.daily_limit),
                monthly_limit=table.limit("monthly_limit", defaults.monthly_limit),
                group=table.name_text("group"),
            )
        )
    return tuple(modems)


_PREFIX = re.compile(r"\+[1-9]\d{0,14}")


def _routes(tables: list[_Table]) -> tuple[RouteConfig, ...]:
    routes: list[RouteConfig] = []
    seen: dict[str, str] = {}
    for table in tables:
        for key in ("prefix", "group"):
            if key not in table.values:
                table.fail(key, 'is missing: a [[route]] needs prefix = "+44" and group = "intl"')
        prefix = table.text("prefix", example='"+44"')
        assert prefix is not None
        if not _PREFIX.fullmatch(prefix):
            table.fail("prefix", f'{prefix!r} is not the start of an E.164 number like "+44"')
        if prefix in seen:
            table.fail("prefix", f"{prefix} is already routed by {seen[prefix]}")
        seen[prefix] = table.name
        group = table.name_text("group")
        assert group is not None
        routes.append(RouteConfig(prefix=prefix, group=group))
    return tuple(routes)
