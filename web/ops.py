"""For the machines that watch the appliance: ``/healthz`` and ``/metrics``.

``GET /healthz`` needs no token (a load balancer or systemd watchdog has none): 200
``{"status": "ok", "database": "ok", "modems_ready": n}`` when the database answers, else 503
``{"status": "error", "database": "unavailable", "modems_ready": null}``; 503 with ``"database":
"refuses writes"`` when it reads but takes no write (a full or read-only disk), or
``"unavailable"`` when the daemon cannot reach it though this read passed (a PostgreSQL cut off
a moment ago), as the daemon's note or the file system says (``appliance.database_trouble``).
It says nothing more, so it leaks nothing.

``GET /metrics`` is the Prometheus text format 0.0.4, computed from the database at each scrape
(every node's numbers: they share it) by ``web.metrics``, which reads them all through
:func:`read_metrics` here. It needs no token from the loopback address, where a
Prometheus (or node exporter's textfile) on the Pi itself scrapes it; from any other address it
needs ``Authorization: Bearer TOKEN`` like the API, because the numbers and IMEIs are nobody
else's business. Behind a reverse proxy on the same machine every request comes from the
loopback: protect ``/metrics`` in the proxy then.

``smsrelay_send_seconds`` (a histogram over a sliding window, see ``web.metrics``) is exact:
every message sent in the window, however long before it was queued (the index on ``sent_at``,
revision 0005, makes that a read of the window's rows alone).

``smsrelay_messages`` comes from ``appliance.store.tally``: queued, sending and unknown are counted
at each scrape; the settled statuses from a count refreshed in the background every minute plus
what moved since, so a scrape stays cheap at a million messages (see that module for the rare
change it shows only after the next recount).
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from appliance import views
from appliance.config import Config
from appliance.store import Store
from appliance.trouble_note import database_folder, read_trouble

from .api.errors import json_error, routing_error
from .api.requests import bearer_token
from .metrics import CONTENT_TYPE, LATENCY_WINDOW, Readings, exposition
from .services import services

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

PATHS = ("/healthz", "/metrics")


@bp.before_app_request
def ops_routing_errors() -> Response | None:
    if request.routing_exception is None or request.path not in PATHS:
        return None
    return routing_error(request.routing_exception)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        ready = services().store.modems_ready()
    except SQLAlchemyError as exc:
        log.warning("healthz: the database does not answer: %s", type(exc).__name__)
        response = jsonify({"status": "error", "database": "unavailable", "modems_ready": None})
        response.status_code = 503
    else:
        config = services().config
        trouble = read_trouble(config.data_dir, database_folder(config.database))
        if trouble is not None:  # the daemon's note: it cannot write, or reach the database
            response = jsonify({"status": "error", "database": trouble.kind, "modems_ready": ready})
            response.status_code = 503
        else:
            response = jsonify({"status": "ok", "database": "ok", "modems_ready": ready})
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_loopback() -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


@bp.get("/metrics")
def metrics() -> Response:
    try:
        if not _from_loopback() and bearer_token() is None:
            return json_error(
                401,
                "from outside the appliance, /metrics needs 'Authorization: Bearer TOKEN'",
                headers={"WWW-Authenticate": 'Bearer realm="smsrelay"'},
            )
        config, store, now = services().config, services().store, services().clock.now()
        text = exposition(lambda: read_metrics(config, store, now))
    except SQLAlchemyError as exc:
        log.warning("metrics: the database does not answer: %s", type(exc).__name__)
        return Response("# the database does not answer\n", status=503, content_type=CONTENT_TYPE)
    return Response(text, content_type=CONTENT_TYPE)


def read_metrics(config: Config, store: Store, now: datetime) -> Readings:
    """Everything a scrape of ``/metrics`` reports, read from the store now (the one place
    ``web.metrics`` reads through)."""
    status = views.status(config, store, now)
    return Readings(
        messages=status["queue"],
        due=store.due_count(now),
        modems=status["modems"],
        send_seconds=store.send_durations(now - LATENCY_WINDOW),
    )
