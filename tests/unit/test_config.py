"""Loading the TOML configuration: resolution, defaults, every refusal, and quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.config import (
    Config,
    ConfigError,
    ModemConfig,
    RouteConfig,
    end_of_quiet,
    load_config,
    machine,
    parse_bind,
    parse_duration,
    quiet,
)

# The example of DESIGN.md ("Contracts", Config), comments included.
DESIGN_EXAMPLE = """\
[appliance]
database = "sqlite:////var/lib/smsrelay/smsrelay.db"   # or postgresql+psycopg://...
node = "pi-entrance"                  # default: host name
timezone = "Europe/Paris"
quiet_hours = "21:00-08:00"           # campaign sends wait; priority=high ignores it
resend_unknown = false

[web]
bind = "127.0.0.1:8080"

[discovery]
auto = true                           # udev-tagged and known USB modems, probed with AT

[[modem]]                             # optional explicit modems, merged with discovered ones
port = "/dev/gsm/sim800-1"
pin = "1234"
max_per_minute = 6                    # pacing with jitter
daily_limit = 200
monthly_limit = 3000
"""


@pytest.fixture(autouse=True)
def no_system_file(tmp_path, monkeypatch):
    """Tests never read the machine's /etc/smsrelay/smsrelay.toml."""
    monkeypatch.setattr(machine, "SYSTEM_PATH", tmp_path / "etc" / "smsrelay.toml")


@pytest.fixture
def environ(tmp_path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "TZ": "Europe/Paris"}


