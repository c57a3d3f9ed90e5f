"""The right of access (issue 11): everything the store holds on one number, read at one moment.

The same tables ``erasure`` clears, read instead: the contact (consent, tags, free fields), the
messages written to the number (or to its contact), those received from it, its missed calls,
the parts of received messages still waiting for their siblings, the delivery reports naming
it, the events about it or naming it, and the webhook deliveries whose payload names it (copies
sent to the organisation's own systems). ``appliance.privacy`` turns the record into JSON for
the person.

One reading transaction, so the parts agree with one another; on SQLite it begins DEFERRED and
never waits for the daemon's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from .call_schema import MissedCall
from .contact_import import CONTACT
from .contacts import ContactRecord
from .contacts import _records as contact_records
from .erasure import names
from .schema import DeliveryReport, Event, Inbound, InboundPart, Message, WebhookDelivery
from .transactions import Transactions


@dataclass(frozen=True)
class NumberRecord:
    """What the store holds on one number, oldest first in each list."""

    number: str
    contact: ContactRecord | None
    messages: list[Message]
    inbound: list[Inbound]
    inbound_parts: list[InboundPart]
    delivery_reports: list[DeliveryReport]
    events: list[Event]
    webhook_deliveries: list[WebhookDelivery]
    calls: list[MissedCall] = field(default_factory=list)  # missed calls from it

    @property
    def found(self) -> bool:
        """Whether anything at all is held on the number."""
        lists = (self.messages, self.inbound, self.inbound_parts, self.delivery_reports,
                 self.events, self.webhook_deliveries, self.calls)  # fmt: skip
        return self.contact is not None or any(lists)


class Access(Transactions):
    """The right of access; ``number_record`` is one reading transaction."""

    def number_record(self, number: str) -> NumberRecord:
        """Everything held on ``number`` (E.164, as stored); empty lists and no contact when
        nothing is (``found`` is then False)."""
        with self.reading() as session:
            connection = session.connection()
            row = connection.execute(
                CONTACT.select().where(CONTACT.c.number == number)
            ).first()  # fmt: skip
            contact = contact_records(connection, [row])[0] if row is not None else None
            mine = col(Message.recipient) == number
            if contact is not None:
                mine = or_(mine, col(Message.contact_id) == contact.id)
            return NumberRecord(
                number=number,
                contact=contact,
                messages=_all(session, select(Message).where(mine), Message.id),
                inbound=_all(session, select(Inbound).where(Inbound.sender == number), Inbound.id),
                inbound_parts=_all(
                    session, select(InboundPart).where(InboundPart.sender == number), InboundPart.id
                ),
                delivery_reports=_all(
                    session,
                    select(DeliveryReport).where(DeliveryReport.recipient == number),
                    DeliveryReport.id,
                ),
                events=_all(
                    session,
                    select(Event).where(
                        or_(Event.number == number, names(col(Event.detail), number))
                    ),
                    Event.id,
                ),
                webhook_deliveries=_all(
                    session,
                    select(WebhookDelivery).where(names(col(WebhookDelivery.payload), number)),
                    WebhookDelivery.id,
                ),
                calls=_all(
                    session, select(MissedCall).where(MissedCall.caller == number), MissedCall.id
                ),
            )


def _all(session: Session, query, key) -> list:
    return list(session.exec(query.order_by(col(key))).all())
