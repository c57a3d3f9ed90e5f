"""The modems page (/) and its cards alone (/fragments/modems), refreshed in place by live.js.

Each card is a modem's status (``appliance.views.status``) with what only the panel shows: its
title, what it is doing and why it does not send (``appliance.status``), its share of the daily
cap and its charts over the last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, render_template

from appliance import views
from appliance.status import doing, explain_modem, explain_queue
from appliance.store import history
from appliance.store.charts import latest_signal, sent_per_hour, signal_slots
from web import charts
from web.services import services

from .common import now, page_group, role_required

bp = page_group("modems", __name__)

CHART_SPAN = timedelta(hours=24)


@dataclass(frozen=True)
class ModemCard:
    """One modem as the panel shows it: the status contract plus what only the panel needs."""

    status: dict
    title: str  # manufacturer and model when known
    doing: str
    why: str | None  # plain words, when it cannot send (or is not heard from)
    cap_used: int | None  # percent of the daily cap used
    last_success_at: datetime | None
    last_error_at: datetime | None
    signal: charts.LineChart
    hourly: charts.BarChart


def _cards(moment: datetime) -> tuple[dict, list[ModemCard]]:
    config, store = services().config, services().store
    data = views.status(config, store, moment)
    rows = {m.imei: m for m in store.modems()}
    sending = history.sending_now(store)
    imeis = [status["imei"] for status in data["modems"]]
    since = moment - CHART_SPAN
    signal = signal_slots(store, imeis, since, moment)
    hours = charts.hour_starts(moment, zone=config.zone)
    sent = sent_per_hour(store, hours, moment)
    cards = []
    for status in data["modems"]:
        imei = status["imei"]
        row = rows.get(imei)
        limit = status["daily_limit"]
        cards.append(
            ModemCard(
                status=status,
                title=" ".join(x for x in (row.manufacturer, row.model) if x) if row else "",
                doing=doing(status["state"], sending.get(imei)),
                why=explain_modem(status, moment, node=config.node, zone=config.zone),
                cap_used=min(100, round(100 * status["sent_today"] / limit)) if limit else None,
                last_success_at=row.last_success_at if row else None,
                last_error_at=row.last_error_at if row else None,
                signal=charts.signal_chart(
                    signal[imei],
                    end=moment,
                    zone=config.zone,
                    latest=latest_signal(store, imei, since, moment) if signal[imei] else None,
                    span=CHART_SPAN,
                ),
                hourly=charts.hourly_bars(
                    sent.get(imei, [0] * len(hours)), end=moment, zone=config.zone
                ),
            )
        )
    return data, cards


def _context() -> dict[str, Any]:
    moment = now()
    data, cards = _cards(moment)
    stalled = explain_queue(data["queue"], data["modems"], moment, node=services().config.node)
    return {"data": data, "cards": cards, "stalled": stalled, "now": moment}


@bp.route("/")
@role_required("volunteer")
def index() -> Any:
    return render_template("modems.html", **_context())


@bp.route("/fragments/modems")
@role_required("volunteer")
def cards() -> Any:
    """The cards alone, which ``live.js`` fetches every few seconds to replace them in place.

    The charts come along on every refresh: thinned to 288 points and their settled part kept
    between requests (``SignalHistory``), they are about a third of the fragment's 25-35
    ms of CPU at a million messages (bench/pages.py), and the newest point and the hour's bar
    move as the volunteer watches. Leaving them out of most refreshes would save that third at
    the price of a script that carries the old charts across each swap of the cards."""
    response = Response(render_template("_modem_cards.html", **_context()))
    response.headers["Cache-Control"] = "no-store"
    return response
