"""The HTTP API under ``/api/v1``: JSON in, JSON out, a bearer token on every call.

Scripts are its users, so every answer is JSON, errors included: ``{"error": "...", "field":
"to"}``, never an HTML page, and a client's mistake is never a 500. The status codes are part of
the contract (the OpenAPI document in ``web/openapi.py`` lists them per operation, and the tests
hold the two together):

- 400: the body is not JSON, not an object, or a field or parameter has the wrong type;
- 401: no token, or a wrong or revoked one (``smsrelay token create NAME`` makes one);
- 404: no such message or path, including ids beyond the 32-bit id columns;
- 405, 409 (cancelling what already left), 413 (a body over 1 MB), 415 (not ``application/json``);
- 422: a value fails validation: a bad number, an empty or overlong text, a past send time, an
  unknown field or query parameter;
- 503: the database does not answer (locked for too long, or down): try again later.

Lists page by id, newest first ("keyset" pagination): a page ends with ``next_cursor``, an opaque
string to pass back as ``cursor``; new messages arriving meanwhile never shift the pages.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, NoReturn

from flask import Blueprint, Response, g, jsonify, request, url_for
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from appliance import views
from appliance.accounts import check_token
from appliance.numbers import InvalidRecipient, normalise
from appliance.outbox import BadRequest, prepare, submit
from appliance.store.schema import ApiToken, Status

from .services import services

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

MAX_ID = 2**31 - 1  # message ids are INTEGER columns: 32 bits on PostgreSQL
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MESSAGE_FIELDS = ("to", "text", "send_at", "priority", "modem")
REQUIRED_FIELDS = ("to", "text")
RETRY_AFTER_SECONDS = 5
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})

# U+0000 and lone surrogates: valid in a JSON string, but PostgreSQL cannot store the first and no
# encoder can write the second, so such a text would fail deep in the store instead of here.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_IMEI = re.compile(r"[0-9]{14,16}")
_CURSOR = re.compile(r"[0-9]{1,10}")


class IdConverter(IntegerConverter):
    """A message id in a path: ASCII digits, at most 18 of them.

    Werkzeug's ``int`` matches any Unicode digits of any length; one too long for ``int()``
    (over 4,300 digits) fails conversion after the path matched, and werkzeug then answers 405
    for DELETE (GET's rule was seen first) where 404 is right. Bounding the pattern makes every
    such path plainly unknown; the view checks the id's range.
    """

    regex = r"[0-9]{1,18}"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("api_id", IdConverter))


class ApiError(Exception):
    """A request the API refuses: the status, what was wrong, and the field when one is to blame."""

    def __init__(
        self,
        status: int,
        error: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.field = field
        self.headers = headers or {}


def json_error(
    status: int, error: str, field: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    body = {"error": error} if field is None else {"error": error, "field": field}
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


# --- authentication ---------------------------------------------------------------------------


def bearer_token() -> ApiToken | None:
    """The valid token this request carries in ``Authorization: Bearer ...``, if any."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return check_token(services().store, secret, services().clock.now())


@bp.before_request
def authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if not request.headers.get("Authorization"):
        raise ApiError(
            401,
            "missing token: send 'Authorization: Bearer TOKEN' (smsrelay token create NAME)",
            headers={"WWW-Authenticate": 'Bearer realm="smsrelay"'},
        )
    token = bearer_token()
    if token is None:
        raise ApiError(
            401,
            "the token is wrong or revoked",
            headers={"WWW-Authenticate": 'Bearer realm="smsrelay", error="invalid_token"'},
        )
    g.api_token = token


# Query parameters each operation reads; any other is refused (422), so that a typo such as
# ``?stauts=failed`` is an error instead of silently listing everything.
QUERY_PARAMETERS = {
    "api.list_messages": frozenset({"status", "to", "limit", "cursor"}),
    "api.inbox": frozenset({"limit", "cursor"}),
}


@bp.before_request
def refuse_unknown_parameters() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    known = QUERY_PARAMETERS.get(request.endpoint or "", frozenset())
    for name in request.args:
        if name not in known:
            listed = ", ".join(sorted(known)) if known else "none"
            _refuse(422, f"unknown query parameter; this operation takes {listed}", name)


# --- errors: always JSON ------------------------------------------------------------------------


def routing_error(exc: Exception) -> Response | None:
    """A JSON answer for a path that matches no route (404) or not with this method (405).

    Such a request has no endpoint, so it belongs to no blueprint and neither the blueprint's
    error handlers nor the panel's login redirect should answer it: this is called first.
    """
    if isinstance(exc, MethodNotAllowed):
        allowed = sorted(set(exc.valid_methods or ()) - {"HEAD", "OPTIONS"})
        return json_error(
            405,
            f"method {request.method} is not allowed here; use {', '.join(allowed)}",
            headers={"Allow": ", ".join(sorted(exc.valid_methods or ()))},
        )
    if isinstance(exc, NotFound):
        return json_error(404, f"no such path: {request.path}")
    return None


@bp.before_app_request
def api_routing_errors() -> Response | None:
    if request.routing_exception is None:
        return None
    if request.path != "/api" and not request.path.startswith("/api/"):
        return None  # /api/v2/... too: a script that got the version wrong wants JSON
    return routing_error(request.routing_exception)


@bp.errorhandler(ApiError)
def api_error(exc: ApiError) -> Response:
    return json_error(exc.status, exc.error, exc.field, exc.headers)


_PLAIN_WORDS = {
    413: "the body is over 1 MB",
    500: "internal error (the details are in the server's log)",
}


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    answer = routing_error(exc)
    if answer is not None:
        return answer
    status = exc.code or 500
    return json_error(status, _PLAIN_WORDS.get(status, exc.description or exc.name))


@bp.errorhandler(OperationalError)
@bp.errorhandler(PoolTimeout)
def database_unavailable(exc: Exception) -> Response:
    log.warning("API: the database does not answer: %s", type(exc).__name__)
    return json_error(
        503,
        "the database does not answer; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


# --- reading requests ---------------------------------------------------------------------------


def _refuse(status: int, error: str, field: str | None = None) -> NoReturn:
    raise ApiError(status, error, field)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object, or an ApiError saying why it is not one."""
    if not request.is_json:
        _refuse(415, "send the body as JSON, with 'Content-Type: application/json'")
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: RequestEntityTooLarge (413)
    if not raw.strip():
        _refuse(400, "the body is empty; send a JSON object")
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        _refuse(400, "the body is not valid JSON: it is nested too deeply")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN
        _refuse(400, f"the body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        _refuse(400, 'the body must be a JSON object, such as {"to": "+33612345678", "text": "Hi"}')
    return body


def _message_fields(body: dict[str, Any]) -> dict[str, str | None]:
    for name in body:
        if name not in MESSAGE_FIELDS:
            _refuse(422, f"unknown field; the fields are {', '.join(MESSAGE_FIELDS)}", name)
    for name in REQUIRED_FIELDS:
        if name not in body:
            _refuse(422, "is required", name)
    for name, value in body.items():
        if isinstance(value, str):
            continue
        if value is None and name not in REQUIRED_FIELDS:
            continue
        _refuse(400, "must be a string" + ("" if name in REQUIRED_FIELDS else " or null"), name)
    if _UNSTORABLE.search(body["text"]):
        _refuse(422, "contains U+0000 or a lone surrogate, which cannot be sent", "text")
    if body.get("modem") is not None and not _IMEI.fullmatch(body["modem"]):
        _refuse(422, "is not an IMEI (15 digits)", "modem")
    return {name: body.get(name) for name in MESSAGE_FIELDS}


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        _refuse(400, "must be a whole number", name)
    value = int(raw) if len(raw) <= 12 else high + 1  # int() of 5,000 digits raises
    if not low <= value <= high:
        _refuse(422, f"must be between {low} and {high}", name)
    return value


def _cursor() -> int | None:
    raw = request.args.get("cursor")
    if raw is None:
        return None
    if not _CURSOR.fullmatch(raw):
        _refuse(422, "is not a cursor this API gave (pass next_cursor back unchanged)", "cursor")
    return int(raw)


def _page(rows: list, limit: int, shape) -> dict[str, Any]:
    """A page of at most ``limit`` rows; ``rows`` holds one more when another page follows."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "messages": [shape(row) for row in rows],
        "next_cursor": str(rows[-1].id) if more else None,
    }


def _message_or_404(message_id: int):
    message = services().store.get(message_id) if 1 <= message_id <= MAX_ID else None
    if message is None:
        _refuse(404, f"no message {message_id}")
    return message


# --- the operations -----------------------------------------------------------------------------


@bp.post("/messages")
def send_message() -> tuple[Response, int, dict[str, str]]:
    fields = _message_fields(json_object())
    config, store, now = services().config, services().store, services().clock.now()
    try:
        new = prepare(
            config,
            to=fields["to"],
            text=fields["text"],
            now=now,
            send_at=fields["send_at"],
            priority=fields["priority"] or "normal",
            modem=fields["modem"],
            source="api",
        )
    except BadRequest as exc:
        _refuse(422, exc.why, exc.field)
    except (OverflowError, ValueError):
        if not fields["send_at"]:
            raise
        _refuse(422, "is too far from now", "send_at")
    message = submit(store, config, new, now)
    body = {
        "id": message.id,
        "status": message.status,
        "parts": message.parts,
        "encoding": message.encoding,
    }
    location = url_for("api.get_message", message_id=message.id)
    return jsonify(body), 201, {"Location": location}


@bp.get("/messages")
def list_messages() -> Response:
    status = request.args.get("status")
    if status is not None and status not in {s.value for s in Status}:
        _refuse(422, f"is not one of {', '.join(s.value for s in Status)}", "status")
    recipient = request.args.get("to")
    if recipient is not None:
        if recipient[:1] == " " and recipient[1:2].isdigit():
            recipient = "+" + recipient[1:]  # ?to=+336...: an unencoded "+" reads as a space
        try:
            recipient = normalise(recipient, services().config.region)
        except InvalidRecipient as exc:
            _refuse(422, str(exc), "to")
    limit = _whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    rows = services().store.messages(
        status=status, recipient=recipient, limit=limit + 1, before_id=_cursor()
    )
    return jsonify(_page(rows, limit, views.message))


@bp.get("/messages/<api_id:message_id>")
def get_message(message_id: int) -> Response:
    return jsonify(views.message(_message_or_404(message_id)))


@bp.delete("/messages/<api_id:message_id>")
def cancel_message(message_id: int) -> Response:
    _message_or_404(message_id)
    store = services().store
    done, why = store.cancel(message_id, services().clock.now())
    if not done:
        _refuse(409, why)
    return jsonify(views.message(_message_or_404(message_id)))


@bp.get("/modems")
def modems() -> Response:
    config, store, now = services().config, services().store, services().clock.now()
    return jsonify({"modems": views.status(config, store, now)["modems"]})


@bp.get("/inbox")
def inbox() -> Response:
    limit = _whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    rows = services().store.inbox(limit=limit + 1, before_id=_cursor())
    return jsonify(_page(rows, limit, views.inbound))


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import document

    return jsonify(document())
