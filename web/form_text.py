"""Form bodies are text: UTF-8, without NUL, within the body limit, checked before any view or
the CSRF check reads them.

Werkzeug decodes a form with ``errors="replace"``: bytes that are not UTF-8 would reach a view
as U+FFFD and be queued as an SMS of question marks, or stored as a contact's name. A NUL
cannot be typed in a browser but a script can post one; SQLite keeps it, PostgreSQL refuses it
with a 500. So a form holding either is refused here with a 400 naming the field, for every
page at once (the API's JSON has its own checks, ``web.api.requests``).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request

_FORM = "application/x-www-form-urlencoded"


def install(app: Flask) -> None:
    """Check every form posted to a page; before ``csrf.init_app`` so that it runs first."""
    app.before_request(_check_form)


def _check_form() -> None:
    if request.method != "POST" or request.blueprint in ("api", "ops"):
        return
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        # said here in words: werkzeug's own page says "exceeds the capacity limit"
        abort(413, f"The form is over {limit // (1024 * 1024)} MB: nothing was saved.")
    if request.mimetype == _FORM:
        for name, value in _raw_fields(request.get_data(cache=True)):
            field = name.decode("utf-8", "replace")
            try:
                decoded = value.decode("utf-8")
            except UnicodeDecodeError as error:
                abort(400, f"The field {field!r} is not UTF-8 text (byte {error.start}).")
            _refuse_nul(field, decoded)
    elif request.mimetype == "multipart/form-data":
        for field, decoded in request.form.items(multi=True):
            _refuse_nul(field, decoded)


def _raw_fields(body: bytes) -> list[tuple[bytes, bytes]]:
    """``name=value`` pairs of an urlencoded body, percent-decoded to bytes."""
    pairs = []
    for chunk in body.split(b"&"):
        if chunk:
            name, _, value = chunk.partition(b"=")
            pairs.append(
                (
                    unquote_to_bytes(name.replace(b"+", b" ")),
                    unquote_to_bytes(value.replace(b"+", b" ")),
                )
            )
    return pairs


def _refuse_nul(field: str, value: str) -> None:
    if "\x00" in value:
        abort(
            400, f"The field {field!r} holds a NUL character (character {value.index(chr(0)) + 1})."
        )
