"""A fake modem (DCE): bytes in, bytes out, simulated time passed in, no threads and no I/O.

``FakeModem`` keeps everything one modem knows (identity, SIM, network, storages, settings) and
what is due later (answers to slow commands, boot URCs, delivery reports) as timers on a
simulated clock. The caller drives it: ``receive`` hands it what the DTE wrote, ``poll`` takes what
it emitted by then, ``next_deadline`` says when it next has something to do. Every action happens
at its own due time whatever the caller's polling rhythm, so a run is a function of the inputs,
their times and the seed.

Framing follows V.250 (echo of received characters while in command state, ``<CR><LF>`` around
responses) and TS 27.005 (the ``> `` prompt of AT+CMGS, Ctrl-Z to send, ESC to cancel). Each unit
of output (the information text of one command, a final result code, one URC) is written whole,
units ``LINE_GAP`` apart, so an unsolicited line can land between two units, as on real modems
(between ``> `` and ``+CMGS``, between ``+CMGS: 12`` and ``OK``), but never inside a line.

``FakeModem`` is put together from one mixin per concern: ``interpreter`` (command lines,
the prompt, output units), ``power`` (power, boot, SIM, registration), ``network`` (inbound
SMS and reports, routing, the air log) and ``calls`` (incoming calls: RING, +CLIP, hang-up).
This module holds its state, its clock and its output, and the public API for tests and
scenarios. The command handlers (``commands_*``) see it through ``handler.Dce``.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from .air import AirLog, AirMessage
from .calls import Call, IncomingCalls
from .commandline import Command
from .faults import Faults
from .identity import make_iccid, make_imei, make_imsi
from .interpreter import CommandInterpreter, PromptInput
from .network import Announced, Inbound, NetworkSide
from .power import PowerAndRegistration
from .profile import Profile
from .results import urc
from .state import Settings, SimCard
from .storage import MessageStore

DEFAULT_EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


class FakeModem(CommandInterpreter, PowerAndRegistration, NetworkSide, IncomingCalls):
    """One simulated modem. See the module docstring. The public API is below, plus
    ``power_on``/``power_off``/``power_cycle``/``remove_sim`` (``power``), ``deliver_sms``
    (``network``) and ``ring`` (``calls``)."""

    def __init__(
        self,
        profile: str | Profile = "generic",
        *,
        seed: int = 0,
        imei: str | None = None,
        iccid: str | None = None,
        imsi: str | None = None,
        pin: str | None = None,
        puk: str = "12345678",
        operator: str = "Orange F",
        now: float = 0.0,
        sim: bool = True,
        smsc: str = "+33689004000",
        epoch: datetime = DEFAULT_EPOCH,
        booted: bool = True,
        msisdn: str | None = None,
    ) -> None:
        from .profiles import get_profile  # the registry imports the profile modules

        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        identity = random.Random(f"identity/{seed}")
        self.imei = imei or make_imei(self.profile.tac, identity)
        self.iccid = iccid or make_iccid(identity)
        self.imsi = imsi or make_imsi(identity)
        self.lac = f"{identity.randrange(0x100, 0xFFFF):04X}"
        self.cell = f"{identity.randrange(0x1000, 0xFFFF):04X}"
        if self.profile.creg_act not in (None, 0):  # UMTS/LTE cell identities take 28 bits
            self.cell = f"{identity.randrange(0x100000, 0xFFFFFFF):08X}"
        self.boot_id = f"{identity.randrange(10**7, 10**8)}"
        self.operator = operator
        self.home_network = self.imsi[:5]
        self.smsc = smsc
        self.epoch = epoch
        self.faults = Faults(send_delay=self.profile.send_delay)
        self.signal = self.profile.signal_default
        self.ussd_replies: dict[str, str] = {"*100#": "Votre credit est de 5,00 EUR."}
        self.sim = SimCard(present=sim, pin=pin, puk=puk, msisdn=msisdn)
        self.storages = {
            s.name: MessageStore(s.name, s.capacity, self.profile.first_index)
            for s in self.profile.storages
        }
        self._air = AirLog()
        self._fault_rng = random.Random(f"faults/{seed}")
        self._noise_rng = random.Random(f"noise/{seed}")
        self._network_rng = random.Random(f"network/{seed}")
        self._mr = self._network_rng.randrange(256)

        self._timers: list[tuple[float, int, str, Callable[[float], None]]] = []
        self._seq = itertools.count()
        self._now = now
        self._tx = bytearray()
        self._rx = bytearray()
        self._line = bytearray()
        self._last_line = ""
        self._state: Literal["idle", "prompt", "busy"] = "idle"
        self._prompt: PromptInput | None = None
        # True from a send's Ctrl-Z to its answer: the PDU left the host, for tests that need
        # a send caught in the middle (a kill, an unplug); and how many PDUs came in so far
        self.awaiting_network = False
        self.pdus_received = 0
        self._line_rest: list[Command] = []
        self._ran: Command | None = None  # the last command of the line that ran
        self._cursor = now
        self._after_ok: list[Callable[[float], None]] = []
        self._power: Literal["off", "on"] = "off"
        self._detached = False
        self._hung_until: float | None = None
        self._responsive_at = now
        self._sim_ready_at = now
        self._sim_data_at = now
        self._registered_at = math.inf
        self._cfun = 1
        self._last_stat = 0
        self._last_mode: tuple[int, int] = (0, 0)
        self._urc_buffer: list[bytes] = []
        self._network_queue: deque[Inbound] = deque()
        self.announced: list[Announced] = []  # inbound SMS URCs, oldest first (``network``)
        self._network_next = now
        self._network_blocked = False
        self._offer_scheduled = False
        self._full_announced = False
        self._bus_events: list[str] = []
        self.calls: list[Call] = []  # every incoming call, newest last (``calls``)
        self._ringing: Call | None = None
        self.settings = self._default_settings()
        self._power_on(now, cold=not booted)

    # --- public: the DTE side --------------------------------------------------------------

    def receive(self, data: bytes, now: float) -> None:
        """Bytes the DTE wrote, arriving at ``now``."""
        self._advance(now)
        if self._silent(now) or now < self._responsive_at:
            return  # a hung, unplugged or still-booting modem drops what it is sent
        self._rx.extend(data)
        self._pump(now)

    def poll(self, now: float) -> bytes:
        """Everything the modem emitted up to ``now``."""
        self._advance(now)
        out = bytes(self._tx)
        self._tx.clear()
        return out

    @property
    def now(self) -> float:
        """The simulated time the modem has been driven to."""
        return self._now

    def next_deadline(self) -> float | None:
        """The simulated time at which ``poll`` next has something to do (None: nothing due)."""
        return self._timers[0][0] if self._timers else None

    def take_bus_events(self, now: float) -> list[str]:
        """``"detach"``/``"attach"`` of the USB device since the last call (AT+CFUN=1,1 resets)."""
        self._advance(now)
        events, self._bus_events = self._bus_events, []
        return events

    # --- public: the air side --------------------------------------------------------------

    @property
    def submits(self) -> list:
        """Every part the network accepted, decoded (``modem.pdu.Submit``)."""
        return self._air.submits

    @property
    def air(self) -> list[AirMessage]:
        """Every complete message the network accepted, parts put together."""
        return self._air.messages

    # --- public: scenario and faults -------------------------------------------------------

    def hang(self, now: float, duration: float | None = None) -> None:
        """From ``now`` the modem discards input and answers nothing, for ``duration`` seconds
        (None: until it is power-cycled). A command in progress never gets its answer."""
        self._advance(now)
        self.hang_at(now, duration)

    def hang_at(self, now: float, duration: float | None) -> None:
        """``hang`` from inside the modem's own timeline (a command handler's timer)."""
        self._cancel("cmd")
        self._rx.clear()
        self._line.clear()
        self._state, self._prompt, self._line_rest = "idle", None, []
        self.awaiting_network = False
        self._hung_until = math.inf if duration is None else now + duration
        if duration is not None:
            self._at(now + duration, "hang", self._end_hang)

    def emit_urc(self, line: str, now: float) -> None:
        """A raw unsolicited line at ``now`` (vendor noise, a +CMTI for nothing, anything)."""
        self._advance(now)
        self._write(urc([line]))

    def burst(self, lines: list[str], now: float, interval: float = 0.0) -> None:
        """Raw unsolicited lines, ``interval`` seconds apart from ``now``."""
        self._advance(now)
        for position, line in enumerate(lines):
            self._at(now + position * interval, "urc", lambda _t, ln=line: self._write(urc([ln])))

    def inject_garbage(self, data: bytes, now: float) -> None:
        """Raw bytes on the line at ``now``, framing or not."""
        self._advance(now)
        self._write(data)

    # --- shared with the command handlers --------------------------------------------------

    def wall_clock(self, t: float) -> datetime:
        """The date and time a simulated instant shows on the network's timestamps."""
        return self.epoch + timedelta(seconds=t)

    def store(self, name: str) -> MessageStore | None:
        """The storage behind a name given to AT+CPMS (aliases resolved), if the device has it."""
        real = self.profile.storage(name)
        return self.storages.get(real) if real else None

    def fault_draw(self) -> float:
        return self._fault_rng.random()

    def fault_choice(self, codes: tuple[int, ...]) -> int:
        return self._fault_rng.choice(codes)

    def at(self, t: float, action: Callable[[float], None], tag: str = "cmd") -> None:
        """Run ``action`` at simulated time ``t``."""
        self._at(t, tag, action)

    def write_urc(self, lines: list[str]) -> None:
        self._write(urc(lines, self.settings.verbose))

    def reset_settings(self) -> None:
        """ATZ / AT&F: the profile's defaults (the SMSC stays what the SIM holds)."""
        self.settings = self._default_settings()

    # --- machinery -------------------------------------------------------------------------

    def _default_settings(self) -> Settings:
        p = self.profile
        return Settings(
            echo=p.echo_default,
            cmee=p.cmee_default,
            cscs=p.charset_default,
            cnmi=list(p.cnmi_default),
            cpms=list(p.cpms_default),
            csca=(self.smsc, 145 if self.smsc.startswith("+") else 129),
        )

    def _at(self, t: float, tag: str, action: Callable[[float], None]) -> None:
        heapq.heappush(self._timers, (t, next(self._seq), tag, action))

    def _cancel(self, *tags: str) -> None:
        self._timers = [timer for timer in self._timers if timer[2] not in tags]
        heapq.heapify(self._timers)

    def _advance(self, now: float) -> None:
        now = max(now, self._now)
        while self._timers and self._timers[0][0] <= now:
            due, _, _, action = heapq.heappop(self._timers)
            self._now = due
            action(due)
        self._now = now
        self._check_registration(now)

    def _silent(self, t: float) -> bool:
        hung = self._hung_until is not None and t < self._hung_until
        return self._power != "on" or self._detached or hung

    def _write(self, data: bytes) -> None:
        if not self._silent(self._now):
            self._tx.extend(data)

    def _end_hang(self, t: float) -> None:
        self._hung_until = None
        self._offer(t)
