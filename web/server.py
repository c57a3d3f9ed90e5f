"""Serving the panel with waitress inside ``smsrelay serve``.

The appliance does not import the web package (dependencies point web → appliance → modem): it
finds this frontend through the ``smsrelay.frontends`` entry point declared in setup.cfg and hands
it the running daemon.
"""

from __future__ import annotations

import logging
import threading

from waitress.server import create_server

from appliance.config import parse_bind

from . import create_app

log = logging.getLogger(__name__)


class PanelServer:
    """The panel and the API on ``bind`` (host:port; port 0 picks a free one)."""

    def __init__(self, daemon: object, bind: str, *, threads: int = 8) -> None:
        host, port = parse_bind(bind)
        app = create_app(daemon.config, store=daemon.store, clock=daemon.clock)
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="smsrelay")
        self.host, self.port = self._server.effective_host, self._server.effective_port
        self._thread = threading.Thread(target=self._server.run, name="panel", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> PanelServer:
        self._thread.start()
        log.info("panel on %s", self.url)
        return self

    def stop(self) -> None:
        self._server.close()
        self._thread.join(5)


def panel_frontend(daemon: object, bind: str) -> PanelServer:
    """The entry point: start the panel for a running daemon."""
    return PanelServer(daemon, bind).start()
