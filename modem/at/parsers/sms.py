"""Parsers for the SMS commands and their URCs: +CSCA, +CMGS, +CMTI/+CDSI, +CMGL/+CMGR,
+CMT/+CDS, +CPMS (3GPP TS 27.005 §3, PDU mode).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from modem.at.events import Urc
from modem.at.fields import (
    as_lines,
    is_hex,
    payload,
    split_fields,
    to_int,
    to_optional_int,
    ucs2_text,
)
from modem.errors import RemoteProtocolError


def parse_csca(line: str) -> tuple[str, int | None]:
    """``+CSCA: "<sca>",<tosca>``: the SMS centre number and its type of address.

    Under ``AT+CSCS="UCS2"`` the number comes as UCS-2 hex (``"002B00330033..."``): decoded.
    """
    fields = split_fields(payload(line, ("+CSCA",), "AT+CSCA?"), "AT+CSCA?")
    number = fields[0].text.strip()
    decoded = ucs2_text(number)
    if decoded is not None and re.fullmatch(r"\+?\d+", decoded):
        number = decoded
    return number, to_optional_int(fields[1]) if len(fields) > 1 else None


def parse_cmgs(line: str) -> int:
    """``+CMGS: <mr>[,<ackpdu>]``: the message reference the network gave the sent message."""
    fields = split_fields(payload(line, ("+CMGS",), "AT+CMGS"), "AT+CMGS")
    return to_int(fields[0], "AT+CMGS", line)


def _storage_index(line: str, name: str) -> tuple[str, int]:
    fields = split_fields(payload(line, (name,), name), name)
    if len(fields) < 2:
        raise RemoteProtocolError(f"{name}: expected <mem>,<index> in {line!r}")
    return fields[0].text.strip(), to_int(fields[1], name, line)


def parse_cmti(line: str) -> tuple[str, int]:
    """``+CMTI: "<mem>",<index>``: a message was stored there."""
    return _storage_index(line, "+CMTI")


def parse_cdsi(line: str) -> tuple[str, int]:
    """``+CDSI: "<mem>",<index>``: a status report was stored there."""
    return _storage_index(line, "+CDSI")


@dataclass(frozen=True)
class StoredPdu:
    """A message read from the modem's storage, in PDU mode (``index`` is None for +CMGR).

    ``problem`` says why ``pdu`` (then the line as it came) is not a PDU of the announced
    length: one corrupt slot must not hide the others of a listing, nor stay on the SIM for
    ever, so it is handed on with its index for the caller to log and delete.
    """

    index: int | None
    stat: int
    length: int
    pdu: str
    problem: str | None = None


def _checked_pdu(pdu: str, length: int, command: str) -> str:
    if not is_hex(pdu) or len(pdu) % 2:
        raise RemoteProtocolError(f"{command}: the PDU is not hex: {pdu[:80]!r}")
    if length > len(pdu) // 2:
        raise RemoteProtocolError(f"{command}: length {length} exceeds the PDU: {pdu[:80]!r}")
    return pdu.upper()


def _stored(index: int | None, stat: int, length: int, line: str, command: str) -> StoredPdu:
    """The slot's PDU, or the line as it came with the reason it is not one."""
    try:
        return StoredPdu(index, stat, length, _checked_pdu(line, length, command))
    except RemoteProtocolError as error:
        return StoredPdu(index, stat, length, line[:400], str(error))


def parse_cmgl(lines: Sequence[str] | str) -> list[StoredPdu]:
    """``+CMGL: <index>,<stat>,[<alpha>],<length>`` each followed by its PDU line; a PDU line
    that is not hex or shorter than its length is kept with its ``problem``."""
    lines = as_lines(lines)
    messages = []
    position = 0
    while position < len(lines):
        header = lines[position]
        fields = split_fields(payload(header, ("+CMGL",), "AT+CMGL"), "AT+CMGL")
        if len(fields) < 3 or position + 1 >= len(lines):
            raise RemoteProtocolError(f"AT+CMGL: expected a header and its PDU at {header!r}")
        index = to_int(fields[0], "AT+CMGL", header)
        stat = to_int(fields[1], "AT+CMGL", header)
        length = to_int(fields[-1], "AT+CMGL", header)
        messages.append(_stored(index, stat, length, lines[position + 1], "AT+CMGL"))
        position += 2
    return messages


def parse_cmgr(lines: Sequence[str] | str) -> StoredPdu:
    """``+CMGR: <stat>,[<alpha>],<length>`` followed by the PDU line."""
    lines = as_lines(lines)
    if len(lines) != 2:
        raise RemoteProtocolError(f"AT+CMGR: expected a header and a PDU, got {lines!r}")
    header = lines[0]
    fields = split_fields(payload(header, ("+CMGR",), "AT+CMGR"), "AT+CMGR")
    if len(fields) < 2:
        raise RemoteProtocolError(f"AT+CMGR: expected <stat>,[<alpha>],<length> in {header!r}")
    stat = to_int(fields[0], "AT+CMGR", header)
    return _stored(None, stat, to_int(fields[-1], "AT+CMGR", header), lines[1], "AT+CMGR")


def _delivered_pdu(urc: Urc, name: str) -> tuple[int, str]:
    if urc.name.upper() != name:
        raise RemoteProtocolError(f"{name}: unexpected URC {urc.line!r}")
    fields = split_fields(payload(urc.line, (name,), name), name)
    length = to_int(fields[-1], name, urc.line)
    if urc.pdu is None:
        raise RemoteProtocolError(f"{name}: no PDU line after {urc.line!r}")
    return length, _checked_pdu(urc.pdu, length, name)


def parse_cmt(urc: Urc) -> tuple[int, str]:
    """``+CMT: [<alpha>],<length>`` and its PDU line: a message delivered straight to us."""
    return _delivered_pdu(urc, "+CMT")


def parse_cds(urc: Urc) -> tuple[int, str]:
    """``+CDS: <length>`` and its PDU line: a status report delivered straight to us."""
    return _delivered_pdu(urc, "+CDS")


@dataclass(frozen=True)
class MemoryUsage:
    """One message storage: its name (None in the ``AT+CPMS=`` answer), used and total slots."""

    storage: str | None
    used: int
    total: int


def parse_cpms(line: str) -> tuple[MemoryUsage, ...]:
    """``+CPMS: "SM",3,20,"SM",3,20,"SM",3,20`` (``AT+CPMS?``) or ``+CPMS: 3,20,3,20,3,20``
    (the answer to ``AT+CPMS=...``), in the order mem1, mem2, mem3."""
    fields = split_fields(payload(line, ("+CPMS",), "AT+CPMS"), "AT+CPMS")
    named = fields[0].quoted or not fields[0].text.isdigit()
    width = 3 if named else 2
    if len(fields) % width or not fields:
        raise RemoteProtocolError(f"AT+CPMS: unexpected field count in {line!r}")
    usages = []
    for start in range(0, len(fields), width):
        group = fields[start : start + width]
        storage = group[0].text.strip() if named else None
        counts = group[1:] if named else group
        usages.append(
            MemoryUsage(
                storage, to_int(counts[0], "AT+CPMS", line), to_int(counts[1], "AT+CPMS", line)
            )
        )
    return tuple(usages)
