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


def keyset_page(
    rows: Sequence[Any], limit: int, shape: Callable[[Any], Any], key: str = "messages"
) -> dict[str, Any]:
    """A page of at most ``limit`` rows under ``key``; ``rows`` holds one more when another
    page follows."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        key: [shape(row) for row in rows],
        "next_cursor": str(rows[-1].id) if more else None,
    }


def text(name: str) -> str | None:
    """A query parameter that, when given, holds more than spaces (422 naming it if not)."""
    raw = request.args.get(name)
    if raw is not None and not raw.strip():
        refuse(422, "is empty; leave it out instead", name)
    return raw


def boolean(name: str, default: bool) -> bool:
    """A query parameter that is ``true`` or ``false`` (400 for anything else: a wrong type)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        refuse(400, "must be true or false", name)
    return raw == "true"


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
    except UnicodeDecodeError as exc:
        refuse(400, f"the body is not valid JSON: it is not UTF-8 text (byte {exc.start})")
    except ValueError as exc:  # JSONDecodeError, NaN
        refuse(400, f"the body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        refuse(400, 'the body must be a JSON object, such as {"to": "+33612345678", "text": "Hi"}')
    return body


# The order in which faults are reported, one at a time: unknown fields first (in the body's
# order), then missing ones (in the model's), then wrong types (in the body's), then values (in
# the model's; their messages are the model's own words). A fault inside a field (an item of a
# list, a key of an object) is named by its path: ``tags[1]``, ``opt_in.proof``.
_MISSING, _WRONG_TYPE, _BAD_VALUE = range(3)
_UNKNOWN = "extra_forbidden"
# A value of the wrong JSON type, in words; any other error type ending in "_type" is one too,
# raised by a model with words of its own.
_TYPES = {
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
}


def read_body(model: type[Body], *, optional: bool = False) -> Body:
    """The request's JSON object validated by ``model``, or the ApiError of its first fault.
    An ``optional`` body may be left out (nothing sent): ``model`` with no field given."""
    if optional and not request.get_data():
        return model.model_validate({})
    body = json_object()
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _first_fault(model, body, exc) from None


def _kind(error: Any) -> int:
    if error["type"] == "missing":
        return _MISSING
    return _WRONG_TYPE if error["type"].endswith("_type") else _BAD_VALUE


def _path(loc: tuple[Any, ...]) -> str:
    named = str(loc[0])
    for part in loc[1:]:
        named += f"[{part}]" if isinstance(part, int) else f".{part}"
    return named


def _named(error: Any) -> tuple[str, str]:
    """Where a fault is (``tags[1]``, ``opt_in.proof``) and what it is. A fault in a key of an
    object (pydantic ends its place with "[key]") is the object's, naming the key."""
    loc, message = error["loc"], error["msg"]
    if len(loc) > 2 and loc[-1] == "[key]":
        return _path(loc[:-2]), f"the name {loc[-2]!r} {message}"
    return _path(loc), message


def _first_fault(model: type[BaseModel], body: dict[str, Any], exc: ValidationError) -> ApiError:
    infos = {info.alias or name: info for name, info in model.model_fields.items()}
    fields, keys = list(infos), list(body)
    unknown = [key for key in keys if key not in infos]
    if unknown:  # found here: pydantic cannot name a key that is not valid Unicode
        return ApiError(422, f"unknown field; the fields are {', '.join(fields)}", unknown[0])

    def rank(error: Any) -> tuple[int, int]:
        name = error["loc"][0]
        kind = _kind(error)
        return kind, (keys if kind == _WRONG_TYPE else fields).index(name)

    error = min(exc.errors(include_url=False), key=rank)
    name, kind, nested = error["loc"][0], _kind(error), len(error["loc"]) > 1
    where, message = _named(error)
    if kind == _MISSING:
        return ApiError(422, "is required", where)
    if kind == _WRONG_TYPE:
        expected = _TYPES.get(error["type"])
        if expected is None:
            return ApiError(400, message, where)
        nullable = not nested and not infos[name].is_required()
        return ApiError(400, f"must be {expected}" + (" or null" if nullable else ""), where)
    if error["type"] == _UNKNOWN:
        return ApiError(422, "unknown field", where)
    return ApiError(422, message, where)
