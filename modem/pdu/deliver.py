"""SMS-DELIVER (3GPP TS 23.040 §9.2.2.1): an inbound message, from the service centre.

The driver decodes it (+CMGR, +CMGL, +CMT); the simulator encodes it for inbound messages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import dcs
from .address import encode_sender, encode_smsc, read_address
from .reader import OctetReader
from .timestamps import encode_scts, read_scts
from .udh import Concat
from .userdata import encode_text, read_user_data

MTI_DELIVER = 0x00
_MMS = 0x04  # TP-MMS set: no more messages waiting at the service centre
_SRI = 0x20
_UDHI = 0x40


@dataclass(frozen=True)
class Deliver:
    """A decoded SMS-DELIVER."""

    smsc: str | None
    sender: str  # "+33612345678", "0612345678", or an alphanumeric name "MyBank"
    sender_type: str  # "international", "national", "alphanumeric", "unknown"
    text: str
    timestamp: datetime.datetime  # timezone-aware
    concat: Concat | None
    encoding: str  # "gsm7", "ucs2" or "8bit" (text is then the octets decoded as latin-1)
    message_class: int | None
    status_report_indication: bool
    pid: int
    dcs: int


def encode_deliver(
    sender: str,
    text: str,
    *,
    timestamp: datetime.datetime,
    smsc: str | None = "+33609001390",
    reference: int = 0,
    max_parts: int = 255,
    status_report_indication: bool = False,
) -> list[str]:
    """One hex PDU (SMSC part included) per part of ``text`` as received from ``sender``.

    ``sender`` is encoded as a number when it is dialable, else as an alphanumeric name.
    """
    encoded = encode_text(text, reference=reference, max_parts=max_parts)
    originator = encode_sender(sender)
    service_centre = encode_smsc(smsc) if smsc is not None else b"\x00"
    stamp = encode_scts(timestamp)
    first_octet = MTI_DELIVER | _MMS
    if status_report_indication:
        first_octet |= _SRI
    if encoded.total > 1:
        first_octet |= _UDHI
    pdus = []
    for length, user_data in encoded.parts:
        tpdu = (
            bytes([first_octet])
            + originator
            + bytes([0x00, encoded.dcs])
            + stamp
            + bytes([length])
            + user_data
        )
        pdus.append((service_centre + tpdu).hex().upper())
    return pdus


def read_deliver(reader: OctetReader, smsc: str | None) -> Deliver:
    """Read an SMS-DELIVER TPDU (the SMSC part already read)."""
    first_octet = reader.octet("first octet")
    sender = read_address(reader, "TP-OA")
    pid = reader.octet("TP-PID")
    coding_octet = reader.octet("TP-DCS")
    coding = dcs.interpret(coding_octet)
    timestamp = read_scts(reader, "TP-SCTS")
    length = reader.octet("TP-UDL")
    text, concat = read_user_data(reader, length, bool(first_octet & _UDHI), coding.encoding)
    reader.expect_end("TP-UD")
    return Deliver(
        smsc=smsc,
        sender=sender.text,
        sender_type=sender.kind,
        text=text,
        timestamp=timestamp,
        concat=concat,
        encoding=coding.encoding,
        message_class=coding.message_class,
        status_report_indication=bool(first_octet & _SRI),
        pid=pid,
        dcs=coding_octet,
    )
