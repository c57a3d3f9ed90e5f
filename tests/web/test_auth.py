"""Logging in to the panel: first run, login, logout, the rate limit, CSRF and the cookie.

These run with CSRF protection on, as in production: each form's token is read from the page
that carries it, the way a browser does.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from appliance.accounts import add_user, user_count
from appliance.store.schema import User

from .conftest import ADMIN_NAME, ADMIN_PASSWORD, T0


@pytest.fixture
def app_factory(shared_app_factory):
    """One app per Flask configuration for the module (building one per test costs more CPU
    than the tests themselves)."""
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fresh(fast_password_hashing, fresh_login_limiter):
    """Quick password hashes, and a limiter that remembers no failure from other tests."""


def token_from(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, name=ADMIN_NAME, password=ADMIN_PASSWORD, *, next_path=None, **environ):
    path = "/login" + (f"?next={next_path}" if next_path else "")
    token = token_from(client, "/login")
    return client.post(
        path,
        data={"csrf_token": token, "name": name, "password": password},
        environ_base=environ,
    )


# --- first run -----------------------------------------------------------------------------------


def test_with_no_user_everything_leads_to_setup(client):
    for path in ("/", "/login", "/queue", "/admin"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/setup", path


def test_setup_creates_the_first_admin_and_logs_in(client, store):
    token = token_from(client, "/setup")
    response = client.post(
        "/setup",
        data={"csrf_token": token, "name": "alice", "password": "p" * 10, "confirm": "p" * 10},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "alice (admin)" in page
    with store.session() as session:
        assert session.exec(select(User.role)).all() == ["admin"]


def test_setup_closes_for_good_once_a_user_exists(client, store, admin):
    assert client.get("/setup").headers["Location"] == "/login"
    token = token_from(client, "/login")
    client.post(
        "/setup",
        data={"csrf_token": token, "name": "mallory", "password": "p" * 10, "confirm": "p" * 10},
    )
    assert user_count(store) == 1


@pytest.mark.parametrize(
    ("password", "confirm", "why"),
    [("p" * 10, "q" * 10, "The two passwords differ."), ("short", "short", "at least 8")],
)
def test_setup_refuses_bad_passwords(client, store, password, confirm, why):
    token = token_from(client, "/setup")
    response = client.post(
        "/setup",
        data={"csrf_token": token, "name": "alice", "password": password, "confirm": confirm},
    )
    assert response.status_code == 400 and why in response.get_data(as_text=True)
    assert user_count(store) == 0


# --- login and logout ----------------------------------------------------------------------------


def test_login_returns_to_the_page_asked_for(client, admin):
    first = client.get("/history?q=rappel")
    assert first.headers["Location"] == "/login?next=/history?q%3Drappel"
    response = log_in(client, next_path="/history?q%3Drappel")
    assert response.status_code == 302 and response.headers["Location"] == "/history?q=rappel"
    assert client.get("/history").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_login_never_sends_elsewhere(client, admin, target):
    response = log_in(client, next_path=target)
    assert response.headers["Location"] == "/"


def test_a_wrong_password_is_401_and_says_so_without_naming_which(client, admin, volunteer):
    response = log_in(client, password="wrong-password")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Wrong name or password." in page
    assert f'value="{ADMIN_NAME}"' in page  # the name stays typed
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_httponly_and_lax_and_secure_over_https(app, admin):
    response = log_in(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("smsrelay_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    token = token_from(secure, "https://localhost/login")
    response = secure.post(
        "https://localhost/login",
        data={"csrf_token": token, "name": ADMIN_NAME, "password": ADMIN_PASSWORD},
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Secure" in response.headers["Set-Cookie"]


def test_logout_is_a_post_and_ends_the_session(client, admin):
    log_in(client)
    assert client.get("/logout").status_code == 405
    token = token_from(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_a_deleted_user_is_logged_out(client, store, admin):
    add_user(store, "someone", "p" * 10, "admin", T0)
    log_in(client)
    with store.session() as session:
        session.delete(session.get(User, admin.id))
        session.commit()
    assert client.get("/").headers["Location"].startswith("/login")


# --- rate limit ----------------------------------------------------------------------------------


def test_the_sixth_failure_in_a_row_is_429_even_with_the_right_password(client, admin):
    for _ in range(5):
        assert log_in(client, password="guess").status_code == 401
    blocked = log_in(client)
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_the_limit_is_per_address(client, admin):
    for _ in range(5):
        log_in(client, password="guess", REMOTE_ADDR="192.0.2.1")
    assert log_in(client, password="guess", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert log_in(client, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_a_success_forgets_earlier_failures(client, admin):
    for _ in range(4):
        log_in(client, password="guess")
    assert log_in(client).status_code == 302
    for _ in range(5):
        assert log_in(client, password="guess").status_code == 401


# --- CSRF ----------------------------------------------------------------------------------------


def test_login_without_a_csrf_token_is_400(client, admin):
    response = client.post("/login", data={"name": ADMIN_NAME, "password": ADMIN_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_token_from_another_session_is_refused(app, admin):
    stranger = app.test_client()
    token = token_from(stranger, "/login")
    victim = app.test_client()
    victim.get("/login")
    response = victim.post(
        "/login", data={"csrf_token": token, "name": ADMIN_NAME, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 400


def test_a_session_ends_when_its_account_is_replaced(signed_in, store, volunteer):
    """SQLite may reuse a deleted user's id: the old cookie must not log in as the newcomer."""
    client = signed_in("volunteer")
    assert client.get("/").status_code == 200
    with store.session() as session:
        session.delete(session.get(User, volunteer.id))
        session.commit()
    newcomer = add_user(store, "newcomer", "another password", "admin", T0)
    assert newcomer.id == volunteer.id  # the id really was reused
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
