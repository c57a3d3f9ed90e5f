"""What the modems receive: inbound messages (their parts reassembled) and delivery reports.

A part the network delivers twice is recognised and dropped (``add_inbound_part``), so a worker
may delete a message from the SIM only after the commit and never lose nor double it. A delivery
report is matched to the latest sent message of that modem holding its part reference, with the
prebuilt statements of ``statements`` (reports arrive about once per message sent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from . import statements
from .erasure import ERASED
from .outbound import split_refs
from .schema import Inbound, InboundPart, Message, Status, message_of_row
from .transactions import Transactions


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


class InboundMessages(Transactions):
    """Received messages and delivery reports; each method is one transaction."""

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
            statements.REPORTED_MESSAGE,
            {
                "b_imei": report.imei,
                "b_ref": f",{report.part_ref},",
                "b_since": report.now - timedelta(days=7),
            },
        ).first()
        message = message_of_row(row._asdict()) if row is not None else None
        # a report that comes after its number was erased (``erasure``) does not bring it back
        recipient = (
            None if message is not None and message.recipient == ERASED else report.recipient
        )
        connection.execute(
            statements.ADD_REPORT,
            {
                "b_message_id": message.id if message else None,
                "b_imei": report.imei,
                "b_part_ref": report.part_ref,
                "b_recipient": recipient,
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
                statements.NOT_DELIVERED, {"b_id": message.id, "b_reason": message.reason}
            )
            return message
        reports = connection.execute(statements.REPORTS_OF, {"b_message_id": message.id}).all()
        done = {ref for ref, was_delivered in reports if was_delivered}
        if set(split_refs(message.part_refs)) <= done:
            message.status, message.delivered_at = Status.DELIVERED, report.now
            connection.execute(statements.DELIVERED, {"b_id": message.id, "b_now": report.now})
            # issue 4: webhooks read message.delivered from the event log
            connection.execute(
                statements.LOG,
                {
                    "b_at": report.now,
                    "b_kind": "message.delivered",
                    "b_imei": report.imei,
                    "b_message_id": message.id,
                    "b_detail": f"to {message.recipient}",
                },
            )
        return message


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
