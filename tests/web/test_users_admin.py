"""Users managed on the Admin page: rename, role, password, delete, and the rules behind them.

Each change is a POST form (CSRF like the others) answered 303 when done, 400 with a flash
naming the problem when refused, 404 for a user that does not exist. Sessions are checked the
way a browser meets them: a second client, logged in as the changed user, makes its next
request. The rules themselves (``appliance.accounts``) are checked without Flask at the end,
with the dummy hash that makes an unknown name cost as much as a wrong password.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import pytest
from flask.testing import FlaskClient

from appliance import accounts
from appliance.accounts import (
    AccountError,
    UnknownUser,
    add_user,
    check_login,
    delete_user,
    find_user,
    rename_user,
    set_password,
    set_role,
    users,
)
from tests.web.conftest import ADMIN_NAME, VOLUNTEER_NAME, VOLUNTEER_PASSWORD, sign_in

NEW_PASSWORD = "a-new-password-9"


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """Hash test passwords quickly (scrypt takes 0.2 s each)."""


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture
def admin_client(signed_in) -> FlaskClient:
    return signed_in("admin")


@pytest.fixture
def volunteer_client(signed_in) -> FlaskClient:
    return signed_in("volunteer")


def body(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def names(store) -> dict[str, str]:
    return {u.name: u.role for u in users(store)}


def logged_out(client: FlaskClient) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def a_second_admin(store, clock):
    return add_user(store, "bob", "bob-password-1", "admin", clock.now())


# --- rename --------------------------------------------------------------------------------------


def test_an_admin_renames_a_user_whose_sessions_end(
    admin_client, volunteer_client, store, volunteer
):
    assert not logged_out(volunteer_client)
    response = admin_client.post(f"/admin/users/{volunteer.id}/rename", data={"name": "hugo"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    assert "User victor is now hugo" in body(admin_client.get("/admin"))
    assert names(store) == {ADMIN_NAME: "admin", "hugo": "volunteer"}
    assert logged_out(volunteer_client)
    assert check_login(store, "hugo", VOLUNTEER_PASSWORD, volunteer.created_at) is not None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (ADMIN_NAME, "there is already a user named 'alice'"),
        ("two words", "a user name is 1 to 64 characters without spaces"),
        ("", "a user name is 1 to 64 characters without spaces"),
        ("x" * 65, "a user name is 1 to 64 characters without spaces"),
    ],
)
def test_a_bad_new_name_is_refused_with_the_reason(admin_client, store, volunteer, name, why):
    response = admin_client.post(f"/admin/users/{volunteer.id}/rename", data={"name": name})
    assert response.status_code == 400
    assert f"Cannot rename victor: {why}." in body(response)
    assert VOLUNTEER_NAME in names(store)


def test_an_admin_who_renames_themself_stays_logged_in(admin_client, store, admin):
    response = admin_client.post(f"/admin/users/{admin.id}/rename", data={"name": "alice2"})
    assert response.status_code == 303
    assert admin_client.get("/admin").status_code == 200
    other_browser = admin_client.application.test_client()
    sign_in(other_browser, admin)  # the old one
    assert logged_out(other_browser)


# --- role ----------------------------------------------------------------------------------------


def test_a_volunteer_made_admin_logs_in_again_as_an_admin(
    admin_client, volunteer_client, volunteer, store
):
    assert volunteer_client.get("/admin").status_code == 403
    response = admin_client.post(f"/admin/users/{volunteer.id}/role", data={"role": "admin"})
    assert response.status_code == 303
    assert logged_out(volunteer_client)  # a new role ends the sessions (issue 14)
    sign_in(volunteer_client, find_user(store, volunteer.id))
    assert volunteer_client.get("/admin").status_code == 200


def test_the_last_admin_cannot_be_demoted(admin_client, store, admin, volunteer):
    response = admin_client.post(f"/admin/users/{admin.id}/role", data={"role": "volunteer"})
    assert response.status_code == 400
    assert "alice is the last admin" in body(response)
    assert names(store)[ADMIN_NAME] == "admin"


def test_an_admin_may_step_down_when_another_remains(admin_client, store, admin, clock):
    a_second_admin(store, clock)
    response = admin_client.post(f"/admin/users/{admin.id}/role", data={"role": "volunteer"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert admin_client.get("/admin").status_code == 403
    assert not logged_out(admin_client)


def test_an_unknown_role_is_refused(admin_client, volunteer):
    response = admin_client.post(f"/admin/users/{volunteer.id}/role", data={"role": "root"})
    assert response.status_code == 400
    assert "role must be one of admin, volunteer" in body(response)


# --- password ------------------------------------------------------------------------------------


def test_a_new_password_ends_the_users_sessions(
    admin_client, volunteer_client, store, volunteer, clock
):
    response = admin_client.post(
        f"/admin/users/{volunteer.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert "New password for victor" in body(admin_client.get("/admin"))
    assert logged_out(volunteer_client)
    assert check_login(store, VOLUNTEER_NAME, VOLUNTEER_PASSWORD, clock.now()) is None
    assert check_login(store, VOLUNTEER_NAME, NEW_PASSWORD, clock.now()) is not None


@pytest.mark.parametrize(
    ("form", "why"),
    [
        ({"confirm": "something-else"}, "the two passwords differ"),
        ({"password": "short", "confirm": "short"}, "at least 8 characters"),
    ],
)
def test_a_bad_password_is_refused(
    admin_client, volunteer_client, store, volunteer, clock, form, why
):
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **form}
    response = admin_client.post(f"/admin/users/{volunteer.id}/password", data=data)
    assert response.status_code == 400
    assert "Cannot change the password of victor" in body(response) and why in body(response)
    assert not logged_out(volunteer_client)
    assert check_login(store, VOLUNTEER_NAME, VOLUNTEER_PASSWORD, clock.now()) is not None


def test_an_admin_who_changes_their_own_password_stays_logged_in(admin_client, admin):
    response = admin_client.post(
        f"/admin/users/{admin.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert admin_client.get("/admin").status_code == 200


# --- delete --------------------------------------------------------------------------------------


def test_a_deleted_users_sessions_end(admin_client, volunteer_client, store, volunteer, clock):
    response = admin_client.post(f"/admin/users/{volunteer.id}/delete")
    assert response.status_code == 303
    assert "User victor deleted." in body(admin_client.get("/admin"))
    assert names(store) == {ADMIN_NAME: "admin"}
    assert logged_out(volunteer_client)
    # the same id given to a new account (SQLite reuses the highest rowid) opens nothing either
    newcomer = add_user(store, "mallory", "mallory-password", "admin", clock.now())
    assert newcomer.id == volunteer.id
    assert logged_out(volunteer_client)


def test_an_admin_cannot_delete_themself(admin_client, store, admin, clock):
    a_second_admin(store, clock)
    response = admin_client.post(f"/admin/users/{admin.id}/delete")
    assert response.status_code == 400
    assert "you cannot delete the account you are logged in with" in body(response)
    assert ADMIN_NAME in names(store)


def test_the_admin_page_offers_the_changes(admin_client, admin, volunteer):
    text = body(admin_client.get("/admin"))
    for action in ("rename", "role", "password", "delete"):
        assert f'action="/admin/users/{volunteer.id}/{action}"' in text
    assert f'action="/admin/users/{admin.id}/delete"' not in text
    assert 'alice <span class="muted">(you)</span>' in text


# --- who may ------------------------------------------------------------------------------------

ACTIONS = ["rename", "role", "password", "delete"]
FORM = {"name": "mallory", "role": "admin", "password": "p" * 12, "confirm": "p" * 12}


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_user_is_404(admin_client, action):
    assert admin_client.post(f"/admin/users/999/{action}", data=FORM).status_code == 404
    assert admin_client.post(f"/admin/users/{2**64}/{action}", data=FORM).status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_volunteers_cannot_change_users(volunteer_client, store, admin, action):
    before = {(u.name, u.role, u.password_hash) for u in users(store)}
    response = volunteer_client.post(f"/admin/users/{admin.id}/{action}", data=FORM)
    assert response.status_code == 403
    assert {(u.name, u.role, u.password_hash) for u in users(store)} == before


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_visitors_change_nothing(app_factory, store, admin, volunteer, action):
    client = app_factory(WTF_CSRF_ENABLED=False).test_client()
    response = client.post(f"/admin/users/{volunteer.id}/{action}", data=FORM)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert names(store) == {ADMIN_NAME: "admin", VOLUNTEER_NAME: "volunteer"}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_without_the_csrf_token_is_refused(signed_in, store, volunteer, action):
    client = signed_in("admin", WTF_CSRF_ENABLED=True)
    response = client.post(f"/admin/users/{volunteer.id}/{action}", data=FORM)
    assert response.status_code == 400
    assert names(store) == {ADMIN_NAME: "admin", VOLUNTEER_NAME: "volunteer"}


def test_with_the_csrf_token_the_form_works(signed_in, store, volunteer):
    client = signed_in("admin", WTF_CSRF_ENABLED=True)
    page = body(client.get("/admin"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/admin/users/{volunteer.id}/rename", data={"name": "hugo", "csrf_token": token}
    )
    assert response.status_code == 303
    assert "hugo" in names(store)


# --- the rules, without Flask --------------------------------------------------------------------


def test_there_is_always_an_admin(store, admin, clock):
    with pytest.raises(AccountError, match="last admin and cannot be deleted"):
        delete_user(store, ADMIN_NAME)
    bob = a_second_admin(store, clock)
    set_role(store, ADMIN_NAME, "volunteer")
    with pytest.raises(AccountError, match="bob is the last admin"):
        set_role(store, bob.id, "volunteer")
    delete_user(store, ADMIN_NAME)
    with pytest.raises(AccountError, match="last admin"):
        delete_user(store, "bob")
    assert names(store) == {"bob": "admin"}


def test_unknown_users_are_named(store, admin):
    for change in (
        lambda: rename_user(store, "nobody", "somebody"),
        lambda: set_role(store, "nobody", "admin"),
        lambda: set_password(store, "nobody", NEW_PASSWORD),
        lambda: delete_user(store, "nobody"),
    ):
        with pytest.raises(UnknownUser, match="no user named 'nobody'"):
            change()


def test_renaming_to_the_same_name_changes_nothing(store, admin):
    assert rename_user(store, ADMIN_NAME, f" {ADMIN_NAME} ").name == ADMIN_NAME


# --- the dummy hash ------------------------------------------------------------------------------


def test_importing_accounts_computes_no_hash():
    code = (
        "import werkzeug.security as w\n"
        "calls = []\n"
        "real = w.generate_password_hash\n"
        "w.generate_password_hash = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
        "import appliance.accounts as a\n"
        "assert a._dummy is None and not calls, calls\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_dummy_hash_is_made_once_however_many_threads_ask(monkeypatch):
    """Eight logins with unknown names at once: one hash made, the same for all."""
    monkeypatch.setattr(accounts, "_dummy", None)
    threads_waiting = threading.Condition()
    arrived = []
    made = []

    class CountingLock:
        """The real lock, counting who reached it."""

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def __enter__(self):
            with threads_waiting:
                arrived.append(threading.current_thread().name)
                threads_waiting.notify_all()
            self.lock.acquire()

        def __exit__(self, *exc):
            self.lock.release()

    def slow_hash(password: str) -> str:
        with threads_waiting:  # hold the lock until every thread has come for it
            assert threads_waiting.wait_for(lambda: len(arrived) == 8, timeout=10)
        made.append(password)
        return f"hash-{len(made)}"

    monkeypatch.setattr(accounts, "_dummy_lock", CountingLock())
    monkeypatch.setattr(accounts, "generate_password_hash", slow_hash)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(accounts._dummy_hash())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert made == ["not a real password"] and results == ["hash-1"] * 8


def test_an_unknown_name_costs_a_real_password_check(store, admin, clock, monkeypatch):
    """The dummy is a hash of the users' own method and cost, and it is checked."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(accounts, "generate_password_hash", generate_password_hash)  # scrypt
    monkeypatch.setattr(accounts, "_dummy", None)
    checked = []
    real_check = accounts.check_password_hash
    monkeypatch.setattr(
        accounts,
        "check_password_hash",
        lambda stored, password: checked.append(stored) or real_check(stored, password),
    )
    assert check_login(store, "nobody", "a-guess-123", clock.now()) is None
    method = generate_password_hash("x").split("$")[0]
    assert len(checked) == 1 and checked[0].split("$")[0] == method
