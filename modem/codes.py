"""The one table of ``+CMS ERROR`` and ``+CME ERROR`` codes.

Sources: 3GPP TS 27.005 §3.2.5 (CMS 300–500), TS 24.011 annex E (RP-cause 1–127, which modems pass
through as CMS codes), TS 23.040 §9.2.3.22 (TP-FCS 128–255), TS 27.007 §9.2 (CME codes).

"Permanent" answers one question for the dispatcher: can sending *this message* again (later, or
on another modem) succeed? A barred or unallocated number cannot; a congested network or a busy
SIM can. Faults of one modem (no SIM, SIM busy, no network) are transient for the message: another
modem may well send it.
"""

from __future__ import annotations

from .errors import (
    CmeError,
    CmsError,
    IncorrectPin,
    ModemError,
    SimNotInserted,
    SimPinRequired,
    SimPukRequired,
)

# code: (permanent, reason in plain words)
CMS_CODES: dict[int, tuple[bool, str]] = {
    1: (True, "the number is not allocated to anybody"),
    8: (True, "the operator barred this SIM from sending"),
    10: (True, "sending is barred for this SIM (call barring)"),
    17: (False, "network failure"),
    21: (True, "the network rejected the message"),
    22: (False, "the network's memory is full (congestion)"),
    27: (False, "the destination is out of service"),
    28: (True, "the destination subscriber is unknown to the network"),
    29: (True, "the network refused the facility"),
    30: (True, "the destination subscriber is unknown"),
    38: (False, "the network is out of order (often: no credit, or the SMSC address is wrong)"),
    41: (False, "temporary network failure"),
    42: (False, "the network is congested"),
    47: (False, "network resources are unavailable"),
    50: (True, "SMS is not part of this SIM's subscription"),
    69: (True, "the network does not implement this facility"),
    81: (False, "invalid message reference"),
    95: (True, "the network found the message invalid"),
    96: (True, "a mandatory part of the message is invalid"),
    97: (True, "the network does not know this message type"),
    98: (True, "the message is not compatible with the network's state"),
    99: (True, "the network does not know an element of the message"),
    111: (False, "network protocol error"),
    127: (False, "interworking error"),
    128: (True, "the telematic interworking is not supported"),
    129: (True, "short message type 0 is not supported"),
    130: (True, "the message cannot replace an earlier one"),
    143: (True, "unspecified protocol identifier error"),
    144: (True, "the data coding scheme (alphabet) is not supported"),
    145: (True, "the message class is not supported"),
    159: (True, "unspecified data coding scheme error"),
    160: (True, "the command cannot be actioned"),
    161: (True, "the command is not supported"),
    175: (True, "unspecified command error"),
    176: (True, "the message format is not supported"),
    192: (False, "the SMS centre is busy"),
    193: (True, "this SIM has no subscription with the SMS centre"),
    194: (False, "the SMS centre failed"),
    195: (True, "the destination address is invalid"),
    196: (True, "the destination is barred"),
    197: (True, "the SMS centre rejected a duplicate message"),
    198: (True, "the validity period format is not supported"),
    199: (True, "the validity period is not supported"),
    208: (False, "the SIM's SMS storage is full"),
    209: (False, "the SIM has no SMS storage"),
    210: (False, "error in the modem"),
    211: (False, "the modem's memory is full"),
    212: (False, "the SIM toolkit is busy"),
    213: (False, "SIM data download error"),
    255: (False, "unspecified error"),
    300: (False, "the modem failed"),
    301: (False, "the modem's SMS service is reserved"),
    302: (False, "the modem does not allow this operation now"),
    303: (True, "the modem does not support this operation"),
    304: (True, "the modem rejected a PDU-mode parameter"),
    305: (True, "the modem rejected a text-mode parameter"),
    310: (False, "no SIM in the modem"),
    311: (False, "the SIM needs its PIN"),
    312: (False, "the modem needs its phone-lock PIN"),
    313: (False, "the SIM failed"),
    314: (False, "the SIM is busy"),
    315: (False, "the SIM is the wrong one"),
    316: (False, "the SIM needs its PUK"),
    317: (False, "the SIM needs its PIN2"),
    318: (False, "the SIM needs its PUK2"),
    320: (False, "memory failure"),
    321: (False, "invalid memory index"),
    322: (False, "the message storage is full"),
    330: (False, "the SMS centre address is unknown (set it with AT+CSCA)"),
    331: (False, "no network service"),
    332: (False, "the network timed out"),
    340: (False, "no acknowledgement (+CNMA) was expected"),
    500: (False, "unknown error (often: no credit, no network, or the SMSC address is wrong)"),
}

