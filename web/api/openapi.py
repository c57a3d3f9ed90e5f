"""The OpenAPI 3.1 document, generated from the route table and the models, served at
``/api/v1/openapi.json``.

It is the contract scripts are written against. Nothing in it is kept in step by hand: the paths
and their parameters come from ``OPERATIONS`` (``web.api.operations``), filled as each view is
declared, and the schemas from the pydantic models of ``web.api.schemas`` through pydantic's own
JSON Schema generator (the draft 2020-12 that OpenAPI 3.1 uses). The tests assert that every
route under ``/api/v1`` is here and nothing else, and fuzz the API from this document with
schemathesis (zero server errors, every response conforming).

Why not a library (weighed for issue 10):

- spectree and flask-openapi3 validate requests themselves and answer their own 422 (a list of
  pydantic errors); ours must stay ``{"error", "field"}`` with 400 for a wrong type and 422 for
  a bad value, reported one at a time in a fixed order, so we would fight their validation to
  keep the contract; flask-openapi3 also replaces Flask's blueprints with its own classes;
- APIFlask replaces the ``Flask`` class (shared with the panel) and speaks marshmallow first;
- each adds a dependency and its release cycle to an appliance that updates rarely.

What we need is small: models that give JSON Schema (pydantic, already here with sqlmodel) and a
table of operations (about 100 lines). Every error status is one reusable response here.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from .errors import RETRY_AFTER_SECONDS
from .operations import OPERATIONS, PREFIX, Answer, Operation, Parameter, RawBody, operation
from .schemas import DEFAULT_LIMIT, Error, Schemas

REF = "#/components/schemas/{model}"

DESCRIPTION = f"""\
Send SMS through the USB GSM modems of this smsrelay appliance, follow them, cancel them, \
read the inbox, keep the organisation's contact base (consent, tags, free fields, CSV \
import and export), and run campaigns to it (create, preview, start, pause, correct, follow \
up; statistics, replies, codes).

**Authentication**: every operation except this document needs `Authorization: Bearer TOKEN`; \
make a token on the appliance with `smsrelay token create NAME` (it is shown once).

**Errors** are JSON `{{"error": "...", "field": "..."}}` (`field` when one is to blame):
400 for a body that is not a JSON object or a value of the wrong type, 422 for a value that \
fails validation (a number that cannot receive an SMS, an empty text or one longer than the \
allowed parts, a send time in the past, an unknown field or query parameter), 401 without a \
valid token, 404, 405, 409, 413 (a body over 1 MB; a CSV import over 20 MB), 415 (not \
`application/json`; an import is `text/csv`), and 503 with `Retry-After` when the database \
does not answer. A fault inside a field is named by its path: `tags[1]`, `opt_in.proof`.

**Contacts** are named in paths by their phone number, E.164 (`+33612345678`; `%2B` also \
works) or national (`0612345678`). No consent, no contact: creating one needs `opt_in`; a \
number that opted out is never opted in again through the API.

**Campaigns** are named in paths by their name (percent-encoded) or their id. A move the \
campaign's state does not allow (starting a cancelled one) is a 409 saying why.

**Lists** page newest first (contacts: oldest first): pass a page's `next_cursor` back as \
`cursor` for the next page (`null` on the last one). Cursors are opaque.

**Outside this document**: `GET /healthz` (no token) answers 200 \
`{{"status": "ok", "database": "ok", "modems_ready": n}}`, or 503 when the database does not \
answer. `GET /metrics` is in the Prometheus text format 0.0.4; it needs no token from the \
loopback address (a Prometheus on the appliance itself) and a bearer token from anywhere else. \
Both are computed at each request from the database.

