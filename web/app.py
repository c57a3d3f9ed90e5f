"""The web panel and the HTTP API: a Flask app factory (the shape of Flask's "flaskr" tutorial).

The panel reads the store and enqueues through ``appliance.outbox``; it never opens a serial
port (only the daemon does). One blueprint per page group; the API is CSRF-exempt and
authenticated by bearer tokens, the pages by a session cookie and CSRF tokens on every form.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from appliance.clock import Clock, SystemClock
from appliance.config import Config, load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate

from . import form_text, i18n, sessions
from .bodies import PanelRequest
from .security import csrf
from .services import Services
from .sessions import secret_key


def create_app(
    config: Config | None = None,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    test_config: dict[str, Any] | None = None,
) -> Flask:
    """Build the app. Without ``store``, one of its own on ``config.database`` (as in the panel's
    process, ``web.process``); tests pass theirs."""
    config = config or load_config()
    if store is None:
        engine = create_engine_for(config.database)
        migrate(engine)
        store = Store(engine)
    app = Flask(__name__)
    app.request_class = PanelRequest  # a view may take more than MAX_CONTENT_LENGTH (bodies.py)
    app.config.update(
        SECRET_KEY=secret_key(config.data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="smsrelay_session",
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["smsrelay"] = Services(config=config, store=store, clock=clock or SystemClock())
    sessions.install(app)
    i18n.install(app)  # after sessions: the language may be the user's own choice
    form_text.install(app)  # before the CSRF check reads the form
    csrf.init_app(app)

    from . import api, ops, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(ops.bp)
    pages.register(app)  # last: the API's and /metrics' routing errors come before its login gate
    csrf.exempt(api.bp)
    csrf.exempt(ops.bp)
    app.after_request(_harden)
    if config.security.behind_proxy:
        # the one reverse proxy in front says the scheme, client, host and port it was reached by
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    return app


def _harden(response: Response) -> Response:
    """Defence in depth on top of autoescape, on every response: no inline script, no framing,
    no sniffing, no referrer leaving the box."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
