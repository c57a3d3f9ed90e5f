"""The ``+CMS ERROR``/``+CME ERROR`` reasons and the delivery reports' words in the reader's
language (issue 16).

``modem.codes`` keeps the one table of codes and their English reasons, and
``modem.pdu.status`` the words of each TP-ST of a delivery report; the appliance stores them
and the API and the CLI show them as they are. The panel says each again through a msgid
here, found by its code; the English must stay the same as modem's (a test compares
them), and a code or a text this table does not know is shown as it came.
"""

from __future__ import annotations

from flask_babel import gettext as _

from appliance.status import N_

CMS: dict[int, str] = {
    1: N_("the number is not allocated to anybody"),
    8: N_("the operator barred this SIM from sending"),
    10: N_("sending is barred for this SIM (call barring)"),
    17: N_("network failure"),
    21: N_("the network rejected the message"),
    22: N_("the network's memory is full (congestion)"),
    27: N_("the destination is out of service"),
    28: N_("the destination subscriber is unknown to the network"),
    29: N_("the network refused the facility"),
    30: N_("the destination subscriber is unknown"),
    38: N_("the network is out of order (often: no credit, or the SMSC address is wrong)"),
    41: N_("temporary network failure"),
    42: N_("the network is congested"),
    47: N_("network resources are unavailable"),
    50: N_("SMS is not part of this SIM's subscription"),
    69: N_("the network does not implement this facility"),
    81: N_("invalid message reference"),
    95: N_("the network found the message invalid"),
    96: N_("a mandatory part of the message is invalid"),
    97: N_("the network does not know this message type"),
    98: N_("the message is not compatible with the network's state"),
    99: N_("the network does not know an element of the message"),
    111: N_("network protocol error"),
    127: N_("interworking error"),
    128: N_("the telematic interworking is not supported"),
    129: N_("short message type 0 is not supported"),
    130: N_("the message cannot replace an earlier one"),
    143: N_("unspecified protocol identifier error"),
    144: N_("the data coding scheme (alphabet) is not supported"),
    145: N_("the message class is not supported"),
    159: N_("unspecified data coding scheme error"),
    160: N_("the command cannot be actioned"),
    161: N_("the command is not supported"),
    175: N_("unspecified command error"),
    176: N_("the message format is not supported"),
    192: N_("the SMS centre is busy"),
    193: N_("this SIM has no subscription with the SMS centre"),
    194: N_("the SMS centre failed"),
    195: N_("the destination address is invalid"),
    196: N_("the destination is barred"),
    197: N_("the SMS centre rejected a duplicate message"),
    198: N_("the validity period format is not supported"),
    199: N_("the validity period is not supported"),
    208: N_("the SIM's SMS storage is full"),
    209: N_("the SIM has no SMS storage"),
    210: N_("error in the modem"),
    211: N_("the modem's memory is full"),
    212: N_("the SIM toolkit is busy"),
    213: N_("SIM data download error"),
    255: N_("unspecified error"),
    300: N_("the modem failed"),
    301: N_("the modem's SMS service is reserved"),
    302: N_("the modem does not allow this operation now"),
    303: N_("the modem does not support this operation"),
    304: N_("the modem rejected a PDU-mode parameter"),
    305: N_("the modem rejected a text-mode parameter"),
    310: N_("no SIM in the modem"),
    311: N_("the SIM needs its PIN"),
    312: N_("the modem needs its phone-lock PIN"),
    313: N_("the SIM failed"),
    314: N_("the SIM is busy"),
    315: N_("the SIM is the wrong one"),
    316: N_("the SIM needs its PUK"),
    317: N_("the SIM needs its PIN2"),
    318: N_("the SIM needs its PUK2"),
    320: N_("memory failure"),
    321: N_("invalid memory index"),
    322: N_("the message storage is full"),
    330: N_("the SMS centre address is unknown (set it with AT+CSCA)"),
    331: N_("no network service"),
    332: N_("the network timed out"),
    340: N_("no acknowledgement (+CNMA) was expected"),
    500: N_("unknown error (often: no credit, no network, or the SMSC address is wrong)"),
}
CME: dict[int, str] = {
    0: N_("the modem failed"),
    1: N_("no connection to the phone"),
    2: N_("phone adaptor link reserved"),
    3: N_("operation not allowed"),
    4: N_("operation not supported"),
    5: N_("the modem needs its phone-lock PIN"),
    10: N_("no SIM in the modem"),
    11: N_("the SIM needs its PIN"),
    12: N_("the SIM needs its PUK"),
    13: N_("the SIM failed"),
    14: N_("the SIM is busy"),
    15: N_("the SIM is the wrong one"),
    16: N_("incorrect password"),
    17: N_("the SIM needs its PIN2"),
    18: N_("the SIM needs its PUK2"),
    20: N_("memory full"),
    21: N_("invalid index"),
    22: N_("not found"),
    23: N_("memory failure"),
    24: N_("text string too long"),
    25: N_("invalid characters in text string"),
    26: N_("dial string too long"),
    27: N_("invalid characters in dial string"),
    30: N_("no network service"),
    31: N_("network timeout"),
    32: N_("network not allowed: emergency calls only"),
    100: N_("unknown error"),
    103: N_("illegal MS (the SIM is rejected by the network)"),
    106: N_("illegal ME (the modem is rejected by the network)"),
    107: N_("GPRS services not allowed"),
    111: N_("PLMN not allowed"),
    112: N_("location area not allowed"),
    113: N_("roaming not allowed in this location area"),
}

