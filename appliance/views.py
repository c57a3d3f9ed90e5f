"""The stable JSON shapes of the CLI's ``--json`` output (DESIGN.md's contract), in one place.

The HTTP API reuses them, so a script sees the same fields whichever way it asks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from .states import ModemState, Status

if TYPE_CHECKING:  # only types: the CLI's quick path imports this module without SQLAlchemy
    from .config import Config
    from .store import SimCredit, Store
    from .store.call_schema import MissedCall
    from .store.contacts import ContactRecord
    from .store.node_schema import Node
    from .store.schema import ApiToken, Inbound, Message, Sim, User

SETTLED = frozenset(
    {Status.SENT, Status.DELIVERED, Status.FAILED, Status.EXPIRED, Status.CANCELLED, Status.UNKNOWN}
)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def message(m: Message) -> dict:
    return {
        "id": m.id,
        "to": m.recipient,
        "text": m.text,
        "status": m.status,
        "parts": m.parts,
        "encoding": m.encoding,
        "priority": m.priority,
        "modem": m.modem_imei,
        "attempts": m.attempts,
        "created_at": _iso(m.created_at),
        "send_at": _iso(m.due_at),
        "sent_at": _iso(m.sent_at),
        "delivered_at": _iso(m.delivered_at),
        "reason": m.reason,
    }


def token(t: ApiToken) -> dict:
    """An API token as listed: its name and use, never the secret nor its hash."""
    return {
        "id": t.id,
        "name": t.name,
        "created_at": _iso(t.created_at),
        "last_used_at": _iso(t.last_used_at),
        "revoked": t.revoked,
    }


def user(u: User) -> dict:
    """A panel user as listed: never the password hash."""
    return {
        "id": u.id,
        "name": u.name,
        "role": u.role,
        "created_at": _iso(u.created_at),
        "last_login_at": _iso(u.last_login_at),
    }


def inbound(m: Inbound) -> dict:
    return {
        "id": m.id,
        "from": m.sender,
        "text": m.text,
        "status": m.status,
        "parts": m.parts,
        "modem": m.modem_imei,
        "created_at": _iso(m.received_at),
        "sent_at": _iso(m.sent_at),
        "reason": None,
    }


def missed_call(c: MissedCall) -> dict:
    """A missed call (``GET /api/v1/calls``, the ``call.missed`` webhook): ``from`` is None
    when the caller withheld the number."""
    return {
        "id": c.id,
        "from": c.caller,
        "modem": c.modem_imei,
        "sim": c.sim_iccid,
        "rang_at": _iso(c.rang_at),
        "hung_up": c.hung_up,
        "handled": c.handled,
    }


def _credit(c: SimCredit | None) -> dict | None:
    """A SIM's credit in the status (None: never queried nor asked for)."""
    if c is None or (c.checked_at is None and c.error is None and c.asked_at is None):
        return None
    return {
        "amount": c.amount,
        "currency": c.currency,
        "answer": c.answer,
        "checked_at": _iso(c.checked_at),
        "low": c.low,
        "error": c.error,
        "asked_at": _iso(c.asked_at),
    }


def sim_credit(imei: str | None, sim: Sim | None) -> dict:
    """A SIM's credit (the ``sim.low_credit`` webhook): the last answer and what was read in
    it; all null but the IMEI when the SIM is unknown."""
    return {
        "imei": imei,
        "iccid": sim.iccid if sim else None,
        "amount": sim.credit_amount if sim else None,
        "currency": sim.credit_currency if sim else None,
        "answer": sim.credit_answer if sim else None,
        "checked_at": _iso(sim.credit_checked_at) if sim else None,
        "low": sim.credit_low if sim else None,
    }