def write(tmp_path: Path, text: str, name: str = "smsrelay.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Config:
    return load_config(write(tmp_path, text), environ=environ or {"HOME": str(tmp_path)})


def refusal(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    return caught.value


# --- what loads ----------------------------------------------------------------------------------


def test_the_design_example_loads(tmp_path, environ):
    path = write(tmp_path, DESIGN_EXAMPLE)
    config = load_config(path, environ=environ)
    assert config.path == path
    assert config.database == "sqlite:////var/lib/smsrelay/smsrelay.db"
    assert config.data_dir == Path("/var/lib/smsrelay")  # beside the database: one for all users
    assert config.node == "pi-entrance"
    assert config.timezone == "Europe/Paris"
    assert config.zone == ZoneInfo("Europe/Paris")
    assert config.quiet_hours == (time(21, 0), time(8, 0))
    assert config.resend_unknown is False
    assert config.bind == "127.0.0.1:8080"
    assert config.auto_discovery is True
    assert config.modems == (
        ModemConfig(
            port="/dev/gsm/sim800-1",
            pin="1234",
            max_per_minute=6,
            daily_limit=200,
            monthly_limit=3000,
        ),
    )
    assert config.region == "FR"
    assert config.max_parts == 10
    assert config.validity == timedelta(days=2)


def test_no_file_gives_every_default(tmp_path, environ):
    config = load_config(environ=environ)
    data = tmp_path / "home" / ".local" / "share" / "smsrelay"
    assert config.path is None
    assert config.data_dir == data
    assert config.database == f"sqlite:///{data}/smsrelay.db"
    assert config.database.startswith("sqlite:////")  # an absolute path
    assert config.node  # the host name
    assert config.timezone == "Europe/Paris"  # from $TZ
    assert config.quiet_hours is None
    assert config.bind == "127.0.0.1:8080"
    assert config.auto_discovery is True
    assert config.modems == () and config.routes == ()
    assert config.defaults == ModemConfig(
        port="", max_per_minute=6, daily_limit=200, monthly_limit=3000
    )


def test_data_dir_follows_xdg_data_home_when_absolute(tmp_path):
    config = load_config(environ={"XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": "/nowhere"})
    assert config.data_dir == tmp_path / "xdg" / "smsrelay"
    relative = load_config(environ={"XDG_DATA_HOME": "xdg", "HOME": str(tmp_path)})
    assert relative.data_dir == tmp_path / ".local" / "share" / "smsrelay"  # the spec: ignore it


def test_a_relative_data_dir_is_taken_from_the_file_s_folder(tmp_path):
    config = load_text(tmp_path, '[appliance]\ndata_dir = "state"\n')
    assert config.data_dir == tmp_path / "state"
    assert config.database == f"sqlite:///{tmp_path}/state/smsrelay.db"


def test_the_timezone_defaults_to_a_valid_zone_of_the_machine(tmp_path):
    config = load_config(environ={"HOME": str(tmp_path)})
    ZoneInfo(config.timezone)
    assert load_config(environ={"TZ": ":America/Montreal"}).timezone == "America/Montreal"


def test_resolution_order(tmp_path, monkeypatch):
    explicit = write(tmp_path, '[appliance]\nnode = "explicit"\n', "explicit.toml")
    from_env = write(tmp_path, '[appliance]\nnode = "env"\n', "env.toml")
    system = write(tmp_path, '[appliance]\nnode = "system"\n', "system.toml")
    environ = {"HOME": str(tmp_path), "SMSRELAY_CONFIG": str(from_env)}
    monkeypatch.setattr(machine, "SYSTEM_PATH", system)
    assert load_config(explicit, environ=environ).node == "explicit"
    assert load_config(str(explicit), environ=environ).node == "explicit"
    assert load_config(environ=environ).node == "env"
    assert load_config(environ={"HOME": str(tmp_path)}).node == "system"
    monkeypatch.setattr(machine, "SYSTEM_PATH", tmp_path / "absent.toml")
    assert load_config(environ={"HOME": str(tmp_path)}).path is None


def test_a_missing_file_named_by_the_environment_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(environ={"SMSRELAY_CONFIG": str(tmp_path / "typo.toml")})


def test_defaults_table_sets_discovered_modems_and_explicit_ones_start_from_it(tmp_path):
    config = load_text(
        tmp_path,
        """
        [defaults]
        max_per_minute = 2.5
        daily_limit = false
        monthly_limit = 1000

        [[modem]]
        port = "/dev/gsm/a"
        daily_limit = 50
        group = "invitations"
        """,
    )
    assert config.defaults == ModemConfig(
        port="", max_per_minute=2.5, daily_limit=None, monthly_limit=1000
    )
    assert config.modems == (
        ModemConfig(
            port="/dev/gsm/a",
            max_per_minute=2.5,
            daily_limit=50,
            monthly_limit=1000,
            group="invitations",
        ),
    )
    assert config.modem_for("/dev/gsm/a") is config.modems[0]
    assert config.modem_for("/dev/ttyUSB3") == ModemConfig(
        port="/dev/ttyUSB3", max_per_minute=2.5, daily_limit=None, monthly_limit=1000
    )


def test_routes_and_appliance_options(tmp_path):
    config = load_text(
        tmp_path,
        """
        [appliance]
        database = "postgresql+psycopg://relay:secret@db.local/smsrelay"
        data_dir = "/run/smsrelay"
        region = "be"
        max_parts = 3
        validity = "1d12h"
        resend_unknown = true

        [[route]]
        prefix = "+44"
        group = "intl"

        [[route]]
        prefix = "+32"
        group = "belgium"
        """,
    )
    assert config.database == "postgresql+psycopg://relay:secret@db.local/smsrelay"
    assert config.data_dir == Path("/run/smsrelay")
    assert config.region == "BE"
    assert config.max_parts == 3
    assert config.validity == timedelta(days=1, hours=12)
    assert config.resend_unknown is True
    assert config.routes == (RouteConfig("+44", "intl"), RouteConfig("+32", "belgium"))


def test_validity_and_quiet_hours_can_be_switched_off(tmp_path):
    config = load_text(tmp_path, "[appliance]\nvalidity = false\nquiet_hours = false\n")
    assert config.validity is None
    assert config.quiet_hours is None


def test_config_is_frozen_and_with_bind_checks(tmp_path):
    config = load_text(tmp_path, "")
    with pytest.raises(AttributeError):
        config.node = "other"  # type: ignore[misc]
    assert config.with_bind("0.0.0.0:80").bind == "0.0.0.0:80"
    assert config.bind == "127.0.0.1:8080"
    with pytest.raises(ValueError, match="HOST:PORT"):
        config.with_bind("8080")


# --- what is refused ----------------------------------------------------------------------------

REFUSALS = [
    # (file content, key, words of the reason)
    (
        '[[modem]]\nport = "/dev/a"\ndayly_limit = 5\n',
        "modem[1].dayly_limit",
        "unknown key; did you mean 'daily_limit'?",
    ),
    ('[apliance]\nnode = "x"\n', "apliance", "unknown table; did you mean 'appliance'?"),
    ('[appliance]\ncolour = "blue"\n', "appliance.colour", "unknown key; known keys: database"),
    ('timezone = "Europe/Paris"\n', "timezone", "belongs in the [appliance] table"),
    ('[modem]\nport = "/dev/a"\n', "modem", "write [[modem]] (an array of tables)"),
    ('[[web]]\nbind = "1.2.3.4:80"\n', "web", "must be a table [web]"),
    (
        '[[modem]]\nport = "/dev/a"\nmax_per_minute = "6"\n',
        "modem[1].max_per_minute",
        "must be a number above zero",
    ),
    ('[[modem]]\nport = "/dev/a"\nmax_per_minute = 0\n', "modem[1].max_per_minute", "above zero"),
    (
        '[[modem]]\nport = "/dev/a"\ndaily_limit = 0\n',
        "modem[1].daily_limit",
        "must be a whole number above zero and at most 1_000_000_000, or false for no limit, "
        "not the number 0",
    ),
    ('[[modem]]\nport = "/dev/a"\ndaily_limit = -5\n', "modem[1].daily_limit", "above zero"),
    ('[[modem]]\nport = "/dev/a"\ndaily_limit = true\n', "modem[1].daily_limit", "above zero"),
    ('[[modem]]\nport = "/dev/a"\nmonthly_limit = 1.5\n', "modem[1].monthly_limit", "whole number"),
    ('[defaults]\ndaily_limit = "200"\n', "defaults.daily_limit", "whole number"),
    ('[[modem]]\nport = "/dev/a"\npin = 1234\n', "modem[1].pin", "in quotes, so a leading 0"),
    ('[[modem]]\nport = "/dev/a"\npin = "12a4"\n', "modem[1].pin", "4 to 8 digits"),
    ('[[modem]]\npin = "1234"\n', "modem[1].port", "is missing"),
    ('[[modem]]\nport = "ttyUSB0"\n', "modem[1].port", "not a device path"),
    (
        '[[modem]]\nport = "/dev/a"\n[[modem]]\nport = "/dev/b"\n[[modem]]\nport = "/dev/a"\n',
        "modem[3].port",
        "/dev/a is already used by modem[1]",
    ),
    ('[[modem]]\nport = "/dev/a"\ngroup = ""\n', "modem[1].group", "must not be empty"),
    ('[[modem]]\nport = "/dev/a"\ngroup = "' + "g" * 65 + '"\n', "modem[1].group", "at most 64"),
    ('[appliance]\nresend_unknown = "no"\n', "appliance.resend_unknown", "true or false"),
    ("[discovery]\nauto = 1\n", "discovery.auto", "true or false, not the number 1"),
    ('[appliance]\nquiet_hours = "21h-8h"\n', "appliance.quiet_hours", 'like "21:00-08:00"'),
    ('[appliance]\nquiet_hours = "25:00-08:00"\n', "appliance.quiet_hours", "past 23"),
    ('[appliance]\nquiet_hours = "21:00-21:00"\n', "appliance.quiet_hours", "same time"),
    ("[appliance]\nquiet_hours = 21\n", "appliance.quiet_hours", "or false for none"),
    (
        '[appliance]\ntimezone = "Europe/Pari"\n',
        "appliance.timezone",
        "did you mean 'Europe/Paris'?",
    ),
    (
        '[appliance]\ntimezone = "europe/paris"\n',
        "appliance.timezone",
        "did you mean 'Europe/Paris'?",
    ),
    ('[appliance]\ntimezone = "../../etc/passwd"\n', "appliance.timezone", "not a time zone"),
    ('[appliance]\ntimezone = "CEST"\n', "appliance.timezone", "not a time zone"),
    ('[appliance]\nregion = "XX"\n', "appliance.region", "not a country code"),
    ('[appliance]\nlanguage = "de"\n', "appliance.language", "'de' is not a language the"),
    ('[appliance]\nlanguage = "FR"\n', "appliance.language", "'fr' (Français)"),
    ("[appliance]\nlanguage = 1\n", "appliance.language", "must be text in quotes"),
    ("[appliance]\nnode = 7\n", "appliance.node", "must be text in quotes"),
    ('[appliance]\nvalidity = "2 days"\n', "appliance.validity", 'a duration like "2d"'),
    ('[appliance]\nvalidity = "1m"\n', "appliance.validity", "from 5 minutes to 63 weeks"),
    ('[appliance]\nvalidity = "64w"\n', "appliance.validity", "from 5 minutes to 63 weeks"),
    ('[appliance]\nvalidity = "1d1d"\n', "appliance.validity", "same unit twice"),
    ("[appliance]\nvalidity = 48\n", "appliance.validity", "a duration in quotes"),
    ("[appliance]\nmax_parts = 0\n", "appliance.max_parts", "from 1 to 255"),
    ("[appliance]\nmax_parts = 300\n", "appliance.max_parts", "from 1 to 255"),
    ('[appliance]\ndatabase = "mysql://u@h/db"\n', "appliance.database", "not supported"),
    ('[appliance]\ndatabase = "not a url"\n', "appliance.database", "not a database URL"),
    ('[appliance]\ndatabase = "sqlite:///smsrelay.db"\n', "appliance.database", "is relative"),
    ('[appliance]\ndatabase = "sqlite://"\n', "appliance.database", "in-memory"),
    (
        '[appliance]\ndatabase = "postgresql+psycopg://u@h"\n',
        "appliance.database",
        "names no database",
    ),
    ('[web]\nbind = "localhost"\n', "web.bind", "HOST:PORT"),
    ('[web]\nbind = "127.0.0.1:99999"\n', "web.bind", "outside 0-65535"),
    ('[web]\nbind = "::1:8080"\n', "web.bind", "in brackets: [::1]:8080"),
    ('[web]\nbind = "my host:80"\n', "web.bind", "not an IP address or a host name"),
    ('[[route]]\nprefix = "44"\ngroup = "intl"\n', "route[1].prefix", "E.164"),
    ('[[route]]\nprefix = "+44"\n', "route[1].group", "is missing"),
    (
        '[[route]]\nprefix = "+44"\ngroup = "a"\n[[route]]\nprefix = "+44"\ngroup = "b"\n',
        "route[2].prefix",
        "+44 is already routed by route[1]",
    ),
]


@pytest.mark.parametrize(("text", "key", "why"), REFUSALS, ids=[r[1] for r in REFUSALS])
def test_refusals_name_the_file_the_key_and_why(tmp_path, text, key, why):
    error = refusal(tmp_path, text)
    assert error.file == str(tmp_path / "smsrelay.toml")
    assert error.key == key
    assert why in error.why
    assert str(error) == f"{error.file}: {key}: {error.why}"


def test_the_message_reads_as_file_key_why(tmp_path):
    error = refusal(
        tmp_path, '[[modem]]\nport = "/dev/a"\n[[modem]]\nport = "/dev/b"\ndaily_limit = 0\n'
    )
    assert str(error) == (
        f"{tmp_path}/smsrelay.toml: modem[2].daily_limit: must be a whole number above zero "
        "and at most 1_000_000_000, or false for no limit, not the number 0"
    )


def test_a_password_in_a_bad_database_url_is_not_repeated(tmp_path):
    error = refusal(tmp_path, '[appliance]\ndatabase = "mysql://u:hunter2@h/db"\n')
    assert "hunter2" not in str(error)


@pytest.mark.parametrize(
    ("text", "position", "why"),
    [
        ('[appliance]\nnode = "a"\nnode = "b"\n', "line 3, column 11", "Cannot overwrite"),
        ("[appliance]\nnode = pi\n", "line 2, column 8", "Invalid value"),
        ('[web]\nbind = "127.0.0.1:80\n', "line 2, column 21", "Illegal character"),
        ("[appliance]\nnode =", "line 2 (end of file)", "Invalid value"),
    ],
)
def test_toml_syntax_errors_give_the_line_and_column(tmp_path, text, position, why):
    error = refusal(tmp_path, text)
    assert error.key == position
    assert error.why.startswith("TOML syntax: ") and why in error.why


def test_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file") as caught:
        load_config(tmp_path / "absent.toml")
    assert str(caught.value) == f"{tmp_path}/absent.toml: no such file"
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[appliance]\nnode = "entrée"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin1)


# --- value syntaxes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("[::1]:8080", ("::1", 8080)),
        ("pi-entrance.local:8000", ("pi-entrance.local", 8000)),
    ],
)
def test_parse_bind(text, expected):
    assert parse_bind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2d", timedelta(days=2)),
        ("36h", timedelta(hours=36)),
        ("90m", timedelta(minutes=90)),
        ("1w", timedelta(weeks=1)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("1D12H", timedelta(days=1, hours=12)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


# --- quiet hours ---------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def quiet_config(span: tuple[time, time] | None, zone: str = "Europe/Paris") -> Config:
    return Config(
        path=None,
        database="sqlite:////tmp/x.db",
        data_dir=Path("/tmp"),
        node="t",
        timezone=zone,
        quiet_hours=span,
    )


NIGHT = quiet_config((time(21), time(8)))


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((20, 59), False),
        ((21, 0), True),
        ((23, 59), True),
        ((0, 0), True),
        ((7, 59), True),
        ((8, 0), False),
        ((12, 0), False),
    ],
)
def test_quiet_hours_wrap_midnight_in_local_time(local, expected):
    at = paris(2025, 1, 15, *local).astimezone(UTC)  # given in UTC, judged in Paris
    assert quiet(at, NIGHT) is expected


