"""The store: every state change of a message, each in one short transaction.

The at-most-once rule lives here. ``claim`` writes ``sending`` (with modem, SIM and attempt) and
commits *before* the driver writes AT+CMGS; only then may the modem send. A crash after that leaves
the row ``sending``, which ``recover`` turns into ``unknown`` at the next start. Nothing here is
SQLite-only: claims use ``SELECT ... FOR UPDATE SKIP LOCKED`` (ignored by SQLite, where one daemon
owns the database) so several nodes can share one PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, Engine, func, update
from sqlmodel import Session, col, select

from . import hotpath
from .models import (
    FINAL_STATUSES,
    PRIORITY_RANK,
    Event,
    Inbound,
    InboundPart,
    Message,
    Modem,
    Priority,
    SignalSample,
    Sim,
    Status,
)


@dataclass(frozen=True)
class NewMessage:
    """A message as a caller asks for it, already validated (number normalised, parts counted)."""

    recipient: str
    text: str
    parts: int
    encoding: str
    priority: Priority = Priority.NORMAL
    due_at: datetime | None = None
    expires_at: datetime | None = None
    want_modem: str | None = None
    want_group: str | None = None
    report: bool = True
    source: str = "cli"
    campaign_id: int | None = None


@dataclass(frozen=True)
class ReportFiled:
    """A delivery report as the store files it: which modem got it, about which part, when."""

    imei: str
    part_ref: int
    recipient: str | None
    status: int
    delivered: bool
    final: bool
    reason: str
    discharged_at: datetime | None
    now: datetime


class SimCounts(NamedTuple):
    """Parts a SIM sent in the local ``day`` and ``month`` they were counted in."""

    day: str
    sent_day: int
    month: str
    sent_month: int


@dataclass(frozen=True)
class Claim:
    """What the dispatcher may send on one modem now."""

    imei: str
    iccid: str | None
    group: str | None
    node: str
    max_parts: int  # what the SIM's caps still allow
    quiet: bool  # inside quiet hours: campaign traffic below high priority waits
    avoid_own_retries: bool  # another modem is healthy: let it take what failed here


class Store:
    """Operations on the database; each method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = engine.execution_options(sqlite_begin="DEFERRED")
        # SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
        # SQLite's busy handler (1, 2, 5, 10, 15 ms...) before it tries again. Within this process
        # the writers (workers, dispatcher, webhooks) queue on a mutex instead, which hands over
        # at once; other processes (the CLI) still meet the busy handler, rarely.
        self._write_lock = threading.RLock() if engine.dialect.name == "sqlite" else nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._write_lock, Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction on a plain connection, for the prebuilt statements of the send
        path (``appliance.hotpath``): committed on leaving, rolled back on an exception."""
        with self._write_lock, self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: on SQLite it begins DEFERRED, so a page or a status query
        never queues behind the daemon's write lock (writes begin IMMEDIATE)."""
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    # --- enqueue, cancel, retry ----------------------------------------------------------------

    def enqueue(self, new: NewMessage, now: datetime) -> Message:
        message = Message(
            recipient=new.recipient,
            text=new.text,
            parts=new.parts,
            encoding=new.encoding,
            priority=new.priority,
            rank=PRIORITY_RANK[new.priority],
            report=new.report,
            source=new.source,
            campaign_id=new.campaign_id,
            want_modem=new.want_modem,
            want_group=new.want_group,
            created_at=now,
            due_at=new.due_at or now,
            expires_at=new.expires_at,
        )
        with self.session() as session:
            session.add(message)
            session.commit()
        return message

    def get(self, message_id: int) -> Message | None:
        with self.reading() as session:
            return session.get(Message, message_id)

    def cancel(self, message_id: int, now: datetime) -> tuple[bool, str]:
        """Cancel a queued (or unknown) message; (False, why) when it is too late."""
        with self.session() as session:
            message = session.get(Message, message_id)
            if message is None:
                return False, f"no message {message_id}"
            if message.status not in (Status.QUEUED, Status.UNKNOWN):
                return False, f"message {message_id} is {message.status}"
            result = session.execute(
                update(Message)
                .where(
                    col(Message.id) == message_id,
                    col(Message.status).in_([Status.QUEUED, Status.UNKNOWN]),
                )
                .values(status=Status.CANCELLED, finished_at=now, reason="cancelled")
            )
            session.commit()
            if result.rowcount != 1:
                return False, f"message {message_id} left the queue meanwhile"
            return True, "cancelled"

    def retry(self, message_id: int, now: datetime) -> tuple[bool, str]:
        """Queue a failed or unknown message again (the operator's explicit request)."""
        with self.session() as session:
            message = session.get(Message, message_id)
            if message is None:
                return False, f"no message {message_id}"
            if message.status not in (Status.FAILED, Status.UNKNOWN, Status.EXPIRED):
                return (
                    False,
                    f"message {message_id} is {message.status}; only failed, unknown "
                    "or expired messages can be retried",
                )
            message.status = Status.QUEUED
            message.due_at = now
            message.finished_at = None
            message.reason = f"retry requested (was {message.reason or 'no reason'})"
            if message.expires_at is not None and message.expires_at <= now:
                message.expires_at = None
            session.add(message)
            session.commit()
            return True, "queued"

    # --- dispatching ---------------------------------------------------------------------------

    def claim(self, claim: Claim, now: datetime) -> Message | None:
        """Take the best message this modem may send now and mark it ``sending`` (committed)."""
        with self._writing() as connection:
            row = connection.execute(
                hotpath.CLAIM[claim.quiet, claim.avoid_own_retries],
                {
                    "b_now": now,
                    "b_imei": claim.imei,
                    "b_group": claim.group,
                    "b_max_parts": claim.max_parts,
                },
            ).first()
            if row is None:
                return None
            values = row._asdict()
            values.update(
                status=Status.SENDING,
                modem_imei=claim.imei,
                sim_iccid=claim.iccid,
                node=claim.node,
                attempts=values["attempts"] + 1,
                sending_at=now,
            )
            if values["concat_ref"] is None:  # kept across retries, so resumed parts join up
                values["concat_ref"] = values["id"] % 256
            connection.execute(
                hotpath.TAKE,
                {
                    "b_id": values["id"],
                    "b_imei": claim.imei,
                    "b_iccid": claim.iccid,
                    "b_node": claim.node,
                    "b_now": now,
                    "b_concat_ref": values["concat_ref"],
                },
            )
        return Message(**values)

    def next_due(self, now: datetime) -> datetime | None:
        """When the earliest queued message that is not yet due becomes due."""
        with self._reader.connect() as connection:
            return connection.execute(hotpath.NEXT_DUE, {"b_now": now}).scalar()

    def has_queued(self, now: datetime) -> bool:
        with self.reading() as session:
            return (
                session.exec(
                    select(Message.id)
                    .where(Message.status == Status.QUEUED, col(Message.due_at) <= now)
                    .limit(1)
                ).first()
                is not None
            )

    def mark_sent(
        self,
        message_id: int,
        refs: Sequence[int],
        parts_sent: int,
        iccid: str | None,
        now: datetime,
        day: str,
        month: str,
        imei: str | None = None,
        recipient: str = "",
    ) -> SimCounts | None:
        """The network accepted every part: ``sent``, the SIM's counters move, the modem's last
        success and the event log follow, all in one transaction of plain UPDATEs and INSERTs (it
        sits between two sends of a busy modem: one commit and no reads is most of the gap).
        Returns the SIM's counters as they now are (None without a SIM)."""
        joined = ",".join(str(ref) for ref in refs)
        with self._writing() as connection:
            connection.execute(
                hotpath.SENT[bool(joined)],
                {"b_id": message_id, "b_refs": joined, "b_parts_sent": parts_sent, "b_now": now},
            )
            counts = self._count(connection, iccid, len(refs), now, day, month)
            if imei is not None:
                connection.execute(hotpath.MODEM_SUCCESS, {"b_imei": imei, "b_now": now})
                connection.execute(
                    hotpath.LOG,
                    {
                        "b_at": now,
                        "b_kind": "message.sent",
                        "b_imei": imei,
                        "b_message_id": message_id,
                        "b_detail": f"to {recipient}" if recipient else "",
                    },
                )
        return counts

    def mark_progress(
        self,
        message_id: int,
        refs: Sequence[int],
        iccid: str | None,
        now: datetime,
        day: str,
        month: str,
    ) -> SimCounts | None:
        """Some parts left before a failure: remember them, so a retry resumes after them.
        Returns the SIM's counters when they moved."""
        if not refs:
            return None
        with self.session() as session:
            message = session.get(Message, message_id)
            assert message is not None
            message.part_refs = _join_refs(message.part_refs, refs)
            message.parts_sent += len(refs)
            session.add(message)
            counts = self._count(session.connection(), iccid, len(refs), now, day, month)
            session.commit()
            return counts

    def mark_retry(self, message_id: int, reason: str, due_at: datetime) -> None:
        self._finish(message_id, Status.QUEUED, reason, None, due_at=due_at)

    def mark_failed(self, message_id: int, reason: str, now: datetime) -> None:
        self._finish(message_id, Status.FAILED, reason, now)

    def mark_unknown(self, message_id: int, reason: str, now: datetime) -> None:
        self._finish(message_id, Status.UNKNOWN, reason, now)

    def _finish(
        self,
        message_id: int,
        status: Status,
        reason: str,
        now: datetime | None,
        due_at: datetime | None = None,
    ) -> None:
        with self.session() as session:
            values: dict[str, object] = {"status": status, "reason": reason}
            if now is not None:
                values["finished_at"] = now
            if due_at is not None:
                values["due_at"] = due_at
            session.execute(update(Message).where(col(Message.id) == message_id).values(**values))
            if status == Status.FAILED:  # issue 4: webhooks read message.failed from the event log
                session.add(
                    Event(at=now, kind="message.failed", message_id=message_id, detail=reason)
                )
            session.commit()

    def recover(self, node: str, resend_unknown: bool, now: datetime) -> list[int]:
        """After a crash: what this node left ``sending`` may have left. ``unknown`` (or queued
        again when the operator chose ``resend_unknown``)."""
        with self.session() as session:
            ids = list(
                session.exec(
                    select(Message.id).where(Message.status == Status.SENDING, Message.node == node)
                ).all()
            )
            if ids:
                reason = "the daemon stopped during the send: it may or may not have left"
                if resend_unknown:
                    values = {
                        "status": Status.QUEUED,
                        "due_at": now,
                        "reason": reason + "; queued again (resend_unknown = true)",
                    }
                else:
                    values = {"status": Status.UNKNOWN, "finished_at": now, "reason": reason}
                session.execute(update(Message).where(col(Message.id).in_(ids)).values(**values))
                for message_id in ids:
                    session.add(
                        Event(at=now, kind="message.unknown", message_id=message_id, detail=reason)
                    )
                session.commit()
            return [i for i in ids if i is not None]

    def expire(self, now: datetime) -> int:
        """Queued messages whose validity passed become ``expired``."""
        with self.session() as session:
            result = session.execute(
                update(Message)
                .where(
                    Message.status == Status.QUEUED,
                    col(Message.expires_at).is_not(None),
                    col(Message.expires_at) <= now,
                )
                .values(
                    status=Status.EXPIRED,
                    finished_at=now,
                    reason="the validity period passed before a modem could send it",
                )
            )
            session.commit()
            return result.rowcount or 0

    # --- SIM counters -------------------------------------------------------------------------

    def _count(
        self,
        connection: Connection,
        iccid: str | None,
        parts: int,
        now: datetime,
        day: str,
        month: str,
    ) -> SimCounts | None:
        """Move the SIM's day, month and total counters (a new day or month starts from 0), and
        return them as they now are."""
        if iccid is None or parts <= 0:
            return None
        values = {"b_iccid": iccid, "b_parts": parts, "b_now": now, "b_day": day, "b_month": month}
        row = connection.execute(hotpath.COUNT, values).first()
        if row is not None:
            return SimCounts(*row)
        connection.execute(hotpath.NEW_SIM, values)
        return SimCounts(day, parts, month, parts)

    def sim(self, iccid: str) -> Sim | None:
        with self.reading() as session:
            return session.get(Sim, iccid)

    def sim_counts(self, iccid: str) -> SimCounts | None:
        """The SIM's day and month counters: what the dispatcher reads before every hand-over
        (a plain row, not a model: building a ``Sim`` cost more than the query)."""
        with self._reader.connect() as connection:
            row = connection.execute(hotpath.SIM_COUNTS, {"b_iccid": iccid}).first()
        return SimCounts(*row) if row is not None else None

    def upsert_sim(self, iccid: str, **values: object) -> Sim:
        with self.session() as session:
            sim = session.get(Sim, iccid) or Sim(iccid=iccid)
            for key, value in values.items():
                setattr(sim, key, value)
            session.add(sim)
            session.commit()
            return sim

    # --- modems, events, signal ---------------------------------------------------------------

    def upsert_modem(self, imei: str, **values: object) -> None:
        with self.session() as session:
            modem = session.get(Modem, imei) or Modem(imei=imei)
            for key, value in values.items():
                setattr(modem, key, value)
            session.add(modem)
            session.commit()

    def modem_rejected_pin(self, imei: str) -> str | None:
        with self.reading() as session:
            modem = session.get(Modem, imei)
            return modem.rejected_pin if modem else None

    def sending_by_modem(self) -> dict[str, int]:
        """Which message each modem is sending now (its ``busy`` state is derived from this)."""
        with self.reading() as session:
            rows = session.exec(
                select(Message.modem_imei, Message.id).where(Message.status == Status.SENDING)
            ).all()
        return {imei: message_id for imei, message_id in rows if imei and message_id}

    def modems(self) -> list[Modem]:
        with self.reading() as session:
            return list(session.exec(select(Modem).order_by(col(Modem.imei))).all())

    def log(
        self,
        kind: str,
        now: datetime,
        detail: str = "",
        *,
        imei: str | None = None,
        message_id: int | None = None,
    ) -> None:
        with self._writing() as connection:
            connection.execute(
                hotpath.LOG,
                {
                    "b_at": now,
                    "b_kind": kind,
                    "b_imei": imei,
                    "b_message_id": message_id,
                    "b_detail": detail,
                },
            )

    def add_signal(self, imei: str, now: datetime, dbm: int | None, bars: int) -> None:
        with self.session() as session:
            session.add(SignalSample(modem_imei=imei, at=now, dbm=dbm, bars=bars))
            session.commit()

    def prune(self, now: datetime, keep: timedelta = timedelta(days=2)) -> None:
        with self.session() as session:
            session.execute(
                SignalSample.__table__.delete().where(SignalSample.__table__.c.at < now - keep)
            )
            session.commit()

    # --- queries for the CLI and the panel ------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self.reading() as session:
            rows = session.exec(select(Message.status, func.count()).group_by(Message.status)).all()
        counts = {status.value: 0 for status in Status}
        counts.update({status: n for status, n in rows})
        return counts

    def messages(
        self,
        *,
        status: str | None = None,
        recipient: str | None = None,
        limit: int = 50,
        before_id: int | None = None,
    ) -> list[Message]:
        with self.reading() as session:
            query = select(Message).order_by(col(Message.id).desc()).limit(limit)
            if status:
                query = query.where(Message.status == status)
            if recipient:
                query = query.where(Message.recipient == recipient)
            if before_id is not None:
                query = query.where(col(Message.id) < before_id)
            return list(session.exec(query).all())

    def inbox(self, limit: int = 50, before_id: int | None = None) -> list[Inbound]:
        with self.reading() as session:
            query = select(Inbound).order_by(col(Inbound.id).desc()).limit(limit)
            if before_id is not None:
                query = query.where(col(Inbound.id) < before_id)
            return list(session.exec(query).all())

    # --- inbound and delivery reports -----------------------------------------------------------

    def add_inbound_part(
        self,
        *,
        imei: str,
        iccid: str | None,
        sender: str,
        text: str,
        sent_at: datetime | None,
        now: datetime,
        concat: tuple[int, int, int] | None,
    ) -> Inbound | None:
        """Store one received part; returns the whole message once complete (None before).

        A part the network delivers twice (same sender, SMSC time, reference and position) is
        recognised and dropped, so deleting from the SIM after the commit can never lose a
        message nor store it twice.
        """
        with self.session() as session:
            if concat is None or concat[1] <= 1:
                return _keep_whole(session, imei, iccid, sender, text, 1, sent_at, now)
            ref, total, seq = concat
            exists = session.exec(
                select(InboundPart.id).where(
                    InboundPart.modem_imei == imei,
                    InboundPart.sender == sender,
                    InboundPart.concat_ref == ref,
                    InboundPart.total == total,
                    InboundPart.seq == seq,
                )
            ).first()
            if exists is None:
                session.add(
                    InboundPart(
                        modem_imei=imei,
                        sender=sender,
                        concat_ref=ref,
                        total=total,
                        seq=seq,
                        text=text,
                        sent_at=sent_at,
                        received_at=now,
                    )
                )
                session.flush()
            parts = list(
                session.exec(
                    select(InboundPart)
                    .where(
                        InboundPart.modem_imei == imei,
                        InboundPart.sender == sender,
                        InboundPart.concat_ref == ref,
                        InboundPart.total == total,
                    )
                    .order_by(col(InboundPart.seq))
                ).all()
            )
            if len(parts) < total:
                session.commit()
                return None
            whole = "".join(part.text for part in parts)
            first_sent = min((p.sent_at for p in parts if p.sent_at), default=sent_at)
            for part in parts:
                session.delete(part)
            return _keep_whole(session, imei, iccid, sender, whole, total, first_sent, now)

    def add_report(
        self,
        *,
        imei: str,
        part_ref: int,
        recipient: str | None,
        status: int,
        delivered: bool,
        final: bool,
        reason: str,
        discharged_at: datetime | None,
        now: datetime,
    ) -> Message | None:
        """Match a delivery report to the latest sent message of this modem with that part
        reference; a message whose every part is delivered becomes ``delivered``."""
        report = ReportFiled(
            imei, part_ref, recipient, status, delivered, final, reason, discharged_at, now
        )
        with self._writing() as connection:
            return self._file_report(connection, report)

    def add_reports(self, reports: Sequence[ReportFiled]) -> None:
        """Several reports in one transaction (``appliance.reports`` batches them)."""
        with self._writing() as connection:
            for report in reports:
                self._file_report(connection, report)

    def _file_report(self, connection: Connection, report: ReportFiled) -> Message | None:
        row = connection.execute(
            hotpath.REPORTED_MESSAGE,
            {
                "b_imei": report.imei,
                "b_ref": f",{report.part_ref},",
                "b_since": report.now - timedelta(days=7),
            },
        ).first()
        message = Message(**row._asdict()) if row is not None else None
        connection.execute(
            hotpath.ADD_REPORT,
            {
                "b_message_id": message.id if message else None,
                "b_imei": report.imei,
                "b_part_ref": report.part_ref,
                "b_recipient": report.recipient,
                "b_status": report.status,
                "b_delivered": report.delivered,
                "b_reason": report.reason,
                "b_discharged_at": report.discharged_at,
                "b_received_at": report.now,
            },
        )
        if message is None or not report.final or message.status != Status.SENT:
            return message
        if not report.delivered:
            message.reason = f"not delivered: {report.reason}"
            connection.execute(
                hotpath.NOT_DELIVERED, {"b_id": message.id, "b_reason": message.reason}
            )
            return message
        reports = connection.execute(hotpath.REPORTS_OF, {"b_message_id": message.id}).all()
        done = {ref for ref, was_delivered in reports if was_delivered}
        if set(_split_refs(message.part_refs)) <= done:
            message.status, message.delivered_at = Status.DELIVERED, report.now
            connection.execute(hotpath.DELIVERED, {"b_id": message.id, "b_now": report.now})
            # issue 4: webhooks read message.delivered from the event log
            connection.execute(
                hotpath.LOG,
                {
                    "b_at": report.now,
                    "b_kind": "message.delivered",
                    "b_imei": report.imei,
                    "b_message_id": message.id,
                    "b_detail": f"to {message.recipient}",
                },
            )
        return message


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def _join_refs(existing: str, refs: Sequence[int]) -> str:
    values = [*(_split_refs(existing)), *refs]
    return ",".join(str(v) for v in values)


def _split_refs(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip().isdigit()]


def _keep_whole(
    session: Session,
    imei: str,
    iccid: str | None,
    sender: str,
    text: str,
    parts: int,
    sent_at: datetime | None,
    now: datetime,
) -> Inbound | None:
    """Store a whole inbound message and commit; None (and nothing stored) for a duplicate."""
    key = _dedupe_key(imei, sender, sent_at, text)
    if session.exec(select(Inbound.id).where(Inbound.dedupe_key == key)).first():
        session.commit()  # the parts' deletion, if any, still stands
        return None
    inbound = Inbound(
        sender=sender,
        text=text,
        parts=parts,
        modem_imei=imei,
        sim_iccid=iccid,
        sent_at=sent_at,
        received_at=now,
        dedupe_key=key,
    )
    session.add(inbound)
    session.commit()
    return inbound


def _dedupe_key(imei: str, sender: str, sent_at: datetime | None, text: str) -> str:
    stamp = sent_at.isoformat() if sent_at else ""
    return hashlib.sha256(f"{imei}|{sender}|{stamp}|{text}".encode()).hexdigest()
