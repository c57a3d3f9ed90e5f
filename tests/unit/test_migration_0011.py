"""Revision 0011 (issue 14): the login failures' table and the accounts' session epoch, up and
down again; the accounts stay, and so do their passwords."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect

from appliance.accounts import add_user, check_login

from .test_database import HEAD, _alembic, engine, revision, url  # noqa: F401 - fixtures


def test_the_login_limit_and_session_epoch_go_up_and_down_again(engine):
    from appliance.store import Store

    store = Store(engine)
    now = datetime.now(UTC)
    add_user(store, "alice", "alice-password-1", "admin", now)
    _alembic(engine, "downgrade", "0010")
    assert "login_failure" not in set(inspect(engine).get_table_names())
    assert "session_epoch" not in {c["name"] for c in inspect(engine).get_columns("app_user")}
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    user = check_login(store, "alice", "alice-password-1", now)
    assert user is not None and user.session_epoch == 0
