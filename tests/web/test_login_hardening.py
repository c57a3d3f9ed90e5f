"""What an audit found in logging in (issue 14): an open redirect after login, a 500 on a newline
in ``next``, the rate limit's holes, sessions that outlived a logout, and the Secure cookie
behind a TLS proxy. Each test here failed before its fix.
"""

from __future__ import annotations

import dataclasses

import pytest

from appliance.accounts import user_count

from .conftest import ADMIN_NAME, ADMIN_PASSWORD, T0
from .test_auth import log_in, token_from


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fresh(fast_password_hashing, fresh_login_limiter):
    """Quick password hashes, and no failure remembered from other tests."""


# --- where a login leads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",  # a tab: browsers drop it and read //evil.example
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%5c/evil.example",  # /\ is // to a browser
        "%5c%5cevil.example",
        "/%00/evil.example",
        "/%7f/evil.example",
        "///evil.example",
        "%2f%2fevil.example",
    ],
)
def test_login_never_leads_to_another_site_however_next_is_encoded(client, admin, target):
    response = log_in(client, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_newline_in_next_is_no_500_and_the_login_holds(client, admin):
    response = log_in(client, next_path="/history%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


# --- passwords that guard nothing ----------------------------------------------------------------


@pytest.mark.parametrize("password", [" " * 8, "\t" * 10, " \u00a0 \u2003    "])
def test_a_password_of_spaces_only_is_refused(store, admin, password):
    from appliance.accounts import AccountError, add_user, set_password

    with pytest.raises(AccountError, match="password"):
        add_user(store, "victor", password, "volunteer", T0)
    with pytest.raises(AccountError, match="password"):
        set_password(store, admin.id, password)


def test_the_setup_page_refuses_a_password_of_spaces(client, store):
    token = token_from(client, "/setup")
    response = client.post(
        "/setup",
        data={"csrf_token": token, "name": "alice", "password": " " * 8, "confirm": " " * 8},
    )
    assert response.status_code == 400 and "password" in response.get_data(as_text=True)
    assert user_count(store) == 0


# --- behind a TLS reverse proxy ------------------------------------------------------------------


def proxied_app(config, store, clock, *, behind_proxy: bool):
    from appliance.config.security import SecurityConfig
    from web import create_app

    config = dataclasses.replace(config, security=SecurityConfig(behind_proxy=behind_proxy))
    return create_app(config, store=store, clock=clock, test_config={"TESTING": True})


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.example.org"}


def log_in_through_proxy(client):
    token = token_from(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "name": ADMIN_NAME, "password": ADMIN_PASSWORD},
        headers={**FORWARDED, "Referer": "https://sms.example.org/login"},
    )


def test_behind_a_tls_proxy_the_session_cookie_is_secure(config, store, clock, admin):
    client = proxied_app(config, store, clock, behind_proxy=True).test_client()
    response = log_in_through_proxy(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Secure" in response.headers["Set-Cookie"]


def test_forwarded_headers_are_ignored_unless_the_config_says_a_proxy_is_there(
    config, store, clock, admin
):
    client = proxied_app(config, store, clock, behind_proxy=False).test_client()
    response = log_in_through_proxy(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Secure" not in response.headers["Set-Cookie"]
