"""A simulated modem that notes, in real time, when each send starts and ends on the wire.

The benchmarks time the appliance from the modem's side of the line, where the truth is: the
moment ``AT+CMGS=`` arrives is when the daemon really started a send, and the moment the final
``OK`` after ``+CMGS: <mr>`` leaves is when the daemon could first know the part went. Both are
``time.monotonic()`` readings, which on Linux come from one system-wide clock
(``CLOCK_MONOTONIC``), so they compare with readings taken in another process.

This subclasses the product's ``FakeModem`` without changing it: ``receive`` and ``poll`` are the
two places where bytes cross between the pty server and the fake DCE (see ``modem/sim/server.py``:
the server writes what ``poll`` returns to the pty at once, and hands over what it read at once).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from modem.sim import FakeModem, SimServer
from modem.sim.server import start_fleet

SEND_COMMAND = b"AT+CMGS="
FINAL_OK = b"\r\nOK\r\n"
CTRL_Z = b"\x1a"


Listener = Callable[[str, float], None]  # (one of EVENTS, monotonic seconds)
EVENTS = ("started", "prompted", "pdu", "answered", "refused")


class ObservedModem(FakeModem):
    """A ``FakeModem`` that notes the moments of each send (monotonic seconds) in ``times`` and
    tells ``listener`` of each as it happens:

    - ``started``: ``AT+CMGS=`` received from the DTE;
    - ``prompted``: the ``> `` prompt written out;
    - ``pdu``: the Ctrl-Z that ends the PDU received (``prompted`` to ``pdu`` is the driver's
      reaction to the prompt, plus writing ~50 hex characters);
    - ``answered``: the ``OK`` that ends the ``+CMGS: <mr>`` answer written out;
    - ``refused``: a ``+CMS ERROR`` written out instead (a fault the benchmark injected).
    """

    def __init__(self, *args: Any, listener: Listener | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.times: dict[str, list[float]] = {event: [] for event in EVENTS}
        self.listener = listener
        self._received_tail = b""
        self._answer_open = False

    @property
    def sends_started(self) -> list[float]:
        return self.times["started"]

    @property
    def sends_answered(self) -> list[float]:
        return self.times["answered"]

    def _note(self, event: str, when: float) -> None:
        self.times[event].append(when)
        if self.listener is not None:
            self.listener(event, when)

    def receive(self, data: bytes, now: float) -> None:
        seen = time.monotonic()
        window = (self._received_tail + data).upper()
        # The tail is shorter than the command, so a command split across two reads counts once.
        for _ in range(window.count(SEND_COMMAND)):
            self._note("started", seen)
        for _ in range(data.count(CTRL_Z)):
            self._note("pdu", seen)
        self._received_tail = window[-(len(SEND_COMMAND) - 1) :]
        super().receive(data, now)

    def poll(self, now: float) -> bytes:
        out = super().poll(now)
        if out:
            emitted = time.monotonic()
            if self.profile.prompt in out:  # a URC may share the write: not endswith
                self._note("prompted", emitted)
            if b"+CMS ERROR" in out:
                self._note("refused", emitted)
            answer = out.find(b"+CMGS:")
            if answer >= 0:
                self._answer_open = True
            if self._answer_open and out.find(FINAL_OK, max(answer, 0)) >= 0:
                self._answer_open = False
                self._note("answered", emitted)
        return out


def start_observed_fleet(
    count: int,
    directory: Path,
    *,
    profile: str = "generic",
    time_scale: float = 1.0,
    seed: int = 0,
    listener: Callable[[int, str, float], None] | None = None,
    per_modem: list[dict[str, Any]] | None = None,
    **faults: Any,
) -> list[SimServer]:
    """``count`` observed modems on ptys, links ``<directory>/ttySIM<i>`` (as ``start_fleet``);
    ``listener(index, what, when)`` hears every send start and answer; ``per_modem[i]`` holds
    faults for modem ``i`` alone (on top of ``faults``)."""

    def make(index: int, profile: str, seed: int) -> ObservedModem:
        heard = None if listener is None else functools.partial(listener, index)
        return ObservedModem(profile, seed=seed, listener=heard)

    return start_fleet(
        count,
        profile=profile,
        directory=directory,
        time_scale=time_scale,
        seed=seed,
        per_modem=per_modem,
        make=make,
        **faults,
    )


def reactions(prompted: list[float], pdus: list[float]) -> list[float]:
    """Seconds from each prompt to the PDU that answered it (the first Ctrl-Z after it)."""
    result: list[float] = []
    upcoming = sorted(pdus)
    position = 0
    for prompt in sorted(prompted):
        while position < len(upcoming) and upcoming[position] < prompt:
            position += 1
        if position == len(upcoming):
            break
        result.append(upcoming[position] - prompt)
        position += 1
    return result


def gaps(answered: list[float], started: list[float]) -> list[float]:
    """Seconds from each answered send to the next send started on the same modem.

    A send answered with no later start (the queue had emptied) has no gap.
    """
    result: list[float] = []
    upcoming = sorted(started)
    position = 0
    for end in sorted(answered):
        while position < len(upcoming) and upcoming[position] < end:
            position += 1
        if position == len(upcoming):
            break
        result.append(upcoming[position] - end)
    return result
