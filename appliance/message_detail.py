"""A message's detail as JSON-ready data (issue 16): the API's ``detail`` and the panel's page.

The store reads the rows (``appliance.store.message_detail``); here they become what a person
or a script asks about one message: each part with its references (the concatenation reference,
the part's number, the TP-MR the modem returned in +CMGS) and its delivery reports; each attempt
with its modem (IMEI, name, model), SIM, times and result; the conversation around it. One
shape for both readers, so the page shows what the API says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .store import MessageDetail
from .store.attempt_schema import MessageAttempt, Outcome
from .store.message_detail import Neighbour
from .store.outbound import split_refs
from .store.schema import DeliveryReport, Modem, Status

# TP-Status (3GPP TS 23.040 §9.2.3.15): 0-31 the transaction completed, 32-63 the SC is still
# trying, 64 and above it failed (permanently, or temporarily and it no longer tries)
STILL_TRYING = range(32, 64)


When = Callable[[datetime | None], Any]


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def report_state(report: DeliveryReport) -> str:
    """``delivered``, ``pending`` (the network still tries) or ``failed``."""
    if report.delivered:
        return "delivered"
    return "pending" if report.status in STILL_TRYING else "failed"


def _report(r: DeliveryReport, when: When) -> dict:
    return {
        "status": r.status,
        "state": report_state(r),
        "reason": r.reason,
        "discharged_at": when(r.discharged_at),
        "received_at": when(r.received_at),
    }


def attempt_result(attempt: MessageAttempt, status: str) -> str:
    """The attempt's outcome; one left ``sending`` while its message moved on (the daemon stopped
    before ``recover`` ran, or an older version) is ``unknown``."""
    if attempt.outcome == Outcome.SENDING and status != Status.SENDING:
        return Outcome.UNKNOWN
    return attempt.outcome


def _modem(imei: str | None, modems: dict[str, Modem]) -> dict | None:
    if imei is None:
        return None
    row = modems.get(imei)
    model = " ".join(v for v in (row.manufacturer, row.model) if v) if row else ""
    return {
        "imei": imei,
        # a volunteer's name for the modem ("Orange 1"), once modems have one (issue 16)
        "name": getattr(row, "name", None),
        "model": model or None,
    }


def _attempt(a: MessageAttempt, status: str, modems: dict[str, Modem], when: When) -> dict:
    return {
        "number": a.number,
        "modem": _modem(a.modem_imei, modems),
        "sim": a.sim_iccid,
        "node": a.node,
        "started_at": when(a.started_at),
        "ended_at": when(a.ended_at),
        "result": attempt_result(a, status),
        "cms_code": a.cms_code,
        "reason": a.reason,
        "first_part": a.first_part,
        "references": split_refs(a.part_refs),
    }


def _parts(detail: MessageDetail, when: When) -> list[dict]:
    m = detail.message
    refs = split_refs(m.part_refs)
    by_part: dict[int, int] = {}  # part number -> the attempt that sent it
    for a in detail.attempts:
        for offset, _ in enumerate(split_refs(a.part_refs)):
            by_part[a.first_part + offset] = a.number
    parts = []
    for number in range(1, m.parts + 1):
        ref = refs[number - 1] if number <= len(refs) else None
        parts.append(
            {
                "number": number,
                "reference": ref,
                "attempt": by_part.get(number),
                "reports": [
                    _report(r, when)
                    for r in detail.reports
                    if ref is not None and r.part_ref == ref
                ],
            }
        )
    return parts


def _neighbour(n: Neighbour, when: When) -> dict:
    if n.sent is not None:
        s = n.sent
        return {"direction": "sent", "id": s.id, "at": when(n.at), "text": s.text,
                "status": s.status, "parts": s.parts}  # fmt: skip
    assert n.received is not None
    r = n.received
    return {"direction": "received", "id": r.id, "at": when(n.at), "text": r.text,
            "status": r.status, "parts": r.parts}  # fmt: skip


def detail(d: MessageDetail, *, when: When = _iso) -> dict:
    """The ``detail`` of ``GET /api/v1/messages/{id}`` (``web.api.detail_schemas``); times as
    ``when`` writes them (ISO 8601 for the API; the page keeps datetimes to show them local)."""
    m = d.message
    this = {"direction": "sent", "id": m.id, "at": when(m.created_at), "text": m.text,
            "status": m.status, "parts": m.parts, "current": True}  # fmt: skip
    return {
        "source": m.source,
        "kind": m.kind,
        "campaign_id": m.campaign_id,
        "modem": _modem(m.modem_imei, d.modems),
        "sim": m.sim_iccid,
        "concat_ref": m.concat_ref if m.parts > 1 else None,
        "parts_sent": m.parts_sent,
        "parts": _parts(d, when),
        "attempts": [_attempt(a, m.status, d.modems, when) for a in d.attempts],
        "finished_at": when(m.finished_at),
        "conversation": {
            "number": m.recipient,
            "more_earlier": d.more_earlier,
            "more_later": d.more_later,
            "messages": [
                *({**_neighbour(n, when), "current": False} for n in d.earlier),
                this,
                *({**_neighbour(n, when), "current": False} for n in d.later),
            ],
        },
    }
