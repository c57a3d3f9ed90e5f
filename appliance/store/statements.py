"""The statements of the send path, built once with bound parameters.

Between two sends of a busy modem the store runs a claim, a "sent" and now and then a delivery
report. Built anew on every call, as SQLAlchemy expressions usually are, each statement cost far
more Python than database: measured on SQLite, ``mark_sent`` took 2.9 ms, of which the database's
own work (four statements and a commit) was 0.4 ms; the rest was building the expression and its
cache key. Built once here, a statement is only looked up in SQLAlchemy's compiled cache and run
with a dict of values, on a plain connection (no ORM unit of work).

Every statement is plain SQL that SQLite and PostgreSQL both run; the claim's
``FOR UPDATE SKIP LOCKED`` is dropped by SQLite's compiler (there one daemon owns the database).
A parameter takes the type of the column it meets, so times still go through ``UtcDateTime``.
"""

from __future__ import annotations

from sqlalchemy import (
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.schema import Column

from appliance.states import ModemState

from .attempt_schema import MessageAttempt, Outcome
from .schema import (
    PAUSED_RANK,
    PRIORITY_RANK,
    QUIET_SENDABLE,
    DeliveryReport,
    Event,
    Message,
    Modem,
    Sim,
    Status,
)

MESSAGE = Message.__table__
SIM = Sim.__table__
MODEM = Modem.__table__
REPORT = DeliveryReport.__table__
EVENT = Event.__table__
ATTEMPT = MessageAttempt.__table__


def _param(name: str, column: Column) -> BindParameter:
    """A named parameter typed as ``column`` (``b_``-prefixed: SQLAlchemy reserves the column
    names themselves for the SET and VALUES clauses)."""
    return bindparam(f"b_{name}", type_=column.type)


def constants(values) -> list:
    """Fixed values for an ``IN (...)``, written into the statement once: a list of plain
    values is an "expanding" parameter that SQLAlchemy rewrites at every execution, a fifth of
    the claim's time in Python (``bench/claim_queued.py``). For the code's own constants only
    (enum values and ranks), never for what a user gives."""
    return [literal_column(str(v)) if isinstance(v, int) else literal_column(f"'{v}'")
            for v in values]  # fmt: skip


m = MESSAGE.c
NOW = _param("now", m.due_at)
# The ranks the dispatcher takes, best first; a paused campaign's (PAUSED_RANK) is not one. Named
# one by one, each rank is its own range of ix_message_dispatch (status, rank, due_at), which
# ends at the due time: ``rank < PAUSED_RANK`` was one range over every rank, where the due time
# only filtered, so a claim read past every message not due yet of a better rank, and NEXT_DUE
# read the whole queue (bench/claim_queued.py, docs/benchmarks.md section 11).
RANKS = sorted(PRIORITY_RANK.values())
assert RANKS[-1] < PAUSED_RANK


def _claim(ranks: list[int], avoid_own_retries: bool, sendable_quietly: bool = False):
    """The best message of ``ranks`` a modem may send now: priority, then age
    (``ix_message_dispatch``; ``ix_message_quiet`` with ``sendable_quietly``)."""
    imei = _param("imei", m.modem_imei)
    query = select(MESSAGE).where(
        m.status == Status.QUEUED,
        m.rank.in_(constants(ranks)),  # a paused campaign's messages wait
        m.due_at <= NOW,
        or_(m.expires_at.is_(None), m.expires_at > NOW),
        or_(m.want_modem.is_(None), m.want_modem == imei),
        or_(m.want_group.is_(None), m.want_group == _param("group", m.want_group)),
        # a message whose first parts left resumes on the same modem only
        or_(m.parts_sent == 0, m.modem_imei == imei),
        m.parts - m.parts_sent <= _param("max_parts", m.parts),
    )
    if sendable_quietly:  # the partial index's own condition, word for word
        query = query.where(text(QUIET_SENDABLE))
    if avoid_own_retries:  # another modem is healthy: let it take what failed on this one
        query = query.where(
            or_(m.modem_imei.is_(None), m.modem_imei != imei, m.attempts == 0, m.parts_sent > 0)
        )
    return query.order_by(m.rank, m.due_at, m.id).limit(1).with_for_update(skip_locked=True)


def _claims(quiet: bool, avoid_own_retries: bool) -> tuple:
    """The claim's statements, tried in turn until one finds a message. Inside quiet hours only
    high-priority campaign traffic goes: rank 0 first, any traffic, then the lower ranks among
    what quiet hours let go, which ``ix_message_quiet`` holds alone. One statement over every
    rank with "not campaign traffic, or rank 0" read every due message and its row to find none
    when only campaign traffic was due: 0.87 s at 267,000 due (docs/benchmarks.md, section 11)."""
    if not quiet:
        return (_claim(RANKS, avoid_own_retries),)
    return (
        _claim(RANKS[:1], avoid_own_retries),
        _claim(RANKS[1:], avoid_own_retries, sendable_quietly=True),
    )


CLAIM = {(q, a): _claims(q, a) for q in (False, True) for a in (False, True)}

# when the earliest queued message that is not due yet becomes due: the dispatcher's next wake-up;
# the first of each rank, one index seek each (a min() over ``rank IN (...)`` reads them all)
_FIRSTS = union_all(
    *(
        select(func.min(m.due_at).label("due_at")).where(
            m.status == Status.QUEUED, m.rank == rank, m.due_at > NOW
        )
        for rank in RANKS
    )
).subquery()
NEXT_DUE = select(func.min(_FIRSTS.c.due_at))

TAKE = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id), m.status == Status.QUEUED)
    .values(
        status=Status.SENDING,
        modem_imei=_param("imei", m.modem_imei),
        sim_iccid=_param("iccid", m.sim_iccid),
        node=_param("node", m.node),
        attempts=m.attempts + 1,
        sending_at=_param("sending_at", m.sending_at),  # None: claimed ahead (``HAND_OVER``)
        lease_until=_param("lease_until", m.lease_until),
        concat_ref=_param("concat_ref", m.concat_ref),
    )
)

