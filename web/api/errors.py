"""Every refusal of the API as JSON ``{"error": "...", "field": "..."}``, never an HTML page.

:class:`ApiError` is raised wherever a request is found wanting and turned into its answer by
the blueprint's handler; werkzeug's own errors (404, 405, 413, ...), a database that does not
answer (503) and an unexpected failure (500, without details) are answered in the same shape.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from flask import Response, jsonify, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from .operations import bp
from .schemas import Error

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """A request the API refuses: the status, what was wrong, and the field when one is to blame."""

    def __init__(
        self,
        status: int,
        error: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.field = field
        self.headers = headers or {}
        self.extra = extra or {}  # more of the body, as the operation's document says


def refuse(status: int, error: str, field: str | None = None) -> NoReturn:
    raise ApiError(status, error, field)


def json_error(
    status: int,
    error: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body = Error(error=error, field=field).model_dump(exclude_none=True)
    response = jsonify(body | (extra or {}))
    response.status_code = status
    response.headers.update(headers or {})
    return response


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
    return json_error(exc.status, exc.error, exc.field, exc.headers, exc.extra)


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
