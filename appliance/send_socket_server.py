"""The daemon's end of ``smsrelay send``'s socket (``send_socket`` says why and the protocol).

A thread per connection (``socketserver``): a request is one message, queued in milliseconds,
but a client that connects and says nothing must not hold the others up, so reading it has a
timeout. What the daemon answers is what the CLI would have printed or said: the message's
JSON view, or the error's words and exit code. ``elsewhere`` (the client does it itself) only
before any work: another config, another protocol version.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socketserver
import stat
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import views
from .outbox import BadRequest, QuotaExceeded
from .queue_one import OPTIONS, queue_one
from .send_socket import MAX_REQUEST, VERSION, fingerprint, socket_path
from .store.file_modes import private_modes

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0  # seconds a client has to send its request once connected
EXIT_FAILED, EXIT_BAD_INPUT, EXIT_QUOTA = 1, 2, 4  # as ``smsrelay send`` exits
_TYPES: dict[str, tuple[type, ...]] = {
    "send_at": (str, type(None)),
    "priority": (str,),
    "modem": (str, type(None)),
    "source": (str,),
    "strict": (bool,),
    "kind": (str,),
}


class SendSocket:
    """Listening at ``send_socket.socket_path(config)`` from ``start`` to ``stop``."""

    def __init__(self, store: Any, config: Any, now: Callable[[], datetime]) -> None:
        self.store = store
        self.config = config
        self.now = now
        self.path = socket_path(config)
        self._fingerprint = fingerprint(config)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SendSocket:
        address = os.fspath(self.path)
        if len(os.fsencode(address)) > 107:
            log.warning("no send socket: its path %s is too long for a Unix socket", address)
            return self
        _remove_stale(address)  # the wake-up socket already proved no other daemon is here
        self._server = _Server(address, _Handler)
        self._server.answer = self.answer
        os.chmod(address, private_modes()[1])  # as the database's files: who may write them
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.5},
            name="send-socket", daemon=True,
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self._server = None

    def answer(self, line: bytes) -> dict[str, Any]:
        """The answer to one request line (never raises)."""
        try:
            request = json.loads(line)
        except ValueError:
            return _error("the request is not JSON", EXIT_FAILED)
        if not isinstance(request, dict):
            return _error("the request is not a JSON object", EXIT_FAILED)
        if request.get("v") != VERSION:
            return {"elsewhere": f"this daemon speaks version {VERSION}"}
        if request.get("fingerprint") != self._fingerprint:
            return {"elsewhere": "this daemon read another config"}
        problem = _malformed(request)
        if problem:
            return _error(f"the request's {problem}", EXIT_FAILED)
        try:
            message = queue_one(
                lambda: self.store, self.config, to=request["to"], text=request["text"],
                options=request["options"], as_token=request.get("as_token"), now=self.now,
            )  # fmt: skip
            return {"queued": views.message(message)}
        except QuotaExceeded as exc:
            return _error(str(exc), EXIT_QUOTA)
        except BadRequest as exc:
            return _error(str(exc), EXIT_BAD_INPUT)
        except Exception as exc:
            return _error(f"cannot queue the message: {_database_reason(exc)}", EXIT_FAILED)


def _malformed(request: dict[str, Any]) -> str | None:
    if not isinstance(request.get("to"), str) or not isinstance(request.get("text"), str):
        return "to and text must be strings"
    if not isinstance(request.get("as_token"), (str, type(None))):
        return "as_token must be a string or null"
    options = request.get("options")
    if not isinstance(options, dict) or not set(options) <= set(OPTIONS):
        return f"options must be an object of {', '.join(OPTIONS)}"
    for name, value in options.items():
        if not isinstance(value, _TYPES[name]):
            return f"option {name} has the wrong type"
    return None


def _database_reason(exc: Exception) -> str:
    """The database's own reason, as the CLI says it (``cli.common.database_errors``); any
    other error is the daemon's fault: logged whole, named in one line."""
    orm = sys.modules.get("sqlalchemy.exc")
    if orm is not None and isinstance(exc, orm.SQLAlchemyError):
        return str(getattr(exc, "orig", None) or exc)
    log.exception("send socket: queuing failed")
    return f"the daemon failed ({type(exc).__name__}; see its log)"


def _error(why: str, code: int) -> dict[str, Any]:
    return {"error": why, "exit": code}


def _remove_stale(address: str) -> None:
    try:
        mode = os.lstat(address).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise FileExistsError(errno.EEXIST, "exists and is not a socket; not removing it", address)
    os.unlink(address)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    answer: Callable[[bytes], dict[str, Any]]


class _Handler(socketserver.StreamRequestHandler):
    timeout = READ_TIMEOUT

    def handle(self) -> None:
        try:
            line = self.rfile.readline(MAX_REQUEST + 1)
        except OSError:  # the client went, or said nothing in time
            return
        if len(line) > MAX_REQUEST:
            answer = _error(f"the request is over {MAX_REQUEST} bytes", EXIT_FAILED)
        else:
            answer = self.server.answer(line)  # type: ignore[attr-defined]
        try:
            self.wfile.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
        except OSError:
            log.info("send socket: the client left before its answer")
