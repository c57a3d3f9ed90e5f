"""``smsrelay send --to-file``: many recipients in one call, all or nothing, with the lines of
what is wrong; and the quick start of ``send``, ``status`` and ``messages`` (no SQLAlchemy,
pydantic, Flask or APScheduler imported: docs/benchmarks.md, "CLI start-up")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Status
from tests.appliance.test_cli import run, write_config


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)


@pytest.fixture
def config_path(tmp_path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def store(config_path) -> Iterator[Store]:
    """The database the CLI writes, created (as a first ``smsrelay serve`` would)."""
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def _queued(store) -> list:
    return list(reversed(store.messages(limit=100)))


def test_a_list_of_numbers_one_a_line_is_queued_in_order_each_number_once(
    config_path, store, tmp_path
):
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("06 12 34 56 78\n\n+33611111111\r\n0612345678\n", encoding="utf-8")
    result = run(config_path, "send", "--to-file", str(numbers), "Collecte demain 8h-12h")
    assert result.exit_code == 0, result.output
    ids = [int(line) for line in result.stdout.split()]
    assert [(m.id, m.recipient, m.text) for m in _queued(store)] == [
        (ids[0], "+33612345678", "Collecte demain 8h-12h"),
        (ids[1], "+33611111111", "Collecte demain 8h-12h"),
    ]
    assert "1 repeated number(s) sent once" in result.stderr


def test_a_csv_fills_the_template_per_line_as_a_campaign_would(config_path, store, tmp_path):
    people = tmp_path / "donneurs.csv"
    people.write_bytes(  # as Excel writes it in France: cp1252 and semicolons
        "Prénom;Téléphone;Ville;Groupe sanguin\nÉlodie;06 11 11 11 11;Lyon;O+\n"
        "Bob;0622222222;Paris;A-\n".encode("cp1252")
    )
    template = "Bonjour {first_name}, collecte à {fields.ville} ({fields.groupe_sanguin}) {{8h}}"
    result = run(config_path, "send", "--to-file", str(people), template, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["to"], d["text"], d["status"]) for d in data] == [
        ("+33611111111", "Bonjour Élodie, collecte à Lyon (O+) {8h}", "queued"),
        ("+33622222222", "Bonjour Bob, collecte à Paris (A-) {8h}", "queued"),
    ]
    assert [d["id"] for d in data] == [m.id for m in _queued(store)]


def test_numbers_on_standard_input_with_english_headers(config_path, store):
    with config_path.open("a", encoding="utf-8") as file:  # abroad: refused by default
        file.write('\n[security]\ncountries = ["33", "44"]\n')
    result = run(
        config_path, "send", "--to-file", "-", "Hi {first_name}",
        input="First name,Phone\nAnn,+447700900123\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [(m.recipient, m.text) for m in _queued(store)] == [("+447700900123", "Hi Ann")]


def test_one_bad_line_queues_nothing_and_every_problem_is_named_by_its_line(
    config_path, store, tmp_path
):
    people = tmp_path / "people.csv"
    people.write_text(
        "Prénom;Téléphone\nAnne;06 11 11 11 11\nBruno;12\n;0633333333\nCarl;0899123456\n",
        encoding="utf-8",
    )
    result = run(config_path, "send", "--to-file", str(people), "Bonjour {first_name}")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {people}: nothing queued:"
    assert lines[1].startswith("line 3, Téléphone: '12' is not a valid number")
    assert lines[2] == "line 4: {first_name}: +33633333333 has no first name"
    assert lines[3].startswith("line 5: to: '+33899123456' is a premium-rate number")
    assert _queued(store) == []


def test_a_number_that_said_stop_refuses_the_whole_file_naming_its_line(
    config_path, store, tmp_path
):
    store.opt_out("+33622222222", now=store_now(), how="sms STOP")
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("0611111111\n0622222222\n", encoding="utf-8")
    result = run(config_path, "send", "--to-file", str(numbers), "Collecte demain")
    assert result.exit_code == 2
    assert "nothing queued: line 2: to: +33622222222 opted out" in result.stderr
    assert _queued(store) == []


def store_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["--to-file", "{file}", "+33611111111", "text"], "give TEXT only"),
        (["--to-file", "-", "-"], "standard input holds the numbers"),
        (["--to-file", "{missing}", "text"], "cannot read"),
        (["--to-file", "{empty}", "text"], "the file is empty"),
        (["--to-file", "{file}", "Bonjour {prenom"], "text: line 1, column 9"),
        (["--to-file", "{cells}", "text"], "line 1: no column holds the phone number"),
        ([], "Missing argument 'NUMBER' (or give --to-file FILE)"),
    ],
)
def test_bad_calls_exit_2_with_the_reason(config_path, store, tmp_path, args, why):
    (tmp_path / "n.txt").write_text("0611111111\n", encoding="utf-8")
    (tmp_path / "e.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("Nom;Ville\nAnne;Lyon\n", encoding="utf-8")
    paths = {
        "file": tmp_path / "n.txt",
        "missing": tmp_path / "no",
        "empty": tmp_path / "e.txt",
        "cells": tmp_path / "c.csv",
    }
    result = run(config_path, "send", *[a.format(**paths) if a[:1] == "{" else a for a in args])
    assert result.exit_code == 2, result.output
    assert why in result.stderr
    assert _queued(store) == []


# --- the quick start ------------------------------------------------------------------------------

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "flask", "apscheduler", "jinja2")
# what none of the three needs either (docs/benchmarks.md, "CLI start-up"): the daemon's logging,
# the tables of [alerts], [smtp], [mail], [imap] and [calls] (``load_config(only=...)``)
NEEDLESS = ("logging", "appliance.config.alerts", "appliance.config.calls")
NO_NUMBER = ("phonenumbers",)  # a command that reads no number: not even the region's check
PROBE = """
import sys
from appliance.cli import main
sys.argv = ["smsrelay", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
print("HEAVY", code, sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "needless"),
    [
        (["--help"], NEEDLESS + NO_NUMBER),
        (["send", "+33611111111", "Collecte demain"], NEEDLESS),
        (["send", "+33611111111", "Collecte demain", "--json"], NEEDLESS),
        (["status"], NEEDLESS + NO_NUMBER),
        (["status", "--json"], NEEDLESS + NO_NUMBER),
        (["messages", "--status", "queued"], NEEDLESS + NO_NUMBER),
        (["messages", "--to", "0611111111"], NEEDLESS),
    ],
    ids=lambda value: " ".join(value) if value[0][:1] in "-sm" else "",
)
def test_send_status_and_messages_import_nothing_heavy(config_path, store, args, needless):
    """On a SQLite store already created, the three commands a script runs go through the quick
    store (``appliance.store.direct``): none of the heavy libraries is imported, nor what the
    command does not use (``needless``)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY + needless), *args],
        env={**os.environ, "SMSRELAY_CONFIG": str(config_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "HEAVY 0 []" in result.stderr, result.stderr
    if args[0] == "send":
        assert _queued(store)[-1].status == Status.QUEUED