# the attempt the claim begins (``attempt_schema``), in the claim's transaction
a = ATTEMPT.c
ATTEMPT_BEGUN = insert(ATTEMPT).values(
    message_id=_param("id", a.message_id),
    number=_param("number", a.number),
    modem_imei=_param("imei", a.modem_imei),
    sim_iccid=_param("iccid", a.sim_iccid),
    node=_param("node", a.node),
    first_part=_param("first_part", a.first_part),
    started_at=_param("now", a.started_at),
    outcome=Outcome.SENDING,
    part_refs="",
)
# a claim ahead given back before it went on the air (``Store.release``): no attempt was made
ATTEMPT_DROPPED = delete(ATTEMPT).where(
    a.message_id == _param("id", a.message_id), a.outcome == Outcome.SENDING
)
# its end, in the transaction that records the outcome: the message's one open attempt
ATTEMPT_ENDED = (
    update(ATTEMPT)
    .where(a.message_id == _param("id", a.message_id), a.outcome == Outcome.SENDING)
    .values(
        outcome=_param("outcome", a.outcome),
        ended_at=_param("now", a.ended_at),
        cms_code=_param("cms_code", a.cms_code),
        reason=_param("reason", a.reason),
        part_refs=_param("refs", a.part_refs),
    )
)


def _sent(with_refs: bool):
    refs = _param("refs", m.part_refs)
    part_refs = case((m.part_refs == "", refs), else_=m.part_refs + "," + refs)
    return (
        update(MESSAGE)
        .where(m.id == _param("id", m.id))
        .values(
            status=Status.SENT,
            part_refs=part_refs if with_refs else m.part_refs,
            parts_sent=_param("parts_sent", m.parts_sent),
            sent_at=NOW,
            finished_at=NOW,
            reason=None,
        )
    )


