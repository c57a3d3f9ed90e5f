"""Unsolicited result codes: their names, which ones carry a PDU line, and what they mean.

The table does not decide what is unsolicited: the pending command does (a line carrying one of
its prefixes is its answer). The table only keeps a known URC from being taken as the answer of
a ``bare`` command (``AT+CGSN`` answers plain digits; a ``^RSSI:18`` in between is not them),
and gives the appliance a small vocabulary (``urc_kind``) for the ones it acts on.

Sources: 3GPP TS 27.005 §3.4.1/§3.5, TS 27.007 §7–§8; HUAWEI MU509 and E173 AT specifications;
SIM800 Series AT Command Manual V1.09 §19 (summary of URCs); a SIM7600A-H's "SMS DONE"
(tests/captures/simcom-sim7600.txt); Quectel EC2x AT Commands Manual V2.0 (URC indications);
ModemManager's zte plugin (mm-common-zte.c: +ZUSIMR, +ZDONR, +ZPASR, +ZPSTM and +ZEND matched
as unsolicited on every port, at any time).
"""

from __future__ import annotations

import re

from .events import Urc

_KNOWN_NAMES = frozenset(
    name.upper()
    for name in (
        # 3GPP TS 27.005: messages and status reports
        "+CMTI", "+CMT", "+CDS", "+CDSI", "+CBM", "+CBMI",
        # 3GPP TS 27.007: network, SIM, calls, USSD, time
        "+CREG", "+CGREG", "+CEREG", "+C5GREG", "+CGEV", "+CUSD", "+CPIN", "+CFUN",
        "RING", "+CRING", "+CLIP", "+CCWA", "+CSSI", "+CSSU", "+CIEV", "+CTZV", "+CTZE",
        "+CTZEU", "+NITZ",
        # Huawei
        "^RSSI", "^HCSQ", "^BOOT", "^MODE", "^SRVST", "^SIMST", "^DSFLOWRPT", "^SYSSTART",
        "^STIN", "^CEND", "^ORIG", "^CONF", "^CONN", "^NWTIME", "^SMMEMFULL", "^CERSSI",
        "^EONS", "^NDISSTAT", "^RFSWITCH",
        # SIMCom
        "RDY", "Call Ready", "SMS Ready", "+CSQN", "+PACSP", "+CSMINS", "+CMTE", "*PSNWID",
        "*PSUTTZ", "DST", "NORMAL POWER DOWN", "UNDER-VOLTAGE POWER DOWN",
        "UNDER-VOLTAGE WARNNING", "OVER-VOLTAGE POWER DOWN", "OVER-VOLTAGE WARNNING",
        # SIMCom SIM7500/SIM7600: readiness after power-up, unprefixed (a SIM7600A-H capture)
        "SMS DONE",
        # Quectel
        "+QIND", "+QUSIM", "+QIURC", "+QSTK", "POWERED DOWN",
        # ZTE (Qualcomm-based sticks): operator, service, SMS storage nag, SIM toolkit menus
        "+ZDONR", "+ZPASR", "+ZUSIMR", "+ZPSTM", "+ZEND",
    )
)  # fmt: skip

_PDU_FOLLOWS = frozenset({"+CMT", "+CDS", "+CBM"})

# PDU mode headers (TS 27.005 §3.4.1 / §3.5): "+CMT: [<alpha>],<length>", "+CDS: <length>",
# "+CBM: <length>". Text mode headers have more fields; +CDS in text mode has no second line.
_PDU_MODE_HEADER = re.compile(r'^\s*(?:"[^"]*"|[^,"]*)?\s*,?\s*\d+\s*$')


def line_name(line: str) -> str:
    """The name of a line: the text before its first ``:``, or the whole line."""
    head, colon, _ = line.partition(":")
    return head.strip() if colon else line.strip()


def is_known_urc(line: str) -> bool:
    return line_name(line).upper() in _KNOWN_NAMES


def pdu_line_follows(line: str) -> tuple[bool, bool]:
    """Whether the next line belongs to this URC, and whether it must then be hex.

    ``+CMT``/``+CBM`` are always followed by their PDU (or, in text mode, their text);
    ``+CDS`` only in PDU mode, where its header is a bare length.
    """
    name = line_name(line).upper()
    if name not in _PDU_FOLLOWS:
        return False, False
    parameters = line.partition(":")[2]
    pdu_mode = bool(_PDU_MODE_HEADER.match(parameters))
    if name == "+CDS":
        return pdu_mode, pdu_mode
    return True, pdu_mode


# What the appliance acts on, by name; `urc_kind` refines the few that share a name.
_KINDS = {
    "+CMTI": "new-message",
    "+CMT": "message",
    "+CDSI": "new-status-report",
    "+CDS": "status-report",
    "+CBM": "broadcast",
    "+CUSD": "ussd",
    "+CREG": "registration",
    "+CGREG": "registration",
    "+CEREG": "registration",
    "+C5GREG": "registration",
    "+CSQN": "signal",
    "^RSSI": "signal",
    "^HCSQ": "signal",
    "+CPIN": "sim",
    "^SIMST": "sim",
    "+QUSIM": "sim",
    "^MODE": "mode",
    "RING": "call",
    "+CRING": "call",
    "+CLIP": "call",
    "RDY": "boot",
    "^BOOT": "boot",
    "^SYSSTART": "boot",
    "CALL READY": "call-ready",
    "SMS READY": "sms-ready",
    "NORMAL POWER DOWN": "power-down",
    "POWERED DOWN": "power-down",
    "UNDER-VOLTAGE POWER DOWN": "power-down",
    "OVER-VOLTAGE POWER DOWN": "power-down",
}


def urc_kind(urc: Urc) -> str | None:
    """A small vocabulary for the URCs the appliance acts on, None for the rest.

    Kinds: new-message, message, new-status-report, status-report, broadcast, ussd,
    registration, signal, sim, mode, call, boot, call-ready, sms-ready, phonebook-ready,
    power-down. Quectel says "SMS DONE"/"PB DONE" through ``+QIND`` (quoted on some firmwares).
    """
    name = urc.name.upper()
    if name == "+QIND":
        argument = urc.line.partition(":")[2].strip().strip('"').upper()
        if argument == "SMS DONE":
            return "sms-ready"
        if argument == "PB DONE":
            return "phonebook-ready"
        return None
    return _KINDS.get(name)
