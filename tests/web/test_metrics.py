"""``/healthz`` and ``/metrics`` as a load balancer and a Prometheus see them.

The metrics text is checked line by line against the exposition format 0.0.4 (HELP and TYPE
before the samples of a family, label values escaped, histogram buckets cumulative and ending
at ``+Inf`` equal to ``_count``), and its numbers against a store filled through the store's own
operations: enqueue, claim, mark_sent.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import create_engine, event, update
from sqlmodel import col

from appliance.config import Config
from appliance.database_trouble import DatabaseTrouble
from appliance.outbox import prepare
from appliance.store import Claim, Outage, Store
from appliance.store.schema import Message
from tests.web.conftest import T0
from web import metrics, ops

# Users are made with cheap hashes (conftest): these tests are about the API, not scrypt.
pytestmark = pytest.mark.usefixtures("fast_password_hashing")

NUMBER = "+33612345678"
IMEI = "356938035643809"
ICCID = "8933150319000000001"
REMOTE = {"REMOTE_ADDR": "192.168.1.20"}

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL_VALUE = r'"(?:[^"\\\n]|\\\\|\\"|\\n)*"'
_LABELS = (
    rf"\{{(?:[a-zA-Z_][a-zA-Z0-9_]*={_LABEL_VALUE}(?:,[a-zA-Z_][a-zA-Z0-9_]*={_LABEL_VALUE})*)?\}}"
)
_VALUE = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|Inf)|NaN)"
SAMPLE = re.compile(rf"({_NAME})({_LABELS})? ({_VALUE})")
HELP = re.compile(rf"# HELP ({_NAME}) (.*)")
TYPE = re.compile(rf"# TYPE ({_NAME}) (counter|gauge|histogram|summary|untyped)")
LABEL = re.compile(rf"([a-zA-Z_][a-zA-Z0-9_]*)=({_LABEL_VALUE})")


def _unescape(quoted: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), quoted[1:-1])


def parse(text: str) -> dict[str, dict]:
    """A strict reader of format 0.0.4: {family: {"type", "help", "samples": [(name, labels,
    value)]}}; any line out of grammar or order fails the test."""
    assert text.endswith("\n")
    families: dict[str, dict] = {}
    current = None
    for line in text[:-1].split("\n"):
        if match := HELP.fullmatch(line):
            assert match.group(1) not in families, f"family {match.group(1)} twice"
            current = families[match.group(1)] = {"help": match.group(2), "samples": []}
        elif match := TYPE.fullmatch(line):
            assert current is not None and families.get(match.group(1)) is current
            current["type"] = match.group(2)
        else:
            match = SAMPLE.fullmatch(line)
            assert match, f"not a sample line: {line!r}"
            name, labels, value = match.groups()
            family = name
            if current and current.get("type") == "histogram":
                family = re.sub(r"_(bucket|sum|count)$", "", name)
            assert family in families and families[family] is current, f"{name} out of place"
            pairs = {k: _unescape(v) for k, v in LABEL.findall(labels or "")}
            current["samples"].append((name, pairs, float(value)))
    return families


def value(families, name: str, **labels) -> float:
    family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in families else name
    found = [v for n, ls, v in families[family]["samples"] if n == name and ls == labels]
    assert len(found) == 1, (name, labels, families[family]["samples"])
    return found[0]


def scrape(client) -> dict[str, dict]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(response.get_data(as_text=True))


def enqueue(store: Store, config: Config, now, **options):
    return store.enqueue(prepare(config, to=NUMBER, text="x", now=now, **options), now)


def claim(store: Store, now):
    claim = Claim(IMEI, ICCID, None, "test-node", 100, False, False)
    return store.claim(claim, now)


def send(store: Store, config: Config, started, seconds: float):
    message = enqueue(store, config, started)
    assert claim(store, started).id == message.id
    done = started + timedelta(seconds=seconds)
    store.mark_sent(message.id, [1], 1, ICCID, done, "2026-11-23", "2026-11")
    return message


# --- /healthz ----------------------------------------------------------------------------------


def test_healthz(client, store, admin):
    store.upsert_modem(IMEI, state="ready")
    store.upsert_modem("867584030000000", state="searching")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "modems_ready": 1}
    assert response.headers["Cache-Control"] == "no-store"


def unreachable(app, monkeypatch):
    """Point the app at a database file that cannot be opened: every query fails for real."""
    store = Store(create_engine("sqlite:////nonexistent/directory/smsrelay.db"))
    services = dataclasses.replace(app.extensions["smsrelay"], store=store)
    monkeypatch.setitem(app.extensions, "smsrelay", services)


def test_healthz_is_503_when_the_database_does_not_answer(app, monkeypatch):
    unreachable(app, monkeypatch)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "unavailable",
        "modems_ready": None,
    }


def test_healthz_is_503_when_the_database_refuses_writes(client, config, store, admin):
    """A full disk: the database reads, no write commits; the daemon's note says so (and so
    for a database the daemon cannot reach, though the panel's read passed)."""
    store.upsert_modem(IMEI, state="ready")
    config.data_dir.mkdir(parents=True, exist_ok=True)  # made by the daemon
    trouble = DatabaseTrouble(config.data_dir)
    trouble.met(Outage("refuses writes", "the disk is full (database or disk is full)"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "refuses writes",
        "modems_ready": 1,
    }
    trouble.passed()
    assert client.get("/healthz").status_code == 200
    trouble.met(Outage("unavailable", "the database cannot be reached (connection refused)"))
    assert client.get("/healthz").get_json()["database"] == "unavailable"  # the daemon's word
    trouble.passed("unavailable")  # a read answered
    assert client.get("/healthz").status_code == 200
    trouble.close()


def test_ops_routes_answer_json_for_a_wrong_method(client, admin):
    response = client.post("/healthz")
    assert (response.status_code, response.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
    assert "error" in response.get_json()


# --- /metrics: access ----------------------------------------------------------------------------


def test_metrics_need_no_token_on_the_loopback(client, admin):
    for address in ("127.0.0.1", "::1", "127.0.0.53"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 200


def test_metrics_need_a_token_from_elsewhere(client, auth, admin):
    response = client.get("/metrics", environ_base=REMOTE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer smr_wrong"}
    assert client.get("/metrics", environ_base=REMOTE, headers=wrong).status_code == 401
    assert client.get("/metrics", environ_base=REMOTE, headers=auth).status_code == 200


def test_metrics_are_503_when_the_database_does_not_answer(app, monkeypatch):
    unreachable(app, monkeypatch)
    response = app.test_client().get("/metrics")
    assert response.status_code == 503
    assert "nonexistent" not in response.get_data(as_text=True)


# --- /metrics: the numbers -----------------------------------------------------------------------


def test_an_empty_appliance(client):
    families = scrape(client)
    assert {name: f["type"] for name, f in families.items()} == {
        "smsrelay_messages": "gauge",
        "smsrelay_queue_depth": "gauge",
        "smsrelay_modem_signal_dbm": "gauge",
        "smsrelay_modem_state": "gauge",
        "smsrelay_modem_sent_today": "gauge",
        "smsrelay_sim_credit": "gauge",
        "smsrelay_sim_credit_low": "gauge",
        "smsrelay_send_seconds": "histogram",
    }
    assert value(families, "smsrelay_messages", status="queued") == 0
    assert value(families, "smsrelay_queue_depth") == 0
    assert value(families, "smsrelay_send_seconds_count") == 0
    assert value(families, "smsrelay_send_seconds_bucket", le="+Inf") == 0


def test_messages_and_queue(client, store, config, clock):
    now = clock.now()
    enqueue(store, config, now)
    enqueue(store, config, now)
    enqueue(store, config, now, send_at="+1d")  # scheduled: queued, but not backlog
    cancelled = enqueue(store, config, now)
    store.cancel(cancelled.id, now)
    claim(store, now)
    families = scrape(client)
    assert value(families, "smsrelay_messages", status="queued") == 2
    assert value(families, "smsrelay_messages", status="sending") == 1
    assert value(families, "smsrelay_messages", status="cancelled") == 1
    assert value(families, "smsrelay_messages", status="sent") == 0
    assert value(families, "smsrelay_queue_depth") == 1


def test_modems(client, store):
    store.upsert_modem(IMEI, state="ready", iccid=ICCID, signal_dbm=-71)
    store.upsert_sim(ICCID, day="2026-11-23", sent_day=9)
    store.upsert_modem("867584030000000", state="no-sim")
    families = scrape(client)
    assert value(families, "smsrelay_modem_signal_dbm", imei=IMEI) == -71
    assert len(families["smsrelay_modem_signal_dbm"]["samples"]) == 1  # unknown: absent
    assert value(families, "smsrelay_modem_sent_today", imei=IMEI) == 9
    assert value(families, "smsrelay_modem_sent_today", imei="867584030000000") == 0
    states = {
        (labels["imei"], labels["state"]): v
        for _, labels, v in families["smsrelay_modem_state"]["samples"]
    }
    assert len(states) == 2 * 9
    assert {key for key, v in states.items() if v == 1} == {
        (IMEI, "ready"),
        ("867584030000000", "no-sim"),
    }


def test_send_latency_histogram(client, store, config, clock):
    durations = [0.3, 0.5, 1.5, 7.0, 45.0, 100.0]
    for seconds in durations:
        send(store, config, clock.now() - timedelta(minutes=10), seconds)
    send(store, config, clock.now() - timedelta(days=2), 3.0)  # outside the 24 h window
    families = scrape(client)
    expected = {"0.5": 2, "1.0": 2, "2.0": 3, "5.0": 3, "10.0": 4, "30.0": 4, "60.0": 5, "+Inf": 6}
    buckets = {
        labels["le"]: v
        for name, labels, v in families["smsrelay_send_seconds"]["samples"]
        if name.endswith("_bucket")
    }
    assert buckets == expected
    assert list(buckets) == list(expected)  # in order of their bounds
    assert value(families, "smsrelay_send_seconds_count") == 6
    assert value(families, "smsrelay_send_seconds_sum") == pytest.approx(sum(durations))
    assert value(families, "smsrelay_messages", status="sent") == 7


def test_a_strange_label_value_cannot_break_the_format(client, store):
    odd = 'a"b\\c\nd} 1\nsmsrelay_forged 1'
    store.upsert_modem(odd, state="ready", signal_dbm=-80)
    families = scrape(client)
    assert "smsrelay_forged" not in families
    assert value(families, "smsrelay_modem_signal_dbm", imei=odd) == -80


# --- the exposition format, without Flask --------------------------------------------------------
# prometheus_client writes the text (issue 10): these check that what ``web.metrics`` hands it comes
# out escaped, numbered and ordered as the format wants, read back through ``parse``.


class Fixed:
    """A collector of the given families, so a test renders exactly them."""

    def __init__(self, *families) -> None:
        self.families = families

    def collect(self):
        return iter(self.families)


def render(*families) -> str:
    registry = CollectorRegistry()
    registry.register(Fixed(*families))
    return generate_latest(registry).decode()


def test_escaping():
    family = GaugeMetricFamily("y", "two\nlines \\ here", labels=["k"])
    family.add_metric(['a"b\\c\nd'], 1)
    text = render(family)
    assert "# HELP y two\\nlines \\\\ here\n" in text
    assert 'y{k="a\\"b\\\\c\\nd"} ' in text
    assert parse(text)["y"]["samples"][0][1] == {"k": 'a"b\\c\nd'}


@pytest.mark.parametrize(
    ("number", "text"),
    [  # as prometheus_client writes them: a whole number with ".0" (the format reads both)
        (3, "3.0"),
        (-71, "-71.0"),
        (0.25, "0.25"),
        (1e20, "1e+20"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
        (True, "1.0"),
    ],
)
def test_values(number, text):
    written = render(GaugeMetricFamily("v", "V.", value=number))
    assert written.endswith(f"\nv {text}\n")
    (read,) = [v for _, _, v in parse(written)["v"]["samples"]]
    assert read == number or (math.isnan(read) and math.isnan(number))


def test_render_and_histogram():
    family = metrics.histogram(
        "x_seconds", "Help\nwith a line end.", [0.1, 2.0, 2.0, 99.0], (1, 2.0)
    )
    gauge = GaugeMetricFamily("y", "Y.", labels=["k"])
    gauge.add_metric(["v"], 1)
    text = render(family, gauge)
    assert text == (  # prometheus_client writes _count before _sum, and numbers as floats
        "# HELP x_seconds Help\\nwith a line end.\n"
        "# TYPE x_seconds histogram\n"
        'x_seconds_bucket{le="1.0"} 1.0\n'
        'x_seconds_bucket{le="2.0"} 3.0\n'
        'x_seconds_bucket{le="+Inf"} 4.0\n'
        "x_seconds_count 4.0\n"
        "x_seconds_sum 103.1\n"
        "# HELP y Y.\n"
        "# TYPE y gauge\n"
        'y{k="v"} 1.0\n'
    )
    parse(text)


def test_an_empty_histogram():
    samples = metrics.histogram("x", "X.", [], (0.5,)).samples
    assert [(s.name.removeprefix("x"), s.value) for s in samples] == [
        ("_bucket", 0),
        ("_bucket", 0),
        ("_count", 0),
        ("_sum", 0),
    ]


def test_t0_is_the_scrape_time(client, store, config):
    """The window is measured from the injected clock, not the wall clock."""
    send(store, config, T0 - timedelta(hours=23, minutes=59), 1.0)
    assert value(scrape(client), "smsrelay_send_seconds_count") == 1


# --- at scale: the counts come from appliance.store.tally (issue 4) ------------------------------


def test_message_counts_stay_exact_between_scrapes(client, store, config, clock):
    """The second scrape answers from the first one's snapshot plus what moved since."""
    now = clock.now()
    first = enqueue(store, config, now)
    send(store, config, now - timedelta(minutes=5), 2.0)
    scrape(client)
    enqueue(store, config, now)
    assert claim(store, now).id == first.id
    store.mark_failed(first.id, "+CMS ERROR: 1", now)
    store.cancel(enqueue(store, config, now).id, now)
    families = scrape(client)
    for status, n in store.counts().items():
        assert value(families, "smsrelay_messages", status=status) == n, status
    assert value(families, "smsrelay_messages", status="failed") == 1


def test_the_latency_window_holds_every_message_sent_in_it_however_long_it_waited(
    client, store, config, clock
):
    """A message scheduled nine days ahead and sent just now is in the window: the histogram
    reads ``sent_at`` through its index (revision 0005), not a week of ``created_at``."""
    send(store, config, clock.now() - timedelta(minutes=10), 1.0)
    late = send(store, config, clock.now() - timedelta(days=9), 1.0)
    with store.session() as session:  # scheduled 9 days ahead: claimed and sent just now
        session.execute(
            update(Message)
            .where(col(Message.id) == late.id)
            .values(
                sending_at=clock.now() - timedelta(minutes=1),
                sent_at=clock.now() - timedelta(seconds=59),
            )
        )
        session.commit()
    families = scrape(client)
    assert value(families, "smsrelay_send_seconds_count") == 2
    assert value(families, "smsrelay_send_seconds_sum") == pytest.approx(2.0)


def test_the_latency_window_is_read_through_the_sent_at_index(store, clock):
    """SQLite's plan for the histogram's query searches ``ix_message_sent_at``: a scrape at a
    million messages reads the window, not the table."""
    statements: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        store.send_durations(clock.now() - ops.LATENCY_WINDOW)
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
    (query,) = [s for s in statements if "sent_at" in s]
    with store.engine.connect() as connection:
        since = clock.now().replace(tzinfo=None).isoformat(sep=" ")
        plan = " ".join(
            str(row[-1])
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", (since,))
        )
    assert "ix_message_sent_at" in plan, plan