def _field(value: object) -> object:
    """A free field's value in JSON: a date as ISO text, a whole number without ".0"."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def contact(c: ContactRecord) -> dict:
    """A contact with its consent (``contacts list --json``, ``contacts show --json``).
    ``consent`` is "opted-out", "opted-in" or "none" (a bare number kept for its STOP)."""
    consent = "opted-out" if c.opted_out_at else "opted-in" if c.opted_in_at else "none"
    return {
        "id": c.id,
        "number": c.number,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "language": c.language,
        "tags": list(c.tags),
        "fields": {name: _field(value) for name, value in c.fields.items()},
        "consent": consent,
        "opted_in_at": _iso(c.opted_in_at),
        "opt_in_source": c.opt_in_source,
        "opt_in_proof": c.opt_in_proof,
        "opted_out_at": _iso(c.opted_out_at),
        "opt_out_how": c.opt_out_how,
        "created_at": _iso(c.created_at),
        "updated_at": _iso(c.updated_at),
    }


def status(config: Config, store: Store, now: datetime) -> dict:
    """``smsrelay status --json`` (and the panel's modems page): the modems, and the messages by
    status from ``appliance.store.tally`` (a ``GROUP BY`` over every message would cost 0.1 s a call
    at a million messages)."""
    from .pacing import period_keys

    day, _ = period_keys(now, config.timezone)
    sending = store.sending_by_modem()
    credits = store.credits()
    labels = store.sim_labels()  # names and numbers (revision 0017)
    nodes = {n.name: n for n in store.nodes()}  # issue 15: every node sharing the database
    modems = []
    for m in store.modems():
        sim = store.sim_counts(m.iccid) if m.iccid else None  # a plain row, no model
        state, reason = m.state, m.reason
        if state == ModemState.READY and m.imei in sending:
            state, reason = ModemState.BUSY, f"sending message {sending[m.imei]}"
        gone = _node_gone(nodes.get(m.node), now)
        if gone and state != ModemState.ABSENT:  # its daemon is not running: it sends nothing
            state, reason = ModemState.ABSENT, gone
        label = labels.get(m.iccid) if m.iccid else None
        modems.append(
            {
                "imei": m.imei,
                "name": m.name,
                "iccid": m.iccid,
                "sim_name": label.name if label else None,
                "sim_number": (label.msisdn or label.number) if label else None,
                # where the number comes from: the SIM itself (AT+CNUM), or an admin typed it
                "sim_number_from": _number_from(label),
                "port": m.port,
                "state": state,
                "reason": reason,
                "signal_dbm": m.signal_dbm,
                "bars": m.bars,
                "sim": m.sim,
                "registration": m.registration,
                "operator": m.operator,
                "sent_today": sim.sent_day if sim and sim.day == day else 0,
                "daily_limit": m.daily_limit,
                "last_error": m.last_error,
                "receives": m.receives,
                "node": m.node,
                "seen_at": _iso(m.seen_at),
                "credit": _credit(credits.get(m.iccid)) if m.iccid else None,
            }
        )
    from .trouble_note import database_folder, read_trouble, trouble_json  # status alone

    return {
        "node": config.node,
        "nodes": [_node(n, now) for n in nodes.values()],
        "modems": modems,
        # ``tally.counts(store)``; the CLI's quick store (``store.direct``) counts the same way
        "queue": store.tally.counts(),
        # a full or read-only disk, a database out of reach (the daemon's note, the file system)
        "database_trouble": trouble_json(
            read_trouble(config.data_dir, database_folder(config.database))
        ),
    }


def _number_from(label) -> str | None:
    if label is None or not (label.msisdn or label.number):
        return None
    return "sim" if label.msisdn else "typed"


def _node_gone(node: Node | None, now: datetime) -> str | None:
    """Why a node's modems cannot send (its daemon stopped, or its lease ran out), or None."""
    if node is None or node.lease_until is None or node.lease_until > now:
        return None
    if node.stopped_at is not None:
        return f"node {node.name} was stopped at {node.stopped_at:%Y-%m-%d %H:%M} UTC"
    return (
        f"node {node.name} has not been heard from since {node.seen_at:%Y-%m-%d %H:%M:%S} UTC "
        "(stopped, or cut off from the database)"
    )


def _node(node: Node, now: datetime) -> dict:
    return {
        "name": node.name,
        "host": node.host,
        "running": _node_gone(node, now) is None,
        "started_at": _iso(node.started_at),
        "seen_at": _iso(node.seen_at),
        "stopped_at": _iso(node.stopped_at),
    }
