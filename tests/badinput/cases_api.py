"""Bad bodies and parameters given to the JSON API (``/api/v1``, a bearer token)."""

from __future__ import annotations

import json

from tests.badinput.catalogue import Case, Seen

M = "/api/v1/messages"
GOOD = b'{"to": "+33612345678", "text": "hi"}'


def _post(body: bytes, path: str = M, content_type: str = "application/json"):
    return lambda rig: rig.api("POST", path, body, content_type)


def _get(path: str):
    return lambda rig: rig.api("GET", path)


API_CASES = [
    Case("api", "truncated-body", "a body cut short: `{\"to\": \"+33612345678\", \"text\": `",
         _post(GOOD[:31]), Seen('HTTP 400', 'the body is not valid JSON: Expecting value: line 1 column 32 (char 31)')),
    Case("api", "not-json", "the body `to=+33612345678&text=hi` sent as JSON",
         _post(b"to=+33612345678&text=hi"), Seen('HTTP 400', 'the body is not valid JSON: Expecting value: line 1 column 1 (char 0)')),
    Case("api", "json-array", "a JSON array instead of an object",
         _post(b'["+33612345678", "hi"]'), Seen('HTTP 400', 'the body must be a JSON object, such as {"to": "+33612345678", "text": "Hi"}')),
    Case("api", "number-as-number", "`\"to\": 33612345678` (a JSON number)",
         _post(b'{"to": 33612345678, "text": "hi"}'), Seen('HTTP 400', 'to: must be a string')),
    Case("api", "text-as-list", "`\"text\": [\"hi\"]`",
         _post(b'{"to": "+33612345678", "text": ["hi"]}'), Seen('HTTP 400', 'text: must be a string')),
    Case("api", "unknown-field", "an extra field `\"colour\": \"red\"`",
         _post(b'{"to": "+33612345678", "text": "hi", "colour": "red"}'), Seen('HTTP 422', 'colour: unknown field; the fields are to, text, send_at, priority, modem, kind, transactional')),
    Case("api", "body-invalid-utf8", "the text as the raw bytes `\\xff\\xfe`",
         _post(b'{"to": "+33612345678", "text": "\xff\xfe"}'), Seen('HTTP 400', 'the body is not valid JSON: it is not UTF-8 text (byte 32)')),
    Case("api", "nul-in-text", "`\"text\": \"a\\u0000b\"`",
         _post(b'{"to": "+33612345678", "text": "a\\u0000b"}'), Seen('HTTP 422', 'text: contains U+0000 (NUL) at character 2, which cannot be stored nor sent')),
    Case("api", "lone-surrogate", "`\"text\": \"\\ud800\"` (a lone surrogate escape)",
         _post(b'{"to": "+33612345678", "text": "caf\\ud800"}'), Seen('HTTP 422', 'text: contains a lone surrogate U+D800 at character 4, which cannot be stored nor sent')),
    Case("api", "nul-in-number", "`\"to\": \"+33612345678\\u0000\"`",
         _post(b'{"to": "+33612345678\\u0000", "text": "hi"}'), Seen('HTTP 422', "to: cannot send to '+33612345678\\x00': it contains '\\x00', which is not part of a number")),
    Case("api", "huge-body", "a 2 MB body (the limit is 1 MB)",
         _post(json.dumps({"to": "+33612345678", "text": "x" * 2_000_000}).encode()),
         Seen('HTTP 413', 'the body is over 1 MB')),
    Case("api", "deep-nesting", "100,000 nested objects",
         _post(b'{"a":' * 100_000), Seen('HTTP 400', 'the body is not valid JSON: it is nested too deeply')),
    Case("api", "nan", "`\"send_at\": NaN` (not JSON)",
         _post(b'{"to": "+33612345678", "text": "hi", "send_at": NaN}'), Seen('HTTP 400', 'the body is not valid JSON: NaN is not JSON')),
    Case("api", "wrong-content-type", "a JSON body sent as `text/plain`",
         _post(GOOD, content_type="text/plain"), Seen('HTTP 415', "send the body as JSON, with 'Content-Type: application/json'")),
    Case("api", "send-at-year-1", "`\"send_at\": \"0001-01-01T00:00\"`",
         _post(b'{"to": "+33612345678", "text": "hi", "send_at": "0001-01-01T00:00"}'),
         Seen('HTTP 422', "send_at: '0001-01-01T00:00' is in the past")),
    Case("api", "limit-not-a-number", "`GET /api/v1/messages?limit=abc`",
         _get(M + "?limit=abc"), Seen('HTTP 400', 'limit: must be a whole number')),
    Case("api", "cursor-forged", "`GET /api/v1/messages?cursor=%00`",
         _get(M + "?cursor=%00"), Seen('HTTP 422', 'cursor: is not a cursor this API gave (pass next_cursor back unchanged)')),
    Case("api", "id-past-64-bits", "`GET /api/v1/messages/99999999999999999999999`",
         _get(M + "/99999999999999999999999"), Seen('HTTP 404', 'no such path: /api/v1/messages/99999999999999999999999')),
    Case("api", "contact-body-nul-name", "`POST /api/v1/contacts` with `\"first_name\": \"A\\u0000nn\"`",
         _post(b'{"number": "+33612345678", "first_name": "A\\u0000nn", "opt_in": {"source": "form", "proof": "paper"}}',
               "/api/v1/contacts"), Seen('HTTP 422', 'first_name: contains U+0000 (NUL) at character 2, which cannot be stored nor sent')),
    Case("api", "import-utf16-without-bom", "`POST /api/v1/contacts/import`: UTF-16 without its BOM",
         _post("number\n+33612345678\n".encode("utf-16-le"), "/api/v1/contacts/import", "text/csv"),
         Seen('HTTP 422', "the file holds NUL bytes, so it is not text as a CSV is (UTF-16 without its BOM?); save it as CSV UTF-8, or CSV with ';'")),
    Case("api", "import-over-20mb", "`POST /api/v1/contacts/import`: a 21 MB file",
         _post(b"number\n" + b"+33612345678\n" * 1_700_000, "/api/v1/contacts/import", "text/csv"),
         Seen('HTTP 413', 'the file is over 20 MB; split it in parts')),
]  # fmt: skip
