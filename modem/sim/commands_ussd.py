"""USSD (3GPP TS 27.007 §7.15 +CUSD): OK at once, the network's answer later as a URC.

Most modems take the request as text in the TE character set (``AT+CUSD=1,"*100#",15``) and
answer the same way. Huawei's E-series dongles want the request GSM-7 packed and hex-encoded
(``AT+CUSD=1,"AA180C3602",15`` for ``*100#``) and answer packed too; this is why ModemManager's
Huawei plugin packs USSD strings itself. Packing per TS 23.038 §6.1.2.3 (USSD): septets packed
as in SMS, a spare final septet filled with CR so it cannot read as "@".
"""

from __future__ import annotations

from modem.pdu import gsm7

from .commandline import Command
from .commands_sim import sim_gate_cme
from .handler import Dce, Handler, Outcome
from .results import ERROR, cme

DCS_GSM7 = 15  # TS 23.038 §5: language unspecified, default alphabet


def pack_ussd(text: str) -> str:
    """``text`` GSM-7 packed and hex-encoded, as Huawei modems exchange USSD."""
    septets = gsm7.encode(text)
    if len(septets) % 8 == 7:
        septets.append(0x0D)
    return gsm7.pack(septets).hex().upper()


def unpack_ussd(hex_text: str) -> str:
    """The text of a packed USSD string (the CR filler of §6.1.2.3 dropped)."""
    data = bytes.fromhex(hex_text)
    septets = gsm7.unpack(data, len(data) * 8 // 7)
    if len(data) * 8 % 7 == 0 and septets and septets[-1] in (0x0D, 0x00):
        septets = septets[:-1]
    return gsm7.decode(septets)


def ussd(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CUSD: {m.settings.cusd}"]
    if c.kind == "test":
        return ["+CUSD: (0-2)"]
    if c.kind != "set":
        return ERROR
    n = c.arg(0).as_int(0)
    if n not in (0, 1, 2):
        return cme(4)
    m.settings.cusd = 1 if n == 1 else 0
    request = c.arg(1).text
    if request is None or n == 2:
        return []
    gate = sim_gate_cme(m, t)
    if gate:
        return gate
    if not m.registered(t):
        return cme(30)
    packed = m.profile.ussd_style == "gsm7-hex"
    if packed:
        try:
            request = unpack_ussd(request)
        except ValueError:
            return ERROR
    reply = m.ussd_replies.get(request)
    if n == 1:
        if reply is None:
            line = "+CUSD: 4"  # operation not supported by the network
        else:
            shown = pack_ussd(reply) if packed else reply
            line = f'+CUSD: 0,"{shown}",{DCS_GSM7}'
        m.at(t + m.profile.ussd_delay, lambda _now: m.write_urc([line]), "urc")
    return []


HANDLERS: dict[str, Handler] = {"+CUSD": ussd}