CME_CODES: dict[int, str] = {
    0: "the modem failed",
    1: "no connection to the phone",
    2: "phone adaptor link reserved",
    3: "operation not allowed",
    4: "operation not supported",
    5: "the modem needs its phone-lock PIN",
    10: "no SIM in the modem",
    11: "the SIM needs its PIN",
    12: "the SIM needs its PUK",
    13: "the SIM failed",
    14: "the SIM is busy",
    15: "the SIM is the wrong one",
    16: "incorrect password",
    17: "the SIM needs its PIN2",
    18: "the SIM needs its PUK2",
    20: "memory full",
    21: "invalid index",
    22: "not found",
    23: "memory failure",
    24: "text string too long",
    25: "invalid characters in text string",
    26: "dial string too long",
    27: "invalid characters in dial string",
    30: "no network service",
    31: "network timeout",
    32: "network not allowed: emergency calls only",
    100: "unknown error",
    103: "illegal MS (the SIM is rejected by the network)",
    106: "illegal ME (the modem is rejected by the network)",
    107: "GPRS services not allowed",
    111: "PLMN not allowed",
    112: "location area not allowed",
    113: "roaming not allowed in this location area",
}

# Verbose texts (AT+CMEE=2) as modems print them, for modems that ignore AT+CMEE=1.
_CME_VERBOSE: dict[str, int] = {
    "phone failure": 0,
    "no connection to phone": 1,
    "operation not allowed": 3,
    "operation not supported": 4,
    "ph-sim pin required": 5,
    "sim not inserted": 10,
    "sim pin required": 11,
    "sim puk required": 12,
    "sim failure": 13,
    "sim busy": 14,
    "sim wrong": 15,
    "incorrect password": 16,
    "sim pin2 required": 17,
    "sim puk2 required": 18,
    "memory full": 20,
    "invalid index": 21,
    "not found": 22,
    "memory failure": 23,
    "text string too long": 24,
    "invalid characters in text string": 25,
    "no network service": 30,
    "network timeout": 31,
    "network not allowed - emergency calls only": 32,
    "unknown": 100,
}

_CMS_VERBOSE: dict[str, int] = {
    "me failure": 300,
    "sms service of me reserved": 301,
    "operation not allowed": 302,
    "operation not supported": 303,
    "invalid pdu mode parameter": 304,
    "invalid text mode parameter": 305,
    "sim not inserted": 310,
    "sim pin required": 311,
    "sim failure": 313,
    "sim busy": 314,
    "sim wrong": 315,
    "sim puk required": 316,
    "memory failure": 320,
    "invalid memory index": 321,
    "memory full": 322,
    "smsc address unknown": 330,
    "no network service": 331,
    "network timeout": 332,
    "unknown error": 500,
}


def _code_of(text: str, verbose: dict[str, int]) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return verbose.get(text.lower())


def cms_error(text: str) -> CmsError:
    """The typed error for the argument of ``+CMS ERROR: <text>`` (a number or a verbose text)."""
    code = _code_of(text, _CMS_VERBOSE)
    if code is None:
        return CmsError(None, False, text.strip() or "unspecified error")
    if code in CMS_CODES:
        permanent, reason = CMS_CODES[code]
    elif 512 <= code <= 767:
        permanent, reason = False, f"manufacturer-specific error {code}"
    else:
        permanent, reason = False, f"unknown error code {code}"
    return CmsError(code, permanent, reason)


def cme_error(text: str) -> ModemError:
    """The typed error for ``+CME ERROR: <text>``; SIM states get their own types."""
    code = _code_of(text, _CME_VERBOSE)
    reason = (
        CME_CODES.get(code, text.strip() or "unspecified error")
        if code is not None
        else (text.strip() or "unspecified error")
    )
    if code == 10:
        return SimNotInserted(reason)
    if code == 11:
        return SimPinRequired(reason)
    if code == 12:
        return SimPukRequired(reason)
    if code == 16:
        return IncorrectPin(reason)
    return CmeError(code, reason)
