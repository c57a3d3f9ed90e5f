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

The command handlers live in the ``commands_*`` modules; this module is the machinery they share.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from . import commandline
from .air import AirLog, AirMessage
from .commandline import Command
from .faults import Faults
from .identity import make_iccid, make_imei, make_imsi
from .profile import Profile
from .results import ERROR, Failure, final_failure, final_ok, info_block, urc
from .storage import REC_UNREAD, MessageStore

LINE_GAP = 0.002  # seconds between two output units (about 20 characters at 115200 bit/s)
RESET_AFTER_OK = 1.0  # seconds from the OK of AT+CFUN=1,1 to the reboot (the OK must get out)
CTRL_Z, ESC, CR, BACKSPACE = 0x1A, 0x1B, 0x0D, 0x08
DEFAULT_EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

# The garbage a noisy line or a confused firmware emits: invalid UTF-8 among it, on purpose.
GARBAGE = (b"\xff\xfe\x00", b"\x00\x00", b"\xfe\xff\xfd", b"\x1b[0m\xff", b"\xc3\x28\xa0\xa1")


class Pending:
    """Returned by a handler that will finish the command itself later (prompt, network scan)."""


PENDING = Pending()
Outcome = list[str] | Failure | Pending
Handler = Callable[["FakeModem", Command, float], Outcome]
SimState = Literal["absent", "busy", "pin", "puk", "ready", "failure"]


@dataclass
class SimCard:
    """The SIM: its secrets and counters survive power cycles, as on a real card."""

    present: bool
    pin: str | None
    puk: str
    pin_attempts: int = 3
    puk_attempts: int = 10
    locked: bool = False  # the PIN must be entered (after every power-on when a PIN is set)
    blocked: bool = False  # three wrong PINs: only the PUK unblocks it
    dead: bool = False  # ten wrong PUKs: the card is unusable


@dataclass
class Settings:
    """What AT commands set; back to the profile's defaults on power-on, ATZ and AT&F."""

    echo: bool
    cmee: int
    cscs: str
    cnmi: list[int]
    cpms: list[str]
    csca: tuple[str, int]
    verbose: bool = True
    cmgf: int = 0
    csms: int = 0
    csdh: int = 0
    creg: int = 0
    cgreg: int = 0
    cereg: int = 0
    cops_format: int = 0
    cusd: int = 0
    curc: bool = True
    s_registers: dict[int, int] = field(default_factory=lambda: {3: 13, 4: 10, 5: 8})


@dataclass
class _Prompt:
    """AT+CMGS waiting for its PDU after the ``> `` prompt."""

    length: int
    text: bytearray = field(default_factory=bytearray)


@dataclass
class _Inbound:
    """Something the network holds for this modem until it can take it."""

    kind: Literal["deliver", "report"]
    pdu: str


