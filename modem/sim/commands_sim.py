"""The SIM: PIN and PUK (TS 27.007 §8.3 +CPIN), IMSI (+CIMI), the ICCID each vendor's way.

The ICCID is the one identity readable before the PIN (EF_ICCID needs no PIN, TS 31.102 §4.1.1):
plain 3GPP gives it through +CRSM READ BINARY of file 2FE2 (12258), nibble-swapped as stored;
SIMCom has AT+CCID (bare digits; AT+CICCID on the SIM7600), Huawei AT^ICCID? (swapped,
like the file), Quectel AT+QCCID.
"""

from __future__ import annotations

from .commandline import Command
from .handler import Dce, Handler, Outcome
from .identity import swap_nibbles
from .results import ERROR, Failure, cme

EF_ICCID = 12258  # 0x2FE2
READ_BINARY = 176


def _state(m: Dce, t: float) -> str:
    """The SIM's state as a command that reads its data sees it: still "busy" for a while after
    it is ready on the devices that do so (``Quirks.sim_busy_after_ready``)."""
    state = m.sim_state(t)
    return "busy" if state == "ready" and m.sim_data_busy(t) else state


def sim_gate_cme(m: Dce, t: float) -> Failure | None:
    """The +CME ERROR a command that needs an unlocked SIM gets, or None when it may run."""
    state = _state(m, t)
    codes = {"absent": 10, "busy": 14, "pin": 11, "puk": 12, "failure": 13}
    return cme(codes[state]) if state in codes else None


def sim_gate_cms(m: Dce, t: float) -> Failure | None:
    """The same for SMS commands, in +CMS ERROR codes (TS 27.005 §3.2.5)."""
    from .results import cms

    state = _state(m, t)
    codes = {"absent": 310, "busy": 314, "pin": 311, "puk": 316, "failure": 313}
    return cms(codes[state]) if state in codes else None


def _card_gate(m: Dce, t: float) -> Failure | None:
    """Reading the card itself (ICCID) needs a card, not a PIN."""
    state = m.sim_state(t)
    if state in ("pin", "puk", "ready") and m.sim_data_busy(t):
        state = "busy"
    return {"absent": cme(10), "busy": cme(14), "failure": cme(13)}.get(state)


def pin(m: Dce, c: Command, t: float) -> Outcome:
    state = m.sim_state(t)
    if c.kind == "test":
        return []
    if state == "busy":  # the SIM is still being read after power-on
        return cme(m.profile.quirks.sim_reading_cme)
    if state in ("absent", "failure"):
        return _card_gate(m, t) or ERROR
    if c.kind == "read":
        return [{"ready": "+CPIN: READY", "pin": "+CPIN: SIM PIN", "puk": "+CPIN: SIM PUK"}[state]]
    if c.kind != "set":
        return ERROR
    given = c.arg(0).text or ""
    card = m.sim
    if state == "ready":
        return cme(3)
    if state == "pin":
        if given == card.pin:
            card.pin_attempts = 3
            m.unlock_sim(t)
            return []
        card.pin_attempts -= 1
        if card.pin_attempts <= 0:
            card.blocked = True
        return cme(16)
    # PUK state: AT+CPIN="<puk>","<new pin>"
    new_pin = c.arg(1).text
    if new_pin is None:
        return cme(12)
    if given == card.puk:
        card.pin, card.pin_attempts, card.puk_attempts = new_pin, 3, 10
        m.unlock_sim(t)
        return []
    card.puk_attempts -= 1
    if card.puk_attempts <= 0:
        card.dead = True
    return cme(16)


def imsi(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return []
    if c.kind != "action":
        return ERROR
    return sim_gate_cme(m, t) or [m.imsi]


def simcom_ccid(m: Dce, c: Command, t: float) -> Outcome:
    if m.profile.iccid_style != "ccid":
        return ERROR
    if c.kind == "test":
        return []
    return _card_gate(m, t) or [m.iccid]


def simcom_ciccid(m: Dce, c: Command, t: float) -> Outcome:
    """SIM7500/SIM7600 AT+CICCID: ``+ICCID: <ICCID>`` (SIM7500_SIM7600 AT Command Manual §4.3)."""
    if m.profile.iccid_style != "ciccid":
        return ERROR
    if c.kind == "test":
        return []
    if c.kind != "action":
        return ERROR
    return _card_gate(m, t) or [f"+ICCID: {m.iccid}"]


def huawei_iccid(m: Dce, c: Command, t: float) -> Outcome:
    if m.profile.iccid_style != "huawei":
        return ERROR
    if c.kind == "test":
        return []
    if c.kind != "read":
        return ERROR
    return _card_gate(m, t) or [f"^ICCID: {swap_nibbles(m.iccid)}"]


def quectel_qccid(m: Dce, c: Command, t: float) -> Outcome:
    if m.profile.iccid_style != "qccid":
        return ERROR
    if c.kind == "test":
        return []
    if c.kind != "action":
        return ERROR
    return _card_gate(m, t) or [f"+QCCID: {m.iccid}"]


def restricted_sim_access(m: Dce, c: Command, t: float) -> Outcome:
    """AT+CRSM (TS 27.007 §8.18): only READ BINARY of EF_ICCID is on this card."""
    if not m.profile.quirks.crsm:
        return ERROR
    if c.kind == "test":
        return []
    if c.kind != "set":
        return ERROR
    gate = _card_gate(m, t)
    if gate:
        return gate
    command, file_id = c.arg(0).as_int(), c.arg(1).as_int()
    if command != READ_BINARY:
        return ["+CRSM: 109,0"]  # SW 6D00: instruction not supported
    if file_id != EF_ICCID:
        return ["+CRSM: 106,130"]  # SW 6A82: file not found
    return [f'+CRSM: 144,0,"{swap_nibbles(m.iccid)}"']


def own_number(m: Dce, c: Command, t: float) -> Outcome:
    """AT+CNUM (TS 27.007 §7.1): ``+CNUM: [<alpha>],<number>,<type>`` for the number the card
    stores (EF_MSISDN, read after the PIN like the IMSI), type 145 for an international one
    (written without its "+") and 129 otherwise; nothing but OK when the card stores none, as
    most prepaid cards (python-gsmmodem issue #14 on babca's fork: "if it will return just OK
    the number is missing"), or ERROR on a device that says so (``Quirks.cnum_error``). The
    label is empty, as a Huawei printed ``+CNUM: "","+33671651906",145`` (garronej/
    at-messages-parser's test of a real answer)."""
    if c.kind == "test":
        return []
    if c.kind != "action":
        return ERROR
    gate = sim_gate_cme(m, t)
    if gate:
        return gate
    number = m.sim.msisdn
    if not number:
        return ERROR if m.profile.quirks.cnum_error else []
    if number.startswith("+"):
        return [f'+CNUM: "","{number}",145']
    return [f'+CNUM: "","{number}",129']


HANDLERS: dict[str, Handler] = {
    "+CNUM": own_number,
    "+CPIN": pin,
    "+CIMI": imsi,
    "+CCID": simcom_ccid,
    "+CICCID": simcom_ciccid,
    "^ICCID": huawei_iccid,
    "+QCCID": quectel_qccid,
    "+CRSM": restricted_sim_access,
}
