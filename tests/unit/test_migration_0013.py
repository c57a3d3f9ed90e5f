"""Revision 0013 (issue 13): whether a modem can report received SMS, up and down again; the
modems stay, and those there before it count as receiving (they could not come up otherwise)."""

from __future__ import annotations

from sqlalchemy import inspect

from .test_database import HEAD, _alembic, engine, revision, url  # noqa: F401 - fixtures


def test_the_modem_s_receives_goes_up_and_down_again(engine):
    from appliance.store import Store

    store = Store(engine)
    store.upsert_modem("861234567890123", node="n1", state="ready", receives=False)
    _alembic(engine, "downgrade", "0012")
    assert "receives" not in {c["name"] for c in inspect(engine).get_columns("modem")}
    _alembic(engine, "upgrade", "head")
    assert revision(engine) == HEAD
    modem = store.modem("861234567890123")
    assert modem is not None and modem.state == "ready" and modem.receives is True
