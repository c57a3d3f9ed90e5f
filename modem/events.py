"""What a modem tells us without being asked, turned into domain events.

The AT core yields raw unsolicited result codes (``Urc``); the device facade turns the ones that
matter into these values and puts them on its event queue. The owner of the modem (the pool's
worker) drains that queue from its own thread: the serial reader thread never runs user code that
could block it or send a command (which would wait for the very reader that is running it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .at import Signal, Urc
from .pdu import Deliver, StatusReport


@dataclass(frozen=True)
class MessageStored:
    """+CMTI: an inbound SMS (or one part of it) waits in ``storage`` at ``index``."""

    storage: str
    index: int


@dataclass(frozen=True)
class MessageReceived:
    """+CMT: an inbound SMS part routed straight to us, never stored on the SIM."""

    message: Deliver


@dataclass(frozen=True)
class ReportReceived:
    """+CDS: a delivery report routed straight to us."""

    report: StatusReport


@dataclass(frozen=True)
class ReportStored:
    """+CDSI: a delivery report waits in ``storage`` at ``index``."""

    storage: str
    index: int


@dataclass(frozen=True)
class SignalChanged:
    """Huawei ^RSSI and similar: the signal changed."""

    signal: Signal


@dataclass(frozen=True)
class UssdReceived:
    """+CUSD: a network's answer to a USSD request (or a network-initiated one)."""

    status: int
    text: str | None


@dataclass(frozen=True)
class Ringing:
    """``RING`` (V.250), or ``+CRING: <type>`` under ``AT+CRC=1`` (TS 27.007 §6.11): a call
    is coming in. The modem repeats it while the call rings; ``call_type`` is +CRING's
    (``VOICE``, ``FAX``...), None for a bare RING."""

    call_type: str | None = None


@dataclass(frozen=True)
class CallerIdentified:
    """``+CLIP`` (TS 27.007 §7.6), after each RING once ``AT+CLIP=1``: who calls. ``number`` is
    None when the caller withheld it or the network cannot give it (``validity`` 1 or 2)."""

    number: str | None
    validity: int | None = None


@dataclass(frozen=True)
class Unrecognised:
    """Any other unsolicited line, kept for the event log; a PDU that did not decode lands here."""

    urc: Urc
    problem: str | None = None


ModemEvent = (
    MessageStored
    | MessageReceived
    | ReportReceived
    | ReportStored
    | SignalChanged
    | UssdReceived
    | Ringing
    | CallerIdentified
    | Unrecognised
)
