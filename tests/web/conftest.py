"""Fixtures shared by the web tests: an app over a migrated throwaway database, a client, an API
token and users of both roles.

Each test gets its own data dir (``tmp_path``), so its SQLite file, session key and wake-up socket
path are private. The clock stands still at ``T0`` (``ManualClock``): send times, token use and
"sent today" are then exact. ``app`` is in TESTING mode (an unexpected exception fails the test
instead of becoming a 500) with CSRF protection on, as in production; ``app_factory`` builds
variants (``app_factory(TESTING=False)``).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from appliance.accounts import add_user, create_token
from appliance.clock import ManualClock
from appliance.config import Config, load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import User
from web import create_app
from web.sessions import login_id

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
ADMIN_NAME, ADMIN_PASSWORD = "alice", "alice-password-1"
VOLUNTEER_NAME, VOLUNTEER_PASSWORD = "victor", "victor-password-1"


@pytest.fixture
def config(tmp_path) -> Config:
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path), "TZ": "UTC"})
    return dataclasses.replace(base, auto_discovery=False, node="test-node")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty database migrated once per run: each test starts from a copy of the file, as
    running alembic costs 0.2 s to over a second a test on a busy machine."""
    path = tmp_path_factory.mktemp("migrated") / "smsrelay.db"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection closes: SQLite folds the WAL back into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def store(config, migrated_database) -> Iterator[Store]:
    database = Path(make_url(config.database).database or "")
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_database, database)
    engine = create_engine_for(config.database)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def app_factory(config, store, clock) -> Callable[..., Flask]:
    """``app_factory(**flask_config)``: an app on the test's store and clock."""

    def build(**test_config: object) -> Flask:
        return create_app(
            config, store=store, clock=clock, test_config={"TESTING": True, **test_config}
        )

    return build


@pytest.fixture
def app(app_factory) -> Flask:
    return app_factory()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(store, clock) -> str:
    """The secret of a fresh API token named "tests"."""
    _, secret = create_token(store, "tests", clock.now())
    return secret


@pytest.fixture
def auth(token) -> dict[str, str]:
    """Headers that authenticate an API request."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(store, clock) -> User:
    """An admin user; log in with ``ADMIN_NAME`` / ``ADMIN_PASSWORD``."""
    return add_user(store, ADMIN_NAME, ADMIN_PASSWORD, "admin", clock.now())


@pytest.fixture
def volunteer(store, clock) -> User:
    """A volunteer user; log in with ``VOLUNTEER_NAME`` / ``VOLUNTEER_PASSWORD``."""
    return add_user(store, VOLUNTEER_NAME, VOLUNTEER_PASSWORD, "volunteer", clock.now())


# --- panel fixtures (appended by helper "panel") --------------------------------------------------


def sign_in(client: FlaskClient, user: User) -> None:
    """Give ``client`` a session logged in as ``user`` (as it was when read: a stale copy makes
    the session of an account since renamed or re-passworded), the way Flask-Login keeps it."""
    with client.session_transaction() as session:
        session["_user_id"] = login_id(user)
        session["_fresh"] = True


@pytest.fixture
def fresh_login_limiter() -> Iterator[None]:
    """No login failure remembered from another test: they are kept in the store
    (``appliance.login_limit``), and each test has its own; kept for the modules that ask."""
    yield


@pytest.fixture
def signed_in(request, app_factory) -> Callable[..., FlaskClient]:
    """``signed_in("admin" | "volunteer", **flask_config)``: a client with a logged-in session
    (the ``admin`` or ``volunteer`` fixture's user).

    CSRF is off unless ``WTF_CSRF_ENABLED=True`` is passed: the tests that are about CSRF turn
    it on; the others post forms without scraping tokens.
    """

    def make(role: str, **test_config: object) -> FlaskClient:
        client = app_factory(**{"WTF_CSRF_ENABLED": False, **test_config}).test_client()
        user = request.getfixturevalue("admin" if role == "admin" else "volunteer")
        sign_in(client, user)
        return client

    return make


@pytest.fixture
def fast_password_hashing(monkeypatch) -> None:
    """Hash test passwords in microseconds: scrypt's 0.2 s per user adds up over a suite.

    Only the hash *parameters* change; logins still go through werkzeug's real check.
    """
    import functools

    from werkzeug.security import generate_password_hash

    from appliance import accounts

    fast = functools.partial(generate_password_hash, method="pbkdf2:sha256:1")
    monkeypatch.setattr(accounts, "generate_password_hash", fast)


@pytest.fixture(scope="session")
def _built_apps() -> dict[tuple, Flask]:
    return {}


@pytest.fixture
def shared_app_factory(config, store, clock, _built_apps) -> Callable[..., Flask]:
    """``app_factory`` that builds one app per Flask configuration for the whole session and
    points it at this test's config, store and clock (``app.extensions["smsrelay"]``).

    Building an app compiles its URL rules and, on first use, every template (~0.15 s of CPU);
    the panel tests would build one per test. Test modules opt in by overriding ``app_factory``
    with this fixture. The session signing key stays the first test's, which nothing checks.
    """
    from web.services import Services

    def build(**test_config: object) -> Flask:
        key = tuple(sorted(test_config.items()))
        app = _built_apps.get(key)
        if app is None:
            app = create_app(
                config, store=store, clock=clock, test_config={"TESTING": True, **test_config}
            )
            _built_apps[key] = app
        app.extensions["smsrelay"] = Services(config=config, store=store, clock=clock)
        return app

    return build


FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}  # what a French browser asks for


@pytest.fixture
def french(app_factory):
    """A request of a French browser in progress: ``gettext`` and ``reason_words`` say French."""
    with app_factory().test_request_context("/", headers=FRENCH):
        yield


@pytest.fixture(scope="session")
def vocabulary() -> set[str]:
    """The English words of the panel's catalogue that French never uses: one of them on a
    French page is a string left untranslated (``test_i18n_pages.english_words``)."""
    from tests.web.test_i18n_pages import english_words

    return english_words()