class FakeModem:
    """One simulated modem. See the module docstring; the public API is below."""

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
        self.sim = SimCard(present=sim, pin=pin, puk=puk)
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
        self._prompt: _Prompt | None = None
        # True from a send's Ctrl-Z to its answer: the PDU left the host, for tests that need
        # a send caught in the middle (a kill, an unplug); and how many PDUs came in so far
        self.awaiting_network = False
        self.pdus_received = 0
        self._line_rest: list[Command] = []
        self._cursor = now
        self._after_ok: list[Callable[[float], None]] = []
        self._power: Literal["off", "on"] = "off"
        self._detached = False
        self._hung_until: float | None = None
        self._responsive_at = now
        self._sim_ready_at = now
        self._registered_at = math.inf
        self._cfun = 1
        self._last_stat = 0
        self._last_mode: tuple[int, int] = (0, 0)
        self._urc_buffer: list[bytes] = []
        self._network_queue: deque[_Inbound] = deque()
        self._network_next = now
        self._network_blocked = False
        self._offer_scheduled = False
        self._full_announced = False
        self._bus_events: list[str] = []
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
        self._cancel("cmd")
        self._rx.clear()
        self._line.clear()
        self._state, self._prompt, self._line_rest = "idle", None, []
        self.awaiting_network = False
        self._hung_until = math.inf if duration is None else now + duration
        if duration is not None:
            self._at(now + duration, "hang", self._end_hang)

    def deliver_sms(self, sender: str, text: str, now: float) -> None:
        """An SMS from ``sender`` reaches the network for this modem at ``now``."""
        from modem import pdu

        self._advance(now)
        parts = pdu.encode_deliver(
            sender,
            text,
            timestamp=self.wall_clock(now),
            smsc=self.smsc,
            reference=self._network_rng.randrange(256),
        )
        self._network_queue.extend(_Inbound("deliver", part) for part in parts)
        self._offer(now)

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

    def power_off(self, now: float) -> None:
        """The modem loses power (unplugged). What the network holds for it stays there."""
        self._advance(now)
        self._power_off(now)

    def _power_off(self, now: float) -> None:
        self._cancel("cmd", "urc", "boot", "periodic", "reg", "hang", "bus")
        self._power = "off"
        self._hung_until = None
        self._rx.clear()
        self._line.clear()
        self._state, self._prompt, self._line_rest = "idle", None, []
        self.awaiting_network = False
        self._check_registration(now)

    def power_on(self, now: float) -> None:
        """The modem powers up and boots: boot URCs, SIM read, registration, as the profile says."""
        self._advance(now)
        if self._power == "on":
            self._power_off(now)
        self._detached = False
        self._power_on(now, cold=True)

    def power_cycle(self, now: float) -> None:
        """Off and on again: the only cure for a modem hung for good."""
        self.power_off(now)
        self.power_on(now)

    def remove_sim(self, now: float) -> None:
        """Pull the SIM out: SIM commands answer "SIM not inserted", registration is lost."""
        self._advance(now)
        self.sim.present = False
        self._check_registration(now)

    # --- shared with the command handlers --------------------------------------------------

    def wall_clock(self, t: float) -> datetime:
        """The date and time a simulated instant shows on the network's timestamps."""
        return self.epoch + timedelta(seconds=t)

    def sim_state(self, t: float) -> SimState:
        if not self.sim.present:
            return "absent"
        if t < self._sim_ready_at:
            return "busy"
        if self.sim.dead:
            return "failure"
        if self.sim.blocked:
            return "puk"
        if self.sim.locked:
            return "pin"
        return "ready"

    def registration(self, t: float) -> int:
        """+CREG <stat>: 0 not registered, 1 home, 2 searching, 3 denied (TS 27.007 §7.2)."""
        if self._power != "on" or self._cfun != 1 or self.sim_state(t) != "ready":
            return 0
        if self.faults.registration_denied:
            return 3
        if self.faults.no_network or t < self._registered_at:
            return 2
        return 1

    def registered(self, t: float) -> bool:
        return self.registration(t) in (1, 5)

    @property
    def cfun(self) -> int:
        return self._cfun

    def set_cfun(self, fun: int, t: float) -> None:
        """Radio on (1) or off (0, 4): registering again takes the profile's registration time."""
        if fun == 1 and self._cfun != 1:
            self._registered_at = t + self.profile.registration_time
            self._at(self._registered_at, "reg", self._check_registration)
        self._cfun = fun
        self._check_registration(t)

    def reset(self, t: float) -> None:
        """AT+CFUN=1,1 answered: the modem reboots ``RESET_AFTER_OK`` later; a USB modem drops off
        the bus then and comes back as a new device after its re-enumeration time."""
        self._at(t + RESET_AFTER_OK, "bus", self._reboot)

    def _reboot(self, t: float) -> None:
        self._power_off(t)
        if self.profile.cfun_reset_reenumerates:
            self._detached = True
            self._bus_events.append("detach")
            back = t + self.profile.reenumeration_time
            self._at(back, "bus", self._attach)
        self._power_on(t, cold=True)

    def unlock_sim(self, t: float) -> None:
        """The SIM accepted the PIN or PUK: announce it and start registering."""
        self.sim.locked = False
        self.sim.blocked = False
        if self.profile.announces_cpin:
            self._write(urc(["+CPIN: READY"]))
        self._sim_became_ready(t)

    def store(self, name: str) -> MessageStore | None:
        """The storage behind a name given to AT+CPMS (aliases resolved), if the device has it."""
        real = self.profile.storage(name)
        return self.storages.get(real) if real else None

    def after_ok(self, action: Callable[[float], None]) -> None:
        """Run ``action`` once the current command line's final OK has been written."""
        self._after_ok.append(action)

    def next_reference(self) -> int:
        """The TP-Message-Reference of the next part sent (TS 23.040 §9.2.3.6)."""
        reference = self._mr
        self._mr = (self._mr + 1) % 256
        return reference

    def fault_draw(self) -> float:
        return self._fault_rng.random()

    def fault_choice(self, codes: tuple[int, ...]) -> int:
        return self._fault_rng.choice(codes)

    def open_prompt(self, length: int, t: float) -> None:
        """AT+CMGS=<length>: write the prompt and read the PDU until Ctrl-Z or ESC."""
        self._prompt = _Prompt(length)
        self._unit(t + LINE_GAP, self.profile.prompt)
        self._at(t + LINE_GAP, "cmd", self._enter_prompt)

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

    def record_submit(self, submit: object, reference: int, t: float) -> None:
        self._air.record(submit, reference, t)

    def network_report(self, pdu_hex: str, t: float) -> None:
        """The network has an SMS-STATUS-REPORT for this modem."""
        self._network_queue.append(_Inbound("report", pdu_hex))
        self._offer(t)

    def sms_urc(self, lines: list[str], t: float) -> None:
        """A +CMTI/+CMT/+CDS/+CDSI, buffered in the TA while AT+CNMI <mode> is 0."""
        data = urc(lines, self.settings.verbose)
        if self.settings.cnmi[0] == 0:
            self._urc_buffer.append(data)
        else:
            self._write(data)

    def flush_sms_urcs(self, t: float, discard: bool) -> None:
        """AT+CNMI <mode> 1-3 entered: <bfr> 0 flushes the TA's buffer, 1 clears it."""
        buffered, self._urc_buffer = self._urc_buffer, []
        if not discard:
            for data in buffered:
                self._write(data)

    def memory_available(self, t: float) -> None:
        """Storage freed (or routing changed): the ME tells the network (RP-SMMA), which retries."""
        if self._network_blocked:
            self._full_announced = False
            self._at(t + self.faults.redelivery_delay, "net", self._unblock)

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

    def _unit(self, t: float, data: bytes, garbage: bool = False) -> None:
        """Write one output unit of the running command at ``t``."""
        if (
            garbage
            and self.faults.garbage_rate
            and (self._noise_rng.random() < self.faults.garbage_rate)
        ):
            data = self._noise_rng.choice(GARBAGE) + data
        self._at(t, "cmd", lambda _t: self._write(data))

    # power, boot, SIM, registration

    def _power_on(self, now: float, cold: bool) -> None:
        p = self.profile
        self._power = "on"
        self._hung_until = None
        self.settings = self._default_settings()
        self._urc_buffer = []
        self._cfun = 1
        self._registered_at = math.inf
        self.sim.locked = self.sim.pin is not None
        if not cold:  # constructed as a modem that has been running for a while
            self._responsive_at = self._sim_ready_at = now
            if self.sim_state(now) == "ready":
                self._registered_at = now
            self._last_stat = self.registration(now)
            self._last_mode = p.system_mode if self.registered(now) else (0, 0)
            self._start_periodic(now)
            return
        self._responsive_at = now + p.responsive_after
        self._sim_ready_at = now + p.sim_init_time
        for boot in p.boot_urcs:
            self._at(now + boot.delay, "boot", lambda _t, ln=boot.line: self._write(urc([ln])))
        self._at(self._sim_ready_at, "boot", self._sim_read)
        self._start_periodic(self._responsive_at)

    def _sim_read(self, t: float) -> None:
        """The SIM has been read after power-on: say so, and carry on if it needs no PIN."""
        state = self.sim_state(t)
        if state == "absent":
            if self.profile.cpin_absent_urc:
                self._write(urc([self.profile.cpin_absent_urc]))
            return
        if self.profile.announces_cpin:
            text = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}.get(state)
            if text:
                self._write(urc([f"+CPIN: {text}"]))
        if state == "ready":
            self._sim_became_ready(t)

    def _sim_became_ready(self, t: float) -> None:
        for ready in self.profile.ready_urcs:
            self._at(t + ready.delay, "boot", lambda _t, ln=ready.line: self._write(urc([ln])))
        if self._cfun == 1:
            self._registered_at = t + self.profile.registration_time
            self._at(self._registered_at, "reg", self._check_registration)

    def _start_periodic(self, t: float) -> None:
        for periodic in self.profile.periodic_urcs:
            self._schedule_periodic(t + periodic.period, periodic.period, periodic.line)

    def _schedule_periodic(self, t: float, period: float, line: str) -> None:
        def tick(now: float) -> None:
            if self.settings.curc:
                mode, submode = self._last_mode
                rssi = self.signal if self._cfun == 1 else 99
                self._write(
                    urc([line.format(rssi=rssi, mode=mode, submode=submode, boot=self.boot_id)])
                )
            self._schedule_periodic(now + period, period, line)

        self._at(t, "periodic", tick)

    def _check_registration(self, t: float) -> None:
        stat = self.registration(t)
        if stat == self._last_stat:
            return
        self._last_stat = stat
        s = self.settings
        for name, n in (("+CREG", s.creg), ("+CGREG", s.cgreg), ("+CEREG", s.cereg)):
            if n >= 1 and (name != "+CEREG" or self.profile.has_cereg):
                self._write(urc([f"{name}: {self.registration_fields(stat, n, urc=True)}"]))
        mode = self.profile.system_mode if stat in (1, 5) else (0, 0)
        if self.profile.mode_urc and mode != self._last_mode:
            self._write(urc([self.profile.mode_urc.format(mode=mode[0], submode=mode[1])]))
        self._last_mode = mode
        if stat in (1, 5):
            self._offer(t)

    def registration_fields(self, stat: int, n: int, urc: bool) -> str:
        """``<stat>[,<lac>,<ci>[,<AcT>]]`` (URC) or ``<n>,<stat>...`` (read), TS 27.007 §7.2."""
        fields = [str(stat)] if urc else [str(n), str(stat)]
        if n == 2 and stat in (1, 5):
            fields += [f'"{self.lac}"', f'"{self.cell}"']
            if self.profile.creg_act is not None:
                fields.append(str(self.profile.creg_act))
        return ",".join(fields)

    def _end_hang(self, t: float) -> None:
        self._hung_until = None
        self._offer(t)

    def _attach(self, t: float) -> None:
        self._detached = False
        self._bus_events.append("attach")
        self._offer(t)

    # the network side

    def _deliverable(self, t: float) -> bool:
        return not self._silent(t) and t >= self._responsive_at and self.registered(t)

    def _offer(self, t: float) -> None:
        """Let the network deliver its next pending part, one every ``inbound_interval``."""
        if not self._network_queue or self._network_blocked or not self._deliverable(t):
            return
        if t < self._network_next:
            if not self._offer_scheduled:
                self._offer_scheduled = True
                self._at(self._network_next, "net", self._scheduled_offer)
            return
        item = self._network_queue[0]
        if not self._route(item, t):
            self._network_blocked = True
            return
        self._network_queue.popleft()
        self._network_next = t + self.faults.inbound_interval
        if self._network_queue:
            self._offer_scheduled = True
            self._at(self._network_next, "net", self._scheduled_offer)

    def _scheduled_offer(self, t: float) -> None:
        self._offer_scheduled = False
        self._offer(t)

    def _unblock(self, t: float) -> None:
        self._network_blocked = False
        self._offer(t)

    def _route(self, item: _Inbound, t: float) -> bool:
        """Hand one inbound PDU to the TE as AT+CNMI says; False when there is nowhere to put it."""
        from .storage import tpdu_length

        _mode, mt, _bm, ds, _bfr = self.settings.cnmi
        length = tpdu_length(item.pdu)
        if item.kind == "report":
            if ds == 1:
                self.sms_urc([f"+CDS: {length}", item.pdu], t)
            elif ds == 2:
                store = self.storages.get("SR")
                index = store.add(REC_UNREAD, item.pdu) if store else None
                if index is None:
                    return False
                self.sms_urc([f'+CDSI: "SR",{index}'], t)
            return True  # ds=0: acknowledged to the network, not routed to the TE
        if mt == 2:
            self.sms_urc([f"+CMT: ,{length}", item.pdu], t)
            return True
        store = self.store(self.settings.cpms[2])
        index = store.add(REC_UNREAD, item.pdu) if store else None
        if store is None or index is None:
            if self.profile.storage_full_urc and store and not self._full_announced:
                self._full_announced = True
                self.write_urc([self.profile.storage_full_urc.format(mem=store.name)])
            return False
        if mt in (1, 3):
            self.sms_urc([f'+CMTI: "{store.name}",{index}'], t)
        return True

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
        from .commands import HANDLERS

        while self._line_rest:
            command = self._line_rest.pop(0)
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
            from .commands_sms import submit_pdu

            submit_pdu(self, self._prompt.length, self._prompt.text.decode("latin-1"), t)
            return
        self._echo(byte)
        self._prompt.text.append(byte)
