"""What is POSTed and how it is signed: the stored payload, the body of one attempt (the payload
plus the attempt's Unix time) and its headers, with the HMAC-SHA256 signature (pure: no I/O).

The package's docstring shows a receiver how to verify them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime

from .delivery import Attempt

SIGNATURE_HEADER = "X-Smsrelay-Signature"

USER_AGENT = "smsrelay-webhooks/1"


def payload(event: str, event_id: int, at: datetime, data: Mapping[str, object]) -> str:
    """The JSON kept in the delivery row: the body without the time of the attempt."""
    document = {"event": event, "id": event_id, "at": at.isoformat(), "data": dict(data)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def body(stored_payload: str, timestamp: int) -> bytes:
    """The bytes POSTed: the stored payload plus the attempt's Unix time, all of it signed."""
    document = json.loads(stored_payload)
    document["timestamp"] = timestamp
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, raw_body: bytes) -> str:
    """The ``X-Smsrelay-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def headers(attempt: Attempt, raw_body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Smsrelay-Event": attempt.event,
        "X-Smsrelay-Delivery": str(attempt.delivery_id),
        "X-Smsrelay-Timestamp": str(timestamp),
        SIGNATURE_HEADER: sign(attempt.secret, raw_body),
    }
