"""Who may send where and how much (issue 16), on SQLite and PostgreSQL, and through the CLI's
quick path: countries per token and user, a token's quota across a local day boundary (the
clock moved, not waited for), names of modems and SIMs."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from appliance.accounts import create_token
from appliance.clock import ManualClock
from appliance.config import Config
from appliance.outbox import QuotaExceeded, Refused, prepare, submit_all
from appliance.senders import token_rules, user_rules
from appliance.store.destinations import parse_countries, stored_countries
from appliance.store.direct import open_direct
from appliance.store.naming import UnknownDevice
from appliance.store.schema import User
from tests.appliance.conftest import T0


def _send(store, config: Config, numbers, now: datetime, sender, text="Collecte demain"):
    news = [prepare(config, to=n, text=text, now=now, source="api") for n in numbers]
    return submit_all(store, config, news, now, sender)


def test_the_home_country_only_by_default(any_store, config) -> None:
    assert config.security.countries == frozenset({33})
    _send(any_store, config, ["06 12 34 56 78"], T0, None)
    with pytest.raises(Refused) as refused:
        _send(any_store, config, ["+447700900123"], T0, None)
    assert refused.value.field == "to"
    assert "+447700900123 is a number of +44 (GB), not allowed for this appliance" in str(
        refused.value
    )


def test_a_token_with_its_own_countries(any_store, config) -> None:
    row, _ = create_token(any_store, "school-script", T0)
    any_store.set_token_limits("school-script", countries=stored_countries({33, 32}))
    rules = token_rules(config, any_store.token_named("school-script"))
    _send(any_store, config, ["+32470123456", "+33612345678"], T0, rules)
    with pytest.raises(Refused, match="not allowed for token 'school-script'") as refused:
        # all or nothing: the Belgian number before it is not queued either
        _send(any_store, config, ["+32470999999", "+447700900123"], T0, rules)
    assert f"smsrelay token limit {row.id}" in str(refused.value)
    assert len(any_store.messages(limit=10)) == 2
    any_store.set_token_limits(row.id, countries=stored_countries(None))  # "*": any country
    rules = token_rules(config, any_store.token_named("school-script"))
    assert _send(any_store, config, ["+447700900123"], T0, rules)[0].token_id == row.id


def test_a_user_with_its_own_countries(any_store, config) -> None:
    user = User(name="marie", password_hash="x", role="volunteer", created_at=T0)
    assert user_rules(config, user).countries == frozenset({33})
    user.countries = stored_countries(parse_countries("FR, +41"))
    _send(any_store, config, ["+41791234567"], T0, user_rules(config, user))
    with pytest.raises(Refused, match="not allowed for user 'marie'"):
        _send(any_store, config, ["+4915112345678"], T0, user_rules(config, user))


def test_the_daily_quota_of_a_token_across_midnight(any_store, config) -> None:
    """4 messages and 4 parts a local day (Paris); midnight in Paris is 23:00 UTC in winter."""
    create_token(any_store, "school-script", T0)
    any_store.set_token_limits("school-script", daily_messages=4, daily_parts=4)
    clock = ManualClock(T0.replace(hour=22, minute=30))  # 23:30 in Paris
    rules = token_rules(config, any_store.token_named("school-script"))
    _send(any_store, config, ["+33611111111", "+33622222222"], clock.now(), rules)
    three = ["+33633333333", "+33644444444", "+33655555555"]
    with pytest.raises(QuotaExceeded, match="4 messages a day and 2 were queued today") as over:
        _send(any_store, config, three, clock.now(), rules)  # all or nothing
    assert over.value.field == "quota" and "midnight (Europe/Paris)" in str(over.value)
    _send(any_store, config, ["+33633333333"], clock.now(), rules, text="x" * 200)  # 2 parts
    with pytest.raises(QuotaExceeded, match="4 parts a day and 4 were queued today"):
        _send(any_store, config, ["+33644444444"], clock.now(), rules)
    clock.advance(timedelta(minutes=31))  # 00:01 in Paris: a new day
    _send(any_store, config, ["+33644444444"], clock.now(), rules, text="x" * 200)
    assert len(any_store.messages(limit=10)) == 4


def test_the_quota_on_the_cli_quick_path(store, config, tmp_path) -> None:
    """The CLI's sqlite3 path counts the same messages under the same rules."""
    create_token(store, "pi-script", T0)
    store.set_token_limits("pi-script", daily_messages=1)
    direct = open_direct(config.database)
    assert direct is not None
    rules = token_rules(config, direct.token_named("pi-script"))
    _send(direct, config, ["+33611111111"], T0, rules)
    with pytest.raises(QuotaExceeded):
        _send(direct, config, ["+33622222222"], T0, rules)  # counted by the quick path
    with pytest.raises(QuotaExceeded):
        _send(store, config, ["+33622222222"], T0, rules)  # and by the full store
    with pytest.raises(Refused, match="not allowed for token 'pi-script'"):
        _send(direct, config, ["+447700900123"], T0, rules)
    direct.close()


def test_names_of_modems_and_sims(any_store) -> None:
    any_store.upsert_modem("356938035643809", iccid="89330123456789012345")
    any_store.upsert_sim("89330123456789012345", msisdn=None)
    any_store.name_modem("356938035643809", "Clé 1")
    any_store.name_sim("89330123456789012345", name="Orange 1", number="+33612345678")
    assert any_store.modem("356938035643809").name == "Clé 1"
    label = any_store.sim_labels()["89330123456789012345"]
    assert (label.name, label.msisdn, label.number) == ("Orange 1", None, "+33612345678")
    any_store.record_msisdn("89330123456789012345", "+33699999999")
    assert any_store.sim_labels()["89330123456789012345"].msisdn == "+33699999999"
    with pytest.raises(UnknownDevice, match="no modem 111111111111111"):
        any_store.name_modem("111111111111111", "x")


def test_config_countries_in_words(tmp_path) -> None:
    from appliance.config import ConfigError, load_config

    path = tmp_path / "smsrelay.toml"
    path.write_text('[security]\ncountries = ["33", "BE", "+262"]\ntoken_daily_messages = 50\n')
    config = load_config(path, environ={"XDG_DATA_HOME": str(tmp_path)})
    assert config.security.countries == frozenset({33, 32, 262})
    assert config.security.token_daily_messages == 50
    path.write_text('[security]\ncountries = ["33", "Narnia"]\n')
    with pytest.raises(ConfigError, match=r"countries.*'Narnia' is neither a country calling"):
        load_config(path, environ={"XDG_DATA_HOME": str(tmp_path)})
    assert dataclasses.is_dataclass(config)
