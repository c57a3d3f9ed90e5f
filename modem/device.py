"""``Modem``: a blocking facade over one modem's serial port.

One reader thread (the transport's) feeds every byte to the sans-IO ``AtConnection`` and completes
the command in flight; callers run one command at a time under a lock, so two threads can never
interleave a PDU (python-gsmmodem-new's ``GsmModem`` can). The ``> `` prompt is answered from the
reader thread the moment it arrives, so a send costs no extra thread hop. Unsolicited codes become
domain events (``modem.events``) on a queue that the owner drains from its own thread.

Every command has a timeout, every failure is typed (``modem.errors``), and bad input is refused
before a byte is written. The facade knows nothing of queues, databases or the web.
"""

from __future__ import annotations

import logging
import queue
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from . import events, pdu
from .at import (
    AtConnection,
    Command,
    CommandFailed,
    Final,
    Garbage,
    Operator,
    Prompt,
    Registration,
    Response,
    Signal,
    Urc,
    parse_cds,
    parse_cdsi,
    parse_cmgl,
    parse_cmgr,
    parse_cmgs,
    parse_cmt,
    parse_cmti,
    parse_cops,
    parse_cpin,
    parse_creg,
    parse_csca,
    parse_csq,
    parse_cusd,
    parse_huawei_rssi,
    parse_iccid,
    parse_imei,
    parse_imsi,
)
from .codes import cme_error, cms_error
from .errors import (
    CmeError,
    CmsError,
    CommandError,
    CommandTimeout,
    IncorrectPin,
    ModemError,
    PortGone,
    RemoteProtocolError,
    SimError,
    SimNotInserted,
    SimPinRequired,
    SimPukRequired,
)
from .pdu import gsm7
from .transport import SerialTransport

log = logging.getLogger(__name__)

ESC = b"\x1b"

# AT+CNMI settings tried in order. mt=1 first: inbound messages are stored on the SIM and only
# announced (+CMTI), so they survive until the appliance has committed them and deletes them.
# ds=1 routes delivery reports straight to us (+CDS); ds=2 stores them (+CDSI) for modems that
# refuse ds=1; the last ones give up on reports rather than on the modem.
CNMI_CHOICES: tuple[tuple[int, int, int, int, int], ...] = (
    (2, 1, 0, 1, 0),
    (1, 1, 0, 1, 0),
    (2, 1, 0, 2, 0),
    (1, 1, 0, 2, 0),
    (2, 1, 0, 0, 0),
    (1, 1, 0, 0, 0),
)
STORAGE_CHOICES = ("SM", "ME", "MT")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a final result. Sends are slow: the network answers +CMGS."""

    command: float = 5.0
    send: float = 60.0
    ussd: float = 30.0
    sync: float = 1.0
    sim_ready: float = 20.0


@dataclass(frozen=True)
class Identity:
    imei: str
    manufacturer: str
    model: str
    revision: str


@dataclass(frozen=True)
class ModemStatus:
    """A snapshot for the panel and ``smsrelay status``; None where the modem can't tell."""

    imei: str | None
    imsi: str | None
    iccid: str | None
    manufacturer: str | None
    model: str | None
    revision: str | None
    sim: str
    signal: Signal | None
    registration: Registration | None
    operator: str | None
    smsc: str | None


@dataclass(frozen=True)
class StoredMessage:
    """A message read from the modem's storage; ``message`` is None when the PDU did not decode."""

    storage: str
    index: int
    stat: int
    pdu: str
    message: pdu.Deliver | pdu.StatusReport | None
    problem: str | None = None


@dataclass(frozen=True)
class SendResult:
    """The network accepted every part: one message reference (TP-MR) per part, in order."""

    references: tuple[int, ...]
    parts: int
    encoding: str
    concat_reference: int


