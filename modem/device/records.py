"""The values a ``Modem`` takes and returns: timeouts, identity, status, stored and sent SMS."""

from __future__ import annotations

from dataclasses import dataclass

from modem import pdu
from modem.at import Registration, Signal


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
    """A snapshot for the panel and ``smsrelay status``; None where the modem can't tell.

    ``iccid`` is the SIM's name: its ICCID, or ``imsi:<IMSI>`` on a modem that reads no ICCID.
    ``radio`` is the +CFUN level, read only while the modem is not registered (1: on).
    """

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
    radio: int | None = None


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
