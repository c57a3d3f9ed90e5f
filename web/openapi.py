"""The OpenAPI 3.1 document of the HTTP API, written as Python data and served at
``/api/v1/openapi.json``.

It is the contract scripts are written against, so it says exactly what ``web/api.py`` does:
each status code an operation can answer, and schemas as tight as the implementation (unknown
fields refused, enums closed). The tests assert that every route under ``/api/v1`` is here and
nothing else, and fuzz the API from this document with schemathesis (zero server errors, every
response conforming).

What JSON Schema cannot say is checked by the server and answered with 422: whether a number can
receive an SMS (numbering plans), whether a text fits ``max_parts`` SMS parts (GSM-7 or UCS-2),
whether a send time is in the past.
"""

from __future__ import annotations

import copy
from typing import Any

from appliance.states import ModemState
from appliance.store.schema import Priority, Status

from .api import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, PREFIX, RETRY_AFTER_SECONDS

MODEM_STATES = [state.value for state in ModemState]

DESCRIPTION = f"""\
Send SMS through the USB GSM modems of this smsrelay appliance, follow them, cancel them, and \
read the inbox.

**Authentication**: every operation except this document needs `Authorization: Bearer TOKEN`; \
make a token on the appliance with `smsrelay token create NAME` (it is shown once).

**Errors** are JSON `{{"error": "...", "field": "..."}}` (`field` when one is to blame):
400 for a body that is not a JSON object or a value of the wrong type, 422 for a value that \
fails validation (a number that cannot receive an SMS, an empty text or one longer than the \
allowed parts, a send time in the past, an unknown field or query parameter), 401 without a \
valid token, 404, 405, 409, 413 (a body over 1 MB), 415 (not `application/json`), and 503 with \
`Retry-After` when the database does not answer.

**Lists** page newest first: pass a page's `next_cursor` back as `cursor` for the next page \
(`null` on the last one). Cursors are opaque.

**Outside this document**: `GET /healthz` (no token) answers 200 \
`{{"status": "ok", "database": "ok", "modems_ready": n}}`, or 503 when the database does not \
answer. `GET /metrics` is in the Prometheus text format 0.0.4; it needs no token from the \
loopback address (a Prometheus on the appliance itself) and a bearer token from anywhere else. \
Both are computed at each request from the database.

Times are ISO 8601 (RFC 3339) with an offset, in UTC. `send_at` also takes a local time \
without offset (in the appliance's time zone) or a delay such as `+10m`, `+2h`, `+1d`. The \
default page size is {DEFAULT_LIMIT}.
"""


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
TIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STATUSES = [status.value for status in Status]
PRIORITIES = [priority.value for priority in Priority]


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {**STRING, "description": "What was wrong, in plain words."},
            "field": {**STRING, "description": "The field or parameter to blame, if one is."},
        },
        required=["error"],
    ),
    "NewMessage": _object(
        {
            "to": {
                **STRING,
                "minLength": 1,
                "description": "The recipient: E.164 (+33612345678), 00 then the country code, "
                "a national number of the appliance's region, or a short code.",
                "examples": ["+33612345678"],
            },
            "text": {
                **STRING,
                "minLength": 1,
                "description": "The text; long ones go as a concatenated SMS (at most the "
                "appliance's max_parts parts). U+0000 and lone surrogates are refused.",
            },
            "send_at": {
                **_nullable(STRING),
                "description": "Not before: ISO 8601 (with an offset, or local time), or a "
                "delay such as +10m, +2h, +1d. Absent or null: now.",
                "examples": ["2026-12-01T08:00:00+01:00", "+2h"],
            },
            "priority": {
                "type": ["string", "null"],
                "enum": [*PRIORITIES, None],
                "description": "Queue order; high also ignores quiet hours. Default: normal.",
            },
            "modem": {
                **_nullable(STRING),
                "pattern": "^[0-9]{14,16}$",
                "description": "Send through this modem only (its IMEI).",
            },
        },
        required=["to", "text"],
    ),
    "MessageCreated": _object(
        {
            "id": ID,
            "status": {"type": "string", "enum": STATUSES},
            "parts": {**INTEGER, "minimum": 1},
            "encoding": {"type": "string", "enum": ["gsm7", "ucs2"]},
        }
    ),
    "Message": _object(
        {
            "id": ID,
            "to": STRING,
            "text": STRING,
            "status": {"type": "string", "enum": STATUSES},
            "parts": {**INTEGER, "minimum": 1},
            "encoding": {"type": "string", "enum": ["gsm7", "ucs2"]},
            "priority": {"type": "string", "enum": PRIORITIES},
            "modem": {**_nullable(STRING), "description": "IMEI of the modem that took it."},
            "attempts": {**INTEGER, "minimum": 0},
            "created_at": TIME,
            "send_at": {**TIME, "description": "Not before this time."},
            "sent_at": _nullable(TIME),
            "delivered_at": _nullable(TIME),
            "reason": {**_nullable(STRING), "description": "Why it failed or waits."},
        }
    ),
    "MessagePage": _object(
        {
            "messages": {"type": "array", "items": _ref("Message")},
            "next_cursor": {
                **_nullable(STRING),
                "description": "Pass as cursor for the next page; null on the last page.",
            },
        }
    ),
    "Inbound": _object(
        {
            "id": ID,
            "from": STRING,
            "text": STRING,
            "status": STRING,
            "parts": {**INTEGER, "minimum": 1},
            "modem": _nullable(STRING),
            "created_at": {**TIME, "description": "When the appliance received it."},
            "sent_at": {**_nullable(TIME), "description": "The SMSC's time stamp."},
            "reason": {"type": "null"},
        }
    ),
    "InboundPage": _object(
        {
            "messages": {"type": "array", "items": _ref("Inbound")},
            "next_cursor": _nullable(STRING),
        }
    ),
    "Modem": _object(
        {
            "imei": STRING,
            "iccid": _nullable(STRING),
            "port": _nullable(STRING),
            "state": {"type": "string", "enum": MODEM_STATES},
            "reason": {**_nullable(STRING), "description": "Why it is not ready, in words."},
            "signal_dbm": _nullable(INTEGER),
            "bars": {**INTEGER, "minimum": 0},
            "sim": _nullable(STRING),
            "registration": _nullable(STRING),
            "operator": _nullable(STRING),
            "sent_today": {**INTEGER, "minimum": 0},
            "daily_limit": _nullable(INTEGER),
            "last_error": _nullable(STRING),
            "node": STRING,
            "seen_at": _nullable(TIME),
        }
    ),
    "ModemList": _object({"modems": {"type": "array", "items": _ref("Modem")}}),
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    if headers:
        answer["headers"] = headers
    return answer


