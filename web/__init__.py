"""The web panel and the HTTP API (the app factory is in ``web.app``).

``pages/`` holds the panel, one blueprint per page group; ``api/`` the JSON API with its pydantic
schemas and the OpenAPI document generated from them; ``sessions`` and ``security`` who is logged
in (Flask-Login) and the login limit (Flask-Limiter); ``metrics`` and ``ops`` /metrics
(prometheus_client) and /healthz; ``process`` and ``server`` the panel's own process under
waitress. The web reads and writes the store and rings the daemon; it never drives a modem.

This package's own import is kept light: the daemon imports ``web.process`` to start the
panel's process, and must not load Flask and its templates into its memory for that.
``from web import create_app`` still works, through the module ``__getattr__`` below.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'web' has no attribute {name!r}")
