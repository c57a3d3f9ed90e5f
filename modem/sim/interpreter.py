"""The command interpreter of a simulated modem: received bytes to command lines to handlers.

V.250 framing: echo of received characters while in command state, S3/S5 line editing, ``A/``,
one command line run command by command, each handler's outcome written as one output unit
``LINE_GAP`` after the last, the final result code at the end of the line. TS 27.005: the ``> ``
prompt of AT+CMGS, Ctrl-Z to send, ESC to cancel. The handlers come from ``commands.HANDLERS``.
A mixin of ``FakeModem``: it uses its clock (``_at``) and its output (``_write``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import commandline
from .commands import HANDLERS
from .commands_sms import submit_pdu
from .handler import LINE_GAP, Outcome, Pending
from .results import ERROR, Failure, final_failure, final_ok, info_block, urc

CTRL_Z, ESC, CR, BACKSPACE = 0x1A, 0x1B, 0x0D, 0x08

# The garbage a noisy line or a confused firmware emits: invalid UTF-8 among it, on purpose.
GARBAGE = (b"\xff\xfe\x00", b"\x00\x00", b"\xfe\xff\xfd", b"\x1b[0m\xff", b"\xc3\x28\xa0\xa1")


@dataclass
class PromptInput:
    """AT+CMGS waiting for its PDU after the ``> `` prompt."""

    length: int
    text: bytearray = field(default_factory=bytearray)


class CommandInterpreter:
    """Reads command lines and the PDU after a prompt, runs the handlers, writes their outcome."""

    def after_ok(self, action: Callable[[float], None]) -> None:
        """Run ``action`` once the current command line's final OK has been written."""
        self._after_ok.append(action)

    def open_prompt(self, length: int, t: float) -> None:
        """AT+CMGS=<length>: write the prompt and read the PDU until Ctrl-Z or ESC (after the
        device's own reports, on the devices that emit them then: ``Quirks.send_urcs``)."""
        self._prompt = PromptInput(length)
        t = self._send_urcs(t)
        self._unit(t + LINE_GAP, self.profile.prompt)
        self._at(t + LINE_GAP, "cmd", self._enter_prompt)

    def _send_urcs(self, t: float) -> float:
        """Write ``Quirks.send_urcs`` one unit each from ``t``; the time after the last."""
        for line in self.profile.quirks.send_urcs:
            t += LINE_GAP
            self._at(t, "cmd", lambda _t, ln=line: self._write(urc([ln])))
        return t

    def resume(
        self, t: float, outcome: Outcome, on_written: Callable[[float], None] | None = None
    ) -> None:
        """Finish an asynchronous command at ``t`` and carry on with the rest of its line.

        ``on_written`` runs when the outcome is written: a part counts as sent when +CMGS is
        written, so a modem that hangs before never puts it on air.
        """

        def finish(now: float) -> None:
            if on_written is not None:
                on_written(now)
            self._cursor = now
            self._settle(outcome, now)

        self._at(t, "cmd", finish)

    def _unit(self, t: float, data: bytes, garbage: bool = False) -> None:
        """Write one output unit of the running command at ``t``."""
        if (
            garbage
            and self.faults.garbage_rate
            and (self._noise_rng.random() < self.faults.garbage_rate)
        ):
            data = self._noise_rng.choice(GARBAGE) + data
        self._at(t, "cmd", lambda _t: self._write(data))

    # the command interpreter

    def _enter_prompt(self, t: float) -> None:
        self._state = "prompt"
        self._pump(t)

    def _pump(self, t: float) -> None:
        """Consume received characters while the modem is free to read them."""
        while self._rx and self._state != "busy":
            byte = self._rx.pop(0)
            if self._state == "prompt":
                self._prompt_byte(byte, t)
            else:
                self._command_byte(byte, t)

    def _echo(self, byte: int) -> None:
        if self.settings.echo:
            self._write(bytes([byte]))

    def _command_byte(self, byte: int, t: float) -> None:
        self._echo(byte)
        if byte == self.settings.s_registers.get(5, BACKSPACE):
            if self._line:
                self._line.pop()
            return
        if byte != self.settings.s_registers.get(3, CR):
            self._line.append(byte)
            if self._line[-2:].upper() == b"A/" and not self._line[:-2].strip():
                self._line.clear()  # V.250 §5.2.4: A/ repeats the last line, no CR needed
                if self._last_line:
                    self._execute(self._last_line, t)
            return
        text = self._line.decode("latin-1")
        self._line.clear()
        body = commandline.strip_prefix(text)
        if body is None:
            return  # not a command line: a real DCE ignores it
        self._last_line = body
        self._execute(body, t)

    def _execute(self, body: str, t: float) -> None:
        self._ran = None
        self._state = "busy"
        self._cursor = t
        self._after_ok = []
        try:
            self._line_rest = commandline.parse(body)
        except commandline.CommandLineError:
            self._line_rest = []
            self._settle(ERROR, t)
            return
        self._run(t)

    def _run(self, t: float) -> None:
        """Execute the rest of the line until it ends, fails or waits."""
        while self._line_rest:
            command = self._line_rest.pop(0)
            self._ran = command
            handler = HANDLERS.get(command.name)
            if handler is None:
                outcome: Outcome = ERROR
            else:
                try:
                    outcome = handler(self, command, t)
                except ValueError:  # a number that is not one, a missing value
                    outcome = ERROR
            if isinstance(outcome, Pending):
                return
            if isinstance(outcome, Failure):
                self._settle(outcome, t)
                return
            if outcome:
                self._cursor += LINE_GAP
                self._unit(self._cursor, info_block(outcome, self.settings.verbose), True)
            if command.name == "Z":
                self._line_rest = []  # V.250 §6.1.1: the rest of the line is ignored after Z
        self._settle([], t)

    def _settle(self, outcome: Outcome, t: float) -> None:
        """Write the outcome of the command that just finished, then go on or end the line."""
        if isinstance(outcome, Failure):
            self._line_rest = []
            self._cursor += LINE_GAP
            data = final_failure(outcome, self.settings.cmee, self.settings.verbose)
            self._unit(self._cursor, data, True)
            self._at(self._cursor, "cmd", self._line_done)
            return
        if isinstance(outcome, list) and outcome:
            self._cursor += LINE_GAP
            self._unit(self._cursor, info_block(outcome, self.settings.verbose), True)
        if self._line_rest:
            self._at(self._cursor, "cmd", self._run)
            return
        ran = self._ran
        if ran is None or not self.profile.quirks.omits_final(ran.name, ran.kind):
            self._cursor += LINE_GAP
            self._unit(self._cursor, final_ok(self.settings.verbose), True)
        after, self._after_ok = self._after_ok, []

        def done(now: float) -> None:
            for action in after:
                action(now)
            self._line_done(now)

        self._at(self._cursor, "cmd", done)

    def _line_done(self, t: float) -> None:
        self.awaiting_network = False
        self._state = "idle"
        self._prompt = None
        self._pump(t)

    def _prompt_byte(self, byte: int, t: float) -> None:
        assert self._prompt is not None
        if byte == ESC:  # TS 27.005 §3.5.1: ESC cancels, nothing is sent
            self._state = "busy"
            self._cursor = t
            self._settle([], t)
            return
        if byte == CTRL_Z:
            self._state = "busy"
            self.awaiting_network = True  # the PDU is in; the network's answer is pending
            self.pdus_received += 1
            self._cursor = t
            t = self._send_urcs(t)
            submit_pdu(self, self._prompt.length, self._prompt.text.decode("latin-1"), t)
            return
        self._echo(byte)
        self._prompt.text.append(byte)