SENT = {True: _sent(True), False: _sent(False)}

s = SIM.c
_PARTS = _param("parts", s.sent_day)
_DAY, _MONTH = _param("day", s.day), _param("month", s.month)
COUNT = (
    update(SIM)
    .where(s.iccid == _param("iccid", s.iccid))
    .values(
        sent_day=case((s.day == _DAY, s.sent_day + _PARTS), else_=_PARTS),
        day=_DAY,
        sent_month=case((s.month == _MONTH, s.sent_month + _PARTS), else_=_PARTS),
        month=_MONTH,
        sent_total=s.sent_total + _PARTS,
        last_sent_at=_param("now", s.last_sent_at),
    )
    .returning(s.day, s.sent_day, s.month, s.sent_month)  # SQLite 3.35+, PostgreSQL
)
NEW_SIM = insert(SIM).values(
    iccid=_param("iccid", s.iccid),
    day=_DAY,
    sent_day=_PARTS,
    month=_MONTH,
    sent_month=_PARTS,
    sent_total=_PARTS,
    last_sent_at=_param("now", s.last_sent_at),
)
SIM_COUNTS = select(s.day, s.sent_day, s.month, s.sent_month).where(
    s.iccid == _param("iccid", s.iccid)
)

e = EVENT.c
LOG = insert(EVENT).values(
    at=_param("at", e.at),
    kind=_param("kind", e.kind),
    modem_imei=_param("imei", e.modem_imei),
    message_id=_param("message_id", e.message_id),
    detail=_param("detail", e.detail),
)

_WHEN = _param("now", MODEM.c.updated_at)
# the modem row after a sent message: its last success, and ready again
MODEM_SUCCESS = (
    update(MODEM)
    .where(MODEM.c.imei == _param("imei", MODEM.c.imei))
    .values(last_success_at=_WHEN, state=ModemState.READY, reason="ready", updated_at=_WHEN)
)

# the modem row after a refused send: ready, the breaker's words, the error as its last
MODEM_REFUSED = (
    update(MODEM)
    .where(MODEM.c.imei == _param("imei", MODEM.c.imei))
    .values(
        state=ModemState.READY,
        reason=_param("reason", MODEM.c.reason),
        last_error=_param("error", MODEM.c.last_error),
        last_error_at=_WHEN,
        updated_at=_WHEN,
    )
)

# --- delivery reports ---------------------------------------------------------------------------

