"""Calls (see ``calls``): caller identification (+CLIP), cellular result codes (+CRC) and the
two ways to end a call, ``ATH`` (V.250 §6.3.6) and ``AT+CHUP`` (3GPP TS 27.007 §6.5).

``AT+CLIP?`` answers ``+CLIP: <n>,<m>``: ``<m>`` 1 says the network provides the service to
this subscriber (TS 27.007 §7.6), which the simulated network always does.
"""

from __future__ import annotations

from .commandline import Command
from .handler import Dce, Handler, Outcome
from .results import ERROR, cme


def caller_id(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CLIP: {m.settings.clip},1"]
    if c.kind == "test":
        return ["+CLIP: (0,1)"]
    if c.kind != "set":
        return ERROR
    value = c.arg(0).as_int(0)
    if value not in (0, 1):
        return cme(4)
    m.settings.clip = value
    return []


def cellular_result_codes(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CRC: {m.settings.crc}"]
    if c.kind == "test":
        return ["+CRC: (0,1)"]
    if c.kind != "set":
        return ERROR
    value = c.arg(0).as_int(0)
    if value not in (0, 1):
        return cme(4)
    m.settings.crc = value
    return []


def hang_up(m: Dce, c: Command, t: float) -> Outcome:
    """ATH (ATH0): ends the call if one rings, OK either way (no call to end is no error)."""
    if c.value not in ("", "0"):
        return ERROR
    m.end_call(t)
    return []


def hang_up_call(m: Dce, c: Command, t: float) -> Outcome:
    """AT+CHUP: ends the call; OK also when none rings (TS 27.007 §6.5 names no error)."""
    if c.kind == "test":
        return []
    if c.kind != "action":
        return ERROR
    m.end_call(t)
    return []


HANDLERS: dict[str, Handler] = {
    "H": hang_up,
    "+CHUP": hang_up_call,
    "+CLIP": caller_id,
    "+CRC": cellular_result_codes,
}
