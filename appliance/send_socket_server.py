"""The daemon's end of ``smsrelay send``'s socket (``send_socket`` says why and the protocol).

A thread per connection: a request is one message, queued in milliseconds, but a client that
connects and says nothing must not hold the others up, so reading it has a timeout. Not
``socketserver``: its ``shutdown`` waits for a poll interval, which every stop of the daemon
would pay (or an idle Pi would wake for); a blocked ``accept`` ends at once when ``stop`` shuts
the listening socket down. What the daemon answers is what the CLI would have printed or said:
the message's JSON view, or the error's words and exit code. ``elsewhere`` (the client does it
itself) only before any work: another config, another protocol version.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
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
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SendSocket:
        address = os.fspath(self.path)
        if len(os.fsencode(address)) > 107:
            log.warning("no send socket: its path %s is too long for a Unix socket", address)
            return self
        _remove_stale(address)  # the wake-up socket already proved no other daemon is here
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)
            os.chmod(address, private_modes()[1])  # as the database's files: who may write them
            listener.listen(16)
        except BaseException:
            listener.close()
            raise
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, name="send-socket", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop taking requests at once (a request being answered finishes on its thread)."""
        if self._listener is None:
            return
        try:  # Linux wakes a thread blocked in accept() on a listening socket shut down
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self._listener = None

    def _accept(self) -> None:
        listener = self._listener
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # shut down by ``stop``
                return
            threading.Thread(
                target=self._serve, args=(connection,), name="send-request", daemon=True
            ).start()

    def _serve(self, connection: socket.socket) -> None:
        """One request, one answer; a client that says nothing in ``READ_TIMEOUT`` is dropped."""
        with connection:
            connection.settimeout(READ_TIMEOUT)
            try:
                line = _read_request(connection)
            except OSError:  # the client went, or said nothing in time
                return
            if line is None:
                answer = _error(f"the request is over {MAX_REQUEST} bytes", EXIT_FAILED)
            else:
                answer = self.answer(line)
            try:
                connection.sendall(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
            except OSError:
                log.info("send socket: the client left before its answer")

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


def _read_request(connection: socket.socket) -> bytes | None:
    """The request's line (up to its newline, or all the client sent); None past
    ``MAX_REQUEST``."""
    data = b""
    while b"\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST:
            return None
    return data.split(b"\n", 1)[0]
