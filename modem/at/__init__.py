"""The sans-IO AT core: bytes in, events out, and the parsers for what the events carry.

``AtConnection`` frames the modem's bytes, matches answers to the pending ``Command`` and tells
unsolicited result codes apart by that command, never by the first character of a line. The
device facade (``modem.device``) owns the port, the clock and the threads; nothing here does I/O.

- ``connection``: ``AtConnection``, the framing and matching state machine
- ``events``: what it yields (``Response``, ``Urc``, ``Prompt``, ...) and the ``Command`` it takes
- ``results``: final result codes (OK, ERROR, +CME/+CMS ERROR)
- ``settling``: the commands some firmwares answer without a final result, and what completes
  them instead (a table, read by ``AtConnection``)
- ``unsolicited``: the names of known URCs (3GPP and vendors'), which carry a PDU line, their kind
- ``fields``: reading parameters (quoted fields, numbers, hex, UCS-2)
- ``gsm7``: packed 7-bit text in USSD replies
- ``parsers/``: the 3GPP parsers by subject (network, power, identity, sms, ussd, calls)

The vendors' own codes and quirks are in ``modem.vendors``, which builds on this package.
"""

from .connection import GARBAGE_SAMPLE_BYTES, MAX_LINE_BYTES, AtConnection
from .events import (
    Command,
    CommandFailed,
    Event,
    Final,
    Garbage,
    Prompt,
    Response,
    Urc,
)
from .parsers.calls import CallerId, parse_clip
from .parsers.capabilities import parse_cnmi, parse_cnmi_test, parse_cpms_test
from .parsers.identity import (
    SIM_CODES,
    OwnNumber,
    parse_ati,
    parse_cgmi,
    parse_cgmm,
    parse_cgmr,
    parse_cnum,
    parse_cpin,
    parse_iccid,
    parse_imei,
    parse_imsi,
)
from .parsers.network import (
    BAR_FLOORS_DBM,
    REGISTRATION_STATUS,
    Operator,
    Registration,
    Signal,
    parse_cops,
    parse_creg,
    parse_csq,
    signal_bars,
)
from .parsers.power import RADIO_ON, parse_cfun
from .parsers.sms import (
    MemoryUsage,
    StoredPdu,
    parse_cds,
    parse_cdsi,
    parse_cmgl,
    parse_cmgr,
    parse_cmgs,
    parse_cmt,
    parse_cmti,
    parse_cpms,
    parse_csca,
)
from .parsers.ussd import (
    Ussd,
    parse_cusd,
)
from .results import parse_final
from .settling import SETTLE, Completion
from .unsolicited import is_known_urc, line_name, urc_kind

__all__ = [
    "BAR_FLOORS_DBM",
    "GARBAGE_SAMPLE_BYTES",
    "MAX_LINE_BYTES",
    "RADIO_ON",
    "REGISTRATION_STATUS",
    "SETTLE",
    "SIM_CODES",
    "AtConnection",
    "CallerId",
    "Command",
    "CommandFailed",
    "Completion",
    "Event",
    "Final",
    "Garbage",
    "MemoryUsage",
    "Operator",
    "OwnNumber",
    "Prompt",
    "Registration",
    "Response",
    "Signal",
    "StoredPdu",
    "Urc",
    "Ussd",
    "is_known_urc",
    "line_name",
    "parse_ati",
    "parse_cds",
    "parse_cdsi",
    "parse_cfun",
    "parse_cgmi",
    "parse_cgmm",
    "parse_cgmr",
    "parse_clip",
    "parse_cmgl",
    "parse_cmgr",
    "parse_cmgs",
    "parse_cmt",
    "parse_cmti",
    "parse_cnmi",
    "parse_cnmi_test",
    "parse_cnum",
    "parse_cops",
    "parse_cpin",
    "parse_cpms",
    "parse_cpms_test",
    "parse_creg",
    "parse_csca",
    "parse_csq",
    "parse_cusd",
    "parse_final",
    "parse_iccid",
    "parse_imei",
    "parse_imsi",
    "signal_bars",
    "urc_kind",
]
