"""The at-most-once rule across a ``kill -9`` of the daemon (DESIGN.md, "Invariants").

The daemon runs as a real process (``python -m appliance serve``) so that killing it is a real
crash: no ``finally``, no last commit, its ports closed by the kernel. The simulated modems run in
*this* process, so they outlive the daemon and keep what they put on air; their air logs are the
truth that the database is checked against.

What must hold after the restart:

- nothing lost: every one of the messages is settled (none left queued or sending);
- nothing sent twice: each text is on air at most once, across all modems;
- every ``sent`` or ``delivered`` message is on air exactly once, and every message that is
  neither (nor ``unknown``) is not on air at all;
- the messages that were ``sending`` and handed over at the kill are ``unknown``: the daemon
  cannot tell whether the network took them, so it does not send them again, including those
  that never reached the air (that is the price of at-most-once, and why ``unknown`` is shown
  to the operator);
- a modem's next message, claimed ahead while its send was on the air but not yet handed over
  (``sending`` without ``sending_at``, ``appliance.worker.ahead``), never left: it goes back to
  the queue and is sent once after the restart, its attempt not counted twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from appliance.clock import SystemClock
from appliance.config import load_config
from appliance.outbox import prepare, submit
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from appliance.store.schema import Status
from modem.sim import start_fleet
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
MODEMS = 3
TOTAL = 300
KILL_AFTER = 100  # messages sent before the kill
SEND_DELAY = 1.0  # simulated seconds per part, so a send is in flight most of the time
SLOW_SEND = 100.0  # around the kill (1 s real): a send is surely in flight, and soon accepted
STUCK_SEND = 100_000.0  # around the kill: the network never answers this modem
NODE = "crash-node"
POLL = 0.02  # seconds between two looks at the database (each look is a short transaction)


@pytest.fixture
def fleet(tmp_path):
    servers = start_fleet(
        MODEMS,
        directory=tmp_path / "sim",
        time_scale=TIME_SCALE,
        send_delay=SEND_DELAY,
        seed=7,
    )
    yield servers
    for server in servers:
        server.stop()


def write_config(folder: Path, ports: list[str]) -> Path:
    modems = "".join(f'\n[[modem]]\nport = "{port}"\n' for port in ports)
    path = folder / "smsrelay.toml"
    path.write_text(
        f"""\
[appliance]
database = "sqlite:///{folder}/smsrelay.db"
data_dir = "{folder}/data"
node = "{NODE}"
timezone = "Europe/Paris"

[discovery]
auto = false

[defaults]
max_per_minute = 100000
daily_limit = false
monthly_limit = false
{modems}""",
        encoding="utf-8",
    )
    return path


class Serve:
    """``smsrelay serve --config FILE`` as a child process, its output in a log file."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "appliance",
                    "serve",
                    "--config",
                    str(config),
                    "--bind",
                    "127.0.0.1:0",  # the panel, on any free port
                ],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(timeout=10)


