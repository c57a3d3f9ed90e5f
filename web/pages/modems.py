"""The modems page (/) and its cards alone (/fragments/modems), refreshed in place by live.js.

Each card is a modem's status (``appliance.views.status``) with what only the panel shows: its
title, what it is doing and why it does not send (``appliance.status``), its share of the daily
cap, its SIM's credit (a low one marked) and its charts over the last day.

"Check credit" (``/modems/<imei>/credit``) asks the daemon for a USSD balance query: the panel
never opens a port, so it writes the request on the SIM (``Store.ask_credit``) and wakes the
daemon, whose worker for that SIM runs the query between two sends; the card shows the
answer at its next refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from appliance import views
from appliance.status import (
    capability_words,
    credit_words,
    doing,
    explain_database,
    explain_modem,
    explain_queue,
)
from appliance.store import history
from appliance.store.charts import latest_signal, sent_per_hour, signal_slots
from web import charts, words
from web.reasons import reason_words
from web.services import services

from .common import back, local_time, now, page_group, role_required, wake_daemon

bp = page_group("modems", __name__)

CHART_SPAN = timedelta(hours=24)


@dataclass(frozen=True)
class ModemCard:
    """One modem as the panel shows it: the status contract plus what only the panel needs."""

    status: dict
    title: str  # manufacturer and model when known
    doing: str
    why: str | None  # plain words, when it cannot send (or is not heard from)
    cannot: str | None  # what it cannot do even when it sends (a send-only modem)
    cap_used: int | None  # percent of the daily cap used
    last_success_at: datetime | None
    last_error_at: datetime | None
    credit: str | None  # the SIM's credit in words (None: never queried)
    credit_low: bool
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
        status["reason"] = reason_words(status["reason"])  # the daemon's words, translated
        imei = status["imei"]
        row = rows.get(imei)
        limit = status["daily_limit"]
        cards.append(
            ModemCard(
                status=status,
                title=" ".join(x for x in (row.manufacturer, row.model) if x) if row else "",
                doing=doing(status["state"], sending.get(imei), tr=_),
                why=explain_modem(status, moment, node=config.node, tr=_, when=local_time),
                cannot=capability_words(status, tr=_),
                cap_used=min(100, round(100 * status["sent_today"] / limit)) if limit else None,
                last_success_at=row.last_success_at if row else None,
                last_error_at=row.last_error_at if row else None,
                credit=credit_words(
                    _credit(status["credit"]), moment, tr=_, when=local_time, number=words.money
                ),
                credit_low=bool(status["credit"] and status["credit"]["low"]),
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


def _credit(credit: dict | None) -> dict | None:
    """The SIM's credit, why its last query failed in the reader's language."""
    if not credit or not credit.get("error"):
        return credit
    return {**credit, "error": reason_words(credit["error"])}


def _context() -> dict[str, Any]:
    moment = now()
    data, cards = _cards(moment)
    trouble = data["database_trouble"]
    if trouble:  # the outage's words (appliance.store.outage), translated
        trouble = {**trouble, "reason": reason_words(trouble["reason"])}
    stalled = explain_database(trouble, tr=_) or explain_queue(
        data["queue"], data["modems"], moment, node=services().config.node, tr=_
    )
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


@bp.route("/modems/<imei>/credit", methods=["POST"])
@role_required("volunteer")
def check_credit(imei: str) -> Any:
    """Ask the daemon for this modem's SIM's credit (a USSD query, between two sends)."""
    if not (imei.isascii() and imei.isdigit() and len(imei) <= 20):
        abort(404)
    iccid = services().store.ask_credit(imei, now())
    if iccid is None:
        flash(
            _("Modem %(imei)s has no SIM the appliance knows: no credit to ask for.", imei=imei),
            "error",
        )
    else:
        wake_daemon()
        flash(
            _(
                "Credit of SIM %(iccid)s asked for: the answer shows on the card in a few "
                "seconds (the modem asks the network between two sends).",
                iccid=iccid,
            ),
            "ok",
        )
    return redirect(back(url_for("modems.index")), 303)


@bp.route("/modems/<imei>/name", methods=["POST"])
@role_required("admin")
def name(imei: str) -> Any:
    """An admin names the modem and its SIM, or types in the SIM's number (the card's form)."""
    from appliance.naming import BadName, checked_name, checked_number
    from appliance.store.naming import UnknownDevice

    config, store = services().config, services().store
    row = store.modem(imei) if imei.isascii() and imei.isdigit() and len(imei) <= 20 else None
    if row is None:
        abort(404)
    form = request.form
    try:
        modem_name = checked_name(form.get("name", ""), "Modem name")
        sim_changes: dict[str, Any] = {}
        if row.iccid and "sim_name" in form:
            sim_changes["name"] = checked_name(form["sim_name"], "SIM name")
        if row.iccid and "sim_number" in form:
            sim_changes["number"] = checked_number(form["sim_number"], config.region, "SIM number")
    except BadName as exc:
        flash(
            _("Nothing saved. %(field)s %(why)s.", field=exc.field, why=reason_words(exc.why)),
            "error",
        )
        return redirect(back(url_for("modems.index")), 303)
    try:
        store.name_modem(row.imei, modem_name)
        if sim_changes:
            store.name_sim(row.iccid, **sim_changes)
    except UnknownDevice as exc:
        flash(reason_words(str(exc)), "error")
        return redirect(back(url_for("modems.index")), 303)
    flash(_("Modem %(name)s saved.", name=modem_name or row.imei), "ok")
    return redirect(back(url_for("modems.index")), 303)
