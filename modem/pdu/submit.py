"""SMS-SUBMIT (3GPP TS 23.040 §9.2.2.2): what the modem sends to the service centre.

The driver encodes it for AT+CMGS; the simulator decodes it to log what went "on air".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import dcs
from .address import encode_number, encode_smsc, read_address
from .reader import OctetReader
from .udh import Concat
from .userdata import encode_text, read_user_data
from .validity import decode_relative, encode_relative, read_enhanced

MAX_PARTS_DEFAULT = 10

MTI_SUBMIT = 0x01
_VPF_RELATIVE = 0x10
_VPF_MASK = 0x18
_SRR = 0x20
_UDHI = 0x40


@dataclass(frozen=True)
class SubmitPdu:
    """One part, ready for ``AT+CMGS=<tpdu_length>`` then ``hex`` after the ``> `` prompt."""

    hex: str  # SMSC part ("00" = the SIM's SMSC) + TPDU, upper-case hex
    tpdu_length: int  # TPDU octets, SMSC part excluded
    part: int  # 1-based
    total: int


@dataclass(frozen=True)
class Submit:
    """A decoded SMS-SUBMIT."""

    smsc: str | None
    recipient: str
    text: str
    concat: Concat | None
    request_report: bool
    validity: datetime.timedelta | None
    message_reference: int
    encoding: str
    dcs: int


def encode_submit(
    number: str,
    text: str,
    *,
    reference: int = 0,
    request_report: bool = False,
    validity: datetime.timedelta | None = None,
    smsc: str | None = None,
    max_parts: int = MAX_PARTS_DEFAULT,
) -> list[SubmitPdu]:
    """The SMS-SUBMIT PDUs that send ``text`` to ``number``, one per part.

    ``reference`` is the concatenation reference shared by the parts (0-255). TP-MR is left
    at 0: the modem assigns the message reference and reports it in ``+CMGS: <mr>``.
    """
    destination = encode_number(number)
    encoded = encode_text(text, reference=reference, max_parts=max_parts)
    service_centre = encode_smsc(smsc) if smsc is not None else b"\x00"
    validity_octets = b"" if validity is None else bytes([encode_relative(validity)])
    total = encoded.total
    first_octet = MTI_SUBMIT
    if validity is not None:
        first_octet |= _VPF_RELATIVE
    if request_report:
        first_octet |= _SRR
    if total > 1:
        first_octet |= _UDHI
    pdus = []
    for seq, (length, user_data) in enumerate(encoded.parts, start=1):
        tpdu = (
            bytes([first_octet, 0x00])  # TP-MR: assigned by the modem
            + destination
            + bytes([0x00, encoded.dcs])  # TP-PID: plain short message
            + validity_octets
            + bytes([length])
            + user_data
        )
        pdus.append(SubmitPdu((service_centre + tpdu).hex().upper(), len(tpdu), seq, total))
    return pdus


def read_submit(reader: OctetReader, smsc: str | None) -> Submit:
    """Read an SMS-SUBMIT TPDU (the SMSC part already read)."""
    first_octet = reader.octet("first octet")
    message_reference = reader.octet("TP-MR")
    recipient = read_address(reader, "TP-DA")
    reader.octet("TP-PID")
    coding_octet = reader.octet("TP-DCS")
    coding = dcs.interpret(coding_octet)
    vpf = first_octet & _VPF_MASK
    period = None
    if vpf == 0x10:
        period = decode_relative(reader.octet("TP-VP"))
    elif vpf == 0x08:
        period = read_enhanced(reader, "TP-VP")
    elif vpf == 0x18:
        reader.take(7, "TP-VP")  # an absolute time: no period without knowing "now"
    length = reader.octet("TP-UDL")
    text, concat = read_user_data(reader, length, bool(first_octet & _UDHI), coding.encoding)
    reader.expect_end("TP-UD")
    return Submit(
        smsc=smsc,
        recipient=recipient.text,
        text=text,
        concat=concat,
        request_report=bool(first_octet & _SRR),
        validity=period,
        message_reference=message_reference,
        encoding=coding.encoding,
        dcs=coding_octet,
    )
