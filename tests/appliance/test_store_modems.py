"""A modem's row in the store on SQLite and PostgreSQL: whether it can report received SMS
(``receives``, revision 0013), as the worker writes it and ``views.status`` reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from appliance import views

IMEI = "861234567890123"


def test_a_modem_receives_until_it_comes_up_send_only_and_again_after(any_store):
    any_store.upsert_modem(IMEI, node="n1", state="probing")
    assert any_store.modem(IMEI).receives is True  # the column's default
    any_store.upsert_modem(IMEI, state="ready", receives=False)
    [row] = any_store.modems()
    assert row.receives is False and row.state == "ready"
    any_store.upsert_modem(IMEI, receives=True)  # the same IMEI, now a modem that receives
    assert any_store.modem(IMEI).receives is True


def test_status_carries_it_for_the_card_the_cli_and_the_api(any_store, config):
    any_store.upsert_modem(IMEI, node="n1", state="ready", receives=False)
    [modem] = views.status(config, any_store, datetime.now(UTC))["modems"]
    assert modem["receives"] is False
