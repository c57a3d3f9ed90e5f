"""The OpenAPI document against the implementation: same routes, and the API fuzzed from it.

Schemathesis 4 loads ``/api/v1/openapi.json`` from the app (which proves the document is a valid
OpenAPI 3.1 description it can generate from), then sends every operation valid and invalid
requests with a real token. Every check it has runs: no server error, status codes, headers and
bodies conforming to the document, invalid data rejected, a wrong or missing token refused,
undeclared methods answered 405 with ``Allow``. One exception, said in the document too:
valid-looking data may be refused with 422, because whether a number can receive an SMS, whether
a text fits the allowed parts and whether a send time is past cannot be written in JSON Schema.

Bounded: a fixed seed and 25 examples per operation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from web.api import PREFIX
from web.api.openapi import document

SEED = 20261123

FUZZ_CONFIG = {
    "seed": SEED,
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "404", "409", "422"],
        },
    },
}


class CurrentApp:
    """A WSGI app that hands each request to the app of the test running now.

    ``@schema.parametrize()`` needs the schema at collection time, before any fixture exists, and
    schemathesis' lazy ``from_fixture`` loader does not run under pytest 9. So the schema is built
    from the document in code and sent to this stand-in, and each operation's test points it at
    a fresh app on its own database. That the app serves this very document, and that
    ``from_wsgi`` loads it from there, is tested below.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        assert self.app is not None, "no app for this test"
        return self.app(environ, start_response)


CURRENT = CurrentApp()
schema = schemathesis.openapi.from_dict(
    document(), config=SchemathesisConfig.from_dict(FUZZ_CONFIG)
)
schema.app = CURRENT


@pytest.fixture
def current_app(app) -> Iterator[Flask]:
    CURRENT.app = app
    yield app
    CURRENT.app = None


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, current_app, auth):
    case.call_and_validate(headers=sent_as_generated(case, auth))


def sent_as_generated(case, auth: dict[str, str]) -> dict[str, str]:
    """The token to send, and the case made to say on the wire what it was generated to say.

    Two ways a negative case would otherwise reach the app as a valid request: a case generated
    without its ``Authorization`` header must go without the token (the API then answers 401,
    which the check expects), not with the test's own; and an undeclared query parameter
    generated with an empty list for value is dropped when the URL is written, so it is sent
    with an empty value instead (the API refuses it, 422), as a client writing ``?name=`` would.
    """
    removed = {
        mutation.parameter
        for mutation in getattr(case.meta.phase.data, "mutations", ()) or ()
        if "required" in mutation.keywords
    }
    declared = {parameter.name for parameter in case.operation.query}
    if case.query:
        for name, value in case.query.items():
            if name not in declared and value == []:
                case.query[name] = ""
    return {} if "Authorization" in removed else auth


def test_the_app_serves_the_document_and_schemathesis_loads_it(app, client):
    served = client.get(f"{PREFIX}/openapi.json").get_json()
    assert served == json.loads(json.dumps(document()))
    loaded = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    labels = {operation.ok().label for operation in loaded.get_all_operations()}
    assert labels == {
        "POST /api/v1/messages",
        "GET /api/v1/messages",
        "GET /api/v1/messages/{message_id}",
        "DELETE /api/v1/messages/{message_id}",
        "GET /api/v1/modems",
        "GET /api/v1/inbox",
        "GET /api/v1/calls",
        "POST /api/v1/modems/{imei}/credit",
        "GET /api/v1/alerts",
        "PATCH /api/v1/modems/{imei}",
        "GET /api/v1/contacts",
        "POST /api/v1/contacts",
        "PUT /api/v1/contacts",
        "GET /api/v1/contacts/{number}",
        "DELETE /api/v1/contacts/{number}",
        "POST /api/v1/contacts/{number}/tags",
        "DELETE /api/v1/contacts/{number}/tags/{tag}",
        "POST /api/v1/contacts/{number}/opt-out",
        "POST /api/v1/contacts/import",
        "GET /api/v1/contacts/export",
        "GET /api/v1/campaigns",
        "POST /api/v1/campaigns",
        "GET /api/v1/campaigns/{campaign}",
        "PATCH /api/v1/campaigns/{campaign}",
        "POST /api/v1/campaigns/{campaign}/preview",
        "POST /api/v1/campaigns/{campaign}/start",
        "POST /api/v1/campaigns/{campaign}/pause",
        "POST /api/v1/campaigns/{campaign}/resume",
        "POST /api/v1/campaigns/{campaign}/cancel",
        "POST /api/v1/campaigns/{campaign}/corrections",
        "POST /api/v1/campaigns/{campaign}/follow-ups",
        "GET /api/v1/campaigns/{campaign}/stats",
        "GET /api/v1/campaigns/{campaign}/activity",
        "GET /api/v1/campaigns/{campaign}/replies",
        "GET /api/v1/campaigns/{campaign}/export.csv",
        "GET /api/v1/codes/{code}",
        "POST /api/v1/codes/{code}/redeem",
        "POST /api/v1/events/import",
    }  # from_wsgi leaves out the operation that serves the document itself


# --- the document and the routes ---------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
DOCUMENTED_METHODS = {"get", "post", "put", "patch", "delete"}


def flask_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") and rule.rule != PREFIX:
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((method.lower(), path))
    return operations


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in DOCUMENTED_METHODS
    }


def test_every_route_is_documented_and_nothing_else(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    assert flask_operations(client.application) == documented_operations(document)
    assert len(documented_operations(document)) == 39


def test_every_route_outside_the_api_is_not_in_the_document(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    assert all(path.startswith(PREFIX + "/") for path in document["paths"])


def test_every_operation_documents_its_errors(client):
    """401, 422 and 503 wherever a token is needed; 400 wherever input is read."""
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in DOCUMENTED_METHODS:
                continue
            codes = set(operation["responses"])
            if operation.get("security") == []:
                assert codes == {"200"}
                continue
            assert {"401", "422", "503"} <= codes, (method, path)  # 422: unknown parameters
            if operation.get("parameters") or operation.get("requestBody"):
                assert "400" in codes, (method, path)
            if "{message_id}" in path:
                assert "404" in codes, (method, path)
            if "{number}" in path and method in ("get", "delete"):
                assert "404" in codes, (method, path)
            if (
                "requestBody" in operation
                and "application/json" in operation["requestBody"]["content"]
            ):
                assert {"413", "415"} <= codes, (method, path)


def test_the_contacts_import_and_export_are_csv(client):
    paths = client.get(f"{PREFIX}/openapi.json").get_json()["paths"]
    imported = paths[f"{PREFIX}/contacts/import"]["post"]
    assert list(imported["requestBody"]["content"]) == ["text/csv"]
    assert "errors" in str(imported["responses"]["422"])  # its own refusal: every bad row
    exported = paths[f"{PREFIX}/contacts/export"]["get"]["responses"]["200"]["content"]
    assert exported == {"text/csv": {"schema": {"type": "string"}}}
    created = paths[f"{PREFIX}/contacts"]["post"]["responses"]
    assert {"200", "201"} <= set(created) and "Location" in created["201"]["headers"]


def test_the_document_says_what_is_not_in_it(client):
    description = client.get(f"{PREFIX}/openapi.json").get_json()["info"]["description"]
    for words in ("/healthz", "/metrics", "0.0.4", "loopback", "422", "Bearer"):
        assert words in description
