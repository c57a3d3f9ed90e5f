"""The HTTP API under ``/api/v1``: JSON in, JSON out, a bearer token on every call.

Scripts are its users, so every answer is JSON, errors included: ``{"error": "...", "field":
"to"}``, never an HTML page, and a client's mistake is never a 500. The status codes are part of
the contract (the OpenAPI document lists them per operation, and the tests hold the two
together):

- 400: the body is not JSON, not an object, or a field or parameter has the wrong type;
- 401: no token, or a wrong or revoked one (``smsrelay token create NAME`` makes one);
- 404: no such message, contact or path, including ids beyond the 32-bit id columns;
- 405, 409 (cancelling what already left; a move a campaign's state does not allow; a code
  redeemed already), 413 (a body over 1 MB; a CSV import over 20 MB), 415
  (not ``application/json``, or not ``text/csv`` for an import);
- 422: a value fails validation: a bad number, an empty or overlong text, a past send time, an
  unknown field or query parameter, a new contact without consent, an import with bad rows
  (all of them listed);
- 503: the database does not answer (locked for too long, or down): try again later.

Lists page by id, newest first (contacts: oldest first) ("keyset" pagination): a page ends
with ``next_cursor``, an opaque string to pass back as ``cursor``; new messages arriving
meanwhile never shift the pages.

What lives where:

- ``operations``: the blueprint ``bp`` and the route table: each view declared with its
  parameters, body and answer models and error statuses (``@operation``);
- ``schemas``: the request and response bodies as pydantic models, and the parameters' types
  (``contact_schemas``: the contact base's);
- ``requests``: reading a request: the bearer token, the query string, the JSON body (validated
  by its model, the first fault answered), keyset pages;
- ``errors``: ``ApiError`` and every refusal as JSON (404/405 routing, 413, 500, 503);
- ``messages``, ``modems``, ``inbox``, ``contacts``: the operations, one module per resource
  (``contact_files``: the contacts' CSV import and export; ``calls``: missed calls and the
  credit query, with ``call_schemas``);
- ``campaigns`` (list, create, read, preview, edit), ``campaign_moves`` (start, pause, resume,
  cancel, corrections, follow-ups), ``campaign_results`` (statistics, activity, replies, CSV
  export, codes), ``campaign_events`` (an events file imported), with their bodies in
  ``campaign_schemas``;
- ``openapi``: the OpenAPI 3.1 document generated from the table and the models, and its route.

Importing this package registers every operation on ``bp`` (the imports below); the order of
the imports is the order of the document's paths.
"""

from __future__ import annotations

from .operations import PREFIX, bp

# isort: off
from . import errors, requests  # noqa: F401  (the blueprint's handlers and checks)
from . import messages, modems, inbox, calls, contacts, contact_files  # noqa: F401  (in order)
from . import alerts  # noqa: F401  (issue 16)
from . import campaigns, campaign_moves, campaign_results, campaign_events  # noqa: F401
from . import openapi  # noqa: F401

# isort: on

__all__ = ["PREFIX", "bp"]