def poll(serve: Serve, predicate, timeout: float, what: str):
    """Like ``wait_until``, but fails at once (with the daemon's log) if the daemon died."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if not serve.alive():
            pytest.fail(f"the daemon exited ({serve.proc.returncode}):\n{serve.output()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"timed out after {timeout} s waiting for {what}:\n{serve.output()[-3000:]}"
            )
        time.sleep(POLL)


def on_air(fleet) -> Counter:
    texts: Counter = Counter()
    for server in fleet:
        texts.update(server.call(lambda m, now: [a.text for a in m.air]))
    return texts


def set_send_delay(server, seconds: float) -> None:
    server.call(lambda m, now: setattr(m.faults, "send_delay", seconds))


def test_kill_9_mid_run_loses_nothing_and_sends_nothing_twice(tmp_path, fleet):
    config_path = write_config(tmp_path, [server.link for server in fleet])
    config = load_config(config_path)
    engine = create_engine_for(config.database)
    migrate(engine)
    store = Store(engine)
    clock = SystemClock()
    for i in range(TOTAL):
        now = clock.now()
        submit(store, config, prepare(config, to="+33612345678", text=f"rappel {i}", now=now), now)
    imeis = [server.call(lambda m, now: m.imei) for server in fleet]
    *accepting, stuck = fleet

    def sent() -> int:
        counts = store.counts()
        return counts["sent"] + counts["delivered"]

    first = Serve(config_path, tmp_path / "serve-1.log")
    try:
        poll(first, lambda: sent() >= KILL_AFTER, 60, f"{KILL_AFTER} messages sent")
        # Make the moment of the kill certain: every modem in the middle of a send. Two will
        # accept theirs after the daemon is gone (on air, the daemon never hears of it); the
        # third is still waiting on the network when the kill comes.
        before = [server.call(lambda m, now: m.pdus_received) for server in fleet]
        for server in accepting:
            set_send_delay(server, SLOW_SEND)
        set_send_delay(stuck, STUCK_SEND)

        def slow_pdu_in_flight(server, count: int) -> bool:
            """A PDU that arrived after the delay changed (so a slow one) awaits the network."""
            return server.call(lambda m, now: m.pdus_received > count and m.awaiting_network)

        def sending_on(imei: str) -> list:
            rows = store.messages(status=Status.SENDING, limit=TOTAL)
            return [m for m in rows if m.modem_imei == imei]

        poll(first, lambda: all(sending_on(imei) for imei in imeis), 30, "a send on every modem")
        poll(
            first,
            lambda: all(map(slow_pdu_in_flight, fleet, before)),
            30,
            "a slow send's PDU on every modem",
        )
        # the stuck modem's next message is claimed ahead while its send waits on the network
        poll(first, lambda: len(sending_on(imeis[-1])) == 2, 30, "a claim ahead on the stuck one")
        os.kill(first.proc.pid, signal.SIGKILL)
        assert first.proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        first.close()

    counts = store.counts()
    assert KILL_AFTER <= counts["sent"] + counts["delivered"] < TOTAL, "killed mid-run"
    in_flight = {m.id: m for m in store.messages(status=Status.SENDING, limit=TOTAL)}
    per_modem = Counter(m.modem_imei for m in in_flight.values())
    assert set(per_modem) <= set(imeis) and max(per_modem.values()) <= 2, "on air, and ahead"
    for message in in_flight.values():
        assert message.node == NODE and message.attempts == 1
    ahead = {i: m for i, m in in_flight.items() if m.sending_at is None}  # never handed over
    handed = {i: m for i, m in in_flight.items() if m.sending_at is not None}
    assert max(Counter(m.modem_imei for m in handed.values()).values()) == 1, "one on the air"
    [never_left] = [m for m in handed.values() if m.modem_imei == imeis[-1]]
    [stuck_ahead] = [m for m in ahead.values() if m.modem_imei == imeis[-1]]
    assert not any(on_air(fleet)[m.text] for m in (never_left, stuck_ahead))
    stuck.call(lambda m, now: m.hang(now, duration=1.0))  # drops the send it was waiting on
    left_after = [m.text for m in handed.values() if m.modem_imei != imeis[-1]]
    wait_until(
        lambda: any(on_air(fleet)[text] for text in left_after),
        10,
        "a send accepted after the kill",
    )
    for server in fleet:
        set_send_delay(server, SEND_DELAY)

    second = Serve(config_path, tmp_path / "serve-2.log")
    try:

        def settled() -> bool:
            now = store.counts()
            return now["queued"] == 0 and now["sending"] == 0

        poll(second, settled, 60, "every message settled after the restart")
        assert "were being sent when smsrelay stopped" in second.output()

        messages = store.messages(limit=TOTAL + 10)
        assert len(messages) == TOTAL, "nothing lost"
        air = on_air(fleet)
        assert set(air) <= {m.text for m in messages}
        twice = [text for text, n in air.items() if n > 1]
        assert not twice, f"sent twice: {twice}"
        statuses = Counter(m.status for m in messages)
        for message in messages:
            if message.status in (Status.SENT, Status.DELIVERED):
                assert air[message.text] == 1, f"message {message.id} is sent but not on air"
            elif message.status != Status.UNKNOWN:
                assert air[message.text] == 0, f"message {message.id} is {message.status} but left"
        unknown = {m.id: m for m in messages if m.status == Status.UNKNOWN}
        assert set(unknown) == set(handed), "exactly the messages handed over became unknown"
        for message in unknown.values():
            assert "daemon stopped during the send" in message.reason
            assert message.attempts == 1, "an unknown message is not sent again"
        assert statuses[Status.SENT] + statuses[Status.DELIVERED] == TOTAL - len(handed)
        # the stuck modem's next, claimed ahead and never handed over: queued again at the
        # restart, then sent once, on its first counted attempt (``appliance.worker.ahead``)
        by_id = {m.id: m for m in messages}
        for message_id in ahead:
            assert by_id[message_id].status in (Status.SENT, Status.DELIVERED)
            assert by_id[message_id].attempts == 1
        assert air[stuck_ahead.text] == 1
        # Both kinds of in-flight message end unknown: the ones the network took after the
        # crash, and the one it never got (at most once: it is not sent again on a guess).
        assert any(air[text] == 1 for text in left_after)
        assert air[never_left.text] == 0 and unknown[never_left.id].status == Status.UNKNOWN

        started = time.monotonic()
        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=10) == 0, second.output()[-3000:]
        assert time.monotonic() - started < 5, "SIGTERM stops the daemon quickly"
    finally:
        second.close()
        engine.dispose()