RESPONSES: dict[str, Any] = {
    "BadRequest": _error("The body is not a JSON object, or a value has the wrong type."),
    "Unauthorized": _error(
        "No token, or a wrong or revoked one.",
        {"WWW-Authenticate": {"schema": STRING, "required": True}},
    ),
    "NotFound": _error("No such message."),
    "Unprocessable": _error(
        "A value fails validation, or a field or query parameter is unknown; `field` names it."
    ),
    "Unavailable": _error(
        "The database does not answer; try again after Retry-After seconds.",
        {
            "Retry-After": {
                "schema": {**STRING, "examples": [str(RETRY_AFTER_SECONDS)]},
                "required": True,
            }
        },
    ),
}


def _answers(**codes: str) -> dict[str, Any]:
    return {
        code.lstrip("_"): {"$ref": f"#/components/responses/{name}"} for code, name in codes.items()
    }


def _ok(description: str, schema: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if headers:
        answer["headers"] = headers
    return answer


COMMON = _answers(_401="Unauthorized", _503="Unavailable")
LIMIT = {
    "name": "limit",
    "in": "query",
    "description": f"Page size (default {DEFAULT_LIMIT}). Not a whole number: 400; out of "
    "range: 422.",
    "schema": {**INTEGER, "minimum": 1, "maximum": MAX_LIMIT},
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "description": "The next_cursor of the previous page, unchanged.",
    "schema": {**STRING, "pattern": "^[0-9]{1,10}$"},
}
MESSAGE_ID = {
    "name": "message_id",
    "in": "path",
    "required": True,
    "description": "The id returned when the message was queued. Unknown or out of range: 404.",
    "schema": ID,
}

PATHS: dict[str, Any] = {
    f"{PREFIX}/messages": {
        "post": {
            "operationId": "sendMessage",
            "summary": "Queue an SMS",
            "description": "Validates and queues the message; the appliance's daemon sends it "
            "as soon as a modem may (pacing, caps, quiet hours for campaigns). Follow it with "
            "GET on the Location.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NewMessage")}},
            },
            "responses": {
                "201": _ok(
                    "Queued.",
                    "MessageCreated",
                    {
                        "Location": {
                            "schema": STRING,
                            "required": True,
                            "description": "The message's URL.",
                        }
                    },
                ),
                **_answers(_400="BadRequest"),
                **COMMON,
                "413": _error("The body is over 1 MB."),
                "415": _error("The body is not application/json."),
                **_answers(_422="Unprocessable"),
            },
        },
        "get": {
            "operationId": "listMessages",
            "summary": "Sent and queued messages, newest first",
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "description": "Only messages in this state.",
                    "schema": {"type": "string", "enum": STATUSES},
                },
                {
                    "name": "to",
                    "in": "query",
                    "description": "Only messages to this number (in any form `to` accepts); a "
                    "leading + sent unencoded (which reads as a space) counts as +.",
                    "schema": {**STRING, "minLength": 1},
                },
                LIMIT,
                CURSOR,
            ],
            "responses": {
                "200": _ok("A page of messages.", "MessagePage"),
                **_answers(_400="BadRequest"),
                **COMMON,
                **_answers(_422="Unprocessable"),
            },
        },
    },
    f"{PREFIX}/messages/{{message_id}}": {
        "parameters": [MESSAGE_ID],
        "get": {
            "operationId": "getMessage",
            "summary": "One message and its outcome",
            "responses": {
                "200": _ok("The message.", "Message"),
                **COMMON,
                **_answers(_404="NotFound", _422="Unprocessable"),
            },
        },
        "delete": {
            "operationId": "cancelMessage",
            "summary": "Cancel a message that has not left",
            "description": "Only a queued message (or one whose outcome is unknown) can be "
            "cancelled; one that is sending or already left answers 409.",
            "responses": {
                "200": _ok("Cancelled; the message as it is now.", "Message"),
                **COMMON,
                **_answers(_404="NotFound"),
                "409": _error("Too late: the message is sending or already finished."),
                **_answers(_422="Unprocessable"),
            },
        },
    },
    f"{PREFIX}/modems": {
        "get": {
            "operationId": "listModems",
            "summary": "The modems, as the daemons last saw them",
            "responses": {
                "200": _ok("Every modem of every node.", "ModemList"),
                **COMMON,
                **_answers(_422="Unprocessable"),
            },
        }
    },
    f"{PREFIX}/inbox": {
        "get": {
            "operationId": "listInbox",
            "summary": "Received messages, newest first",
            "parameters": [LIMIT, CURSOR],
            "responses": {
                "200": _ok("A page of received messages.", "InboundPage"),
                **_answers(_400="BadRequest"),
                **COMMON,
                **_answers(_422="Unprocessable"),
            },
        }
    },
    f"{PREFIX}/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def document() -> dict[str, Any]:
    """The whole document (a fresh copy: callers may change it)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {"title": "smsrelay", "version": "1", "description": DESCRIPTION},
            "paths": PATHS,
            "components": {
                "schemas": SCHEMAS,
                "responses": RESPONSES,
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A token from `smsrelay token create NAME`.",
                    }
                },
            },
            "security": [{"bearer": []}],
        }
    )
