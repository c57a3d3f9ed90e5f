"""What a node does while its database cannot be reached (issue 15, docs/several-nodes.md):
it keeps the outcome of the sends under way and writes it once the database is back; it takes
no new message, and ``smsrelay send`` refuses in words; and it resumes on its own."""

from __future__ import annotations

import subprocess
import sys
import time

from appliance.store.schema import Status
from tests.chaos.serving import REPO, networks_idle, poll
from tests.pg import start_cluster, stop_cluster


def test_a_node_keeps_its_sends_refuses_new_work_and_resumes_when_the_database_is_back(
    own_postgresql_server, site_factory
):
    site = site_factory(own_postgresql_server, modems=2, names=("pi-a",), send_delay=150.0)
    (a,) = site.nodes.values()
    a.start()
    site.wait_ready(2)
    site.queue_on("pi-a", 4)  # 1.5 s a part: two go at once, two wait
    sending = lambda: len(site.store.messages(status=Status.SENDING, limit=10))  # noqa: E731
    poll(a.serve, lambda: sending() == 2, 30, "two sends under way")
    in_flight = {m.id for m in site.store.messages(status=Status.SENDING, limit=10)}
    site.store.engine.dispose()
    stop_cluster(own_postgresql_server)
    try:
        refused = subprocess.run(
            [sys.executable, "-m", "appliance", "send", "--config", str(a.config_path),
             "+33612345678", "pendant la coupure"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert refused.returncode == 1, refused.stderr
        assert "error:" in refused.stderr and "Traceback" not in refused.stderr
        # the sends under way end on the modems while the database is away
        poll(a.serve, lambda: networks_idle(a.fleet) and a.on_air() >= 2, 30, "sends done")
        time.sleep(1.0)  # a lease (2 s) or so passes with the database away
        assert a.serve.alive()
    finally:
        start_cluster(own_postgresql_server)
    poll(a.serve, site.settled, 60, "every message settled once the database is back")
    messages = {m.id: m for m in site.store.messages(limit=10)}
    assert len(messages) == 4
    assert all(m.status in (Status.SENT, Status.DELIVERED) for m in messages.values()), [
        (m.id, m.status, m.reason) for m in messages.values()
    ]
    assert all(n == 1 for p in site.parts().values() for n in p.values())  # each part once
    assert in_flight <= set(messages)
    output = a.serve.output()
    assert "the database cannot be reached" in output
    assert "the outcome of message" in output and "is kept and recorded once it passes" in output
    assert "(sent) recorded" in output  # the same loop as a full disk's (database_trouble.kept)
    site.stop()
