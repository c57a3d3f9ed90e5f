"""The API's blueprint and its route table: each operation declared once, as data, at its view.

A view is registered with :func:`operation` instead of ``bp.get``/``bp.post``: the same call adds
the Flask rule and records an :class:`Operation` (its parameters, its body model, its answer
model, the errors it can give) in ``OPERATIONS``. The OpenAPI document (``web.api.openapi``) is
generated from that table and the pydantic models it names, and the request checks read it too
(which query parameters an operation takes, which operations need no token), so the routes, the
checks and the document cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Blueprint
from pydantic import BaseModel
from werkzeug.routing import IntegerConverter

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

View = TypeVar("View", bound=Callable[..., Any])


class IdConverter(IntegerConverter):
    """A message id in a path: ASCII digits, at most 18 of them.

    Werkzeug's ``int`` matches any Unicode digits of any length; one too long for ``int()``
    (over 4,300 digits) fails conversion after the path matched, and werkzeug then answers 405
    for DELETE (GET's rule was seen first) where 404 is right. Bounding the pattern makes every
    such path plainly unknown; the view checks the id's range.
    """

    regex = r"[0-9]{1,18}"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("api_id", IdConverter))


@dataclass(frozen=True)
class Parameter:
    """A query or path parameter; ``schema`` is a type pydantic can describe (``Annotated`` with
    its constraints), read by hand in ``web.api.requests`` because its errors (400 for the wrong
    type, 422 for a bad value) are part of the contract."""

    name: str
    where: Literal["query", "path"]
    description: str
    schema: Any


@dataclass(frozen=True)
class Answer:
    """The success answer: its status, its body's model (``None``: any JSON object) and headers
    (OpenAPI header objects by name)."""

    status: int
    description: str
    model: type[BaseModel] | None
    headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the document describes it.

    ``errors`` are the statuses this operation can answer besides those every operation with a
    token can (401, 422 for an unknown query parameter, 503); a ``public`` one needs no token
    and takes any query.
    """

    endpoint: str
    method: str
    rule: str  # the Flask rule under PREFIX, such as /messages/<api_id:message_id>
    operation_id: str
    summary: str
    answer: Answer
    description: str | None = None
    body: type[BaseModel] | None = None
    parameters: tuple[Parameter, ...] = ()
    errors: tuple[int, ...] = ()
    public: bool = False

    @property
    def query_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters if p.where == "query")


OPERATIONS: dict[str, Operation] = {}  # by endpoint, in the order they were declared


def operation(method: str, rule: str, **spec: Any) -> Callable[[View], View]:
    """Register the decorated view under ``rule`` for ``method`` and record its operation;
    ``spec`` holds the other fields of :class:`Operation`."""

    def register(view: View) -> View:
        declared = Operation(f"{bp.name}.{view.__name__}", method.upper(), rule, **spec)
        bp.add_url_rule(rule, view_func=view, methods=[declared.method])
        OPERATIONS[declared.endpoint] = declared
        return view

    return register


def declared(endpoint: str | None) -> Operation | None:
    """The operation a request's endpoint names, if it is one of the API's."""
    return OPERATIONS.get(endpoint or "")
