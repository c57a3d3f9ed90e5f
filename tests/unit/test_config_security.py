"""The ``[security]`` table: defaults that refuse, values the admin may relax, mistakes named."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from appliance.config import ConfigError, load_config


def config_with(tmp_path, body: str):
    path = tmp_path / "smsrelay.toml"
    path.write_text(f"[security]\n{body}\n", encoding="utf-8")
    return load_config(path, environ={})


def test_the_defaults_refuse_everything_the_table_can_allow(tmp_path):
    security = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path)}).security
    assert security.short_codes == frozenset() and not security.allows_short_code("38200")
    assert security.premium_rate is False
    assert security.webhook_networks == ()
    assert security.behind_proxy is False


def test_values_are_read(tmp_path):
    security = config_with(
        tmp_path,
        'short_codes = ["38200", "36180"]\npremium_rate = true\n'
        'webhook_networks = ["192.168.1.0/24", "127.0.0.1", "fd00::/8"]\nbehind_proxy = true',
    ).security
    assert security.allows_short_code("38200") and not security.allows_short_code("81212")
    assert security.premium_rate and security.behind_proxy
    assert security.webhook_networks == (
        ip_network("192.168.1.0/24"),
        ip_network("127.0.0.1/32"),
        ip_network("fd00::/8"),
    )
    assert config_with(tmp_path, "short_codes = true").security.allows_short_code("81212")


@pytest.mark.parametrize(
    ("body", "key", "why"),
    [
        ('short_codes = ["3 8200"]', "security.short_codes", "3 to 6 digits"),
        ('short_codes = "38200"', "security.short_codes", "list of short codes"),
        ('short_codes = ["12"]', "security.short_codes", "3 to 6 digits"),
        ("premium_rate = 1", "security.premium_rate", "true or false"),
        ('webhook_networks = ["192.168.1.0/33"]', "security.webhook_networks", "address range"),
        ('webhook_networks = "10.0.0.0/8"', "security.webhook_networks", "list of address"),
        ('behind_proxy = "yes"', "security.behind_proxy", "true or false"),
        ("behind_proxies = true", "security.behind_proxies", "did you mean 'behind_proxy'"),
    ],
)
def test_mistakes_are_named(tmp_path, body, key, why):
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, body)
    assert caught.value.key == key and why in caught.value.why
