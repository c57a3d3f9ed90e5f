"""Serving the panel with waitress.

``smsrelay serve`` runs it in a process of its own (``web.process``, which says why); tests may
also run it on a thread of theirs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from waitress.server import create_server

from appliance.config import parse_bind


class PanelServer:
    """A WSGI ``app`` on ``bind`` (host:port; port 0 picks a free one), on a thread."""

    def __init__(self, app: Any, bind: str, *, threads: int = 8) -> None:
        host, port = parse_bind(bind)
        self._server = create_server(app, host=host, port=port, threads=threads, ident="smsrelay")
        self.host, self.port = self._server.effective_host, self._server.effective_port
        self._thread = threading.Thread(target=self._server.run, name="panel", daemon=True)

    @classmethod
    def for_config(cls, config: Any, bind: str) -> PanelServer:
        """The panel and the API of ``config``, with a store of their own."""
        from . import create_app

        return cls(create_app(config), bind)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> PanelServer:
        self._thread.start()
        logging.getLogger(__name__).debug("panel on %s", self.url)  # serve prints it
        return self

    def stop(self) -> None:
        self._server.close()
        self._thread.join(5)
