"""Unsolicited result codes turned into domain events (``modem.events``).

The 3GPP codes are read here; a vendor's own codes (Huawei's ``^RSSI``) come from
``modem.vendors.URC_EVENTS``, whichever modem sent them. A code that does not parse, or a PDU
that does not decode, becomes ``Unrecognised`` with the reason: the reader thread never raises.
"""

from __future__ import annotations

from modem import events, pdu
from modem.at import Urc, parse_cds, parse_cdsi, parse_clip, parse_cmt, parse_cmti, parse_cusd
from modem.errors import ModemError
from modem.vendors import URC_EVENTS


def event_for(urc: Urc) -> events.ModemEvent:
    """The domain event of one unsolicited line; ``Unrecognised`` for the rest."""
    name = urc.name.upper()
    try:
        if name == "+CMTI":
            storage, index = parse_cmti(urc.line)
            return events.MessageStored(storage, index)
        if name == "+CDSI":
            storage, index = parse_cdsi(urc.line)
            return events.ReportStored(storage, index)
        if name == "+CMT":
            _, raw = parse_cmt(urc)
            message = pdu.decode(raw)
            if isinstance(message, pdu.Deliver):
                return events.MessageReceived(message)
        if name == "+CDS":
            _, raw = parse_cds(urc)
            report = pdu.decode(raw)
            if isinstance(report, pdu.StatusReport):
                return events.ReportReceived(report)
        if name == "+CUSD":
            answer = parse_cusd(urc.line)
            return events.UssdReceived(answer.status, answer.text)
        if name == "RING":
            return events.Ringing()
        if name == "+CRING":
            return events.Ringing(urc.line.partition(":")[2].strip() or None)
        if name == "+CLIP":
            caller = parse_clip(urc.line)
            return events.CallerIdentified(caller.number, caller.validity)
        if name in URC_EVENTS:
            return URC_EVENTS[name](urc)
    except ModemError as exc:
        return events.Unrecognised(urc, str(exc))
    return events.Unrecognised(urc)