def test_quiet_hours_within_a_day():
    lunch = quiet_config((time(12), time(14)))
    assert not quiet(paris(2025, 1, 15, 11, 59), lunch)
    assert quiet(paris(2025, 1, 15, 12, 0), lunch)
    assert not quiet(paris(2025, 1, 15, 14, 0), lunch)
    assert end_of_quiet(paris(2025, 1, 15, 13, 0), lunch) == paris(2025, 1, 15, 14, 0)


def test_no_quiet_hours_is_never_quiet():
    config = quiet_config(None)
    at = paris(2025, 1, 15, 23, 0)
    assert not quiet(at, config)
    assert end_of_quiet(at, config) == at


def test_end_of_quiet():
    evening = paris(2025, 1, 15, 22, 30)
    assert end_of_quiet(evening, NIGHT) == paris(2025, 1, 16, 8, 0)
    assert end_of_quiet(paris(2025, 1, 16, 3, 0), NIGHT) == paris(2025, 1, 16, 8, 0)
    assert end_of_quiet(evening, NIGHT).tzinfo is UTC
    noon = paris(2025, 1, 16, 12, 0)
    assert end_of_quiet(noon, NIGHT) == noon


def test_end_of_quiet_across_daylight_saving_changes():
    # 30 March 2025: 02:00 becomes 03:00 in Paris, the night is an hour shorter in UTC.
    assert end_of_quiet(paris(2025, 3, 29, 23, 0), NIGHT) == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)
    # 26 October 2025: 03:00 becomes 02:00, the night is an hour longer in UTC.
    assert end_of_quiet(paris(2025, 10, 25, 23, 0), NIGHT) == datetime(
        2025, 10, 26, 7, 0, tzinfo=UTC
    )
    # A quiet end inside the skipped hour: late rather than early, and not quiet there.
    gap = quiet_config((time(1, 0), time(2, 30)))
    start = paris(2025, 3, 30, 1, 30)
    end = end_of_quiet(start, gap)
    assert end > start and not quiet(end, gap)


