"""SMS-STATUS-REPORT (3GPP TS 23.040 §9.2.2.3): the delivery report of a message we sent.

It names the message by the TP-MR the modem returned in ``+CMGS: <mr>``; TP-ST says whether
it was delivered, is still being tried, or failed for good (§9.2.3.15).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .address import encode_number, encode_smsc, read_address
from .reader import OctetReader
from .timestamps import encode_scts, read_scts

MTI_STATUS_REPORT = 0x02
_MMS = 0x04

# TP-ST values named by §9.2.3.15, in plain words for the operator.
_REASONS = {
    0x00: "delivered to the recipient's phone",
    0x01: "forwarded to the recipient, but the service centre cannot confirm delivery",
    0x02: "replaced by the service centre",
    0x20: "still trying: network congestion",
    0x21: "still trying: the recipient's phone is busy",
    0x22: "still trying: no response from the recipient's phone",
    0x23: "still trying: service rejected",
    0x24: "still trying: quality of service not available",
    0x25: "still trying: error in the recipient's phone",
    0x40: "failed: remote procedure error",
    0x41: "failed: incompatible destination",
    0x42: "failed: connection rejected by the recipient's phone",
    0x43: "failed: the number cannot be reached",
    0x44: "failed: quality of service not available",
    0x45: "failed: no interworking available",
    0x46: "failed: the validity period expired before delivery",
    0x47: "failed: deleted by the sender",
    0x48: "failed: deleted by the service centre's administration",
    0x49: "failed: the message does not exist at the service centre",
    0x60: "gave up: network congestion",
    0x61: "gave up: the recipient's phone is busy",
    0x62: "gave up: no response from the recipient's phone",
    0x63: "gave up: service rejected",
    0x64: "gave up: quality of service not available",
    0x65: "gave up: error in the recipient's phone",
}

# The four families of §9.2.3.15 by bits 6-5, for values the table above does not name.
_FAMILIES = {
    0x00: "delivered",
    0x20: "still trying",
    0x40: "failed",
    0x60: "gave up",
}


@dataclass(frozen=True)
class StatusReport:
    """A decoded SMS-STATUS-REPORT."""

    smsc: str | None
    message_reference: int  # TP-MR of the SUBMIT it reports on (the +CMGS reference)
    recipient: str
    sc_timestamp: datetime.datetime
    discharge_time: datetime.datetime
    status: int  # TP-ST

    @property
    def delivered(self) -> bool:
        """The transaction completed (0x00-0x1F): the message reached the recipient."""
        return self.status <= 0x1F

    @property
    def final(self) -> bool:
        """No further report will follow: anything but "SC still trying" (0x20-0x3F)."""
        return not 0x20 <= self.status <= 0x3F

    @property
    def reason(self) -> str:
        """The status in plain words."""
        return reason(self.status)


def reason(status: int) -> str:
    """Plain words for a TP-ST value; reserved values (0x80-0xFF) read as "service
    rejected", as §9.2.3.15 tells a receiver to."""
    if status in _REASONS:
        return _REASONS[status]
    if status >= 0x80:
        return f"gave up: service rejected (reserved status {status:#04x})"
    family = _FAMILIES[status & 0x60]
    kind = "specific to the service centre" if status & 0x10 else "reserved"
    return f"{family} (status {status:#04x}, {kind})"


def encode_status_report(
    message_reference: int,
    recipient: str,
    *,
    sc_timestamp: datetime.datetime,
    discharge_time: datetime.datetime,
    status: int = 0,
    smsc: str | None = "+33609001390",
) -> str:
    """The hex PDU (SMSC part included) of a status report on message ``message_reference``."""
    if not 0 <= message_reference <= 0xFF:
        raise ValueError(f"message reference {message_reference} is not in 0-255")
    if not 0 <= status <= 0xFF:
        raise ValueError(f"status {status} is not in 0-255")
    service_centre = encode_smsc(smsc) if smsc is not None else b"\x00"
    tpdu = (
        bytes([MTI_STATUS_REPORT | _MMS, message_reference])
        + encode_number(recipient)
        + encode_scts(sc_timestamp)
        + encode_scts(discharge_time)
        + bytes([status])
    )
    return (service_centre + tpdu).hex().upper()


def read_status_report(reader: OctetReader, smsc: str | None) -> StatusReport:
    """Read an SMS-STATUS-REPORT TPDU (the SMSC part already read).

    The optional TP-PI, TP-PID, TP-DCS and TP-UD that may follow TP-ST carry nothing we use
    and are not read.
    """
    reader.octet("first octet")
    message_reference = reader.octet("TP-MR")
    recipient = read_address(reader, "TP-RA")
    sc_timestamp = read_scts(reader, "TP-SCTS")
    discharge_time = read_scts(reader, "TP-DT")
    status = reader.octet("TP-ST")
    return StatusReport(
        smsc=smsc,
        message_reference=message_reference,
        recipient=recipient.text,
        sc_timestamp=sc_timestamp,
        discharge_time=discharge_time,
        status=status,
    )
