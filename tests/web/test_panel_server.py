"""The panel's waitress server stops cleanly: its thread ends, without a traceback, even with a
keep-alive connection still open (issue 14: the chaos runs found "Bad file descriptor" from the
loop's ``select`` in the log of nearly every stop)."""

from __future__ import annotations

import http.client
import threading

from web.server import PanelServer


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_the_panel_stops_with_a_connection_open_and_no_traceback(monkeypatch):
    died: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", died.append)
    for _ in range(5):
        server = PanelServer(hello, "127.0.0.1:0").start()
        connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
        connection.request("GET", "/")  # HTTP/1.1: the connection stays open after it
        assert connection.getresponse().read() == b"ok"
        server.stop()
        assert not server._thread.is_alive(), "the loop ended"
        connection.close()
    assert not died, [d.exc_value for d in died]
