"""What an audit found in logging in (issue 14): an open redirect after login, a 500 on a newline
in ``next``, the rate limit's holes, sessions that outlived a logout, and the Secure cookie
behind a TLS proxy. Each test here failed before its fix.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from appliance.accounts import user_count

from .conftest import ADMIN_NAME, ADMIN_PASSWORD, T0, VOLUNTEER_NAME, VOLUNTEER_PASSWORD
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


# --- the login rate limit ------------------------------------------------------------------------


def test_another_account_s_success_does_not_reset_the_count(client, admin, volunteer):
    """Before: any good login cleared the address's failures, so one account gave unlimited
    guesses at another."""
    for _ in range(3):
        assert log_in(client, password="guess").status_code == 401
    assert log_in(client, VOLUNTEER_NAME, VOLUNTEER_PASSWORD).status_code == 302
    for _ in range(2):
        assert log_in(client, password="guess").status_code == 401
    assert log_in(client).status_code == 429


def test_parallel_guesses_get_no_more_than_the_limit(app, admin, monkeypatch):
    """Before: every guess sent at once was checked against the count before any was added."""
    from appliance import accounts

    real = accounts.check_password_hash

    def slow(password_hash: str, password: str) -> bool:
        time.sleep(0.3)  # as scrypt on a Pi: every guess is checked before any is counted
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow)
    guessers = [app.test_client() for _ in range(10)]
    tokens = [token_from(guesser, "/login") for guesser in guessers]
    start = threading.Barrier(len(guessers))

    def guess(i: int) -> int:
        start.wait()
        data = {"csrf_token": tokens[i], "name": ADMIN_NAME, "password": f"guess {i}"}
        return guessers[i].post("/login", data=data).status_code

    with ThreadPoolExecutor(len(guessers)) as pool:
        statuses = sorted(pool.map(guess, range(len(guessers))))
    assert statuses == [401] * 5 + [429] * 5


def test_guesses_from_many_addresses_count_for_the_account(client, admin):
    for i in range(10):
        assert log_in(client, password="guess", REMOTE_ADDR=f"192.0.2.{i}").status_code == 401
    assert log_in(client, REMOTE_ADDR="192.0.2.200").status_code == 429


def test_guesses_at_one_account_do_not_lock_the_others_out(client, admin, volunteer):
    for _ in range(5):
        log_in(client, password="guess")
    assert log_in(client).status_code == 429
    assert log_in(client, VOLUNTEER_NAME, VOLUNTEER_PASSWORD).status_code == 302


def test_guessing_many_accounts_from_one_address_is_limited(client, admin):
    for i in range(20):
        assert log_in(client, f"user{i}", "guess").status_code == 401
    assert log_in(client, "user99", "guess").status_code == 429
    assert log_in(client, REMOTE_ADDR="192.0.2.9").status_code == 302


def test_failures_are_kept_in_the_store_across_a_restart(config, store, clock, admin):
    from web import create_app

    first = create_app(config, store=store, clock=clock, test_config={"TESTING": True})
    client = first.test_client()
    for _ in range(5):
        log_in(client, password="guess")
    security = importlib.import_module("web.security")
    memory = getattr(security, "limiter", None)
    if memory is not None and memory.initialized:
        memory.reset()  # what a restart forgets
    again = create_app(config, store=store, clock=clock, test_config={"TESTING": True})
    assert log_in(again.test_client()).status_code == 429


# --- sessions end on the server ------------------------------------------------------------------


def stolen_cookie(app, name=ADMIN_NAME, password=ADMIN_PASSWORD):
    """A logged-in client and a copy of its session cookie (as a thief would take it)."""
    client = app.test_client()
    assert log_in(client, name, password).status_code == 302
    return client, client.get_cookie("smsrelay_session").value


def replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("smsrelay_session", cookie)
    return thief.get("/")


def test_a_copied_cookie_is_dead_after_logout(app, admin):
    client, cookie = stolen_cookie(app)
    assert replay(app, cookie).status_code == 200
    client.post("/logout", data={"csrf_token": token_from(client, "/")})
    response = replay(app, cookie)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_role_change_ends_the_sessions(app, store, admin, volunteer):
    from appliance.accounts import set_role

    _, cookie = stolen_cookie(app, VOLUNTEER_NAME, VOLUNTEER_PASSWORD)
    set_role(store, VOLUNTEER_NAME, "admin")
    assert replay(app, cookie).status_code == 302


@pytest.mark.parametrize("change", ["password", "delete"])
def test_a_password_change_or_a_deletion_ends_the_sessions(app, store, admin, volunteer, change):
    from appliance.accounts import delete_user, set_password

    _, cookie = stolen_cookie(app, VOLUNTEER_NAME, VOLUNTEER_PASSWORD)
    if change == "password":
        set_password(store, VOLUNTEER_NAME, "a new password")
    else:
        delete_user(store, VOLUNTEER_NAME)
    assert replay(app, cookie).status_code == 302


def test_an_admin_logs_a_user_out_everywhere(app, store, admin, volunteer):
    _, cookie = stolen_cookie(app, VOLUNTEER_NAME, VOLUNTEER_PASSWORD)
    admin_client, _ = stolen_cookie(app)
    response = admin_client.post(
        f"/admin/users/{volunteer.id}/logout",
        data={"csrf_token": token_from(admin_client, "/admin")},
    )
    assert response.status_code == 303
    assert replay(app, cookie).status_code == 302
    assert admin_client.get("/").status_code == 200  # the admin's own session goes on


def test_logging_out_everywhere_from_the_command_line(app, store, admin, volunteer, tmp_path):
    from click.testing import CliRunner

    from appliance.cli import main

    _, cookie = stolen_cookie(app, VOLUNTEER_NAME, VOLUNTEER_PASSWORD)
    config_file = tmp_path / "smsrelay.toml"
    database = store.engine.url.render_as_string(hide_password=False)
    config_file.write_text(f'[appliance]\ndatabase = "{database}"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["user", "logout", VOLUNTEER_NAME, "--config", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    assert "session of victor has ended" in result.output
    assert replay(app, cookie).status_code == 302
