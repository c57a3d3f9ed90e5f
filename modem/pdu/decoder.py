"""``decode``: from the hex a modem prints (or raw octets) to a Deliver, Submit or StatusReport.

The message type indicator (TP-MTI) means different things by direction: 00 is an
SMS-DELIVER from the service centre but an SMS-DELIVER-REPORT from a phone, so the caller says
which side of the radio the PDU was on. Anything malformed raises ``PduError`` naming the field
and the octet; nothing else escapes.
"""

from __future__ import annotations

from modem.errors import PduError

from .address import read_smsc
from .deliver import Deliver, read_deliver
from .reader import OctetReader
from .status import StatusReport, read_status_report
from .submit import Submit, read_submit

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")

_UNSUPPORTED = {
    "deliver": {0b01: "SMS-SUBMIT-REPORT", 0b11: "a reserved message type"},
    "submit": {0b00: "SMS-DELIVER-REPORT", 0b10: "SMS-COMMAND", 0b11: "a reserved message type"},
}


def _octets(pdu: str | bytes | bytearray | memoryview) -> bytes:
    if isinstance(pdu, bytes | bytearray | memoryview):
        return bytes(pdu)
    if not isinstance(pdu, str):
        raise TypeError(f"a PDU is hex text or bytes, not {type(pdu).__name__}")
    text = pdu.strip()
    for index, char in enumerate(text):
        if char not in _HEX_DIGITS:
            raise PduError(f"PDU hex at octet {index // 2}: {char!r} is not a hexadecimal digit")
    if len(text) % 2:
        raise PduError(f"PDU hex at octet {len(text) // 2}: odd number of hex digits")
    return bytes.fromhex(text)


def decode(
    pdu: str | bytes, *, smsc: bool = True, direction: str = "deliver"
) -> Deliver | Submit | StatusReport:
    """Decode one PDU.

    ``smsc``: the PDU starts with the SMSC address, as in AT PDU mode (+CMGR, +CMGL, +CMT,
    +CDS). ``direction``: "deliver" for what the service centre sends (SMS-DELIVER,
    SMS-STATUS-REPORT), "submit" for what a phone sends (SMS-SUBMIT).
    """
    if direction not in _UNSUPPORTED:
        raise ValueError(f"direction must be 'deliver' or 'submit', not {direction!r}")
    reader = OctetReader(_octets(pdu))
    service_centre = read_smsc(reader) if smsc else None
    mti = reader.peek("first octet") & 0x03
    if direction == "deliver" and mti == 0b00:
        return read_deliver(reader, service_centre)
    if direction == "deliver" and mti == 0b10:
        return read_status_report(reader, service_centre)
    if direction == "submit" and mti == 0b01:
        return read_submit(reader, service_centre)
    kind = _UNSUPPORTED[direction][mti]
    raise reader.error("TP-MTI", f"{kind} ({mti:02b}) is not supported in direction {direction!r}")
