"""What ``GET /metrics`` reports, as ``prometheus_client`` metric families: no Flask, no SQL.

A scrape is computed at that moment from the database (every node's numbers: they share it), so
the metrics are not counters kept in memory but a custom collector: :class:`StoreCollector` reads
everything it needs through one function (``read``, which returns :class:`Readings`) and turns it
into families, and :func:`exposition` writes them with ``generate_latest`` from a registry of
their own (never the library's global one, whose process and GC metrics are not ours).

The exposition format's escaping (a label value such as an IMEI, a help text) and its number
formatting are the library's. ``generate_latest`` writes the text format 0.0.4, and the answer
says so (``CONTENT_TYPE``), not the ``CONTENT_TYPE_LATEST`` of recent releases (1.0.0).

``smsrelay_send_seconds`` is a histogram over a sliding window (messages sent in the last
``LATENCY_WINDOW``), not an ever-growing counter: read its buckets as they are, don't ``rate()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString

from appliance.states import ModemState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # not CONTENT_TYPE_LATEST: 1.0.0
LATENCY_WINDOW = timedelta(hours=24)
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60)


@dataclass(frozen=True)
class Readings:
    """Everything one scrape reports, read from the store in one go.

    ``modems`` are the rows of ``appliance.views.status`` (``imei``, ``state``, ``signal_dbm``,
    ``sent_today``, ``credit``); ``send_seconds`` the claim-to-sent time of each message sent in
    the window.
    """

    messages: Mapping[str, int]  # by status
    due: int  # queued messages due now: the backlog
    modems: Sequence[Mapping[str, Any]]
    send_seconds: Sequence[float]


def histogram(
    name: str, documentation: str, values: Iterable[float], bounds: Sequence[float]
) -> HistogramMetricFamily:
    """A histogram of ``values``: cumulative buckets for ``bounds`` (then ``+Inf``) and the sum.

    The ``le`` labels are written as the client libraries write them: ``0.5``, ``1.0``, ``+Inf``.
    """
    observed = sorted(values)
    buckets = [
        (floatToGoString(bound), sum(1 for value in observed if value <= bound))
        for bound in (*bounds, math.inf)
    ]
    return HistogramMetricFamily(
        name, documentation, buckets=buckets, sum_value=math.fsum(observed)
    )


def _per_modem(
    name: str, documentation: str, modems: Sequence[Mapping[str, Any]], key: str
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["imei"])
    for modem in modems:
        if modem[key] is not None:
            family.add_metric([modem["imei"]], modem[key])
    return family


def families(readings: Readings) -> Iterator[Metric]:
    """Every metric of a scrape, from what was read."""
    messages = GaugeMetricFamily(
        "smsrelay_messages", "Messages in the store, by status.", labels=["status"]
    )
    for status, count in readings.messages.items():
        messages.add_metric([status], count)
    yield messages
    yield GaugeMetricFamily(
        "smsrelay_queue_depth",
        "Queued messages that are due now (scheduled ones not counted): the backlog.",
        value=readings.due,
    )
    yield _per_modem(
        "smsrelay_modem_signal_dbm",
        "Signal strength of each modem in dBm (absent while unknown).",
        readings.modems,
        "signal_dbm",
    )
    states = GaugeMetricFamily(
        "smsrelay_modem_state",
        "1 for the state each modem is in, 0 for the others.",
        labels=["imei", "state"],
    )
    for modem in readings.modems:
        for state in ModemState:
            states.add_metric([modem["imei"], state.value], int(modem["state"] == state))
    yield states
    yield _per_modem(
        "smsrelay_modem_sent_today",
        "SMS parts sent today (local day) by the SIM in each modem.",
        readings.modems,
        "sent_today",
    )
    yield from credit_families(readings.modems)
    yield histogram(
        "smsrelay_send_seconds",
        "Seconds from taking a message to the network accepting it, over the messages sent "
        "in the last 24 hours (a window, not a counter).",
        readings.send_seconds,
        LATENCY_BUCKETS,
    )


def credit_families(modems: Sequence[Mapping[str, Any]]) -> Iterator[Metric]:
    """The SIMs' credit (issue 13): the amount of the last balance query, labelled with its
    currency (absent while none was read), and the low mark (absent while never queried)."""
    amount = GaugeMetricFamily(
        "smsrelay_sim_credit",
        "Credit of the SIM in each modem, as its last balance query (USSD) read it.",
        labels=["imei", "currency"],
    )
    low = GaugeMetricFamily(
        "smsrelay_sim_credit_low",
        "1 when the credit of the SIM in each modem is below the modem's credit_low.",
        labels=["imei"],
    )
    for modem in modems:
        credit = modem.get("credit")
        if not credit or credit["checked_at"] is None:
            continue
        if credit["amount"] is not None:
            amount.add_metric([modem["imei"], credit["currency"] or ""], credit["amount"])
        low.add_metric([modem["imei"]], int(bool(credit["low"])))
    yield amount
    yield low


class StoreCollector:
    """A ``prometheus_client`` collector that reads the store at each collection."""

    def __init__(self, read: Callable[[], Readings]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        return families(self._read())


def exposition(read: Callable[[], Readings]) -> bytes:
    """The text of a scrape (format 0.0.4); what ``read`` raises (the database) goes through."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(read))
    return generate_latest(registry)