# TP-ST of a delivery report (modem.pdu.status, 3GPP TS 23.040 §9.2.3.15)
REPORTS: dict[int, str] = {
    0x00: N_("delivered to the recipient's phone"),
    0x01: N_("forwarded to the recipient, but the service centre cannot confirm delivery"),
    0x02: N_("replaced by the service centre"),
    0x20: N_("still trying: network congestion"),
    0x21: N_("still trying: the recipient's phone is busy"),
    0x22: N_("still trying: no response from the recipient's phone"),
    0x23: N_("still trying: service rejected"),
    0x24: N_("still trying: quality of service not available"),
    0x25: N_("still trying: error in the recipient's phone"),
    0x40: N_("failed: remote procedure error"),
    0x41: N_("failed: incompatible destination"),
    0x42: N_("failed: connection rejected by the recipient's phone"),
    0x43: N_("failed: the number cannot be reached"),
    0x44: N_("failed: quality of service not available"),
    0x45: N_("failed: no interworking available"),
    0x46: N_("failed: the validity period expired before delivery"),
    0x47: N_("failed: deleted by the sender"),
    0x48: N_("failed: deleted by the service centre's administration"),
    0x49: N_("failed: the message does not exist at the service centre"),
    0x60: N_("gave up: network congestion"),
    0x61: N_("gave up: the recipient's phone is busy"),
    0x62: N_("gave up: no response from the recipient's phone"),
    0x63: N_("gave up: service rejected"),
    0x64: N_("gave up: quality of service not available"),
    0x65: N_("gave up: error in the recipient's phone"),
}


def cms_words(code: int | str | None, text: str) -> str:
    """The reason of ``+CMS ERROR <code>`` in words, when ``text`` is modem.codes' own."""
    return _known(CMS, code, text)


def cme_words(code: int | str | None, text: str) -> str:
    return _known(CME, code, text)


def report_words(status: int | None, text: str) -> str:
    """A delivery report's reason in words, by its TP-ST (modem.pdu.status' own English)."""
    if status is None:
        return text
    msgid = REPORTS.get(status)
    return _(msgid) if msgid is not None and msgid == text else text


def _known(table: dict[int, str], code: int | str | None, text: str) -> str:
    try:
        msgid = table.get(int(code)) if code is not None else None
    except ValueError:
        msgid = None
    return _(msgid) if msgid is not None and msgid == text else text
