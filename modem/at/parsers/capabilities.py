"""Parsers for what a modem says it accepts: the test commands ``AT+CNMI=?`` and ``AT+CPMS=?``.

A device that takes less than 3GPP TS 27.005 allows says so here, and the driver picks its
settings from the answer rather than guessing (ModemManager's cinterion plugin does the same
with AT+CNMI=?). Captured forms, from real devices:

- ``+CNMI: (0,1,2),(0,1),(0,2),(0),(1)``: a Cinterion PHS8 (ModemManager
  mm-modem-helpers-cinterion.c), <bfr> 1 only; ``+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)`` (SIM800)
- ``+CPMS: ("ME","MT"),("ME","SM","MT"),("SM","MT")``: a Cinterion, one list per memory
  (ModemManager test_cpms_response_cinterion); ``+CPMS: (("SM","BM","SR"),("SM"))``: Wavecom,
  two memories in an extra pair of brackets (python-gsmmodem's WavecomMultiband900E1800 fake);
  ``+CPMS: "ME","MT","SM"``: one storage a memory, no brackets (ModemManager
  test_cpms_response_huawei_mu609); ``+CPMS: (),(),()``: a Nokia phone, none at all.
"""

from __future__ import annotations

import re

from modem.at.fields import payload
from modem.errors import RemoteProtocolError

_GROUP = re.compile(r"\(([^()]*)\)")
_QUOTED = re.compile(r'"([^"]*)"')


def parse_cnmi_test(line: str) -> tuple[frozenset[int], ...]:
    """The accepted values of <mode>, <mt>, <bm>, <ds>, <bfr>, in that order."""
    groups = _GROUP.findall(payload(line, ("+CNMI",), "AT+CNMI=?"))
    if len(groups) < 5:
        raise RemoteProtocolError(f"AT+CNMI=?: five lists expected in {line!r}")
    sets = []
    for group in groups[:5]:
        values: set[int] = set()
        for item in filter(None, (part.strip() for part in group.split(","))):
            low, _, high = item.partition("-")
            if not low.isdigit() or not (high or low).isdigit():
                raise RemoteProtocolError(f"AT+CNMI=?: {item!r} is not a value in {line!r}")
            values.update(range(int(low), int(high or low) + 1))
        sets.append(frozenset(values))
    return tuple(sets)


def parse_cnmi(line: str) -> tuple[int, ...]:
    """The settings AT+CNMI? reads back (TS 27.005 §3.4.1): <mode>, <mt>, <bm>, <ds>, <bfr>."""
    text = payload(line, ("+CNMI",), "AT+CNMI?")
    values = [part.strip() for part in text.split(",")]
    if len(values) < 2 or not all(value.isdigit() for value in values):
        raise RemoteProtocolError(f"AT+CNMI?: numbers expected in {line!r}")
    return tuple(int(value) for value in values)


def parse_cpms_test(line: str) -> tuple[tuple[str, ...], ...]:
    """The storages each memory (mem1, mem2[, mem3]) takes, upper-cased, in the printed order."""
    text = payload(line, ("+CPMS",), "AT+CPMS=?")
    groups = _GROUP.findall(text)
    if groups:
        return tuple(tuple(name.upper() for name in _QUOTED.findall(group)) for group in groups)
    names = _QUOTED.findall(text)
    if not names:
        raise RemoteProtocolError(f"AT+CPMS=?: no storage list in {line!r}")
    return tuple((name.upper(),) for name in names)
