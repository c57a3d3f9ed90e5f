"""What goes into the AT core (``Command``) and what comes out of it (the events).

All of them are frozen dataclasses: values that can be compared, logged and handed between
threads without a lock. The core never holds a clock, so ``Command.timeout`` is only carried
along for the caller, who owns time.
"""

from __future__ import annotations

from dataclasses import dataclass

from modem.errors import RemoteProtocolError


@dataclass(frozen=True)
class Command:
    """One AT command line and what the core needs to know to tell its answer from noise.

    ``prefixes`` name the information responses that belong to the command (``("+CSQ:",)``):
    a line with one of these names is its answer even when the same name can also arrive
    unsolicited (``+CREG:`` while ``AT+CREG?`` is pending). ``bare`` says that lines with no
    known unsolicited name are its answer too (``AT+CGSN`` answers plain digits). ``pdu`` is the
    hex sent after the ``> `` prompt; ``pdu_lines`` says each matching information line is
    followed by a PDU line that belongs to the answer (``AT+CMGL``/``AT+CMGR`` in PDU mode).
    """

    text: str
    prefixes: tuple[str, ...] = ()
    bare: bool = False
    pdu: str | None = None
    pdu_lines: bool = False
    timeout: float = 5.0


@dataclass(frozen=True)
class Final:
    """A final result code: it ends the pending command.

    ``kind`` is one of ``OK``, ``ERROR``, ``CME``, ``CMS``, ``NO CARRIER``, ``BUSY``,
    ``NO ANSWER``, ``NO DIALTONE``, ``CONNECT``. For ``CME``/``CMS`` ``code`` is the number and
    ``text`` the argument as printed (so a verbose ``+CME ERROR: SIM PIN required`` keeps
    ``code=None`` and its words in ``text``); for the others ``text`` is the whole line.
    """

    kind: str
    code: int | None
    text: str

    @property
    def ok(self) -> bool:
        return self.kind == "OK"


@dataclass(frozen=True)
class Response:
    """The pending command got its final result; ``lines`` are its information lines, in order.

    ``settled`` says no final result came: the command is in the connection's settling table and
    its completing line was followed by silence (``final`` is then an OK with no text).
    """

    command: Command
    lines: tuple[str, ...]
    final: Final
    settled: bool = False


@dataclass(frozen=True)
class Prompt:
    """The ``> `` prompt of ``AT+CMGS``/``AT+CMGW``: the caller now writes ``send_pdu()``."""

    command: Command


@dataclass(frozen=True)
class Urc:
    """An unsolicited line. ``name`` is the text before the first ``:`` (or the whole line:
    ``RING``, ``Call Ready``); ``pdu`` is the line that follows ``+CMT``/``+CDS``/``+CBM``."""

    name: str
    line: str
    pdu: str | None = None


@dataclass(frozen=True)
class CommandFailed:
    """The modem sent garbage while ``command`` was pending; the command is over for the core."""

    command: Command
    error: RemoteProtocolError


@dataclass(frozen=True)
class Garbage:
    """Bytes that are not AT, received while no command was pending (at most 1 KiB kept)."""

    data: bytes
    reason: str


Event = Response | Prompt | Urc | CommandFailed | Garbage
