"""The ``smsrelay`` commands as a script or a volunteer uses them (DESIGN.md, "CLI").

Each test writes a real TOML file and points the CLI at it, with ``--config`` or
``$SMSRELAY_CONFIG``, as a user would. Most commands run in-process under click's ``CliRunner``;
the ones that wait for the daemon run against a real ``Daemon`` on simulated modems, and one runs
``smsrelay send --wait`` as a separate process, because crossing a process boundary (the wake-up
socket, the shared SQLite file) is the point there.

Exit codes are the contract: 0 ok, 1 failed, 2 bad input, 3 timed out waiting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from appliance import waiters
from appliance.cli import main
from appliance.config import load_config
from appliance.daemon import Daemon, Simulation
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Status
from tests.appliance.conftest import FAST_TUNING
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until

NUMBER = "+33612345678"

# DESIGN.md, "Contracts": the keys scripts rely on.
STATUS_KEYS = {"node", "nodes", "modems", "queue", "database_trouble"}  # issues 15, 14
MODEM_KEYS = {
    "imei",
    "iccid",
    "port",
    "state",
    "reason",
    "signal_dbm",
    "bars",
    "sim",
    "registration",
    "operator",
    "sent_today",
    "daily_limit",
    "last_error",
}
MODEM_EXTRA_KEYS = {"node", "seen_at", "credit", "receives"}  # beyond DESIGN.md (issue 13)
# issue 16: the names a volunteer gives, and the SIM's own number
MODEM_EXTRA_KEYS |= {"name", "sim_name", "sim_number", "sim_number_from"}
MODEM_STATES = {
    "absent",
    "probing",
    "sim-locked",
    "no-sim",
    "searching",
    "ready",
    "busy",
    "resetting",
    "failed",
}
QUEUE_KEYS = {status.value for status in Status}
LISTED_KEYS = {"id", "text", "status", "parts", "modem", "created_at", "sent_at", "reason"}

CONFIG = """\
[appliance]
database = "sqlite:///{folder}/smsrelay.db"
data_dir = "{folder}/data"
node = "cli-test"
timezone = "Europe/Paris"
{extra}

[discovery]
auto = false

