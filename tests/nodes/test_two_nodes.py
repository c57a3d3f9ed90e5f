"""Two ``smsrelay serve`` on one PostgreSQL (issue 15), for real: messages queued on node A are
sent by both nodes, each once; a node killed mid-run leaves its in-flight messages ``unknown``
(those it had only claimed ahead of a send go back to the queue) and the other finishes; a
database restarted mid-run loses nothing and both resume; a second node under a taken name or
data folder is refused in words.

Small sizes (tens of messages at the simulators' 100x pace) keep ``make test`` fast; the issue's
2,000 messages at a real send time are bench/nodes.py's.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from appliance.store.schema import Status
from tests.chaos.serving import MARK, REPO, poll
from tests.pg import restart_cluster

MODEMS = 4


def _index(message) -> int:
    return int(MARK.search(message.text).group(1))


def _sent_once(site, total: int, allowed_unknown: set[int] = frozenset()) -> Counter:
    """Every message settled, each part on air at most once; a sent one's parts once each.
    Returns the messages by the node that settled them."""
    parts = site.parts()
    messages = site.store.messages(limit=total + 10)
    assert len(messages) == total, "a message was lost"
    twice = [i for i, p in parts.items() if any(n > 1 for n in p.values())]
    assert not twice, f"parts on air twice: {twice}"
    nodes: Counter = Counter()
    for message in messages:
        if message.status in (Status.SENT, Status.DELIVERED):
            assert len(parts.get(_index(message), {})) == message.parts, message
        else:
            assert message.status == Status.UNKNOWN and message.id in allowed_unknown, (
                message.id, message.status, message.reason)  # fmt: skip
        nodes[message.node] += 1
    return nodes


def test_two_nodes_share_the_queue_and_send_each_message_once(postgresql_server, site_factory):
    site = site_factory(postgresql_server, modems=MODEMS, send_delay=5.0)
    a, b = site.nodes["pi-a"].start(), site.nodes["pi-b"].start()
    site.wait_ready(MODEMS)
    total = 60
    site.queue_on("pi-a", total)  # as `smsrelay send` on node A would: B hears of it too
    poll(a.serve, site.settled, 60, "every message settled")
    nodes = _sent_once(site, total)
    assert nodes["pi-a"] > 0 and nodes["pi-b"] > 0, nodes  # both nodes busy
    assert a.on_air() > 0 and b.on_air() > 0
    assert a.on_air() + b.on_air() == sum(m.parts for m in site.store.messages(limit=total))
    site.stop()
    status = site.store.nodes()
    assert {n.name for n in status} == {"pi-a", "pi-b"}
    assert all(n.stopped_at is not None for n in status)


def test_a_node_killed_mid_run_leaves_its_sends_unknown_and_the_other_finishes(
    postgresql_server, site_factory
):
    site = site_factory(postgresql_server, modems=MODEMS, send_delay=20.0)  # 0.2 s a part
    a, b = site.nodes["pi-a"].start(), site.nodes["pi-b"].start()
    site.wait_ready(MODEMS)
    total = 80
    site.queue_on("pi-a", total)

    def b_is_sending() -> bool:
        return b.on_air() >= 4 and any(
            m.status == Status.SENDING and m.node == "pi-b"
            for m in site.store.messages(status=Status.SENDING, limit=20)
        )

    poll(b.serve, b_is_sending, 30, "node B busy")
    b.serve.kill()
    left = [m for m in site.store.messages(status=Status.SENDING, limit=20) if m.node == "pi-b"]
    in_flight = {m.id for m in left if m.sending_at is not None}  # handed over: maybe on air
    ahead = {m.id for m in left if m.sending_at is None}  # claimed ahead only: never left
    assert in_flight
    poll(a.serve, site.settled, 60, "node A to finish and settle B's claims")
    _sent_once(site, total, allowed_unknown=in_flight)
    for message in site.store.messages(limit=total):
        if message.id in in_flight:
            assert message.status == Status.UNKNOWN
            assert "node pi-b stopped renewing its claim" in message.reason
        if message.id in ahead:  # B's sweep gave it back; A sent it
            assert message.status in (Status.SENT, Status.DELIVERED) and message.node == "pi-a"
            assert message.attempts == 1
    # the panel and `smsrelay status` of node A show B's modems as not running
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "status", "--config", str(a.config_path)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "node pi-b on" in result.stdout and "not running" in result.stdout
    assert "pi-a         " in result.stdout
    site.stop()


def test_the_database_restarted_mid_run_loses_nothing_and_both_nodes_resume(
    own_postgresql_server, site_factory
):
    site = site_factory(own_postgresql_server, modems=MODEMS, send_delay=10.0)
    a, b = site.nodes["pi-a"].start(), site.nodes["pi-b"].start()
    site.wait_ready(MODEMS)
    total = 80
    site.queue_on("pi-a", total)
    poll(a.serve, lambda: a.on_air() + b.on_air() >= 16, 30, "sends under way")
    restart_cluster(own_postgresql_server)
    before = (a.on_air(), b.on_air())
    poll(a.serve, site.settled, 90, "every message settled after the restart")
    # both resumed: each put more on air after the restart, and nothing was lost or sent twice
    assert a.on_air() > before[0] and b.on_air() > before[1], (before, a.on_air(), b.on_air())
    nodes = _sent_once(site, total, allowed_unknown=_unknown_by_restart(site, total))
    assert nodes["pi-a"] > 0 and nodes["pi-b"] > 0
    assert a.serve.alive() and b.serve.alive()
    assert "the database cannot be reached" in a.serve.output() + b.serve.output()
    site.stop()


def _unknown_by_restart(site, total: int) -> set[int]:
    """A claim whose commit went through as the server stopped, its answer lost: the node
    cannot know it has it, so it is settled ``unknown`` after its lease (never sent twice)."""
    return {
        m.id
        for m in site.store.messages(limit=total)
        if m.status == Status.UNKNOWN and "stopped renewing its claim" in (m.reason or "")
    }


def test_a_second_node_under_a_taken_name_or_data_folder_is_refused_in_words(
    postgresql_server, site_factory, tmp_path
):
    site = site_factory(postgresql_server, modems=1)
    a = site.nodes["pi-a"].start()
    poll(a.serve, a.serve.serving, 60, "node A serving")
    text = a.config_path.read_text(encoding="utf-8")
    same_name = tmp_path / "same-name.toml"  # its own data folder, node A's name
    same_name.write_text(text.replace("/pi-a/data", "/other/data"), encoding="utf-8")
    same_folder = tmp_path / "same-folder.toml"  # node A's data folder, a name of its own
    same_folder.write_text(text.replace('name = "pi-a"', 'name = "pi-c"'), encoding="utf-8")
    for config, words in [
        (same_name, "node 'pi-a' is already running on this machine"),
        (same_folder, "another smsrelay serve already uses the data folder"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "appliance", "serve", "--config", str(config),
             "--bind", "127.0.0.1:0"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr[-2000:]
        assert words in result.stderr
        assert "Traceback" not in result.stderr
    assert a.serve.alive()
    site.stop()
