"""The schema: what the appliance remembers across restarts.

Modems are keyed by IMEI and SIMs by ICCID (never by /dev/ttyUSBn), so a replug on another port is
the same modem with its counters. Column names avoid SQL reserved words (``to``, ``references``)
so the same queries run on SQLite and PostgreSQL. Every timestamp is UTC, timezone-aware in Python
and stored as ``TIMESTAMP WITH TIME ZONE`` where the database has one.

Changing a table means a new alembic revision in ``appliance/store/migrations/versions``: an upgrade
must never lose data.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Index, UniqueConstraint, false, text, true
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from appliance.states import FINAL_STATUSES, ModemState, Status

from .kinds import CAPPED_KINDS, MAX_ID, PRIORITY_RANK, MessageKind, Priority

# re-exported: the store's callers name them here
__all__ = ["CAPPED_KINDS", "FINAL_STATUSES", "MAX_ID", "PRIORITY_RANK", "MessageKind", "Priority",
           "Status"]  # fmt: skip

# the rank of a paused campaign's queued messages: still queued (the states are a contract), but
# below every rank the dispatcher takes; resuming gives them back their priority's rank
PAUSED_RANK = 9


# what quiet hours hold below high priority: campaign traffic (a correction too: it goes to a
# campaign's people)
QUIET_KINDS = (MessageKind.CAMPAIGN, MessageKind.REMINDER, MessageKind.CORRECTION)
# The queued messages quiet hours let go below high priority: neither a campaign's nor campaign
# traffic. ix_message_quiet holds only those, so a claim inside quiet hours finds one, or none,
# without reading the campaign traffic that waits (docs/benchmarks.md, section 11). Literal SQL:
# SQLite uses a partial index only when the query repeats its condition with the same constants.
QUIET_SENDABLE = (
    f"status = '{Status.QUEUED}' AND source <> 'campaign' "
    f"AND kind NOT IN ({', '.join(repr(str(kind)) for kind in QUIET_KINDS)})"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on every database (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(nullable: bool = True, index: bool = False):
    return Field(
        default=None,
        sa_column=Column(UtcDateTime(), nullable=nullable, index=index),
    )


class Message(SQLModel, table=True):
    """One outbound SMS (all its parts): the unit of sending, with one outcome."""

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_dispatch", "status", "rank", "due_at", "id"),
        Index(
            "ix_message_quiet",
            "status",
            "rank",
            "due_at",
            "id",
            sqlite_where=text(QUIET_SENDABLE),
            postgresql_where=text(QUIET_SENDABLE),
        ),
        Index("ix_message_recipient", "recipient", "id"),
        Index("ix_message_token_created", "token_id", "created_at"),  # revision 0017
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=32)
    text: str
    status: str = Field(default=Status.QUEUED, max_length=16)
    priority: str = Field(default=Priority.NORMAL, max_length=8)
    rank: int = 1  # PRIORITY_RANK of priority: the dispatcher orders by it
    parts: int = 1
    encoding: str = Field(default="gsm7", max_length=8)
    report: bool = True  # ask for a delivery report
    source: str = Field(default="cli", max_length=16)  # cli, api, panel, campaign
    # what it is for (MessageKind): the cap per person counts all but transactional, correction
    kind: str = Field(
        default="transactional", max_length=16,
        sa_column_kwargs={"server_default": "transactional"},
    )  # fmt: skip
    strict: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    contact_id: int | None = Field(default=None, index=True)
    campaign_id: int | None = Field(default=None, index=True)
    token_id: int | None = None  # the API token that queued it: its daily quota counts it
    want_modem: str | None = Field(default=None, max_length=20)  # IMEI asked for
    want_group: str | None = Field(default=None, max_length=64)  # SIM group asked for
    modem_imei: str | None = Field(default=None, max_length=20, index=True)
    sim_iccid: str | None = Field(default=None, max_length=22)
    node: str | None = Field(default=None, max_length=64)  # the node that claimed it
    # while ``sending``: the claim is that node's until then, renewed while it lives (revision
    # 0014, ``node_registry``); past it another node settles the message ``unknown``
    lease_until: datetime | None = _when()
    attempts: int = 0
    concat_ref: int | None = None  # kept across retries so resumed parts join up
    parts_sent: int = 0
    part_refs: str = ""  # message references (TP-MR) of the sent parts, comma-separated
    reason: str | None = None
    created_at: datetime | None = _when(nullable=False, index=True)
    due_at: datetime | None = _when(nullable=False)  # not before (scheduled send, retry backoff)
    expires_at: datetime | None = _when()
    sending_at: datetime | None = _when()
    # indexed (revision 0005): the send-latency histogram and the hourly chart read a window of it
    sent_at: datetime | None = _when(index=True)
    delivered_at: datetime | None = _when()
    finished_at: datetime | None = _when()


class Modem(SQLModel, table=True):
    """A modem as last seen; the panel and ``smsrelay status`` read it (never the port)."""

    __tablename__ = "modem"

    imei: str = Field(primary_key=True, max_length=20)
    name: str | None = Field(default=None, max_length=64)  # "Orange 1" (revision 0017)
    node: str = Field(default="", max_length=64)
    port: str | None = Field(default=None, max_length=255)
    manufacturer: str | None = Field(default=None, max_length=64)
    model: str | None = Field(default=None, max_length=64)
    revision: str | None = Field(default=None, max_length=128)
    state: str = Field(default=ModemState.ABSENT, max_length=16)
    reason: str | None = None
    iccid: str | None = Field(default=None, max_length=22)
    sim: str | None = Field(default=None, max_length=24)  # READY, SIM PIN, SIM PUK, ...
    signal_dbm: int | None = None
    bars: int = 0
    registration: str | None = Field(default=None, max_length=24)
    operator: str | None = Field(default=None, max_length=64)
    daily_limit: int | None = None  # from the config, for the panel's "sent today / cap"
    last_error: str | None = None
    last_error_at: datetime | None = _when()
    rejected_pin: str | None = Field(default=None, max_length=64)  # fingerprint of a refused PIN
    # False: a send-only modem (a phone that refuses every AT+CNMI and AT+CPMS): it sends but
    # cannot report received SMS; set by the worker at each bring-up (issue 13, revision 0013)
    receives: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    last_success_at: datetime | None = _when()
    seen_at: datetime | None = _when()
    updated_at: datetime | None = _when()


class Sim(SQLModel, table=True):
    """A SIM card and its send counters (parts), which survive restarts and replugs."""

    __tablename__ = "sim"

    iccid: str = Field(primary_key=True, max_length=22)
    imsi: str | None = Field(default=None, max_length=16)
    name: str | None = Field(default=None, max_length=64)  # "Orange 1" (revision 0017)
    msisdn: str | None = Field(default=None, max_length=32)  # its own number, from AT+CNUM
    number: str | None = Field(default=None, max_length=32)  # its number as an admin typed it
    modem_imei: str | None = Field(default=None, max_length=20)
    sim_group: str | None = Field(default=None, max_length=64)
    day: str = Field(default="", max_length=10)  # local date the day counter belongs to
    sent_day: int = 0
    month: str = Field(default="", max_length=7)  # local month the month counter belongs to
    sent_month: int = 0
    sent_total: int = 0
    last_sent_at: datetime | None = _when()
    # its credit (issue 13, revision 0010): the answer to the USSD balance query ([[modem]]
    # credit_code), the amount read in it, and whether it is below [[modem]] credit_low
    credit_answer: str | None = None
    credit_amount: float | None = None
    credit_currency: str | None = Field(default=None, max_length=8)
    credit_checked_at: datetime | None = _when()
    credit_error: str | None = None  # why the last query gave no answer
    credit_low: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    credit_asked_at: datetime | None = _when()  # the panel asked for a query now


class Inbound(SQLModel, table=True):
    """A received SMS, whole (parts reassembled)."""

    __tablename__ = "inbound"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_inbound_dedupe"),
        # a sent message's conversation reads a number's received messages around a time
        Index("ix_inbound_sender_received", "sender", "received_at", "id"),  # revision 0015
    )

    id: int | None = Field(default=None, primary_key=True)
    sender: str = Field(max_length=32, index=True)
    text: str
    parts: int = 1
    modem_imei: str | None = Field(default=None, max_length=20)
    sim_iccid: str | None = Field(default=None, max_length=22)
    sent_at: datetime | None = _when()  # the SMSC's timestamp
    received_at: datetime | None = _when(nullable=False, index=True)
    dedupe_key: str = Field(max_length=64)
    status: str = Field(default="received", max_length=16)
    campaign_id: int | None = Field(default=None, index=True)
    handled: str | None = Field(default=None, max_length=16)  # "join", "stop", "auto-reply"...


class InboundPart(SQLModel, table=True):
    """One part of a multi-part inbound SMS, waiting for its siblings."""

    __tablename__ = "inbound_part"
    __table_args__ = (
        UniqueConstraint(
            "modem_imei", "sender", "concat_ref", "total", "seq", name="uq_inbound_part"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    modem_imei: str = Field(max_length=20)
    sender: str = Field(max_length=32)
    concat_ref: int
    total: int
    seq: int
    text: str
    sent_at: datetime | None = _when()
    received_at: datetime | None = _when(nullable=False)


class DeliveryReport(SQLModel, table=True):
    """A status report from the network about one part of a sent message."""

    __tablename__ = "delivery_report"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int | None = Field(default=None, index=True)
    modem_imei: str | None = Field(default=None, max_length=20)
    part_ref: int
    recipient: str | None = Field(default=None, max_length=32)
    status: int
    delivered: bool
    reason: str | None = None
    discharged_at: datetime | None = _when()
    received_at: datetime | None = _when(nullable=False)


class SignalSample(SQLModel, table=True):
    """Signal over time, for the panel's 24-hour chart."""

    __tablename__ = "signal_sample"
    __table_args__ = (Index("ix_signal_sample_modem_at", "modem_imei", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    modem_imei: str = Field(max_length=20)
    at: datetime | None = _when(nullable=False)
    dbm: int | None = None
    bars: int = 0


class Event(SQLModel, table=True):
    """The event log: what happened, in plain words, for the panel and for debugging."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = _when(nullable=False, index=True)
    kind: str = Field(max_length=32)
    modem_imei: str | None = Field(default=None, max_length=20)
    message_id: int | None = None
    detail: str = ""
    number: str | None = Field(default=None, max_length=32, index=True)  # who it is about


class User(SQLModel, table=True):
    """A person who logs into the panel: ``admin`` (everything) or ``volunteer`` (status, send,
    history)."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="volunteer", max_length=16)
    created_at: datetime | None = _when(nullable=False)
    last_login_at: datetime | None = _when()
    # bumped to end every panel session of the account (revision 0011): logout, a new role or
    # password, an admin's "log out everywhere"; sessions carry it (``web.sessions``)
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # the country calling codes this user may send to ("33,32", "*"), None: [security] countries
    countries: str | None = Field(default=None, max_length=255)
    # the panel's language this user chose ("fr", "en"), None: as their browser asks (0019)
    language: str | None = Field(default=None, max_length=8)


class LoginFailure(SQLModel, table=True):
    """A failed (or still being checked) panel login: what the login limit counts, per account,
    per address and per both (``appliance.login_limit``; revision 0011)."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = _when(nullable=False, index=True)
    account: str = Field(max_length=64, index=True)  # the name typed, whether it exists or not
    address: str = Field(max_length=64, index=True)  # the client's address


class ApiToken(SQLModel, table=True):
    """A bearer token for the HTTP API; only its SHA-256 is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime | None = _when(nullable=False)
    last_used_at: datetime | None = _when()
    revoked: bool = False
    # who may be sent to and how much a local day (revision 0017); None: the config's default
    countries: str | None = Field(default=None, max_length=255)
    daily_messages: int | None = None
    daily_parts: int | None = None


class Webhook(SQLModel, table=True):
    """A URL that receives JSON POSTs on the chosen events, signed with HMAC-SHA256."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=1024)
    secret: str = Field(max_length=128)
    events: str = ""  # comma-separated: message.sent,message.failed,...
    active: bool = True
    created_at: datetime | None = _when(nullable=False)


# A webhook delivery's statuses (``WebhookDelivery.status``): the store writes and counts them,
# ``appliance.webhooks`` reads them.
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookDelivery(SQLModel, table=True):
    """One event to deliver to one webhook, with its attempts: the delivery log of the panel."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(index=True)
    event: str = Field(max_length=32)
    payload: str
    status: str = Field(default=PENDING, max_length=16)  # PENDING, DELIVERED, FAILED
    attempts: int = 0
    last_status: int | None = None  # HTTP status of the last attempt
    last_error: str | None = None
    created_at: datetime | None = _when(nullable=False)
    due_at: datetime | None = _when(nullable=False)
    delivered_at: datetime | None = _when()


# Added by the webhooks helper (issue 4), with migration 0003: the webhook sender's place in the
# event log, so that a restart neither loses nor repeats an event.
class WebhookCursor(SQLModel, table=True):
    """The id of the last ``Event`` the webhook sender has turned into deliveries.

    One row (``name = "events"``), read and advanced in the same transaction that writes the
    deliveries, and locked while it is, so two nodes sharing PostgreSQL never fan out twice.
    """

    __tablename__ = "webhook_cursor"

    name: str = Field(primary_key=True, max_length=32)
    last_event_id: int = 0


def message_of_row(values: dict) -> Message:
    """A ``Message`` from a row's values, as ``Message(**values)`` makes it but without setting
    each attribute through SQLModel's and SQLAlchemy's instrumentation: 220 → 40 µs here, and
    the dispatcher's claim makes one for every send (``bench/claim_queued.py``). Like the
    constructor it validates nothing (the values are the database's); the instance has its ORM
    state, so it can be changed and added to a session like any other."""
    message = Message.model_construct(**values)
    Message._sa_class_manager.setup_instance(message)
    return message