r = REPORT.c
# the exact reference in the comma-separated list (",5," never matches ",15,"), on the latest
# message of this modem that has it: references wrap around after 256 parts
REPORTED_MESSAGE = (
    select(MESSAGE)
    .where(
        m.modem_imei == _param("imei", m.modem_imei),
        m.status.in_(constants([Status.SENT, Status.DELIVERED, Status.SENDING])),
        (literal(",") + m.part_refs + literal(",")).contains(_param("ref", m.part_refs)),
        m.sending_at >= _param("since", m.sending_at),
    )
    .order_by(m.id.desc())
    .limit(1)
)
ADD_REPORT = insert(REPORT).values(
    message_id=_param("message_id", r.message_id),
    modem_imei=_param("imei", r.modem_imei),
    part_ref=_param("part_ref", r.part_ref),
    recipient=_param("recipient", r.recipient),
    status=_param("status", r.status),
    delivered=_param("delivered", r.delivered),
    reason=_param("reason", r.reason),
    discharged_at=_param("discharged_at", r.discharged_at),
    received_at=_param("received_at", r.received_at),
)
REPORTS_OF = select(r.part_ref, r.delivered).where(
    r.message_id == _param("message_id", r.message_id)
)
# a transient failure: back to the queue, due at once (another SIM may take it) or after the
# message's own backoff (the destination's fault); one statement, as a refusal sits in a gap too
RETRY = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id))
    .values(
        status=Status.QUEUED,
        reason=_param("reason", m.reason),
        due_at=_param("due", m.due_at),
        lease_until=None,  # back in the queue: no node's claim (issue 15)
    )
)
GIVE_UP = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id))
    .values(status=Status.FAILED, reason=_param("reason", m.reason), finished_at=NOW)
)
# a message claimed ahead of a send that never went on the air: queued as it was, its attempt
# not counted, its claim's lease gone (``Store.release``, and a dead node's, ``node_registry``).
# One whose first parts already left keeps its modem and SIM: only that modem may send the rest
# (``_claim``: ``parts_sent = 0 OR modem_imei = ...``); without them no modem could ever take it
# (the soak's message left queued for good after a claim ahead was given back at a fault)
RELEASE = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id), m.status == Status.SENDING)
    .values(
        status=Status.QUEUED,
        attempts=m.attempts - 1,
        modem_imei=case((m.parts_sent > 0, m.modem_imei), else_=None),
        sim_iccid=case((m.parts_sent > 0, m.sim_iccid), else_=None),
        sending_at=None,
        lease_until=None,
    )
)
# the hand-over of a message claimed ahead (``sending_at`` still None), committed before its
# ``AT+CMGS``: from here a crash leaves it ``unknown``; before, it goes back to the queue. Only
# this modem's and node's claim: one given back meanwhile (a sweep) is not sent
HAND_OVER = (
    update(MESSAGE)
    .where(
        m.id == _param("id", m.id),
        m.status == Status.SENDING,
        m.sending_at.is_(None),
        m.modem_imei == _param("imei", m.modem_imei),
        m.node == _param("node", m.node),
    )
    .values(sending_at=NOW)
)
DELIVERED = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id), m.status == Status.SENT)
    .values(status=Status.DELIVERED, delivered_at=NOW)
)
NOT_DELIVERED = (
    update(MESSAGE)
    .where(m.id == _param("id", m.id), m.status == Status.SENT)
    .values(reason=_param("reason", m.reason))
)

# --- "sent" in one statement, on PostgreSQL (issue 15) ------------------------------------------
# Several nodes reach PostgreSQL over a network, where each statement is a round trip: "sent" as
# four statements in a transaction was six (BEGIN, four, COMMIT) between two sends of a busy
# modem. As one statement of data-modifying CTEs, run outside a transaction block (a statement
# is atomic on its own), it is one: the message, the SIM's counters (inserted or moved, as
# ``COUNT``/``NEW_SIM`` do), the attempt's end, the modem's last success and the event log, all
# or nothing.


def _sent_at_once(with_refs: bool):
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    sent = SENT[with_refs].returning(m.id).cte("sent")
    attempt = ATTEMPT_ENDED.returning(a.id).cte("attempt_ended")
    new = pg_insert(SIM).values(
        iccid=_param("iccid", s.iccid), day=_DAY, sent_day=_PARTS, month=_MONTH,
        sent_month=_PARTS, sent_total=_PARTS, last_sent_at=_param("now", s.last_sent_at),
    )  # fmt: skip
    counted = (
        new.on_conflict_do_update(
            index_elements=[s.iccid],
            set_={
                "sent_day": case((s.day == _DAY, s.sent_day + _PARTS), else_=_PARTS),
                "day": _DAY,
                "sent_month": case((s.month == _MONTH, s.sent_month + _PARTS), else_=_PARTS),
                "month": _MONTH,
                "sent_total": s.sent_total + _PARTS,
                "last_sent_at": _param("now", s.last_sent_at),
            },
        )
        .returning(s.day, s.sent_day, s.month, s.sent_month)
        .cte("counted")
    )
    modem = MODEM_SUCCESS.returning(MODEM.c.imei).cte("modem_success")
    logged = LOG.returning(e.id).cte("logged")
    return select(counted.c.day, counted.c.sent_day, counted.c.month, counted.c.sent_month).add_cte(
        sent, attempt, modem, logged
    )


SENT_AT_ONCE = {True: _sent_at_once(True), False: _sent_at_once(False)}
