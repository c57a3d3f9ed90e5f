"""The appliance's configuration: one TOML file read once at start, checked whole, then frozen.

Which file (DESIGN.md, "Contracts"): the path given (``--config``), else ``$SMSRELAY_CONFIG``,
else ``/etc/smsrelay/smsrelay.toml`` if it exists, else no file at all and every default applies:
data in ``$XDG_DATA_HOME/smsrelay`` (or ``~/.local/share/smsrelay``), the database
``sqlite:///<data dir>/smsrelay.db``, the node named after the host, the panel on
127.0.0.1:8080 and modems found by auto-discovery.

The daemon and the panel read the whole file. A script's quick commands (``send``, ``status``,
``messages``) read only the optional tables they use (``load_config(only=...)``; the others are
left ``Unread`` and their modules not imported), for their start-up time; the file's shape and
every table's keys are still checked by every command.

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

Callers import from here (``from appliance.config import Config, load_config``). What lives where:

- ``model``: ``Config``, ``ModemConfig``, ``RouteConfig`` (frozen dataclasses), ``ConfigError``
  and the limits values obey;
- ``loading``: ``load_config``, and the checks of each key or table that needs more than a type;
- ``tables``: the file read as TOML, tables that hand out typed values and refuse unknown keys;
- ``keys``: the keys each table may hold (apart, so that checking them imports no table's model);
- ``values``: parsers of values with a syntax of their own (quiet hours, durations, ``bind``);
- ``machine``: which file, the XDG data folder and the machine's time zone;
- ``quiet``: quiet hours in the configured local time (``quiet``, ``end_of_quiet``).
- ``alerts``, ``alerts_reading``: ``[smtp]``, ``[alerts]`` and ``[mail]`` (issue 16).
"""

from __future__ import annotations

from .loading import load_config
from .machine import default_data_dir, system_timezone
from .model import (
    DEFAULT_BIND,
    LONGEST_VALIDITY,
    MAX_CONCATENATED_PARTS,
    MAX_NAME_LENGTH,
    SHORTEST_VALIDITY,
    Config,
    ConfigError,
    ModemConfig,
    RouteConfig,
)
from .quiet import end_of_quiet, quiet
from .values import parse_bind, parse_duration, parse_quiet_hours

__all__ = [
    "DEFAULT_BIND",
    "LONGEST_VALIDITY",
    "MAX_CONCATENATED_PARTS",
    "MAX_NAME_LENGTH",
    "SHORTEST_VALIDITY",
    "Config",
    "ConfigError",
    "ModemConfig",
    "RouteConfig",
    "default_data_dir",
    "end_of_quiet",
    "load_config",
    "parse_bind",
    "parse_duration",
    "parse_quiet_hours",
    "quiet",
    "system_timezone",
]
