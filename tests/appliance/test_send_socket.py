"""``smsrelay send`` hands the message to the running daemon (``appliance.send_socket``):
whole ``smsrelay`` processes against a real daemon on a simulated modem.

What is checked: the message is queued once, by the daemon, with what the CLI prints and exits
as when it queues it itself; the CLI then never imports the number rules nor the store (what
its start-up is spared); a daemon that read another config, or none at all, leaves the CLI to
do it itself; a daemon that takes the request and dies says so (exit 1), never queues twice.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from appliance.config import load_config
from appliance.daemon import Daemon
from appliance.send_socket import MAX_REQUEST, socket_path

# the CLI's tests' own: the config file, the store it names, a daemon reading that file
from tests.appliance.test_cli import (  # noqa: F401
    _no_config_from_the_environment,
    config_path,
    daemon_for,
    store,
)

REPO = Path(__file__).resolve().parents[2]
# ``smsrelay`` as the entry point runs it; after it, the modules it imported, on standard error
PROBE = (
    "import sys\n"
    "from appliance.cli import main\n"
    "sys.argv[0] = 'smsrelay'\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    loaded = [m for m in ('phonenumbers', 'sqlite3', 'sqlalchemy') if m in sys.modules]\n"
    "    print('LOADED', ','.join(loaded), file=sys.stderr)\n"
)


@pytest.fixture
def daemon(daemon_for) -> Daemon:
    return daemon_for()


def smsrelay(config_path: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """A whole ``smsrelay`` process: exit status, stdout, stderr, and the heavy modules it
    imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, args[0], "--config", str(config_path), *args[1:]],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SMSRELAY_CONFIG"},
    )  # fmt: skip
    lines = done.stderr.splitlines()
    loaded = lines[-1].removeprefix("LOADED ").split(",") if lines else []
    return done.returncode, done.stdout, "\n".join(lines[:-1]), [m for m in loaded if m]


def test_the_daemon_queues_it_and_the_cli_stays_light(config_path, store, daemon):
    code, out, err, loaded = smsrelay(config_path, "send", "06 12 34 56 78", "Collecte demain")
    assert code == 0, err
    message = store.get(int(out))
    assert (message.recipient, message.text, message.source) == (
        "+33612345678", "Collecte demain", "cli"
    )  # fmt: skip
    assert loaded == []  # neither the number rules nor a database driver
    code, out, err, _ = smsrelay(config_path, "send", "0612345679", "Bonjour", "--json")
    assert code == 0, err
    view = json.loads(out)
    assert view["to"] == "+33612345679" and view["status"] in ("queued", "sending", "sent")
    assert store.counts()["queued"] + store.counts()["sending"] + store.counts()["sent"] >= 1
    assert len(store.messages(limit=10)) == 2


def test_the_daemons_errors_are_the_clis(config_path, store, daemon):
    code, out, err, loaded = smsrelay(config_path, "send", "0612", "Bonjour")
    assert (code, out) == (2, "")
    assert err == "error: to: cannot send to '0612': it is too short for a number of +33 (FR)"
    assert loaded == []  # the daemon said it
    code, _, err, _ = smsrelay(config_path, "send", "0612345678", "x", "--as-token", "nope")
    assert code == 2
    assert err == "error: --as-token: no token named 'nope' (see `smsrelay token list`)"
    code, _, err, _ = smsrelay(config_path, "send", "0612345678", "x", "--modem", "35" * 7 + "1")
    assert code == 2 and err.startswith("error: modem: no modem 353535")
    assert store.messages(limit=10) == []


def test_a_daemon_that_read_another_file_leaves_it_to_the_cli(config_path, store, daemon):
    # the file edited after the daemon started: the daemon's rules are not the file's any more
    config_path.write_text(
        config_path.read_text() + "\n[contacts]\ncap_messages = 5\n", encoding="utf-8"
    )
    code, out, err, loaded = smsrelay(config_path, "send", "0612345678", "Bonjour")
    assert code == 0, err
    assert "phonenumbers" in loaded  # checked here, with the file as it is now
    assert store.get(int(out)).recipient == "+33612345678"


def test_no_daemon_the_cli_queues_it_itself(config_path, store):
    # a socket file left by a daemon that died: nobody answers there
    path = socket_path(load_config(config_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(os.fspath(path))
    left.close()
    code, out, err, loaded = smsrelay(config_path, "send", "0612345678", "Bonjour")
    assert code == 0, err
    assert "phonenumbers" in loaded
    assert store.get(int(out)).text == "Bonjour"


def test_the_socket_is_as_private_as_the_database(config_path, daemon):
    path = socket_path(daemon.config)
    mode = os.stat(path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) & 0o007 == 0  # nobody but the daemon's user (and group)
    daemon.stop()
    assert not path.exists()


def test_a_daemon_that_dies_with_the_request_is_an_error_not_a_second_try(config_path, store):
    """The request went: the message may be queued, so the CLI must not queue it again."""
    path = socket_path(load_config(config_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.fspath(path))
    listener.listen(1)

    def take_and_die() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.close()  # no answer

    taker = threading.Thread(target=take_and_die)
    taker.start()
    try:
        code, out, err, _ = smsrelay(config_path, "send", "0612345678", "Bonjour")
    finally:
        taker.join(timeout=10)
        listener.close()
    assert (code, out) == (1, "")
    assert "may or may not be queued" in err and "smsrelay messages" in err
    assert store.messages(limit=10) == []


def ask_raw(path: Path, payload: bytes) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.connect(os.fspath(path))
        client.sendall(payload)
        client.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    return json.loads(data)


@pytest.mark.parametrize(
    ("payload", "answer"),
    [
        (b"not json\n", "the request is not JSON"),
        (b"[1, 2]\n", "the request is not a JSON object"),
        (b'{"v": 1, "fingerprint": "FP", "to": 33, "text": "x", "options": {}}\n', "strings"),
        (b'{"v": 1, "fingerprint": "FP", "to": "1", "text": "x", "options": {"x": 1}}\n',
         "options must be"),
        (b'{"v": 1, "fingerprint": "FP", "to": "1", "text": "x", '
         b'"options": {"strict": "yes"}}\n', "option strict has the wrong type"),
    ],
)  # fmt: skip
def test_a_malformed_request_gets_an_answer_in_words(config_path, store, daemon, payload, answer):
    from appliance.send_socket import fingerprint

    payload = payload.replace(b'"FP"', json.dumps(fingerprint(daemon.config)).encode())
    reply = ask_raw(socket_path(daemon.config), payload)
    assert reply["exit"] == 1 and answer in reply["error"]
    assert store.messages(limit=10) == []


def test_an_other_version_or_config_is_sent_elsewhere_and_an_oversize_request_refused(
    config_path, store, daemon
):
    path = socket_path(daemon.config)
    assert "elsewhere" in ask_raw(path, b'{"v": 99}\n')
    assert "elsewhere" in ask_raw(path, b'{"v": 1, "fingerprint": {}}\n')
    reply = ask_raw(path, b"x" * (MAX_REQUEST + 10))
    assert reply["exit"] == 1 and "over" in reply["error"]
    # and it still answers after all that
    code, _, err, _ = smsrelay(config_path, "send", "0612345678", "Bonjour")
    assert code == 0, err
