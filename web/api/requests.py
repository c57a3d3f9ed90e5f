"""Reading a request: its bearer token, its query string, its JSON body; and keyset pages.

Every check raises :class:`~web.api.errors.ApiError` naming what is wrong. What an operation
takes (its query parameters, whether it needs a token) comes from the route table
(``web.api.operations``); the body's fields and types from its model (``web.api.schemas``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from flask import g, request
from pydantic import BaseModel, ValidationError

from appliance.accounts import check_token
from appliance.store.schema import MAX_ID, ApiToken
from web.services import services

from .errors import ApiError, refuse
from .operations import Parameter, bp, declared
from .schemas import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, Cursor, Limit

Body = TypeVar("Body", bound=BaseModel)

_INTEGER = re.compile(r"[+-]?[0-9]+")
_CURSOR = re.compile(CURSOR)


# --- authentication ---------------------------------------------------------------------------


def bearer_token() -> ApiToken | None:
    """The valid token this request carries in ``Authorization: Bearer ...``, if any."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return check_token(services().store, secret, services().clock.now())


def _public() -> bool:
    operation = declared(request.endpoint)
    return operation is not None and operation.public


@bp.before_request
def authenticate() -> None:
    if _public():
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


# --- the query string ---------------------------------------------------------------------------


@bp.before_request
def refuse_unknown_parameters() -> None:
    """A query parameter the operation does not take is refused (422), so that a typo such as
    ``?stauts=failed`` is an error instead of silently listing everything."""
    if _public():
        return
    operation = declared(request.endpoint)
    known = operation.query_names if operation else frozenset()
    for name in request.args:
        if name not in known:
            listed = ", ".join(sorted(known)) if known else "none"
            refuse(422, f"unknown query parameter; this operation takes {listed}", name)


PAGE_PARAMETERS = (
    Parameter(
        "limit",
        "query",
        f"Page size (default {DEFAULT_LIMIT}). Not a whole number: 400; out of range: 422.",
        Limit,
    ),
    Parameter("cursor", "query", "The next_cursor of the previous page, unchanged.", Cursor),
)


def whole_number(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        refuse(400, "must be a whole number", name)
    value = int(raw) if len(raw) <= 12 else high + 1  # int() of 5,000 digits raises
    if not low <= value <= high:
        refuse(422, f"must be between {low} and {high}", name)
    return value


def limit() -> int:
    return whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def cursor() -> int | None:
    raw = request.args.get("cursor")
    if raw is None:
        return None
    if not _CURSOR.fullmatch(raw):
        refuse(422, "is not a cursor this API gave (pass next_cursor back unchanged)", "cursor")
    return int(raw)


def keyset_page(rows: Sequence[Any], limit: int, shape: Callable[[Any], Any]) -> dict[str, Any]:
    """A page of at most ``limit`` rows; ``rows`` holds one more when another page follows."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "messages": [shape(row) for row in rows],
        "next_cursor": str(rows[-1].id) if more else None,
    }


def message_id_in_range(message_id: int) -> bool:
    return 1 <= message_id <= MAX_ID


# --- the body -----------------------------------------------------------------------------------


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object, or an ApiError saying why it is not one."""
    if not request.is_json:
        refuse(415, "send the body as JSON, with 'Content-Type: application/json'")
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: RequestEntityTooLarge (413)
    if not raw.strip():
        refuse(400, "the body is empty; send a JSON object")
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        refuse(400, "the body is not valid JSON: it is nested too deeply")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN
        refuse(400, f"the body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        refuse(400, 'the body must be a JSON object, such as {"to": "+33612345678", "text": "Hi"}')
    return body


# The order in which faults are reported, one at a time: unknown fields first (in the body's
# order), then missing ones (in the model's), then wrong types (in the body's), then values (in
# the model's; their messages are the model's own words).
_MISSING, _WRONG_TYPE, _BAD_VALUE = range(3)
_RANKS = {"missing": _MISSING, "string_type": _WRONG_TYPE}


def read_body(model: type[Body]) -> Body:
    """The request's JSON object validated by ``model``, or the ApiError of its first fault."""
    body = json_object()
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _first_fault(model, body, exc) from None


def _first_fault(model: type[BaseModel], body: dict[str, Any], exc: ValidationError) -> ApiError:
    infos = {info.alias or name: info for name, info in model.model_fields.items()}
    fields, keys = list(infos), list(body)
    unknown = [key for key in keys if key not in infos]
    if unknown:  # found here: pydantic cannot name a key that is not valid Unicode
        return ApiError(422, f"unknown field; the fields are {', '.join(fields)}", unknown[0])

    def rank(error: Any) -> tuple[int, int]:
        name = error["loc"][0]
        kind = _RANKS.get(error["type"], _BAD_VALUE)
        return kind, (keys if kind == _WRONG_TYPE else fields).index(name)

    error = min(exc.errors(include_url=False), key=rank)
    name = error["loc"][0]
    kind = rank(error)[0]
    if kind == _MISSING:
        return ApiError(422, "is required", name)
    if kind == _WRONG_TYPE:
        required = infos[name].is_required()
        return ApiError(400, "must be a string" + ("" if required else " or null"), name)
    return ApiError(422, error["msg"], name)
