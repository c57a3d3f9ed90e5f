"""The panel's error pages (400, 403, 404, 429...) in the reader's language (issue 16).

Werkzeug's own pages are English HTML with no way back to the panel. A page error here is the
panel's page: its header and menu, a title and a sentence saying what to do, in the user's or
the browser's language. An ``abort(status, description)`` whose description the view wrote (and
translated) keeps it. The API's and the operators' endpoints (/api, /metrics, /healthz) keep
their own answers: JSON for scripts, or Werkzeug's plain page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from appliance.status import N_

MACHINE_PATHS = ("/api", "/metrics", "/healthz", "/static/")
TITLES = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("Gone"),
    413: N_("Too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
}
WORDS = {
    400: N_("The request could not be read: a field is missing or malformed."),
    403: N_("Your account cannot open this page: ask an admin."),
    404: N_("Nothing is at this address: the link is wrong, or what it named was deleted."),
    405: N_("This address does not take this kind of request."),
    409: N_("The request clashes with what is stored now: reload the page and try again."),
    410: N_("What this address named is no longer here."),
    413: N_("What was sent is too large."),
    429: N_("Too many requests: wait a moment, then try again."),
    500: N_("The appliance met an error; the details are in its log."),
}


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, page_error)


def page_error(error: HTTPException) -> Any:
    if request.path.startswith(MACHINE_PATHS):
        return error  # Werkzeug's answer, as before (the API's blueprint has its own JSON)
    status = error.code or 500
    if isinstance(error, CSRFError):
        why = _("The form expired or came from elsewhere: reload the page and send it again.")
    elif "description" in vars(error) and error.description:
        why = error.description  # the view's own words, translated where it wrote them
    else:
        why = _(WORDS[status]) if status in WORDS else _("The request failed.")
    title = _(TITLES[status]) if status in TITLES else _("Error %(code)s", code=status)
    page = render_template("error.html", status=status, title=title, why=why)
    # the error's own headers (Retry-After, Allow...) but its content type
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return page, status, headers
