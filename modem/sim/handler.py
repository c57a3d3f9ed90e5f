"""The interface between the command interpreter and the command handlers (``commands_*``).

A handler is ``handler(modem, command, t) -> Outcome``: the lines of its information response, a
``Failure``, or ``PENDING`` when it finishes the command itself later through ``modem.resume``
(the ``> `` prompt of AT+CMGS, a network scan). ``Dce`` lists what a handler may ask of the
modem; ``FakeModem`` (``dce.py``) provides it, and the handlers import this module, never
``dce``, so the machinery and the command tables do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, Protocol

from .commandline import Command
from .faults import Faults
from .profile import Profile
from .results import Failure
from .state import Settings, SimCard
from .storage import MessageStore

LINE_GAP = 0.002  # seconds between two output units (about 20 characters at 115200 bit/s)


class Pending:
    """Returned by a handler that will finish the command itself later (prompt, network scan)."""


PENDING = Pending()
Outcome = list[str] | Failure | Pending
Handler = Callable[["Dce", Command, float], Outcome]
SimState = Literal["absent", "busy", "pin", "puk", "ready", "failure"]


class Dce(Protocol):
    """What the command handlers read and call on the simulated modem."""

    profile: Profile
    settings: Settings
    sim: SimCard
    faults: Faults
    imei: str
    iccid: str
    imsi: str
    operator: str
    home_network: str
    smsc: str
    signal: int
    ussd_replies: dict[str, str]

    @property
    def cfun(self) -> int: ...

    # state of the SIM, the radio and the network
    def sim_state(self, t: float) -> SimState: ...
    def sim_data_busy(self, t: float) -> bool: ...
    def registration(self, t: float) -> int: ...
    def registered(self, t: float) -> bool: ...
    def registration_fields(self, stat: int, n: int, urc: bool) -> str: ...
    def set_cfun(self, fun: int, t: float) -> None: ...
    def reset(self, t: float) -> None: ...
    def unlock_sim(self, t: float) -> None: ...
    def wall_clock(self, t: float) -> datetime: ...

    # storages and SMS
    def store(self, name: str) -> MessageStore | None: ...
    def next_reference(self) -> int: ...
    def record_submit(self, submit: object, reference: int, t: float) -> None: ...
    def network_report(self, pdu_hex: str, t: float) -> None: ...
    def flush_sms_urcs(self, t: float, discard: bool) -> None: ...
    def memory_available(self, t: float) -> None: ...

    # calls
    def end_call(self, t: float) -> bool: ...

    # faults
    def fault_draw(self) -> float: ...
    def fault_choice(self, codes: tuple[int, ...]) -> int: ...

    # the interpreter and the clock
    def open_prompt(self, length: int, t: float) -> None: ...
    def resume(
        self, t: float, outcome: Outcome, on_written: Callable[[float], None] | None = None
    ) -> None: ...
    def after_ok(self, action: Callable[[float], None]) -> None: ...
    def at(self, t: float, action: Callable[[float], None], tag: str = "cmd") -> None: ...
    def hang_at(self, now: float, duration: float | None) -> None: ...
    def write_urc(self, lines: list[str]) -> None: ...
    def reset_settings(self) -> None: ...
