"""Issue 16 through the API, the panel and the CLI: naming a modem and its SIM, a SIM's typed
number, and refusals of a country or a token's quota, each in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from appliance.accounts import create_token
from appliance.cli import main
from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

IMEI, ICCID = "356938035643809", "89330123456789012345"


@pytest.fixture
def seen_modem(store, clock):
    store.upsert_modem(IMEI, iccid=ICCID, state="ready", port="/dev/ttyUSB0", seen_at=clock.now())
    store.upsert_sim(ICCID, day="", sent_day=0)
    return IMEI


def test_api_names_a_modem_and_its_sim(client, auth, seen_modem, store) -> None:
    answer = client.patch(
        f"/api/v1/modems/{IMEI}",
        json={"name": "Clé 1", "sim_name": "Orange 1", "sim_number": "06 12 34 56 78"},
        headers=auth,
    )
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["name"], body["sim_name"]) == ("Clé 1", "Orange 1")
    assert (body["sim_number"], body["sim_number_from"]) == ("+33612345678", "typed")
    listed = client.get("/api/v1/modems", headers=auth).json["modems"][0]
    assert listed["sim_name"] == "Orange 1"
    too_long = client.patch(f"/api/v1/modems/{IMEI}", json={"name": "x" * 65}, headers=auth)
    assert too_long.status_code == 422
    assert too_long.json == {"error": "is 65 characters long; at most 64", "field": "name"}
    bad = client.patch(f"/api/v1/modems/{IMEI}", json={"sim_number": "06 12 34"}, headers=auth)
    assert bad.status_code == 422 and bad.json["field"] == "sim_number"
    unknown = client.patch("/api/v1/modems/111111111111111", json={"name": "x"}, headers=auth)
    assert unknown.status_code == 404
    assert store.modem(IMEI).name == "Clé 1"  # nothing half-written by the refusals


def test_api_refuses_a_country_and_a_quota_in_words(client, store, clock) -> None:
    row, secret = create_token(store, "school-script", clock.now())
    store.set_token_limits(row.id, daily_messages=1)
    headers = {"Authorization": f"Bearer {secret}"}
    abroad = client.post(
        "/api/v1/messages", json={"to": "+447700900123", "text": "Hi"}, headers=headers
    )
    assert abroad.status_code == 422 and abroad.json["field"] == "to"
    assert "+44 (GB), not allowed for token 'school-script'" in abroad.json["error"]
    home = {"to": "+33612345678", "text": "Bonjour"}
    assert client.post("/api/v1/messages", json=home, headers=headers).status_code == 201
    over = client.post("/api/v1/messages", json=home, headers=headers)
    assert over.status_code == 429 and over.json["field"] == "quota"
    assert "daily quota of token 'school-script' is 1 messages" in over.json["error"]


def test_panel_names_on_the_card_and_compose_refusal(signed_in, seen_modem, store) -> None:
    client = signed_in("admin")
    saved = client.post(
        f"/modems/{IMEI}/name", data={"name": "Clé 1", "sim_name": "Orange 2", "sim_number": ""}
    )
    assert saved.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Clé 1" in page and "Orange 2" in page and "the SIM does not store it" in page
    client.post(f"/modems/{IMEI}/name", data={"name": "x" * 70})
    assert "Modem name is 70 characters long" in client.get("/").get_data(as_text=True)
    assert store.modem(IMEI).name == "Clé 1"
    refused = client.post("/compose", data={"to": "+447700900123", "text": "Hi", "when": "now"})
    assert refused.status_code == 422  # as for a number that opted out
    assert "not allowed for user" in refused.get_data(as_text=True)


def test_a_volunteer_cannot_rename(signed_in, seen_modem) -> None:
    assert (
        signed_in("volunteer").post(f"/modems/{IMEI}/name", data={"name": "x"}).status_code == 403
    )


@pytest.fixture
def config_path(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)
    path = tmp_path / "cli" / "smsrelay.toml"
    path.parent.mkdir()
    path.write_text(
        f'[appliance]\ndatabase = "sqlite:///{path.parent}/smsrelay.db"\n'
        "[discovery]\nauto = false\n",
        encoding="utf-8",
    )
    return path


def test_cli_names_limits_and_refusals(config_path, clock) -> None:
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    cli_store = Store(engine)
    cli_store.upsert_modem(IMEI, iccid=ICCID)
    cli_store.upsert_sim(ICCID)
    create_token(cli_store, "school-script", clock.now())

    def run(*args: str):
        return CliRunner().invoke(main, [args[0], args[1], "--config", str(config_path), *args[2:]])

    named = run("modem", "name", IMEI, "Clé 1", "--sim", "Orange 1", "--number", "0612345678")
    assert named.exit_code == 0, named.output
    assert "name Orange 1, number +33612345678" in named.output
    assert run("modem", "name", IMEI, "x" * 65).exit_code == 2
    assert "--number: it is too short" in run("modem", "name", IMEI, "--number", "06 12").output
    assert run("modem", "name", "111111111111111", "x").exit_code == 1
    limited = run(
        "token", "limit", "school-script", "--countries", "FR,BE", "--daily-messages", "1"
    )
    assert limited.exit_code == 0, limited.output
    assert "may send to +32 (BE), +33 (FR); daily quota: 1 messages" in limited.output
    assert run("token", "limit", "school-script", "--countries", "Narnia").exit_code == 2
    send = ["send", "+32470123456", "Bonjour", "--as-token", "school-script"]
    assert run(*send).exit_code == 0
    over = run(*send)
    assert over.exit_code == 4 and "daily quota of token 'school-script'" in over.output
    abroad = run("send", "+447700900123", "Hi")
    assert abroad.exit_code == 2
    assert "+44 (GB), not allowed for this appliance" in abroad.output
    engine.dispose()
