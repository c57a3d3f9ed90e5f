"""``smsrelay send`` through the running daemon: the CLI's side, and what both sides share.

Why: a script's ``smsrelay send`` would spend most of its start-up importing what checks a
number (``phonenumbers``, ~35 ms here, seconds on a Raspberry Pi 3) and the store, for one
INSERT. The daemon has all of it loaded. So when one runs on this data folder, ``send`` hands
it the message over a Unix socket (``data_dir/send.sock``) and prints its answer; the daemon
queues it with the very code the CLI would run (``queue_one``). When none runs, or it reads
another config, ``send`` does it itself, as before: same checks, same words, same exit codes.

The socket's file gets the mode of the database's files (``store.file_modes``: 0600, or 0660
under the service's ``UMask=0007``), in the data folder: whoever may write the database may
queue through the socket, nobody else.

One request a connection, one JSON line each way. The request carries the config's
``fingerprint``: the daemon answers ``elsewhere`` (do it yourself) unless it read the same file
(same length and CRC-32) and resolved it the same way (data folder, database, time zone, region:
``XDG_DATA_HOME`` and ``TZ`` may differ between the two processes). Only answers given before
any work was done say ``elsewhere``; once the request is sent, a missing answer is an error
(exit 1: the message may or may not be queued), never a second try that could queue it twice.

This module imports only the standard library's ``json``, ``os`` and ``socket``: it is what a
script's ``send`` pays for.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

VERSION = 1
MAX_REQUEST = 1 << 20  # bytes of one request line: a 10-part text is about 1.5 kB
ANSWER_TIMEOUT = 60.0  # seconds: a SQLite lock held by another writer waits its busy timeout


class NoAnswer(Exception):
    """The request was sent and the daemon did not answer: the message may or may not be
    queued (the daemon stopped meanwhile, say)."""


def socket_path(config: Any) -> Path:
    return Path(config.data_dir) / "send.sock"


def fingerprint(config: Any) -> dict[str, Any]:
    """What must be equal for the daemon to queue as this process would."""
    return {
        "file": None if config.path is None else os.path.abspath(config.path),
        "digest": config.digest,
        "data_dir": os.path.abspath(config.data_dir),
        "database": config.database,
        "timezone": config.timezone,
        "region": config.region,
    }


def ask(config: Any, request: dict[str, Any]) -> dict[str, Any] | None:
    """The daemon's answer to ``request`` (``fingerprint`` added), or None when no daemon may
    take it: none listens, the socket is not ours to use, or it read another config. Raises
    ``NoAnswer`` when the request went and no answer came."""
    address = os.fspath(socket_path(config))
    if len(os.fsencode(address)) > 107:  # sun_path's limit: no daemon can listen there
        return None
    line = json.dumps({"v": VERSION, "fingerprint": fingerprint(config), **request})
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        try:
            connection.connect(address)
        except OSError:  # no such file, refused (a stale file), permission denied
            return None
        connection.settimeout(ANSWER_TIMEOUT)
        try:
            connection.sendall(line.encode("utf-8") + b"\n")
            connection.shutdown(socket.SHUT_WR)
            answer = _read_line(connection)
        except OSError as error:
            raise NoAnswer(str(error)) from None
    try:
        reply = json.loads(answer)
    except ValueError:
        raise NoAnswer("the daemon's answer is not JSON") from None
    if not isinstance(reply, dict):
        raise NoAnswer("the daemon's answer is not a JSON object")
    if "elsewhere" in reply:
        return None
    return reply


def _read_line(connection: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.endswith(b"\n"):
        raise NoAnswer("the daemon closed the connection without an answer")
    return data
