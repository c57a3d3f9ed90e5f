"""An inbound burst: N SMS (single and multipart mixed) arrive at once on one simulated modem.

The simulated network holds the burst and hands the modem one part every ``--interval``
seconds of its time; the modem stores each on the SIM and announces it with ``+CMTI``
(AT+CNMI=2,1). The daemon (default tuning, SQLite with ``synchronous=FULL`` in a scratch
folder) reads each (AT+CMGR), commits it, then deletes it (AT+CMGD). The latency of a message
is from the ``+CMTI`` of its last part (the simulator's log, ``FakeModem.announced``) to its
``received_at`` in the store, in real seconds; at a ``--time-scale`` below 1 the modem's own
time on that path (a few output units of AT+CMGR, ``MODEM_PATH``) is added back at real
speed, as ``tests/appliance/test_inbound_burst.py`` does.

The simulator runs in the daemon's process (the burst is injected through its ``call``), so
its thread shares the CPU with the daemon's, as a slow USB-serial adapter's interrupts would.
The run also checks that every message was stored whole and that the SIM is empty at the end.

    .venv/bin/python bench/inbound_burst.py [--messages 100] [--time-scale 1.0] [--interval 0.3]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC

from figures import Figure, Report, summarise
from rig import read_config, scratch, wait_for, write_config

from appliance.daemon import Daemon, Simulation, Tuning
from modem import pdu
from modem.sim.handler import LINE_GAP

MODEM_PATH = 2 * 5 * LINE_GAP  # the modem's time answering AT+CMGR, generously doubled


def burst(count: int, seed: int) -> dict[str, str]:
    """Sender -> text: a third long (GSM-7 or UCS-2 with emoji, 2-3 parts), each number once."""
    rng = random.Random(seed)
    texts = {}
    for i in range(count):
        sender = f"+3361{i:07d}"
        kind = rng.choice(["short", "short", "short", "gsm7-long", "ucs2-long"])
        if kind == "short":
            texts[sender] = f"OUI {i}"
        elif kind == "gsm7-long":
            texts[sender] = f"Réponse {i}: " + "je viendrai à la collecte samedi. " * rng.randint(
                5, 12
            )
        else:
            texts[sender] = f"Merci {i} 🩸 " + "à samedi ❤️ " * rng.randint(7, 12)
    return texts


def run(messages: int, time_scale: float, interval: float, seed: int) -> dict:
    texts = burst(messages, seed)
    parts = sum(pdu.count(text).parts for text in texts.values())
    with scratch("burst") as folder:
        config = read_config(write_config(folder, []))
        simulation = Simulation(
            modems=1, time_scale=time_scale, faults={"inbound_interval": interval}
        )
        daemon = Daemon(config, simulation=simulation, tuning=Tuning()).start()
        try:
            wait_for(lambda: daemon.pool and len(daemon.pool.available()) == 1, 60, "the modem")
            server = daemon.simulators[0]
            started = time.monotonic()
            server.call(lambda m, now: [m.deliver_sms(s, t, now) for s, t in texts.items()])

            def done() -> bool:
                time.sleep(0.05)
                seen, used = server.call(
                    lambda m, now: (len(m.announced), m.store(m.settings.cpms[2]).used)
                )
                return seen == parts and used == 0

            wait_for(done, 60 + parts * interval * time_scale * 3, "the burst read")
            elapsed = time.monotonic() - started
            stored = {row.sender: row for row in daemon.store.inbox(limit=messages * 2)}
            announced = server.call(lambda m, now: list(m.announced))
        finally:
            daemon.stop()
    wrong = sum(1 for sender, text in texts.items() if stored.get(sender) is None
                or stored[sender].text != text)  # fmt: skip
    wall_minus_monotonic = time.time() - time.monotonic()
    last_urc: dict[str, float] = {}
    for entry in announced:
        sender = pdu.decode(entry.pdu).sender
        last_urc[sender] = max(last_urc.get(sender, 0.0), entry.time)
    latencies = []
    for sender, row in stored.items():
        received = (
            row.received_at if row.received_at.tzinfo else row.received_at.replace(tzinfo=UTC)
        )
        urc = server.real_time(last_urc[sender]) + wall_minus_monotonic
        latencies.append(received.timestamp() - urc + MODEM_PATH * (1 - time_scale))
    return {"parts": parts, "elapsed": elapsed, "wrong": wrong, "latencies": latencies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--interval", type=float, default=0.3, help="s between inbound parts")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()

    report = Report("inbound_burst", "a burst of inbound SMS on one modem, +CMTI to stored row")
    result = run(args.messages, args.time_scale, args.interval, args.seed)
    latency = summarise(result["latencies"])
    report.say(
        f"{args.messages} messages in {result['parts']} parts, one part every {args.interval:g} s "
        f"of the modem's time, time scale {args.time_scale:g}: read in {result['elapsed']:.1f} s"
    )
    report.say(f"+CMTI to stored: {latency.line('ms', 1000, 1)}")
    report.add(Figure("latency p50", latency.median * 1000, "ms"))
    report.add(Figure("latency p99", latency.p99 * 1000, "ms"))
    report.add(Figure("latency max", latency.max * 1000, "ms", 1000.0))
    report.add(Figure("messages stored wrong or missing", result["wrong"], "", 0.0))
    report.details["latencies_ms"] = [round(v * 1000, 2) for v in result["latencies"]]
    report.emit(args.json)


if __name__ == "__main__":
    main()
