"""The checked configuration: frozen dataclasses, the limits they obey, and ``ConfigError``.

What the rest of the appliance sees of the file. Nothing here reads a file: ``loading`` builds a
``Config`` from the TOML, and the tests build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .values import parse_bind

if TYPE_CHECKING:
    from .alerts import AlertsConfig, ImapConfig, MailConfig, SmtpConfig
    from .calls import CallsConfig
    from .consent import ConsentConfig, RetentionConfig
    from .security import SecurityConfig

DEFAULT_BIND = "127.0.0.1:8080"
MAX_NAME_LENGTH = 64  # node and group names fit the store's columns
MAX_CONCATENATED_PARTS = 255  # the concatenation header counts parts in one octet
SHORTEST_VALIDITY = timedelta(minutes=5)  # the network's relative validity: 5 min to 63 weeks
LONGEST_VALIDITY = timedelta(weeks=63)
# ``[appliance] language``: the languages of what the appliance writes to people (alert SMS and
# emails, forwarded mail), each named in itself; English, the source, needs no catalogue
LANGUAGES = {"en": "English", "fr": "Français"}


# the calls and credit keys of [defaults] and [[modem]] (what they mean: ``calls``)
HANG_UP_COMMANDS = ("ATH", "AT+CHUP")  # as ``modem.device.HANG_UP_COMMANDS``
DEFAULT_CREDIT_EVERY = timedelta(hours=12)
SHORTEST_CREDIT_EVERY = timedelta(minutes=10)


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


class Unread:
    """A table the command did not read: ``load_config(only=...)`` reads only the optional
    tables a quick command uses (``smsrelay send`` reads ``[contacts]`` and ``[security]``, not
    ``[alerts]``), for a script's start-up time (docs/benchmarks.md, "CLI start-up"). Using one
    is a mistake of the code, not of the file, and says which table to add to ``only``."""

    __slots__ = ("table",)

    def __init__(self, table: str) -> None:
        self.table = table

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(
            f"[{self.table}] was not read (load_config(only=...) leaves it out), yet .{name} "
            "was asked of it"
        )

    def __repr__(self) -> str:
        return f"Unread({self.table!r})"


def _default(module: str, name: str):
    """A section's default, its module imported only when a ``Config`` is built without it (the
    tests, the defaults), not when the model is imported."""

    def make() -> object:
        return getattr(import_module(f"{__package__}.{module}"), name)()

    return make


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
    # calls and credit (issue 13; ``calls`` says what each means)
    hangup_calls: bool = True
    hangup_command: str = "ATH"
    credit_code: str | None = None
    credit_every: timedelta | None = DEFAULT_CREDIT_EVERY
    credit_low: float | None = None


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
    node_lease: timedelta = timedelta(seconds=30)  # [node] lease
    region: str = "FR"
    language: str = "en"  # [appliance] language: alerts' and mail's words (appliance.language)
    quiet_hours: tuple[time, time] | None = None
    resend_unknown: bool = False
    max_parts: int = 10
    validity: timedelta | None = timedelta(days=2)
    bind: str = DEFAULT_BIND
    auto_discovery: bool = True
    digest: str | None = None  # the file's length and CRC-32 (``tables.read_toml``)
    modems: tuple[ModemConfig, ...] = ()
    routes: tuple[RouteConfig, ...] = ()
    defaults: ModemConfig = field(default_factory=lambda: ModemConfig(port=""))
    consent: ConsentConfig = field(
        default_factory=_default("consent", "ConsentConfig")
    )  # [contacts]
    retention: RetentionConfig = field(default_factory=_default("consent", "RetentionConfig"))
    calls: CallsConfig = field(default_factory=_default("calls", "CallsConfig"))  # [calls]
    security: SecurityConfig = field(
        default_factory=_default("security", "SecurityConfig")
    )  # [security]
    smtp: SmtpConfig = field(default_factory=_default("alerts", "SmtpConfig"))  # [smtp] (issue 16)
    alerts: AlertsConfig = field(default_factory=_default("alerts", "AlertsConfig"))  # [alerts]
    mail: MailConfig = field(default_factory=_default("alerts", "MailConfig"))  # [mail]
    imap: ImapConfig = field(default_factory=_default("alerts", "ImapConfig"))  # [imap]

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