[defaults]
max_per_minute = 100000
daily_limit = false
monthly_limit = false
"""


def write_config(folder: Path, extra: str = "") -> Path:
    path = folder / "smsrelay.toml"
    path.write_text(CONFIG.format(folder=folder, extra=extra), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)


@pytest.fixture
def config_path(tmp_path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def store(config_path) -> Iterator[Store]:
    """The same database the CLI writes, opened as the daemon would."""
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def run(config_path: Path, *args: str, input: str | bytes | None = None) -> Result:
    """``smsrelay COMMAND --config FILE ARGS...`` in-process; a crash (not an exit) fails."""
    command, *rest = args
    result = CliRunner().invoke(main, [command, "--config", str(config_path), *rest], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def daemon_for(config_path) -> Iterator[Callable[..., Daemon]]:
    """A daemon reading the same TOML file as the CLI, on simulated modems: ``start(**faults)``."""
    daemons: list[Daemon] = []

    def start(modems: int = 1, **faults) -> Daemon:
        daemon = Daemon(
            load_config(config_path),
            simulation=Simulation(modems=modems, time_scale=TIME_SCALE, faults=faults),
            tuning=FAST_TUNING,
        )
        daemons.append(daemon.start())
        wait_until(lambda: len(daemon.pool.available()) == modems, 10, "ready modems")
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()


def on_air(daemon: Daemon) -> list[str]:
    return [
        text for s in daemon.simulators for text in s.call(lambda m, now: [a.text for a in m.air])
    ]


# --- send: bad input is refused with exit 2, naming the field and the value ----------------------


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("abc", "letters"),
        ("+33 6", "too short"),
        ("06 12 34 56 7", "a digit missing"),
        ("+33 6 12 34 56 78 90", "too long"),
    ],
)
def test_send_refuses_a_malformed_number(config_path, store, number, why):
    result = run(config_path, "send", number, "Collecte demain 8h-12h")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: to: ")
    assert repr(number) in result.stderr and why in result.stderr
    assert result.stdout == ""
    assert sum(store.counts().values()) == 0, "nothing half-valid reaches the queue"


def test_send_refuses_an_empty_text(config_path, store):
    result = run(config_path, "send", NUMBER, "")
    assert result.exit_code == 2
    assert result.stderr == "error: text: is empty\n"
    assert sum(store.counts().values()) == 0


@pytest.mark.parametrize("args", [["-"], []], ids=["dash", "no-text"])
def test_send_reads_the_text_from_stdin(config_path, store, args):
    result = run(config_path, "send", "06 12 34 56 78", *args, input="Rappel: collecte demain\n")
    assert result.exit_code == 0, result.stderr
    message = store.get(int(result.stdout))
    assert message.text == "Rappel: collecte demain"  # the line end of `echo` is not sent
    assert message.recipient == NUMBER
    assert message.status == Status.QUEUED


def test_send_refuses_an_empty_stdin(config_path, store):
    result = run(config_path, "send", NUMBER, "-", input="\n")
    assert result.exit_code == 2
    assert result.stderr == "error: text: is empty\n"


def test_send_refuses_more_parts_than_max_parts(config_path, store):
    ten_parts = "a" * (10 * 153)  # GSM-7 concatenated parts carry 153 characters
    assert run(config_path, "send", NUMBER, ten_parts).exit_code == 0
    result = run(config_path, "send", NUMBER, ten_parts + "a")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: text: ")
    assert "11 SMS parts" in result.stderr and "at most 10" in result.stderr
    assert store.counts()["queued"] == 1


def test_send_honours_max_parts_from_the_config(tmp_path):
    path = write_config(tmp_path, "max_parts = 2")
    assert run(path, "send", NUMBER, "ł" * 134).exit_code == 0  # UCS-2: 2 x 67 characters
    result = run(path, "send", NUMBER, "ł" * 135)
    assert result.exit_code == 2
    assert "3 SMS parts" in result.stderr and "ucs2" in result.stderr
    assert "at most 2" in result.stderr


def test_send_refuses_stdin_that_is_not_utf8(config_path, store):
    result = run(config_path, "send", NUMBER, "-", input=b"caf\xe9 ferm\xe9\n")  # Latin-1
    assert result.exit_code == 2
    assert result.stderr == "error: text: standard input is not UTF-8 text (byte 3)\n"
    assert sum(store.counts().values()) == 0


def test_send_refuses_a_nul_byte(config_path, store):
    result = run(config_path, "send", NUMBER, "-", input=b"bin\x00aire\n")
    assert result.exit_code == 2
    assert result.stderr == "error: text: it contains a NUL byte (character 4)\n"
    assert sum(store.counts().values()) == 0


def test_send_refuses_bytes_that_are_not_utf8_in_a_c_locale(config_path, store):
    """In a C locale Python lets bad bytes through as lone surrogates: refused, not a crash."""
    for args, stdin in (([NUMBER, "-"], b"caf\xe9\n"), ([NUMBER, b"caf\xe9"], b"")):
        result = subprocess.run(
            [sys.executable.encode(), b"-m", b"appliance", b"send", *args],
            input=stdin,
            env={**os.environ, "SMSRELAY_CONFIG": str(config_path), "LC_ALL": "C"},
            capture_output=True,
            timeout=30,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr == b"error: text: it is not UTF-8 text (character 4)\n"
    assert sum(store.counts().values()) == 0


@pytest.mark.parametrize(
    ("when", "why"),
    [("yesterday", "is not a time"), ("2020-01-01T08:00", "is in the past"), ("+5x", "not a time")],
)
def test_send_refuses_a_bad_at(config_path, store, when, why):
    result = run(config_path, "send", NUMBER, "plus tard", "--at", when)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: send_at: ")
    assert repr(when) in result.stderr and why in result.stderr
    assert sum(store.counts().values()) == 0


def test_send_refuses_a_priority_outside_the_choices(config_path, store):
    result = run(config_path, "send", NUMBER, "vite", "--priority", "urgent")
    assert result.exit_code == 2
    assert "--priority" in result.stderr and "'urgent'" in result.stderr
    assert "high" in result.stderr  # the choices are shown
    assert sum(store.counts().values()) == 0


def test_send_refuses_a_modem_that_is_not_an_imei(config_path, store):
    result = run(config_path, "send", NUMBER, "par ce modem", "--modem", "/dev/ttyUSB2")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: modem: ") and "'/dev/ttyUSB2'" in result.stderr


@pytest.mark.parametrize(
    ("content", "key", "why"),
    [
        ('[appliance]\nmax_parts = "ten"\n', "appliance.max_parts", "whole number"),
        ("[appliance]\nnode = \n", "line 2, column 8", "TOML syntax"),
        ("[defaults]\ndayly_limit = 100\n", "defaults.dayly_limit", "daily_limit"),
        ('[[modem]]\nport = "ttyUSB2"\n', "modem[1].port", "not a device path"),
        ('[web]\nbind = "8080"\n', "web.bind", "HOST:PORT"),
        ('[appliance]\ndatabase = "sqlite:///rel.db"\n', "appliance.database", "relative"),
    ],
)
def test_a_bad_config_file_is_exit_2_naming_file_key_and_why(tmp_path, content, key, why):
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    for command in (["send", NUMBER, "bonjour"], ["status"], ["messages"]):
        result = run(path, *command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith(f"error: {path}: {key}: "), result.stderr
        assert why in result.stderr
        assert "Traceback" not in result.output


def test_a_missing_config_file_is_exit_2(tmp_path):
    result = run(tmp_path / "nowhere.toml", "send", NUMBER, "bonjour")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nowhere.toml'}: no such file\n"


def test_a_bad_config_named_by_the_environment(tmp_path):
    path = tmp_path / "env.toml"
    path.write_text("[appliance]\nresend_unknown = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["status"], env={"SMSRELAY_CONFIG": str(path)})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: appliance.resend_unknown: ")


def test_a_database_that_cannot_be_opened_is_exit_1_without_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "notes.txt").write_text("not a database either" * 100)
    for database, why in (
        (tmp_path / "a-file" / "smsrelay.db", "a-file"),
        (tmp_path / "notes.txt", "file is not a database"),
    ):
        path = tmp_path / "db.toml"
        path.write_text(f'[appliance]\ndatabase = "sqlite:///{database}"\n', encoding="utf-8")
        for command in (["send", NUMBER, "bonjour"], ["status"], ["cancel", "1"]):
            result = run(path, *command)
            assert result.exit_code == 1, command
            assert result.stderr.startswith(f"error: cannot open the database sqlite:///{database}")
            assert why in result.stderr


# --- send: ok ------------------------------------------------------------------------------------


def test_send_prints_the_id_and_queues_the_row(config_path, store):
    result = run(config_path, "send", "0612345678", "Collecte demain 8h-12h")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.strip().isdigit()  # the id alone, for $(smsrelay send ...)
    message = store.get(int(result.stdout))
    assert message.status == Status.QUEUED
    assert (message.recipient, message.text, message.parts) == (NUMBER, "Collecte demain 8h-12h", 1)
    assert (message.priority, message.source) == ("normal", "cli")


def test_send_finds_its_config_in_the_environment(config_path, store):
    result = CliRunner().invoke(
        main, ["send", NUMBER, "par la variable"], env={"SMSRELAY_CONFIG": str(config_path)}
    )
    assert result.exit_code == 0, result.output
    assert store.get(int(result.stdout)).text == "par la variable"


def test_send_json_later_and_high(config_path, store):
    result = run(
        config_path,
        "send",
        NUMBER,
        "Rappel: collecte demain à 8h",
        "--at",
        "+2h",
        "--priority",
        "high",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "queued" and data["to"] == NUMBER
    assert data["priority"] == "high" and data["parts"] == 1 and data["encoding"] == "gsm7"
    assert data["sent_at"] is None and data["reason"] is None and data["modem"] is None
    message = store.get(data["id"])
    assert 7190 < (message.due_at - message.created_at).total_seconds() < 7210
    assert data["send_at"] == message.due_at.isoformat()


# --- send --wait against a running daemon --------------------------------------------------------


def test_send_wait_exits_0_once_the_modem_sent_it(config_path, store, daemon_for):
    daemon = daemon_for()
    result = run(config_path, "send", NUMBER, "Collecte demain 8h-12h", "--wait", "--timeout", "10")
    assert result.exit_code == 0, result.output
    message = store.get(int(result.stdout))
    assert message.status in (Status.SENT, Status.DELIVERED)
    assert on_air(daemon) == ["Collecte demain 8h-12h"]


def test_send_wait_is_woken_by_the_daemon_not_by_polling(
    config_path, store, daemon_for, monkeypatch
):
    """With the safety re-read set to an hour, only the daemon's ring can end the wait before
    the timeout: ``--wait`` returns as soon as the outcome is recorded (target: 100 ms)."""
    monkeypatch.setattr(waiters, "REREAD_EVERY", 3600.0)
    daemon_for()
    result = run(config_path, "send", NUMBER, "réveillé", "--wait", "--timeout", "30")
    returned = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    sent_at = store.get(int(result.stdout)).sent_at
    lag = returned - (sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC))
    assert lag.total_seconds() < 1.0, lag  # generous for a loaded machine


def test_send_wait_from_another_process(config_path, store, daemon_for):
    """The real use: a script's process queues, the daemon's process is woken and sends."""
    daemon = daemon_for()
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "send", NUMBER, "-", "--wait", "--json"],
        input="Réponse OUI pour confirmer\n",
        env={**os.environ, "SMSRELAY_CONFIG": str(config_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] in ("sent", "delivered") and data["sent_at"] is not None
    assert data["modem"] == daemon.simulators[0].call(lambda m, now: m.imei)
    assert on_air(daemon) == ["Réponse OUI pour confirmer"]


def test_send_wait_times_out_with_exit_3_when_no_modem_sends(config_path, store):
    started = time.monotonic()
    result = run(config_path, "send", NUMBER, "personne", "--wait", "--timeout", "0.5")
    assert result.exit_code == 3
    assert 0.5 <= time.monotonic() - started < 3
    message_id = int(result.stdout)  # the id alone on stdout, whatever the outcome
    assert result.stderr.startswith(f"error: message {message_id} still queued after 0.5 s")
    assert "smsrelay serve" in result.stderr  # the likely cause
    assert store.get(message_id).status == Status.QUEUED  # still there for the daemon


def test_send_wait_exits_1_with_the_reason_of_a_permanent_failure(config_path, store, daemon_for):
    daemon = daemon_for(fail_rate=1.0, fail_codes=(1,))
    result = run(config_path, "send", NUMBER, "à personne", "--wait", "--timeout", "10")
    assert result.exit_code == 1, result.output
    message_id = int(result.stdout)
    assert result.stderr.startswith(f"error: message {message_id} failed: ")
    assert "+CMS ERROR 1" in result.stderr and "not allocated" in result.stderr
    failed = store.get(message_id)
    assert failed.status == Status.FAILED and failed.attempts == 1
    assert on_air(daemon) == []


def test_send_wait_json_on_failure(config_path, store, daemon_for):
    daemon_for(fail_rate=1.0, fail_codes=(1,))
    result = run(config_path, "send", NUMBER, "à personne", "--wait", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "failed" and "+CMS ERROR 1" in data["reason"]


# --- status, messages, inbox: the --json shapes --------------------------------------------------


def test_status_json_shape_with_a_running_daemon(config_path, store, daemon_for):
    daemon = daemon_for()
    assert run(config_path, "send", NUMBER, "un", "--wait", "--timeout", "10").exit_code == 0
    run(config_path, "send", NUMBER, "deux", "--at", "+1d")
    result = run(config_path, "status", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == STATUS_KEYS
    assert data["node"] == "cli-test" and data["database_trouble"] is None
    assert set(data["queue"]) == QUEUE_KEYS
    assert data["queue"]["queued"] == 1
    assert data["queue"]["sent"] + data["queue"]["delivered"] == 1
    [modem] = data["modems"]
    assert set(modem) == MODEM_KEYS | MODEM_EXTRA_KEYS
    server = daemon.simulators[0]
    assert modem["imei"] == server.call(lambda m, now: m.imei)
    assert modem["iccid"] and modem["iccid"].isdigit()
    assert modem["port"] == server.link
    assert modem["state"] in MODEM_STATES and modem["state"] in ("ready", "busy")
    assert isinstance(modem["signal_dbm"], int) and 0 <= modem["bars"] <= 5
    assert modem["sim"] == "READY" and modem["registration"] and modem["operator"]
    assert modem["sent_today"] == 1
    assert modem["daily_limit"] is None  # daily_limit = false in the file
    assert modem["last_error"] is None
    assert modem["node"] == "cli-test"
    assert modem["receives"] is True


def test_status_without_a_daemon(config_path, store):
    data = json.loads(run(config_path, "status", "--json").stdout)
    assert data == {
        "node": "cli-test",
        "nodes": [],  # SQLite: one node, no registry (issue 15)
        "modems": [],
        "queue": dict.fromkeys(QUEUE_KEYS, 0),
        "database_trouble": None,
    }
    text = run(config_path, "status")
    assert text.exit_code == 0
    assert "no modem seen yet" in text.stdout and "queue: empty" in text.stdout


def test_status_text_says_why_a_modem_is_not_ready(config_path, store):
    store.upsert_modem(
        "861234567890123", node="cli-test", state="sim-locked", reason="the SIM asks for its PIN"
    )
    result = run(config_path, "status")
    assert "861234567890123  sim-locked" in result.stdout
    assert "why: the SIM asks for its PIN" in result.stdout
    [modem] = json.loads(run(config_path, "status", "--json").stdout)["modems"]
    assert modem["state"] == "sim-locked" and modem["reason"] == "the SIM asks for its PIN"


def test_status_says_a_modem_is_send_only_in_text_and_json(config_path, store):
    store.upsert_modem("861234567890123", node="cli-test", state="ready", receives=False)
    store.upsert_modem("861234567890131", node="cli-test", state="ready")
    text = run(config_path, "status").stdout
    assert text.count("send-only: can send; cannot report received SMS") == 1
    modems = json.loads(run(config_path, "status", "--json").stdout)["modems"]
    assert {m["imei"]: m["receives"] for m in modems} == {
        "861234567890123": False,
        "861234567890131": True,
    }


def test_messages_json_shape_and_filters(config_path, store, daemon_for):
    daemon = daemon_for(fail_rate=1.0, fail_codes=(1,))
    imei = daemon.simulators[0].call(lambda m, now: m.imei)
    failed = int(run(config_path, "send", NUMBER, "refusé", "--wait").stdout)
    later = int(run(config_path, "send", "0698765432", "demain", "--at", "+1d").stdout)
    result = run(config_path, "messages", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == [later, failed]  # newest first
    for item in data:
        assert set(item) >= LISTED_KEYS | {"to"}
    by_id = {d["id"]: d for d in data}
    assert by_id[failed]["status"] == "failed" and by_id[failed]["modem"] == imei
    assert "+CMS ERROR 1" in by_id[failed]["reason"] and by_id[failed]["sent_at"] is None
    assert by_id[later]["to"] == "+33698765432" and by_id[later]["status"] == "queued"
    assert by_id[later]["created_at"].endswith("+00:00")
    only_failed = json.loads(run(config_path, "messages", "--status", "failed", "--json").stdout)
    assert [d["id"] for d in only_failed] == [failed]
    to_one = json.loads(run(config_path, "messages", "--to", "06 98 76 54 32", "--json").stdout)
    assert [d["id"] for d in to_one] == [later]
    assert len(json.loads(run(config_path, "messages", "--limit", "1", "--json").stdout)) == 1
    text = run(config_path, "messages").stdout.splitlines()
    assert len(text) == 2 and "failed" in text[1] and "+CMS ERROR 1" in text[1]


def test_messages_refuses_a_bad_to(config_path, store):
    result = run(config_path, "messages", "--to", "abc")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: to: ") and "'abc'" in result.stderr


def test_inbox_json_shape(config_path, store, daemon_for):
    daemon = daemon_for()
    server = daemon.simulators[0]
    server.call(lambda m, now: m.deliver_sms("0698765432", "OUI", now))
    wait_until(lambda: store.inbox(), 10, "the reply in the inbox")
    result = run(config_path, "inbox", "--json")
    assert result.exit_code == 0
    [item] = json.loads(result.stdout)
    assert set(item) >= LISTED_KEYS | {"from"}
    assert (item["from"], item["text"], item["status"], item["parts"]) == (
        "+33698765432",
        "OUI",
        "received",
        1,
    )
    assert item["modem"] == server.call(lambda m, now: m.imei)
    assert item["created_at"] and item["sent_at"]  # received here, and the SMSC's stamp
    assert "+33698765432 OUI" in " ".join(run(config_path, "inbox").stdout.split())


# --- cancel and retry ----------------------------------------------------------------------------


def _queued(config_path: Path, text: str, *more: str) -> int:
    return int(run(config_path, "send", NUMBER, text, *more).stdout)


def test_cancel_a_queued_message(config_path, store):
    message_id = _queued(config_path, "annulé", "--at", "+1h")
    result = run(config_path, "cancel", str(message_id))
    assert result.exit_code == 0
    assert result.stdout == f"{message_id}: cancelled\n"
    assert store.get(message_id).status == Status.CANCELLED


def test_cancel_refuses_a_sent_message_with_why(config_path, store, daemon_for):
    daemon_for(report_delay=100_000)  # no delivery report: it stays "sent"
    sent = int(run(config_path, "send", NUMBER, "parti", "--wait", "--timeout", "10").stdout)
    assert store.get(sent).status == Status.SENT
    result = run(config_path, "cancel", str(sent))
    assert result.exit_code == 1
    assert result.stdout == f"{sent}: message {sent} is sent\n"
    assert store.get(sent).status == Status.SENT


def test_cancel_tries_every_id_and_fails_if_one_fails(config_path, store):
    first = _queued(config_path, "un", "--at", "+1h")
    second = _queued(config_path, "deux", "--at", "+1h")
    result = run(config_path, "cancel", str(first), "999", str(second))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{first}: cancelled",
        "999: no message 999",
        f"{second}: cancelled",
    ]
    assert {store.get(first).status, store.get(second).status} == {Status.CANCELLED}


def test_cancel_needs_a_numeric_id(config_path):
    result = run(config_path, "cancel", "abc")
    assert result.exit_code == 2 and "'abc'" in result.stderr


@pytest.mark.parametrize("mark", ["mark_failed", "mark_unknown"])
def test_retry_queues_a_failed_or_unknown_message_again(config_path, store, mark):
    message_id = _queued(config_path, "encore")
    now = store.get(message_id).created_at
    getattr(store, mark)(message_id, "the network refused it", now)
    result = run(config_path, "retry", str(message_id))
    assert result.exit_code == 0
    assert result.stdout == f"{message_id}: queued\n"
    again = store.get(message_id)
    assert again.status == Status.QUEUED and again.finished_at is None
    assert "retry requested" in again.reason and "the network refused it" in again.reason


def test_retry_refuses_a_queued_message(config_path, store):
    message_id = _queued(config_path, "pas encore parti")
    result = run(config_path, "retry", str(message_id))
    assert result.exit_code == 1
    assert f"message {message_id} is queued" in result.stdout
    assert "only failed, unknown or expired" in result.stdout


def test_retry_wakes_the_daemon_which_sends_it(config_path, store, daemon_for):
    daemon = daemon_for()
    message_id = _queued(config_path, "perdu puis retrouvé", "--at", "+1d")
    store.mark_unknown(
        message_id, "the daemon stopped during the send", store.get(message_id).created_at
    )
    assert run(config_path, "retry", str(message_id)).exit_code == 0
    wait_until(
        lambda: store.get(message_id).status in (Status.SENT, Status.DELIVERED), 10, "the resend"
    )
    assert on_air(daemon) == ["perdu puis retrouvé"]
