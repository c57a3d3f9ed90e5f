"""``smsrelay privacy access`` (the right of access) and ``smsrelay privacy prune`` (the
retention rule applied now), run in-process on a real TOML file and SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select

from appliance.cli import main
from appliance.config import load_config
from appliance.store import NewMessage, Store
from appliance.store.contacts import ContactValues
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Message, Status

NUMBER = "+33612345678"
NOW = datetime.now(UTC)
PROOF = "file a.csv line 4"

CONFIG = """\
[appliance]
database = "sqlite:///{folder}/smsrelay.db"
data_dir = "{folder}/data"
timezone = "Europe/Paris"

[discovery]
auto = false

[retention]
messages = "60d"
events = false
"""


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)


@pytest.fixture
def config_path(tmp_path) -> Path:
    path = tmp_path / "smsrelay.toml"
    path.write_text(CONFIG.format(folder=tmp_path), encoding="utf-8")
    return path


@pytest.fixture
def store(config_path):
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def run(config_path: Path, *args: str) -> Result:
    """``smsrelay privacy COMMAND --config FILE ARGS...``; a crash (not an exit) fails."""
    command, *rest = args
    result = CliRunner().invoke(main, ["privacy", command, "--config", str(config_path), *rest])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _person(store) -> Message:
    person = ContactValues(NUMBER, "Aloysius", "Pépin", "fr", ("Bénévole",), {"escalier": "B"}, 4)
    store.upsert_contacts([person], now=NOW, source="import", proof_of=lambda row: PROOF)
    message = store.enqueue(NewMessage(NUMBER, "Collecte demain", 1, "gsm7"), NOW)
    store.add_inbound_part(imei="1", iccid=None, sender=NUMBER, text="OUI", sent_at=NOW,
                           now=NOW, concat=None)  # fmt: skip
    return message


def test_access_prints_everything_held_on_a_number_as_json(config_path, store):
    message = _person(store)
    result = run(config_path, "access", "06 12 34 56 78", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["number"] == NUMBER
    assert report["contact"]["first_name"] == "Aloysius"
    assert report["contact"]["consent"]["opt_in_proof"] == "file a.csv line 4"
    assert [(m["id"], m["text"]) for m in report["messages"]] == [(message.id, "Collecte demain")]
    assert [m["text"] for m in report["inbound"]] == ["OUI"]
    assert set(report) == {"number", "contact", "messages", "inbound", "inbound_parts",
                           "delivery_reports", "events", "webhook_deliveries",
                           "calls"}  # fmt: skip


def test_access_in_words(config_path, store):
    _person(store)
    lines = run(config_path, "access", NUMBER).output.splitlines()
    assert lines[:3] == [NUMBER, "contact: Aloysius Pépin (fr)", lines[2]]
    assert lines[2].startswith("  opted in ") and lines[2].endswith("by import: file a.csv line 4")
    assert "  tags: Bénévole" in lines and "messages sent to it: 1" in lines
    assert "messages received from it: 1" in lines
    assert run(config_path, "access", "+33600000000").output == "nothing is held on +33600000000\n"


def test_access_refuses_what_is_not_a_number(config_path, store):
    result = run(config_path, "access", "abc")
    assert result.exit_code == 2 and "NUMBER: " in result.output
    assert "Traceback" not in result.output


def test_prune_applies_the_retention_of_the_config_now(config_path, store):
    old = NOW - timedelta(days=61)
    with store.session() as session:
        session.add(Message(recipient=NUMBER, text="ancien", status=Status.SENT, created_at=old,
                            due_at=old, finished_at=old))  # fmt: skip
        session.commit()
    _person(store)
    result = run(config_path, "prune", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["messages"] == 1
    with store.reading() as session:
        assert session.exec(select(Message.text)).all() == ["Collecte demain"]
    assert run(config_path, "prune").output == "forgot nothing\n"