Times are ISO 8601 (RFC 3339) with an offset, in UTC. `send_at` also takes a local time \
without offset (in the appliance's time zone) or a delay such as `+10m`, `+2h`, `+1d`. The \
default page size is {DEFAULT_LIMIT}.
"""

# Every error status an operation can declare: (the response's name, its description, headers).
ERRORS: dict[int, tuple[str, str, dict[str, Any]]] = {
    400: ("BadRequest", "The body is not a JSON object, or a value has the wrong type.", {}),
    401: (
        "Unauthorized",
        "No token, or a wrong or revoked one.",
        {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    ),
    404: ("NotFound", "No such message, contact, campaign or code.", {}),
    409: ("TooLate", "Too late: the message is sending or already finished.", {}),
    413: ("TooLarge", "The body is over 1 MB.", {}),
    415: ("NotJson", "The body is not application/json.", {}),
    422: (
        "Unprocessable",
        "A value fails validation, or a field or query parameter is unknown; `field` names it.",
        {},
    ),
    429: (
        "OverQuota",
        "The token's quota of the day would be passed (`smsrelay token limit`); nothing was "
        "queued. It starts again at local midnight.",
        {},
    ),
    503: (
        "Unavailable",
        "The database does not answer; try again after Retry-After seconds.",
        {
            "Retry-After": {
                "schema": {"type": "string", "examples": [str(RETRY_AFTER_SECONDS)]},
                "required": True,
            }
        },
    ),
}
WITH_A_TOKEN = (401, 422, 503)  # every operation that needs a token can answer these


JSON = "application/json"


def _content(schema: dict[str, Any], media_type: str = JSON) -> dict[str, Any]:
    return {media_type: {"schema": schema}}


def _request_body(declared: Operation) -> dict[str, Any]:
    body = declared.body
    if isinstance(body, RawBody):
        content = _content({"type": "string"}, body.media_type)
        return {"required": declared.body_required, "description": body.description,
                "content": content}  # fmt: skip
    assert body is not None
    return {"required": declared.body_required, "content": _content(_ref(body))}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _parameter(parameter: Parameter) -> dict[str, Any]:
    schema = TypeAdapter(parameter.schema).json_schema(ref_template=REF, schema_generator=Schemas)
    schema.pop("title", None)
    described = {"name": parameter.name, "in": parameter.where}
    if parameter.where == "path" or parameter.required:
        described["required"] = True
    return {**described, "description": parameter.description, "schema": schema}


def _answer(answer: Answer) -> dict[str, Any]:
    if answer.media_type != JSON:
        schema: dict[str, Any] = {"type": "string"}
    else:
        schema = _ref(answer.model) if answer.model else {"type": "object"}
    described: dict[str, Any] = {
        "description": answer.description,
        "content": _content(schema, answer.media_type),
    }
    if answer.headers:
        described["headers"] = dict(answer.headers)
    return described


def _operation(declared: Operation) -> dict[str, Any]:
    described: dict[str, Any] = {
        "operationId": declared.operation_id,
        "summary": declared.summary,
    }
    if declared.description:
        described["description"] = declared.description
    query = [_parameter(p) for p in declared.parameters if p.where == "query"]
    if query:
        described["parameters"] = query
    if declared.body:
        described["requestBody"] = _request_body(declared)
    if declared.public:
        described["security"] = []
    own = {e.status: e for e in declared.errors if isinstance(e, Answer)}
    statuses = {e if isinstance(e, int) else e.status for e in declared.errors}
    statuses |= set() if declared.public else set(WITH_A_TOKEN)
    described["responses"] = {
        **{str(a.status): _answer(a) for a in (declared.answer, *declared.also)},
        **{
            str(status): _answer(own[status])
            if status in own
            else {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
            for status in sorted(statuses)
        },
    }
    return described


def _path(rule: str) -> str:
    """``/messages/<api_id:message_id>`` as OpenAPI writes it: ``/api/v1/messages/{message_id}``."""
    parts = []
    for part in rule.split("/"):
        if part.startswith("<") and part.endswith(">"):
            part = "{" + part[1:-1].rpartition(":")[2] + "}"
        parts.append(part)
    return PREFIX + "/".join(parts)


def _paths() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for declared in OPERATIONS.values():
        item = paths.setdefault(_path(declared.rule), {})
        in_path = [_parameter(p) for p in declared.parameters if p.where == "path"]
        if in_path:  # the same for every method of a path: said once, on the path
            item["parameters"] = in_path
        item[declared.method.lower()] = _operation(declared)
    return paths


def _schemas() -> dict[str, Any]:
    models = {Error}
    for declared in OPERATIONS.values():
        answers = (declared.answer, *declared.also, *declared.errors)
        models |= {a.model for a in answers if isinstance(a, Answer) and a.model is not None}
        if isinstance(declared.body, type):
            models.add(declared.body)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, found = models_json_schema(
        [(model, "validation") for model in ordered], ref_template=REF, schema_generator=Schemas
    )
    return found.get("$defs", {})


def _responses() -> dict[str, Any]:
    responses = {}
    for name, description, headers in ERRORS.values():
        response: dict[str, Any] = {"description": description, "content": _content(_ref(Error))}
        if headers:
            response["headers"] = headers
        responses[name] = response
    return responses


@functools.cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "smsrelay", "version": "1", "description": DESCRIPTION},
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "responses": _responses(),
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


def document() -> dict[str, Any]:
    """The whole document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_document())


@operation(
    "GET",
    "/openapi.json",
    operation_id="openapi",
    summary="This document",
    answer=Answer(200, "The OpenAPI 3.1 document.", None),
    public=True,
)
def openapi() -> Response:
    return jsonify(document())
