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
    | Unrecognised
)
