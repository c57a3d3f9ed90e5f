"""``load_config``: find the file, read it, check every key, and build the ``Config``.

The checks of each key that needs more than a type live here, one function per key or table
(the database URL, quiet hours, validity, time zone, region, language, ``[[modem]]``,
``[[route]]``), each refusing with the reason in plain words through its table's ``fail``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import time, timedelta
from pathlib import Path

from .calls_reading import modem_settings
from .keys import KNOWN_KEYS
from .machine import choose_path, default_data_dir, system_timezone, valid_zone
from .model import (
    DEFAULT_BIND,
    LANGUAGES,
    LONGEST_VALIDITY,
    MAX_CONCATENATED_PARTS,
    MAX_NAME_LENGTH,
    SHORTEST_VALIDITY,
    Config,
    ModemConfig,
    RouteConfig,
    Unread,
)
from .tables import Table, check_top_level, describe, read_array, read_table, read_toml
from .values import parse_bind, parse_duration, parse_quiet_hours

# The tables a command may leave unread (``load_config(only=...)``), and ``numbers``: the
# region checked against phonenumbers' list, which a command that parses no number can skip
OPTIONAL = frozenset(
    {"contacts", "retention", "calls", "security", "smtp", "alerts", "mail", "imap", "numbers"}
)


def load_config(
    path: str | Path | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    only: Iterable[str] | None = None,
) -> Config:
    """Find, read and check the configuration; raises ``ConfigError`` naming what is wrong.

    ``only``: the optional tables (``OPTIONAL``) a quick command reads, the others left
    ``Unread`` and unchecked (their modules not even imported): ``smsrelay status`` needs no
    ``[alerts]``. The daemon and the panel read the whole file (the default), so a mistake
    anywhere is still refused when the appliance starts. The file's shape (its tables' names,
    ``[appliance]``, ``[node]``, ``[web]``, the modems and routes) is always checked."""
    chosen = choose_path(path, environ)
    doc, digest = read_toml(chosen) if chosen is not None else ({}, None)
    file = str(chosen) if chosen is not None else "(defaults)"
    check_top_level(file, doc)
    wanted = OPTIONAL if only is None else frozenset(only)
    if not wanted <= OPTIONAL:
        raise ValueError(f"load_config(only=...): unknown tables {sorted(wanted - OPTIONAL)}")

    def table(name: str) -> Table:
        return read_table(file, doc, name, KNOWN_KEYS[name])

    app = table("appliance")
    data_dir_text = app.text("data_dir", example='"/var/lib/smsrelay"')
    database = _database(app)
    folder = chosen.parent if chosen is not None else Path.cwd()
    if data_dir_text:
        data_dir = folder / data_dir_text
    elif database is not None and parse_url(database)[0] == "sqlite":
        data_dir = Path(parse_url(database)[1] or "").parent
    else:
        data_dir = default_data_dir(environ)
    database = database or f"sqlite:///{data_dir / 'smsrelay.db'}"
    node, node_lease = _node(app, table("node"))
    timezone = _timezone(app, environ)
    region = _region(app, checked="numbers" in wanted or "security" in wanted)

    web = table("web")
    bind = web.text("bind", DEFAULT_BIND, example='"127.0.0.1:8080"')
    try:
        parse_bind(bind)
    except ValueError as error:
        web.fail("bind", str(error))

    discovery = table("discovery")
    defaults_table = table("defaults")
    base = ModemConfig(port="")
    defaults = ModemConfig(
        port="",
        max_per_minute=defaults_table.rate("max_per_minute", base.max_per_minute),
        daily_limit=defaults_table.limit("daily_limit", base.daily_limit),
        monthly_limit=defaults_table.limit("monthly_limit", base.monthly_limit),
        **modem_settings(defaults_table, base),
    )
    return Config(
        path=chosen,
        digest=digest,
        database=database,
        data_dir=data_dir,
        node=node,
        node_lease=node_lease,
        timezone=timezone,
        region=region,
        language=_language(app),
        quiet_hours=_quiet_hours(app),
        resend_unknown=app.flag("resend_unknown", False),
        max_parts=app.whole("max_parts", 10, low=1, high=MAX_CONCATENATED_PARTS),
        validity=_validity(app),
        bind=bind,
        auto_discovery=discovery.flag("auto", True),
        modems=_modems(read_array(file, doc, "modem", KNOWN_KEYS["modem"]), defaults),
        routes=_routes(read_array(file, doc, "route", KNOWN_KEYS["route"])),
        defaults=defaults,
        **_sections(table, wanted, region),
    )


def _sections(table, wanted: frozenset[str], region: str) -> dict[str, object]:
    """The optional tables ``wanted``, read and checked (each reader imported only then); the
    others ``Unread``."""
    read: dict[str, object] = {}
    if "contacts" in wanted or "retention" in wanted:
        from .consent_reading import read_consent, read_retention

        read["consent"] = read_consent(table("contacts"))
        if "retention" in wanted:
            read["retention"] = read_retention(table("retention"), read["consent"])
        if "contacts" not in wanted:
            read["consent"] = Unread("contacts")
    if "calls" in wanted:
        from .calls_reading import read_calls

        read["calls"] = read_calls(table("calls"))
    if "security" in wanted:
        from .security_reading import read_security

        read["security"] = read_security(table("security"), region)
    if wanted & {"smtp", "alerts", "mail", "imap"}:
        from .alerts_reading import read_alerts, read_imap, read_mail, read_smtp

        smtp = read["smtp"] = read_smtp(table("smtp"))
        if "alerts" in wanted:
            read["alerts"] = read_alerts(table("alerts"), region, smtp)
        if wanted & {"mail", "imap"}:
            mail = read["mail"] = read_mail(table("mail"), smtp)
            if "imap" in wanted:
                read["imap"] = read_imap(table("imap"), mail)
    field_of = {"contacts": "consent"}
    for name in OPTIONAL - wanted - {"numbers"}:
        table(name)  # its keys still checked: a misspelt one is refused by every command
        read.setdefault(field_of.get(name, name), Unread(name))
    return read


# ``sqlite:///path``, the usual URL: read here without SQLAlchemy, whose import is most of a
# script's ``smsrelay send`` (docs/benchmarks.md, "CLI start-up"); make_url reads the same parts
_SQLITE_FILE = re.compile(r"sqlite:///([^?#%]+)")


def parse_url(text: str) -> tuple[str, str | None]:
    """The backend (``sqlite``, ``postgresql``...) and database of a URL; ValueError if it is
    none."""
    simple = _SQLITE_FILE.fullmatch(text)
    if simple:
        return "sqlite", simple.group(1)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise ValueError(str(exc)) from None
    return url.get_backend_name(), url.database


def _node(app: Table, table: Table) -> tuple[str, timedelta]:
    """``[node] name`` (default the host name; ``[appliance] node`` is its older spelling) and
    ``[node] lease``: seconds a node's claims stay its own without it renewing them (nodes
    sharing PostgreSQL; docs/several-nodes.md)."""
    older, name = app.name_text("node"), table.name_text("name")
    if older and name and older != name:
        table.fail("name", f"{name!r} differs from [appliance] node = {older!r}: keep one of them")
    # the host's name as socket.gethostname() gives it, without importing socket
    node = name or older or os.uname().nodename[:MAX_NAME_LENGTH] or "smsrelay"
    lease = table.whole("lease", 30, low=2, high=3600)
    return node, timedelta(seconds=lease)


def _database(app: Table) -> str | None:
    text = app.text("database", example='"sqlite:////var/lib/smsrelay/smsrelay.db"')
    if text is None:
        return None
    try:
        backend, database = parse_url(text)
    except ValueError:
        app.fail(
            "database",
            "is not a database URL like sqlite:////var/lib/smsrelay/smsrelay.db "
            "or postgresql+psycopg://user:password@host/smsrelay",
        )
    if backend == "postgresql":
        if not database:
            app.fail("database", "names no database (postgresql+psycopg://user@host/DATABASE)")
        return text
    if backend != "sqlite":
        app.fail("database", f"{backend} is not supported; use sqlite or postgresql")
    if not database or database == ":memory:":
        app.fail(
            "database",
            "an in-memory database cannot be shared with the CLI and the panel; "
            "give a file: sqlite:////var/lib/smsrelay/smsrelay.db",
        )
    if not Path(database).is_absolute():
        app.fail(
            "database",
            f"the SQLite path {database!r} is relative (to whichever folder "
            "the program starts in); write it absolute, with four slashes: "
            f"sqlite:////var/lib/smsrelay/{Path(database).name}",
        )
    return text


def _quiet_hours(app: Table) -> tuple[time, time] | None:
    value = app.values.get("quiet_hours", False)
    if value is False:
        return None
    if not isinstance(value, str):
        app.fail(
            "quiet_hours",
            f'must be text like "21:00-08:00", or false for none, not {describe(value)}',
        )
    try:
        return parse_quiet_hours(value)
    except ValueError as error:
        app.fail("quiet_hours", str(error))


def _validity(app: Table) -> timedelta | None:
    value = app.values.get("validity", "2d")
    if value is False:
        return None
    if not isinstance(value, str):
        app.fail(
            "validity",
            'must be a duration in quotes like "2d" or "36h", or false for none, '
            f"not {describe(value)}",
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


def _timezone(app: Table, environ: Mapping[str, str]) -> str:
    name = app.text("timezone", example='"Europe/Paris"')
    if name is None:
        return system_timezone(environ)
    if not valid_zone(name):
        import difflib
        from zoneinfo import available_timezones

        zones = sorted(available_timezones())
        exact = [zone for zone in zones if zone.lower() == name.lower()]
        close = exact or difflib.get_close_matches(name, zones, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ' (e.g. "Europe/Paris")'
        app.fail("timezone", f"{name!r} is not a time zone of the IANA database{hint}")
    return name


def _region(app: Table, *, checked: bool) -> str:
    """``[appliance] region``: two letters, and one of phonenumbers' countries when ``checked``
    (whenever a number is read: a command that reads none need not import phonenumbers)."""
    region = app.text("region", "FR", example='"FR"')
    assert region is not None
    if checked:
        import phonenumbers

        known = region.upper() in phonenumbers.SUPPORTED_REGIONS
    else:
        known = len(region) == 2 and region.isascii() and region.isalpha()
    if not known:
        app.fail("region", f"{region!r} is not a country code (ISO 3166, e.g. FR, BE, CH)")
    return region.upper()


def _language(app: Table) -> str:
    """``[appliance] language``: one of the languages the appliance has words in."""
    language = app.text("language", "en", example='"fr"')
    assert language is not None
    if language not in LANGUAGES:
        known = ", ".join(f"{code!r} ({name})" for code, name in LANGUAGES.items())
        app.fail("language", f"{language!r} is not a language the appliance speaks: {known}")
    return language


def _modems(tables: list[Table], defaults: ModemConfig) -> tuple[ModemConfig, ...]:
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
                **modem_settings(table, defaults),
            )
        )
    return tuple(modems)


_PREFIX = re.compile(r"\+[1-9]\d{0,14}")


def _routes(tables: list[Table]) -> tuple[RouteConfig, ...]:
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
