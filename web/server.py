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
        self._map: dict = {}  # the loop's sockets: the listener, its trigger, the connections
        self._server = create_server(
            app, map=self._map, host=host, port=port, threads=threads, ident="smsrelay"
        )
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
        """Close every socket from the loop's own thread (waitress's trigger runs the closing
        there), then stop the request threads. Closed from this thread, a socket could go while
        the loop's ``select`` waits on it, and the panel's thread died with a traceback ("Bad
        file descriptor") at each stop; an open keep-alive connection kept the loop running."""
        if self._thread.is_alive():
            self._server.trigger.pull_trigger(self._close_sockets)
            self._thread.join(5)
        else:
            self._close_sockets()
        self._server.task_dispatcher.shutdown()

    def _close_sockets(self) -> None:
        for channel in list(self._map.values()):  # the map empties: the loop returns
            channel.close()