def test_quiet_refuses_naive_times():
    with pytest.raises(ValueError, match="naive"):
        quiet(datetime(2025, 1, 1, 22, 0), NIGHT)


minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


@settings(max_examples=200, deadline=None)
@given(
    at=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    start=minutes,
    end=minutes,
    zone=st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_end_of_quiet_is_the_first_time_after_that_is_not_quiet(at, start, end, zone):
    if start == end:
        return
    config = quiet_config((start, end), zone)
    result = end_of_quiet(at, config)
    assert result >= at
    assert not quiet(result, config)
    if not quiet(at, config):
        assert result == at
    else:
        assert result - at <= timedelta(hours=25)
        skipped = result.astimezone(config.zone).time() != end  # the end fell in a DST gap
        just_before = result - timedelta(minutes=1)
        assert skipped or just_before < at or quiet(just_before, config)


# --- [retention] (issue 11) ----------------------------------------------------------------------


def test_retention_periods_load_and_false_keeps_for_ever(tmp_path):
    config = load_text(tmp_path, '[retention]\nmessages = "400d"\ninbound = false\nevents = "1w"\n')
    retention = config.retention
    assert (retention.messages, retention.inbound) == (timedelta(days=400), None)
    assert (retention.events, retention.signal_samples) == (timedelta(weeks=1), timedelta(days=2))
    assert retention.webhook_deliveries == timedelta(days=7)


def test_messages_are_kept_at_least_the_cap_period(tmp_path):
    error = refusal(tmp_path, '[retention]\nmessages = "7d"\n')
    assert str(error).endswith(
        "retention.messages: '7d' is shorter than [contacts] cap_period (30 days): the cap per "
        "person counts the messages of that period, so they must be kept at least that long"
    )
    shorter_cap = '[contacts]\ncap_period = "36h"\n[retention]\nmessages = "7d"\n'
    assert load_text(tmp_path, shorter_cap).retention.messages == timedelta(days=7)
    no_cap = '[contacts]\ncap_messages = false\n[retention]\nmessages = "1d"\n'
    assert load_text(tmp_path, no_cap).retention.messages == timedelta(days=1)
    assert "(36 hours)" in str(refusal(tmp_path, shorter_cap.replace('"7d"', '"1d"')))
