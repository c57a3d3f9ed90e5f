"""The SMS PDU codec and length counter (3GPP TS 23.040, TS 23.038, TS 24.011).

Pure code: text and octets in, frozen dataclasses out, typed errors raised, no I/O.

- ``encode_submit`` cuts a text into SMS-SUBMIT PDUs for ``AT+CMGS`` (GSM-7 or UCS-2,
  concatenated with an 8-bit reference when it needs more than one part);
- ``count`` tells the CLI and the panel how that text will be sent, with the same cutting;
- ``decode`` reads SMS-DELIVER and SMS-STATUS-REPORT (from the modem) and SMS-SUBMIT (in the
  simulator), raising only ``modem.errors.PduError`` on malformed input;
- ``encode_deliver`` and ``encode_status_report`` let the simulator play the network.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .counter import Count, count
    from .decoder import decode
    from .deliver import Deliver, encode_deliver
    from .gsm7 import is_gsm7
    from .status import StatusReport, encode_status_report
    from .submit import MAX_PARTS_DEFAULT, Submit, SubmitPdu, encode_submit
    from .udh import Concat

# Each name is imported from its module on first use (PEP 562): ``count`` alone, which the
# CLI's ``smsrelay send`` needs, costs a fifth of the whole codec's import.
_HOME = {
    "MAX_PARTS_DEFAULT": "submit",
    "Concat": "udh",
    "Count": "counter",
    "Deliver": "deliver",
    "StatusReport": "status",
    "Submit": "submit",
    "SubmitPdu": "submit",
    "count": "counter",
    "decode": "decoder",
    "encode_deliver": "deliver",
    "encode_status_report": "status",
    "encode_submit": "submit",
    "is_gsm7": "gsm7",
}

__all__ = [
    "MAX_PARTS_DEFAULT",
    "Concat",
    "Count",
    "Deliver",
    "StatusReport",
    "Submit",
    "SubmitPdu",
    "count",
    "decode",
    "encode_deliver",
    "encode_status_report",
    "encode_submit",
    "is_gsm7",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
