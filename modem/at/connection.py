"""The sans-IO AT connection: bytes from the modem in, events out; commands in, bytes out.

Shaped like h11: the device facade pushes whatever the serial port gave (``receive_data``),
pulls events (``next_event``) and writes the bytes ``send``/``send_pdu``/``abort`` return. No
I/O, no clock, no threads: one object per port, driven by the one thread that owns the port.

How a line is told apart (in this order):

1. Framing: lines end in CR, LF or CRLF in any mix; empty lines are dropped; the ``> `` prompt
   has no line end and is its own token while a command with a ``pdu`` waits for it.
2. Garbage (invalid UTF-8, control bytes other than TAB) fails the pending command or, with
   nothing pending, becomes a ``Garbage`` event. The connection stays usable.
3. The line after a ``+CMT``/``+CDS``/``+CBM`` header is that URC's PDU, whatever is pending;
   the line after an answer line of a ``pdu_lines`` command is part of the answer.
4. The echo of the pending command (and of its PDU) is dropped.
5. A final result code ends the pending command. Call-progress codes (``NO CARRIER``, ``BUSY``,
   ``NO ANSWER``, ``NO DIALTONE``, ``CONNECT``) do so only for dial, answer and data commands;
   otherwise they are unsolicited (a caller hanging up must not end an ``AT+CMGS``).
6. A line carrying one of the pending command's prefixes is its answer, even when the same name
   also arrives unsolicited; a line that is no known URC is the answer of a ``bare`` command.
7. Everything else is a ``Urc``: vendor noise never breaks the pending command.
8. A command of the connection's ``settling`` table (``AT+CPIN?`` on old Wavecom firmware, from
   ``modem.vendors.WITHOUT_FINAL``) whose completing
   information line came, followed by silence, ends without a final result: the caller, who
   owns time, asks ``settle_time`` and calls ``quiet`` once the line has been quiet that long.

A command the caller cancelled, aborted, or that failed on garbage lingers as "late": its echo,
its answer lines, its prompt and its final result are dropped quietly until the next ``send``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from modem.errors import LocalProtocolError, RemoteProtocolError

from .events import Command, CommandFailed, Event, Final, Garbage, Prompt, Response, Urc
from .results import parse_final
from .settling import NONE, Completion, completion_for
from .unsolicited import is_known_urc, line_name, pdu_line_follows

MAX_LINE_BYTES = 64 * 1024
"""A line longer than this without a line end is garbage: the buffer never grows past it."""

GARBAGE_SAMPLE_BYTES = 1024
"""At most this much of a garbage line is kept in its event."""

_USSD_MAX_LINES = 64

SETTLED = Final("OK", None, "")
"""The final result a settled command is given: none came, the answer was complete."""

_LINE_END = re.compile(rb"[\r\n]")
_CONTENT = re.compile(rb"[^\r\n]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_PROMPT = ord(">")

# Commands whose final result may be a call-progress code (ITU-T V.250 §6.3, TS 27.007 §10.1).
_CALL_COMMANDS = ("ATD", "ATA", "ATO", "AT+CGDATA")
_CALL_PROGRESS = frozenset({"NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE", "CONNECT"})


@dataclass(eq=False)
class _Exchange:
    """Where one command stands; mutable and private to the connection."""

    command: Command
    lines: list[str] = field(default_factory=list)
    echoed: bool = False
    prompted: bool = False
    pdu_sent: bool = False
    pdu_echoed: bool = False
    awaiting_pdu_line: bool = False
    completion: Completion | None = None  # what may complete it without a final result
    complete: bool = False  # that information line came

    @property
    def awaits_prompt(self) -> bool:
        return self.command.pdu is not None and not self.prompted


@dataclass(frozen=True)
class _PendingUrc:
    """A ``+CMT``-like header whose PDU is the next line."""

    name: str
    line: str
    needs_hex: bool


class AtConnection:
    """One modem's AT dialogue, without I/O. Not thread-safe: one thread owns it."""

    def __init__(self, settling: Mapping[str, Completion] = NONE) -> None:
        self._settling = settling
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the current partial line known to hold no line end
        self._skipping = False  # discarding the rest of an overlong line
        self._events: deque[Event] = deque()
        self._pending: _Exchange | None = None
        self._late: _Exchange | None = None
        self._urc_awaiting_pdu: _PendingUrc | None = None
        self._held_ussd: list[str] | None = None
        self._esc_echo_expected = False  # abort() sent ESC; a modem with echo on returns it

    # --- the caller's side ----------------------------------------------------------------------

    @property
    def pending(self) -> Command | None:
        """The command waiting for its final result, if any."""
        return self._pending.command if self._pending else None

    def send(self, command: Command) -> bytes:
        """The bytes that send ``command``; LocalProtocolError if another one is pending."""
        if self._pending is not None:
            raise LocalProtocolError(
                f"cannot send {command.text!r}: {self._pending.command.text!r} is pending"
            )
        _check_command(command)
        self._pending = _Exchange(command, completion=completion_for(command.text, self._settling))
        self._late = None
        return command.text.encode("ascii") + b"\r"

    def send_pdu(self) -> bytes:
        """After ``Prompt``: the PDU hex and Ctrl-Z. LocalProtocolError at any other time."""
        exchange = self._pending
        if exchange is None or exchange.command.pdu is None:
            raise LocalProtocolError("no pending command has a PDU to send")
        if not exchange.prompted:
            raise LocalProtocolError(f"{exchange.command.text!r}: the modem has not prompted yet")
        if exchange.pdu_sent:
            raise LocalProtocolError(f"{exchange.command.text!r}: the PDU was already sent")
        exchange.pdu_sent = True
        return exchange.command.pdu.encode("ascii") + b"\x1a"

    def abort(self) -> bytes:
        """ESC, which leaves a stuck ``> `` prompt; the pending command is forgotten.

        A modem with echo on echoes the ESC back even outside a prompt (V.250 echoes every
        character): that echo is expected and dropped, not taken for garbage.
        """
        self.cancel()
        self._esc_echo_expected = True
        return b"\x1b"

    def cancel(self) -> None:
        """Forget the pending command (the caller timed out); its late answer is dropped."""
        if self._pending is not None:
            self._late = self._pending
            self._pending = None

    @property
    def settle_time(self) -> float | None:
        """Seconds of quiet after which the pending command counts as answered without a final
        result (its completing information line came), or None when it must wait for one."""
        exchange = self._pending
        if exchange is None or exchange.completion is None or not exchange.complete:
            return None
        if exchange.awaiting_pdu_line or self._held_ussd is not None or self._partial_line():
            return None
        return exchange.completion.settle

    def quiet(self, seconds: float) -> None:
        """The caller saw no byte from the modem for ``seconds``: a pending command whose
        ``settle_time`` has passed ends with the lines it got (``Response.settled``); a final
        result arriving later is dropped as the late answer it is."""
        settle = self.settle_time
        exchange = self._pending
        if settle is None or exchange is None or seconds < settle:
            return
        self._events.append(Response(exchange.command, tuple(exchange.lines), SETTLED, True))
        self._late, self._pending = exchange, None

    def receive_data(self, data: bytes) -> None:
        """Feed bytes read from the port (any chunking, ``b""`` included). Never raises."""
        self._buffer += data
        self._frame()

    def next_event(self) -> Event | None:
        """The next complete event, or None when the buffered bytes make none (yet)."""
        return self._events.popleft() if self._events else None

    def _partial_line(self) -> bool:
        """Whether the buffer holds the start of a line whose end has not come yet."""
        return _CONTENT.search(self._buffer) is not None

    # --- framing --------------------------------------------------------------------------------

    def _frame(self) -> None:
        buffer = self._buffer
        position = 0  # consumed bytes are dropped once, at the end: no quadratic copying
        try:
            while position < len(buffer):
                if self._skipping:
                    end = _LINE_END.search(buffer, position)
                    if end is None:
                        position = len(buffer)
                        return
                    position = end.end()
                    self._skipping = False
                    continue
                content = _CONTENT.search(buffer, position)
                if content is None:
                    position = len(buffer)
                    return
                if content.start() != position:
                    position = content.start()
                    self._scanned = 0
                if buffer[position] == _PROMPT and self._take_prompt():
                    position += 2 if buffer[position + 1 : position + 2] == b" " else 1
                    self._scanned = 0
                    continue
                end = _LINE_END.search(buffer, position + self._scanned)
                if end is None:
                    if len(buffer) - position > MAX_LINE_BYTES:
                        sample = bytes(buffer[position : position + GARBAGE_SAMPLE_BYTES])
                        self._garbage(sample, f"no line end within {MAX_LINE_BYTES} bytes")
                        position = len(buffer)
                        self._scanned = 0
                        self._skipping = True
                    else:
                        self._scanned = len(buffer) - position
                    return
                if end.start() - position > MAX_LINE_BYTES:  # however the bytes were chunked
                    sample = bytes(buffer[position : position + GARBAGE_SAMPLE_BYTES])
                    self._garbage(sample, f"no line end within {MAX_LINE_BYTES} bytes")
                    position = end.end()
                    self._scanned = 0
                    continue
                raw = bytes(buffer[position : end.start()])
                position = end.end()
                self._scanned = 0
                self._raw_line(raw)
        finally:
            del buffer[:position]

    def _take_prompt(self) -> bool:
        """Whether a ``>`` at the start of a line is the prompt some command waits for."""
        if self._pending is not None and self._pending.awaits_prompt:
            self._pending.prompted = True
            self._events.append(Prompt(self._pending.command))
            return True
        if self._pending is None and self._late is not None and self._late.awaits_prompt:
            self._late.prompted = True
            return True
        return False

    def _raw_line(self, raw: bytes) -> None:
        exchange = self._pending or self._late
        if exchange is not None and exchange.command.pdu is not None and exchange.prompted:
            # After the prompt the modem echoes what it is typed, Ctrl-Z and ESC included.
            raw = raw.replace(b"\x1a", b"").replace(b"\x1b", b"")
        elif self._esc_echo_expected and b"\x1b" in raw:
            self._esc_echo_expected = False
            raw = raw.replace(b"\x1b", b"", 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self._garbage(raw, f"invalid UTF-8 at byte {error.start}")
            return
        control = _CONTROL.search(text)
        if control is not None:
            self._garbage(raw, f"control character U+{ord(control.group()):04X}")
            return
        line = text.strip()
        if line:
            self._line(line)

    # --- lines ----------------------------------------------------------------------------------

    def _line(self, line: str) -> None:
        if self._held_ussd is not None:
            if parse_final(line) is None and len(self._held_ussd) < _USSD_MAX_LINES:
                self._held_ussd.append(line)
                joined = "\n".join(self._held_ussd)
                if joined.count('"') % 2 == 0:
                    self._held_ussd = None
                    self._classify(joined)
                return
            self._flush_held_ussd()

        if self._urc_awaiting_pdu is not None:
            header = self._urc_awaiting_pdu
            self._urc_awaiting_pdu = None
            if header.needs_hex:
                is_its_pdu = _HEX.fullmatch(line) is not None
            else:  # text mode: the message text, unless the line ends a command
                is_its_pdu = parse_final(line) is None
            if is_its_pdu:
                self._events.append(Urc(header.name, header.line, line))
                return
            self._events.append(Urc(header.name, header.line))

        exchange = self._pending or self._late
        if exchange is not None and exchange.awaiting_pdu_line:
            exchange.awaiting_pdu_line = False
            if parse_final(line) is None:
                if exchange is self._pending:
                    exchange.lines.append(line)
                return

        if line_name(line).upper() == "+CUSD" and line.count('"') % 2:
            # A USSD text with line breaks inside its quotes: gather it until the quote closes.
            self._held_ussd = [line]
            return
        self._classify(line)

    def _classify(self, line: str) -> None:
        exchange = self._pending or self._late
        if exchange is not None and _is_echo(exchange, line):
            return

        final = parse_final(line)
        if final is not None and exchange is not None and _ends(exchange.command, final.kind):
            if exchange is self._pending:
                self._events.append(Response(exchange.command, tuple(exchange.lines), final))
                self._pending = None
            else:
                self._late = None  # the late final of a forgotten command: dropped
            return

        if final is None and exchange is not None:
            belongs = _belongs(exchange.command, line)
            if belongs:
                if belongs == "prefix" and exchange.command.pdu_lines:
                    exchange.awaiting_pdu_line = True
                if exchange is self._pending:
                    exchange.lines.append(line)
                    completion = exchange.completion
                    if completion is not None and line_name(line).upper() == completion.name:
                        exchange.complete = True
                return

        self._unsolicited(line)

    def _unsolicited(self, line: str) -> None:
        follows, needs_hex = pdu_line_follows(line)
        if follows:
            self._urc_awaiting_pdu = _PendingUrc(line_name(line), line, needs_hex)
        else:
            self._events.append(Urc(line_name(line), line))

    def _flush_held_ussd(self) -> None:
        if self._held_ussd is not None:
            joined = "\n".join(self._held_ussd)
            self._held_ussd = None
            self._classify(joined)

    def _garbage(self, raw: bytes, reason: str) -> None:
        self._flush_held_ussd()
        if self._urc_awaiting_pdu is not None:
            header = self._urc_awaiting_pdu
            self._urc_awaiting_pdu = None
            self._events.append(Urc(header.name, header.line))
        sample = raw[:GARBAGE_SAMPLE_BYTES]
        if self._pending is not None:
            exchange = self._pending
            self.cancel()
            shown = repr(sample[:64]) + ("..." if len(raw) > 64 else "")
            error = RemoteProtocolError(
                f"{exchange.command.text!r}: the modem sent garbage ({reason}): {shown}"
            )
            self._events.append(CommandFailed(exchange.command, error))
        else:
            self._events.append(Garbage(sample, reason))


def _check_command(command: Command) -> None:
    text = command.text
    if not text or not text.isascii() or not text.isprintable():
        raise LocalProtocolError(f"not a sendable command line: {text!r}")
    if command.pdu is not None and (not _HEX.fullmatch(command.pdu) or len(command.pdu) % 2):
        raise LocalProtocolError(f"{text!r}: the PDU is not an even number of hex digits")


def _is_echo(exchange: _Exchange, line: str) -> bool:
    """Whether ``line`` is the modem repeating the command or its PDU (ATE1), once each."""
    if not exchange.echoed and line.upper() == exchange.command.text.strip().upper():
        exchange.echoed = True
        return True
    pdu = exchange.command.pdu
    if exchange.pdu_sent and not exchange.pdu_echoed and pdu and line.upper() == pdu.upper():
        exchange.pdu_echoed = True
        return True
    return False


def _ends(command: Command, kind: str) -> bool:
    if kind not in _CALL_PROGRESS:
        return True
    return command.text.upper().startswith(_CALL_COMMANDS)


def _belongs(command: Command, line: str) -> str | None:
    """``"prefix"`` or ``"bare"`` when ``line`` answers ``command``, None otherwise."""
    name = line_name(line).upper()
    if any(name == prefix.strip().rstrip(":").strip().upper() for prefix in command.prefixes):
        return "prefix"
    if command.bare and not is_known_urc(line):
        return "bare"
    return None