class _Waiter:
    """The command in flight and what the reader thread learnt about it."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.done = threading.Event()
        self.response: Response | None = None
        self.error: ModemError | None = None
        self.pdu_written = False


class Modem:
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
        self.identity: Identity | None = None
        self.cnmi: tuple[int, ...] | None = None
        self.storage: str | None = None
        self._on_event = on_event
        self._conn = AtConnection()
        self._transport = SerialTransport(
            port, on_data=self._on_data, on_lost=self._on_lost, baudrate=baudrate
        )
        self._lock = threading.Lock()  # guards _conn and _waiter (reader thread vs callers)
        self._command_lock = threading.RLock()  # one command at a time, whoever calls
        self._waiter: _Waiter | None = None
        self._gone: PortGone | None = None
        self._rejected_pins: set[str] = set()
        self._ussd: queue.SimpleQueue[events.UssdReceived] = queue.SimpleQueue()
        self._pin: str | None = None
        self._closed = threading.Event()
        self._last_rx = 0.0  # monotonic time of the last byte from the modem
        self._dirty = False  # a command was abandoned: its late answer may still come

    # --- life cycle ------------------------------------------------------------------------------

    def open(self) -> Modem:
        """Open the port (exclusively); PortBusy if another program holds it, PortGone if absent."""
        self._transport.open()
        return self

    def close(self) -> None:
        self._closed.set()
        self._transport.close()
        self._fail_waiter(PortGone(f"{self.port} was closed"))

    def __enter__(self) -> Modem:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def gone(self) -> bool:
        """True once the port vanished: the owner must close this Modem and open the port anew."""
        return self._gone is not None

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
            if not waiter.done.wait(command.timeout):
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
        for urc in urcs:
            self._emit(urc)

    def _handle(self, event: object, urcs: list[Urc]) -> None:
        waiter = self._waiter
        if isinstance(event, Response):
            if waiter is not None and waiter.command is event.command:
                waiter.response = event
                self._waiter = None
                waiter.done.set()
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
                waiter.done.set()
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
            waiter.done.set()

    def _clear_waiter(self, waiter: _Waiter) -> None:
        with self._lock:
            if self._waiter is waiter:
                self._conn.cancel()
                self._waiter = None

    def _emit(self, urc: Urc) -> None:
        event = _event_for(urc)
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

    # --- initialisation --------------------------------------------------------------------------

    def initialise(self, pin: str | None = None) -> Identity:
        """Bring the modem into a known state: echo off, numeric errors, SIM unlocked, PDU mode,
        new-message indications, message storage. Returns who it is (IMEI and model)."""
        identity = self.prepare()
        self.unlock(pin)
        self.configure()
        return identity

    def prepare(self) -> Identity:
        """The steps that need no SIM: attention, echo off, numeric errors, who the modem is."""
        self.sync()
        self._simple("ATE0")
        self._try("AT+CMEE=1")
        self.identity = self._identify()
        if "huawei" in self.identity.manufacturer.lower():
            self._try("AT^CURC=0")  # stop the periodic ^RSSI/^BOOT/^DSFLOWRPT noise
        return self.identity

    def configure(self) -> None:
        """The SMS settings, once the SIM is unlocked: PDU mode, indications, storage."""
        self._simple("AT+CMGF=0")
        # IRA (ASCII) for the texts the modem prints (operator names, USSD): under "GSM" an "@"
        # comes out as a NUL byte, which reads as garbage.
        self._try('AT+CSCS="IRA"')
        self._configure_cnmi()
        self._configure_storage()

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

    def _identify(self) -> Identity:
        manufacturer = self._info("AT+CGMI", "+CGMI:")
        model = self._info("AT+CGMM", "+CGMM:")
        revision = self._info("AT+CGMR", "+CGMR:")
        imei = parse_imei(self._simple("AT+CGSN", "+CGSN:", bare=True))
        return Identity(imei=imei, manufacturer=manufacturer, model=model, revision=revision)

    def _info(self, text: str, prefix: str) -> str:
        try:
            lines = self._simple(text, prefix, bare=True)
        except (CmeError, CommandError):
            return ""
        value = " ".join(lines).strip()
        if value.upper().startswith(prefix.upper()):
            value = value[len(prefix) :].strip()
        return value.strip('"')

    def sim_state(self) -> str:
        """READY, SIM PIN, SIM PUK, NOT INSERTED, ... as the SIM reports it."""
        try:
            lines = self._simple("AT+CPIN?", "+CPIN:")
        except SimNotInserted:
            return "NOT INSERTED"
        except SimPinRequired:
            return "SIM PIN"
        except SimPukRequired:
            return "SIM PUK"
        if not lines:
            raise RemoteProtocolError("AT+CPIN? answered OK without a +CPIN line")
        return parse_cpin(lines[0])

    def unlock(self, pin: str | None) -> None:
        """Enter the PIN if the SIM asks for it. A PIN the SIM refused is never sent again."""
        self._pin = pin
        state = self._wait_sim_state()
        if state == "READY":
            return
        if state == "SIM PIN":
            if not pin:
                raise SimPinRequired("the SIM needs its PIN: set pin in this modem's config")
            if not re.fullmatch(r"\d{4,8}", pin):
                raise SimError("the configured PIN must be 4 to 8 digits; it was not sent")
            if pin in self._rejected_pins:
                raise IncorrectPin("the SIM already refused this PIN; it is not sent again")
            try:
                self._simple(f'AT+CPIN="{pin}"')
            except (IncorrectPin, CmeError) as exc:
                self._rejected_pins.add(pin)
                raise IncorrectPin(
                    "the SIM refused the PIN; it is not retried (a SIM blocks after three wrong "
                    "PINs): correct the PIN in the config"
                ) from exc
            if self._wait_sim_state() == "READY":
                return
            state = self.sim_state()
        if state == "SIM PUK":
            raise SimPukRequired(
                "the SIM is blocked after three wrong PINs: unblock it with its PUK in a phone"
            )
        if state == "NOT INSERTED":
            raise SimNotInserted("no SIM in the modem, or the modem cannot read it")
        raise SimError(f"the SIM asks for {state}")

    def _wait_sim_state(self) -> str:
        """AT+CPIN?, retried while the SIM is busy (it is, for seconds after power-up or a PIN)."""
        deadline = time.monotonic() + self.timeouts.sim_ready
        while True:
            try:
                state = self.sim_state()
            except CmeError as exc:
                if exc.code not in (13, 14) or time.monotonic() > deadline:
                    raise
                state = "BUSY"
            if state not in ("BUSY", "NOT READY") or time.monotonic() > deadline:
                return state
            self._closed.wait(0.2)

    def _configure_cnmi(self) -> None:
        for choice in CNMI_CHOICES:
            try:
                self._simple("AT+CNMI=" + ",".join(map(str, choice)))
            except (CmsError, CmeError, CommandError):
                continue
            self.cnmi = choice
            return
        self.cnmi = None
        log.warning(
            "%s: the modem refused every AT+CNMI setting; inbound only by polling", self.port
        )

    def _configure_storage(self) -> None:
        deadline = time.monotonic() + self.timeouts.sim_ready
        for storage in STORAGE_CHOICES:
            while True:
                try:
                    self._simple(f'AT+CPMS="{storage}","{storage}","{storage}"', "+CPMS:")
                except (CmsError, CmeError) as exc:
                    if _sim_busy(exc) and time.monotonic() < deadline:
                        self._closed.wait(0.2)
                        continue
                    break
                except CommandError:
                    break
                self.storage = storage
                return
        raise ModemError("the modem accepted no message storage (AT+CPMS SM, ME or MT)")

    def _try(self, text: str) -> bool:
        try:
            self._simple(text)
        except (CmeError, CmsError, CommandError):
            return False
        return True

    # --- status ----------------------------------------------------------------------------------

    def signal(self) -> Signal:
        return parse_csq(self._single("AT+CSQ", "+CSQ:"))

    def registration(self) -> Registration:
        return parse_creg(self._single("AT+CREG?", "+CREG:"), solicited=True)

    def operator(self) -> Operator:
        self._try("AT+COPS=3,0")  # long alphanumeric names
        return parse_cops(self._single("AT+COPS?", "+COPS:"))

    def imsi(self) -> str:
        return parse_imsi(self._simple("AT+CIMI", "+CIMI:", bare=True))

    def iccid(self) -> str:
        """The ICCID printed on the SIM card; each vendor has its own command, 3GPP has +CRSM."""
        manufacturer = (self.identity.manufacturer if self.identity else "").lower()
        attempts = [
            ("AT+CCID", "+CCID:"),
            ("AT+ICCID", "+ICCID:"),
            ("AT+CRSM=176,12258,0,0,10", "+CRSM:"),
        ]
        if "huawei" in manufacturer:
            attempts.insert(0, ("AT^ICCID?", "^ICCID:"))
        elif "quectel" in manufacturer:
            attempts.insert(0, ("AT+QCCID", "+QCCID:"))
        last: ModemError | None = None
        for text, prefix in attempts:
            try:
                return parse_iccid(self._simple(text, prefix, bare=True))
            except (CmeError, CommandError, RemoteProtocolError, CmsError) as exc:
                last = exc
        assert last is not None
        raise last

    def smsc(self) -> str | None:
        number, _ = parse_csca(self._single("AT+CSCA?", "+CSCA:"))
        return number or None

    def status(self) -> ModemStatus:
        """Everything the panel shows; a part the modem cannot tell now is None, never an error."""
        identity = self.identity
        sim = self.sim_state()
        operator = self._optional(self.operator)
        return ModemStatus(
            imei=identity.imei
            if identity
            else self._optional(lambda: parse_imei(self._simple("AT+CGSN", "+CGSN:", bare=True))),
            imsi=self._optional(self.imsi) if sim == "READY" else None,
            iccid=self._optional(self.iccid) if sim != "NOT INSERTED" else None,
            manufacturer=identity.manufacturer if identity else None,
            model=identity.model if identity else None,
            revision=identity.revision if identity else None,
            sim=sim,
            signal=self._optional(self.signal),
            registration=self._optional(self.registration),
            operator=operator.name if operator else None,
            smsc=self._optional(self.smsc) if sim == "READY" else None,
        )

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

    # --- messages --------------------------------------------------------------------------------

    def send(
        self,
        number: str,
        text: str,
        *,
        report: bool = False,
        validity: timedelta | None = None,
        concat_reference: int | None = None,
        max_parts: int = pdu.MAX_PARTS_DEFAULT,
        first_part: int = 1,
    ) -> SendResult:
        """Send one SMS (all its parts on this modem) and return one reference per part.

        The text is encoded and checked before anything is written: InvalidNumber, EmptyText and
        TextTooLong come out with nothing sent. On a failure the error carries
        ``sent_references`` (parts already accepted) and ``maybe_sent`` (the failing part's PDU
        was written but not answered). ``first_part`` resumes a message whose first parts left.
        """
        reference = random.randrange(256) if concat_reference is None else concat_reference
        parts = pdu.encode_submit(
            number,
            text,
            reference=reference,
            request_report=report,
            validity=validity,
            max_parts=max_parts,
        )
        references: list[int] = []
        for part in parts[first_part - 1 :]:
            command = Command(
                f"AT+CMGS={part.tpdu_length}",
                prefixes=("+CMGS:",),
                pdu=part.hex,
                timeout=self.timeouts.send,
            )
            try:
                response = self.command(command)
                line = next((ln for ln in response.lines if ln.startswith("+CMGS:")), None)
                if line is None:
                    raise RemoteProtocolError("AT+CMGS answered OK without a +CMGS reference")
                references.append(parse_cmgs(line))
            except ModemError as exc:
                exc.sent_references = tuple(references)
                if isinstance(exc, RemoteProtocolError):
                    exc.maybe_sent = True  # the modem said OK, or garbage, after the PDU
                raise
        encoding = pdu.count(text).encoding
        return SendResult(tuple(references), len(parts), encoding, reference)

    def use_storage(self, storage: str) -> None:
        """Make ``storage`` the one read and deleted from (mem1), as a +CMTI/+CDSI names it."""
        if storage == self.storage:
            return
        self._simple(f'AT+CPMS="{storage}"', "+CPMS:")
        self.storage = storage

    def list_messages(self, stat: int = 4) -> list[StoredMessage]:
        """Every stored message (stat 4 = all; 0 unread, 1 read) of the current storage."""
        lines = self._simple(
            f"AT+CMGL={stat}", "+CMGL:", pdu_lines=True, timeout=self.timeouts.send
        )
        return [self._stored(item.index, item.stat, item.pdu) for item in parse_cmgl(lines)]

    def read_message(self, index: int, storage: str | None = None) -> StoredMessage | None:
        """The message at ``index``, or None for an empty slot."""
        if storage:
            self.use_storage(storage)
        try:
            lines = self._simple(f"AT+CMGR={index}", "+CMGR:", pdu_lines=True)
        except CmsError as exc:
            if exc.code == 321:  # invalid memory index: nothing there
                return None
            raise
        if not lines:
            return None
        item = parse_cmgr(lines)
        return self._stored(index, item.stat, item.pdu)

    def delete_message(self, index: int, storage: str | None = None) -> None:
        if storage:
            self.use_storage(storage)
        self._simple(f"AT+CMGD={index}")

    def _stored(self, index: int, stat: int, raw: str) -> StoredMessage:
        try:
            message = pdu.decode(raw)
        except ModemError as exc:
            return StoredMessage(self.storage or "", index, stat, raw, None, str(exc))
        return StoredMessage(self.storage or "", index, stat, raw, message)

    # --- USSD, reset -----------------------------------------------------------------------------

    def ussd(self, code: str) -> str | None:
        """Send a USSD request (``*100#``) and return the network's answer text."""
        if not re.fullmatch(r"[0-9*#]{1,40}", code):
            raise ValueError(f"{code!r} is not a USSD code (digits, * and #)")
        while not self._ussd.empty():
            self._ussd.get_nowait()
        request = code
        if self.identity and "huawei" in self.identity.manufacturer.lower():
            # Huawei sticks take (and answer) USSD as packed GSM 7-bit septets in hex.
            request = gsm7.pack(gsm7.encode(code)).hex().upper()
        lines = self._simple(f'AT+CUSD=1,"{request}",15', "+CUSD:", timeout=self.timeouts.ussd)
        for line in lines:
            answer = parse_cusd(line)
            return answer.text
        try:
            return self._ussd.get(timeout=self.timeouts.ussd).text
        except queue.Empty:
            raise CommandTimeout(f"USSD {code}", self.timeouts.ussd) from None

    def reset(self) -> Identity:
        """Soft reset: ESC out of any prompt, ATZ, then initialise again with the same PIN."""
        self.escape()
        self.sync()
        self._simple("ATZ", timeout=self.timeouts.command * 2)
        return self.initialise(self._pin)

    def power_cycle(self) -> None:
        """AT+CFUN=1,1: a full restart. USB dongles vanish and come back (the port goes away)."""
        try:
            self._simple("AT+CFUN=1,1", timeout=self.timeouts.command * 3)
        except (PortGone, CommandTimeout):
            pass


# --- helpers ---------------------------------------------------------------------------------


def _raise_for_final(command: Command, final: Final) -> None:
    if final.kind in ("OK", "CONNECT"):
        return
    if final.kind == "CMS":
        raise cms_error(str(final.code) if final.code is not None else final.text)
    if final.kind == "CME":
        raise cme_error(str(final.code) if final.code is not None else final.text)
    raise CommandError(command.text, final.kind)


def _sim_busy(exc: ModemError) -> bool:
    code = getattr(exc, "code", None)
    return (isinstance(exc, CmsError) and code in (314, 500)) or (
        isinstance(exc, CmeError) and code == 14
    )


def _answer_prefix(text: str) -> str | None:
    """``AT+CSQ`` → ``+CSQ:``; ``AT^ICCID?`` → ``^ICCID:``; plain ``ATI`` → None."""
    match = re.match(r"(?i)AT([+^$%][A-Z0-9]+)", text.strip())
    return match.group(1).upper() + ":" if match else None


def _event_for(urc: Urc) -> events.ModemEvent:
    name = urc.name.upper()
    try:
        if name == "+CMTI":
            storage, index = parse_cmti(urc.line)
            return events.MessageStored(storage, index)
        if name == "+CDSI":
            storage, index = parse_cdsi(urc.line)
            return events.ReportStored(storage, index)
        if name == "+CMT":
            _, raw = parse_cmt(urc)
            message = pdu.decode(raw)
            if isinstance(message, pdu.Deliver):
                return events.MessageReceived(message)
        if name == "+CDS":
            _, raw = parse_cds(urc)
            report = pdu.decode(raw)
            if isinstance(report, pdu.StatusReport):
                return events.ReportReceived(report)
        if name == "^RSSI":
            return events.SignalChanged(parse_huawei_rssi(urc.line))
        if name == "+CUSD":
            answer = parse_cusd(urc.line)
            return events.UssdReceived(answer.status, answer.text)
    except ModemError as exc:
        return events.Unrecognised(urc, str(exc))
    return events.Unrecognised(urc)
