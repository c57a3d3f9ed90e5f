"""``AtChannel``: one serial port, one command at a time, and the reader thread that answers it.

One reader thread (the transport's) feeds every byte to the sans-IO ``AtConnection`` and completes
the command in flight; callers run one command at a time under a lock, so two threads can never
interleave a PDU (python-gsmmodem-new's ``GsmModem`` can). The ``> `` prompt is answered from the
reader thread the moment it arrives, so a send costs no extra thread hop. Unsolicited codes become
domain events (``modem.events``, through ``unsolicited.event_for``) on a queue that the owner
drains from its own thread.

Every command has a timeout and every failure is typed (``modem.errors``). The concerns of the
``Modem`` (initialisation, status, messages, USSD, recovery) build on the helpers here:
``_simple``, ``_single``, ``_try``, ``_optional``.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Self

from modem import events
from modem.at import (
    AtConnection,
    Command,
    CommandFailed,
    Final,
    Garbage,
    Prompt,
    Response,
    Urc,
)
from modem.codes import cme_error, cms_error
from modem.errors import (
    CmeError,
    CmsError,
    CommandError,
    CommandTimeout,
    ModemError,
    PortGone,
    RemoteProtocolError,
    SimError,
)
from modem.transport import SerialTransport
from modem.vendors import WITHOUT_FINAL, Vendor, vendor_for

from .records import Identity, Timeouts
from .unsolicited import event_for

log = logging.getLogger("modem.device")

ESC = b"\x1b"


class _Waiter:
    """The command in flight and what the reader thread learnt about it.

    ``settle`` is the core's ``settle_time`` as the reader last saw it: the command may end
    without a final result once the line is quiet that long. ``wake`` rouses the caller when
    the command ends or ``settle`` changes.
    """

    def __init__(self, command: Command) -> None:
        self.command = command
        self.done = threading.Event()
        self.wake = threading.Event()
        self.response: Response | None = None
        self.error: ModemError | None = None
        self.pdu_written = False
        self.settle: float | None = None

    def finish(self) -> None:
        self.done.set()
        self.wake.set()


class AtChannel:
    """One modem on one serial port. Not tied to a thread, but one command runs at a time."""

    def __init__(
        self,
        port: str,
        *,
        timeouts: Timeouts | None = None,
        baudrate: int = 115200,
        on_event: Callable[[events.ModemEvent], None] | None = None,
    ) -> None:
        self.port = port
        self.timeouts = timeouts or Timeouts()
        self.events: queue.SimpleQueue[events.ModemEvent] = queue.SimpleQueue()
        self._on_event = on_event
        self._conn = AtConnection(WITHOUT_FINAL)  # the vendors' commands answered without OK
        self._transport = SerialTransport(
            port, on_data=self._on_data, on_lost=self._on_lost, baudrate=baudrate
        )
        self._lock = threading.Lock()  # guards _conn and _waiter (reader thread vs callers)
        self._command_lock = threading.RLock()  # one command at a time, whoever calls
        self._waiter: _Waiter | None = None
        self._gone: PortGone | None = None
        self._closed = threading.Event()
        self._last_rx = 0.0  # monotonic time of the last byte from the modem
        self._dirty = False  # a command was abandoned: its late answer may still come
        # What initialisation learns, read by the other concerns
        self.identity: Identity | None = None
        self.cnmi: tuple[int, ...] | None = None
        self.storage: str | None = None
        self.receives = True  # False: send-only (no indications, no storage)
        self.smsc_number: str | None = None  # the SMS centre the SIM held at bring-up
        self.radio_was_off: int | None = None  # the +CFUN level the radio was switched on from
        self._pin: str | None = None
        self._rejected_pins: set[str] = set()
        self._ussd: queue.SimpleQueue[events.UssdReceived] = queue.SimpleQueue()

    # --- life cycle ------------------------------------------------------------------------------

    def open(self) -> Self:
        """Open the port (exclusively); PortBusy if another program holds it, PortGone if absent."""
        self._transport.open()
        return self

    def close(self) -> None:
        self._closed.set()
        self._transport.close()
        self._fail_waiter(PortGone(f"{self.port} was closed"))

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def gone(self) -> bool:
        """True once the port vanished: the owner must close this Modem and open the port anew."""
        return self._gone is not None

    @property
    def vendor(self) -> Vendor:
        """The vendor family whose quirks apply; the 3GPP default until the modem is identified."""
        return vendor_for(self.identity.manufacturer if self.identity else "")

    # --- commands --------------------------------------------------------------------------------

    def command(self, command: Command) -> Response:
        """Run one command and return its response; raise the typed error of a failure result."""
        response = self._run(command)
        _raise_for_final(command, response.final)
        return response

    def at(self, text: str, *, timeout: float | None = None) -> Response:
        """Run any command and return its response whatever the final result (for debugging)."""
        prefix = _answer_prefix(text)
        command = Command(
            text,
            prefixes=(prefix,) if prefix else (),
            bare=True,
            timeout=timeout or self.timeouts.command,
        )
        return self._run(command)

    def _simple(
        self,
        text: str,
        *prefixes: str,
        bare: bool = False,
        timeout: float | None = None,
        pdu_lines: bool = False,
    ) -> tuple[str, ...]:
        command = Command(
            text,
            prefixes=prefixes,
            bare=bare,
            pdu_lines=pdu_lines,
            timeout=timeout or self.timeouts.command,
        )
        return self.command(command).lines

    def _run(self, command: Command) -> Response:
        with self._command_lock:
            if self._dirty:
                self._settle()
            waiter = _Waiter(command)
            with self._lock:
                if self._gone is not None:
                    raise PortGone(str(self._gone))
                data = self._conn.send(command)
                self._waiter = waiter
            try:
                self._transport.write(data)
            except PortGone:
                self._clear_waiter(waiter)
                raise
            if not self._wait(waiter):
                with self._lock:
                    if not waiter.done.is_set():
                        self._conn.cancel()
                        self._waiter = None
                        timed_out = True
                    else:
                        timed_out = False
                if timed_out:
                    self._dirty = True
                    if command.pdu is not None and not waiter.pdu_written:
                        self.escape()  # leave a prompt that may still come
                    error = CommandTimeout(command.text, command.timeout)
                    error.maybe_sent = waiter.pdu_written
                    raise error
            if waiter.error is not None:
                if isinstance(waiter.error, RemoteProtocolError):
                    self._dirty = True  # the rest of its answer may still come
                waiter.error.maybe_sent = waiter.pdu_written
                raise waiter.error
            assert waiter.response is not None
            return waiter.response

    def _wait(self, waiter: _Waiter) -> bool:
        """Wait for the command's end, ending it without a final result when the core says its
        answer is complete and the line has been quiet long enough (``modem.at.settling``)."""
        deadline = time.monotonic() + waiter.command.timeout
        while not waiter.done.is_set():
            now = time.monotonic()
            if now >= deadline:
                return False
            settle = waiter.settle
            wake_at = deadline if settle is None else min(deadline, self._last_rx + settle)
            waiter.wake.wait(max(0.0, wake_at - now))
            waiter.wake.clear()
            if waiter.settle is not None and not waiter.done.is_set():
                self._try_settling(waiter)
        return True

    def _try_settling(self, waiter: _Waiter) -> None:
        urcs: list[Urc] = []
        with self._lock:
            if self._waiter is waiter:
                self._conn.quiet(time.monotonic() - self._last_rx)
                while (event := self._conn.next_event()) is not None:
                    self._handle(event, urcs)
        for urc in urcs:
            self._emit(urc)

    def escape(self) -> None:
        """Send ESC: leaves a stuck ``> `` prompt without sending anything."""
        with self._lock:
            data = self._conn.abort()
        try:
            self._transport.write(data)
        except PortGone:
            pass

    # --- reader thread ---------------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        self._last_rx = time.monotonic()
        urcs: list[Urc] = []
        with self._lock:
            self._conn.receive_data(data)
            while (event := self._conn.next_event()) is not None:
                self._handle(event, urcs)
            waiter = self._waiter
            if waiter is not None and waiter.settle != self._conn.settle_time:
                waiter.settle = self._conn.settle_time
                waiter.wake.set()
        for urc in urcs:
            self._emit(urc)

    def _handle(self, event: object, urcs: list[Urc]) -> None:
        waiter = self._waiter
        if isinstance(event, Response):
            if waiter is not None and waiter.command is event.command:
                waiter.response = event
                self._waiter = None
                waiter.finish()
        elif isinstance(event, Prompt):
            if waiter is not None and waiter.command is event.command:
                data = self._conn.send_pdu()
                try:
                    self._transport.write(data)
                except PortGone:
                    return  # the reader will report the loss
                waiter.pdu_written = True
        elif isinstance(event, CommandFailed):
            if waiter is not None and waiter.command is event.command:
                waiter.error = event.error
                self._waiter = None
                waiter.finish()
        elif isinstance(event, Urc):
            urcs.append(event)
        elif isinstance(event, Garbage):
            log.warning("%s: garbage from the modem: %s", self.port, event.reason)

    def _on_lost(self, error: PortGone) -> None:
        log.warning("%s: port lost: %s", self.port, error)
        with self._lock:
            self._gone = error
        self._fail_waiter(PortGone(str(error)))

    def _fail_waiter(self, error: ModemError) -> None:
        with self._lock:
            waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done.is_set():
            waiter.error = error
            waiter.finish()

    def _clear_waiter(self, waiter: _Waiter) -> None:
        with self._lock:
            if self._waiter is waiter:
                self._conn.cancel()
                self._waiter = None

    def _emit(self, urc: Urc) -> None:
        event = event_for(urc)
        if isinstance(event, events.UssdReceived):
            self._ussd.put(event)
        self.events.put(event)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:  # a faulty callback must not kill the reader
                log.exception("%s: on_event callback failed", self.port)

    def next_event(self, timeout: float | None = None) -> events.ModemEvent | None:
        """The next unsolicited event, waiting up to ``timeout`` seconds (None: don't wait)."""
        try:
            return self.events.get(timeout=timeout) if timeout else self.events.get_nowait()
        except queue.Empty:
            return None

    # --- attention -------------------------------------------------------------------------------

    def sync(self, attempts: int = 5) -> None:
        """Get the modem's attention: ESC out of any prompt, CR to end a half-typed line, AT."""
        with self._lock:
            self._conn.abort()
        self._transport.write(ESC + b"\r")
        last: ModemError | None = None
        for _ in range(attempts):
            try:
                self._simple("AT", timeout=self.timeouts.sync)
            except (CommandTimeout, RemoteProtocolError, CommandError) as exc:
                last = exc
                continue
            return
        assert last is not None
        raise last

    def _settle(self, quiet: float = 0.1, limit: float = 1.0) -> None:
        """After abandoned commands, wait until the modem has been quiet for ``quiet`` seconds so
        a late answer of one of them cannot be taken for the answer of the next command (its
        final result, arriving with nothing pending, is dropped)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            idle = time.monotonic() - self._last_rx
            if idle >= quiet:
                break
            self._closed.wait(quiet - idle)
        self._dirty = False

    # --- for the concerns built on this channel ---------------------------------------------------

    def _try(self, text: str) -> bool:
        try:
            self._simple(text)
        except (CmeError, CmsError, CommandError):
            return False
        return True

    def _optional(self, read: Callable[[], object]):
        try:
            return read()
        except (CmeError, CmsError, CommandError, RemoteProtocolError, SimError):
            return None

    def _single(self, text: str, prefix: str) -> str:
        lines = self._simple(text, prefix)
        for line in lines:
            if line.upper().startswith(prefix.upper()):
                return line
        raise RemoteProtocolError(f"{text} answered OK without a {prefix} line")


def _raise_for_final(command: Command, final: Final) -> None:
    if final.kind in ("OK", "CONNECT"):
        return
    if final.kind == "CMS":
        raise cms_error(str(final.code) if final.code is not None else final.text)
    if final.kind == "CME":
        raise cme_error(str(final.code) if final.code is not None else final.text)
    raise CommandError(command.text, final.kind)


def _answer_prefix(text: str) -> str | None:
    """``AT+CSQ`` → ``+CSQ:``; ``AT^ICCID?`` → ``^ICCID:``; plain ``ATI`` → None."""
    match = re.match(r"(?i)AT([+^$%][A-Z0-9]+)", text.strip())
    return match.group(1).upper() + ":" if match else None
