"""``appliance.limits``, the one way the CLI and the panel change a sender's limits, on SQLite and
PostgreSQL: typed words read as the CLI reads them, a change with one bad field writing nothing,
and what the panel shows (the rules in force, a token's use since local midnight)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from appliance.accounts import add_user, create_token, revoke_token
from appliance.limits import (
    BadLimits,
    change_token_limits,
    change_user_countries,
    quota_to_store,
    tokens_limits,
    users_limits,
)
from appliance.outbox import prepare, submit_all
from appliance.senders import token_rules
from appliance.store.sender_limits import UnknownSender
from tests.appliance.conftest import T0


def test_typed_quotas_are_read_as_the_cli_reads_them() -> None:
    assert quota_to_store("daily_messages", " 200 ") == 200
    assert quota_to_store("daily_messages", "0") == 0
    assert quota_to_store("daily_messages", "none") == -1
    assert quota_to_store("daily_messages", "Default") is None
    for bad in ("-5", "1.5", "abc", "", "１２", "1" * 10):
        with pytest.raises(ValueError, match="is not a whole number"):
            quota_to_store("daily_parts", bad)


def test_a_change_with_one_bad_field_writes_nothing(any_store) -> None:
    row, _ = create_token(any_store, "school-script", T0)
    with pytest.raises(BadLimits) as bad:
        change_token_limits(
            any_store, row.id, countries="FR, Narnia", daily_messages="10", daily_parts="-1"
        )
    problems = {p.field: (p.problem, p.item) for p in bad.value.problems}
    assert problems == {"countries": ("country", "Narnia"), "daily_parts": ("quota", "-1")}
    kept = any_store.token_named("school-script")
    assert (kept.countries, kept.daily_messages, kept.daily_parts) == (None, None, None)
    changed = change_token_limits(
        any_store, "school-script", countries="BE, +33", daily_messages="10", daily_parts="none"
    )
    assert (changed.countries, changed.daily_messages, changed.daily_parts) == ("32,33", 10, -1)
    again = change_token_limits(any_store, row.id, daily_messages="default")  # the rest unchanged
    assert (again.countries, again.daily_messages, again.daily_parts) == ("32,33", None, -1)
    with pytest.raises(UnknownSender):
        change_token_limits(any_store, 999, countries="*")


def test_users_by_id_or_name(any_store, config) -> None:
    marie = add_user(any_store, "marie", "marie-password", "volunteer", T0)
    assert change_user_countries(any_store, marie.id, "*").countries == "*"
    assert change_user_countries(any_store, "marie", "41, FR").countries == "33,41"
    with pytest.raises(BadLimits, match="no country given"):
        change_user_countries(any_store, "marie", " , ")
    with pytest.raises(UnknownSender, match="no user 999"):
        change_user_countries(any_store, 999, "33")
    shown = {u.name: u for u in users_limits(any_store, config)}["marie"]
    assert (shown.countries, shown.own_countries) == (frozenset({33, 41}), "33,41")
    change_user_countries(any_store, "marie", "default")
    shown = {u.name: u for u in users_limits(any_store, config)}["marie"]
    assert (shown.countries, shown.own_countries) == (config.security.countries, None)


def test_the_use_of_today_starts_at_local_midnight(any_store, config) -> None:
    """Paris: midnight is 23:00 UTC in winter; messages of the day before do not count."""
    row, _ = create_token(any_store, "school-script", T0)
    other, _ = create_token(any_store, "old-script", T0)
    change_token_limits(any_store, row.id, daily_messages="10")
    rules = token_rules(config, any_store.token_named("school-script"))
    evening = T0.replace(hour=22, minute=30)  # 23:30 in Paris
    news = [prepare(config, to="+33611111111", text="x" * 200, now=evening, source="api")]
    submit_all(any_store, config, news, evening, rules)  # one message of 2 parts, that day
    after = evening + timedelta(minutes=45)  # 00:15 in Paris, the next day
    news = [prepare(config, to=n, text="Collecte", now=after, source="api")
            for n in ("+33622222222", "+33633333333")]  # fmt: skip
    submit_all(any_store, config, news, after, rules)
    revoke_token(any_store, other.id)
    shown = tokens_limits(any_store, config, after)
    assert [t.name for t in shown] == ["school-script"]  # a revoked token has nothing to limit
    token = shown[0]
    assert (token.used_messages, token.used_parts) == (2, 2)
    assert (token.daily_messages, token.own_daily_messages) == (10, 10)
    assert (token.daily_parts, token.own_daily_parts) == (None, None)
    tomorrow = tokens_limits(any_store, config, after + timedelta(days=1))[0]
    assert (tomorrow.used_messages, tomorrow.used_parts) == (0, 0)


def test_the_cli_writes_through_the_same_function(tmp_path, monkeypatch) -> None:
    """``smsrelay token limit`` / ``user limit``: every bad field named by its option, exit 2,
    nothing written; an unknown user exit 1."""
    from click.testing import CliRunner

    from appliance.cli import main
    from appliance.config import load_config
    from appliance.store import Store
    from appliance.store.engine import create_engine_for, migrate

    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)
    path = tmp_path / "smsrelay.toml"
    path.write_text(
        f'[appliance]\ndatabase = "sqlite:///{tmp_path}/smsrelay.db"\n[discovery]\nauto = false\n',
        encoding="utf-8",
    )
    engine = create_engine_for(load_config(path).database)
    migrate(engine)
    store = Store(engine)
    create_token(store, "school-script", T0)
    add_user(store, "marie", "marie-password", "volunteer", T0)

    def run(*args: str):
        return CliRunner().invoke(main, [args[0], args[1], "--config", str(path), *args[2:]])

    bad = run("token", "limit", "school-script", "--countries", "Narnia", "--daily-messages",
              "-5", "--daily-parts", "3")  # fmt: skip
    assert bad.exit_code == 2
    assert "--countries: 'Narnia' is neither a country calling code" in bad.output
    assert "--daily-messages: '-5' is not a whole number, 'none' or 'default'" in bad.output
    assert store.token_named("school-script").daily_parts is None
    assert run("user", "limit", "marie", "--countries", "FR,CH").exit_code == 0
    assert users_limits(store, load_config(path))[0].own_countries == "33,41"
    assert run("user", "limit", "nobody", "--countries", "FR").exit_code == 1
    engine.dispose()


def many_countries(count: int) -> str:
    """``count`` countries of three-digit calling codes, typed as regions ("AD,AO,...")."""
    import phonenumbers

    regions = sorted(
        r
        for r in phonenumbers.SUPPORTED_REGIONS
        if phonenumbers.country_code_for_region(r) >= 200
        and phonenumbers.region_code_for_country_code(phonenumbers.country_code_for_region(r)) == r
    )
    return ",".join(regions[:count])


def test_more_countries_than_the_column_keeps_are_refused(any_store) -> None:
    """65 three-digit codes are 259 characters stored: PostgreSQL would refuse the row."""
    row, _ = create_token(any_store, "school-script", T0)
    assert change_token_limits(any_store, row.id, countries=many_countries(64)).countries
    with pytest.raises(BadLimits, match="65 countries are more than can be kept") as bad:
        change_token_limits(any_store, row.id, countries=many_countries(65), daily_parts="3")
    assert bad.value.problems[0].problem == "too_many"
    assert any_store.token_named("school-script").daily_parts is None
