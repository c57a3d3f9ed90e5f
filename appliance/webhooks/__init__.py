"""Webhooks: what happened, POSTed as signed JSON to the URLs an admin configured in the panel.

Why from the event log: the worker and the store already write an ``Event`` row, in the same
transaction as the change it describes, for everything a receiver may want (``message.sent``,
``message.failed``, ``message.delivered``, ``message.received``, ``modem.down``, ``modem.up``,
``contact.created``, ``contact.updated``, ``contact.opted_in``, ``contact.opted_out``, and the
``campaign.*`` moves).
Reading that log behind a cursor means no code path can change a message without its webhook
firing, and nothing on the sending path waits for a slow receiver.

How an event travels:

1. **Fan-out.** A thread of the daemon (``WebhookSender``) looks at the event log every second
   (one cheap read that takes no write lock) and, when there is something new, turns each new
   event into one ``WebhookDelivery`` row per active webhook that chose its kind. It writes
   those rows and moves the cursor (``webhook_cursor``, migration 0003) past the event in one
   transaction: a crash or a restart neither loses an event nor fans it out twice. The data is
   read at that moment (about a second after the event): a message that is already
   ``delivered`` when ``message.sent`` is fanned out says so. While no webhook is active, the
   new events are for no one: the look leaves them, and the cursor is moved past them in one
   statement, unread, once a minute and whenever a webhook is created or enabled (in that same
   transaction), so a webhook starts from the moment it is active, never from older events.
2. **Delivery.** Due deliveries are POSTed (``urllib.request``, 10 s timeout, no redirects
   followed), at most one at a time per webhook and four at a time in all. Before a POST, the
   row is leased (its ``due_at`` pushed a minute ahead, committed), so another node sharing the
   database, or this one after a crash, takes it over only if the attempt never got recorded.
3. **Outcome.** A 2xx answer marks the delivery ``delivered``. Anything else (another status, a
   refused connection, a timeout) is retried after 10 s, 30 s, 90 s, ... (times 3, at most an
   hour); the 8th failure marks it ``failed``. The panel shows every delivery with its attempts,
   last HTTP status or error, and times (``due_at`` is the next try while ``pending`` and the
   moment it gave up once ``failed``). An error answer is logged by its status alone, never
   its body.

Where: a webhook goes to public addresses only, unless ``[security] webhook_networks`` allows a
private range; checked when it is saved and again on the address each POST connects to
(``destinations``).

Delivery is *at least once*: a receiver that answered 2xx just as the daemon died gets the
same event again. The event ``id`` (and the ``X-Smsrelay-Delivery`` header) stay the same across
retries, so a receiver ignores an id it has already handled. Deliveries of one webhook may
arrive out of order after a retry: order them by ``id`` or ``at``.

A paused (disabled) webhook gets no new deliveries; the ones already pending wait until it is
enabled again. Deleting a webhook deletes its delivery log. A webhook created while the sender
is a second behind may receive the events of that second.

The request::

    POST <url>
    Content-Type: application/json
    X-Smsrelay-Event: message.sent
    X-Smsrelay-Delivery: 42
    X-Smsrelay-Timestamp: 1795428000
    X-Smsrelay-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>

    {"event": "message.sent", "id": 1234, "at": "2026-11-23T10:00:00.120000+00:00",
     "data": {...}, "timestamp": 1795428000}

``data`` is the message as ``smsrelay messages --json`` shows it (the ``message.*`` events
except ``message.received``), the received message as ``smsrelay inbox --json`` shows it
(``message.received``), the modem ``{"imei", "state", "reason", "port", "operator"}``
(``modem.*``), or the number and its consent ``{"number", "opted_in_at", "opt_in_source",
"opt_in_proof", "opted_out_at", "opt_out_how"}`` (``contact.*``; all but the number null once
the contact is erased). ``contact.created`` and ``contact.updated`` come from the API's writes
(an import is not reported contact by contact); ``contact.opted_in`` and ``contact.opted_out``
from every path that records consent but imports (join and stop keywords, the CLI, the panel,
the API: a contact it creates is also ``contact.opted_in``). The ``campaign.*`` events
(``started``, ``paused``, ``resumed``, ``cancelled``, ``corrected``, ``events_imported``,
``replied``, ``code_redeemed``) carry what the move logged, as it was then: ``{"id", "name",
...}`` with its counts (``queued``, ``skipped``, ``held``, ``released``, ``cancelled``,
``corrected``), and ``number`` for a reply (with ``answer``, ``inbound_id``) or a code
redeemed (with ``code``). ``alert.fired`` and ``alert.resolved`` (issue 16,
``appliance.alerts``) carry the alert ``{"id", "condition", "subject", "detail", "since",
"fired_at", "resolved_at"}`` as it was when it moved.
The panel's test button sends ``webhook.test``. ``timestamp`` (Unix seconds) is when this
attempt was made; it is inside the signed body so that an old request replayed by
someone who recorded it can be told apart, and the header repeats it for convenience.

Verifying a delivery on the receiving side, in Python::

    import hashlib
    import hmac
    import json
    import time


    def verify(secret: str, body: bytes, headers) -> dict:
        # The event, if smsrelay sent this body in the last five minutes; ValueError if not.
        # ``body`` is the raw request body: verify before parsing, and parse what you verified.
        mac = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest("sha256=" + mac, headers.get("X-Smsrelay-Signature", "")):
            raise ValueError("bad signature: not from smsrelay, or another secret")
        event = json.loads(body)
        if abs(time.time() - event["timestamp"]) > 300:
            raise ValueError("more than five minutes old: a replay?")
        return event  # event["id"] is the same on every retry: skip an id already handled

The secret is shown once, when the webhook is created, and never again (not in pages, not in
logs). It has to be stored as it is, since signing needs it.

Where each part lives (none runs SQL: the rows are read and written by
``appliance.store.webhooks`` and ``appliance.store.webhook_queue``):

- ``validation``: the checks of what the admin typed (URL, events, secret), ``WebhookError``;
- ``admin``: the admin's webhooks: add, pause or enable, change events (checked, then written),
  list with their counts (``WebhookSummary``), delivery logs, delete, the test button;
- ``fanout``: which deliveries a batch of new events becomes, and each event's ``data`` (pure);
- ``delivery``: an ``Attempt``, its ``Outcome``, the ``Backoff`` (pure);
- ``signing``: the payload, the body of an attempt, its headers and HMAC signature (pure);
- ``destinations``: which addresses a webhook may reach (public ones, or allowed ranges);
- ``posting``: one POST, no redirect followed, with a timeout, to a checked address;
- ``sender``: the daemon's thread (``WebhookSender``): when to fan out, send, retry, prune; and
  its ``fan_out``, ``claim`` and ``record``, the store's with the pure pieces plugged in.
"""

from .admin import (
    WebhookSummary,
    create_webhook,
    delete_webhook,
    deliveries,
    get_webhook,
    list_webhooks,
    send_test,
    set_active,
    set_events,
)
from .delivery import Backoff
from .sender import WebhookSender
from .signing import SIGNATURE_HEADER, sign
from .validation import EVENTS, TEST_EVENT, WebhookError, check_events, check_secret, check_url

__all__ = [
    "EVENTS",
    "SIGNATURE_HEADER",
    "TEST_EVENT",
    "Backoff",
    "WebhookError",
    "WebhookSender",
    "WebhookSummary",
    "check_events",
    "check_secret",
    "check_url",
    "create_webhook",
    "delete_webhook",
    "deliveries",
    "get_webhook",
    "list_webhooks",
    "send_test",
    "set_active",
    "set_events",
    "sign",
]
