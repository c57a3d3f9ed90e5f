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
from werkzeug.routing import BaseConverter, IntegerConverter

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


class ContactNumberConverter(BaseConverter):
    """A contact's phone number in a path: any one segment, as typed (``+33612345678``,
    ``%2B33612345678``, ``0612345678``), checked by the view so that a malformed one is a 422
    naming ``number`` rather than a 404. Not ``import`` or ``export``: those segments are the
    operations on the whole base, and another method on them is a 405, not a bad number."""

    regex = r"(?!(?:import|export)\Z)[^/]+"
    part_isolating = True  # one segment (the regex names "/" only to exclude it)


def _converters(state) -> None:
    state.app.url_map.converters.setdefault("api_id", IdConverter)
    state.app.url_map.converters.setdefault("contact_number", ContactNumberConverter)


bp.record_once(_converters)


@dataclass(frozen=True)
class Parameter:
    """A query or path parameter; ``schema`` is a type pydantic can describe (``Annotated`` with
    its constraints), read by hand in ``web.api.requests`` because its errors (400 for the wrong
    type, 422 for a bad value) are part of the contract."""

    name: str
    where: Literal["query", "path"]
    description: str
    schema: Any
    required: bool = False  # a path parameter always is


@dataclass(frozen=True)
class Answer:
    """An answer: its status, its body's model (``None``: any JSON object, or a string for a
    ``media_type`` that is not JSON) and headers (OpenAPI header objects by name).

    Also used in an operation's ``errors`` when its refusal of that status says more than
    ``{"error", "field"}`` (an import's 422 lists every bad row)."""

    status: int
    description: str
    model: type[BaseModel] | None
    headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass(frozen=True)
class RawBody:
    """A request body that is not JSON (a CSV file), read by the view itself."""

    media_type: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the document describes it.

    ``errors`` are the statuses this operation can answer besides those every operation with a
    token can (401, 422 for an unknown query parameter, 503), each a status (the shared
    ``{"error", "field"}`` answer) or an :class:`Answer` of its own; ``also`` are other success
    answers (201 beside 200 for a create-or-update); a ``public`` one needs no token and takes
    any query. A body that is not ``body_required`` may be left out.
    """

    endpoint: str
    method: str
    rule: str  # the Flask rule under PREFIX, such as /messages/<api_id:message_id>
    operation_id: str
    summary: str
    answer: Answer
    description: str | None = None
    body: type[BaseModel] | RawBody | None = None
    body_required: bool = True
    parameters: tuple[Parameter, ...] = ()
    errors: tuple[int | Answer, ...] = ()
    also: tuple[Answer, ...] = ()
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
