"""Dispatch efficiency against the ideal, and the gap between two sends on a busy modem.

A daemon (``appliance.daemon.Daemon``, default tuning, SQLite in a scratch folder) drives N
simulated modems whose network takes ``--send-delay`` seconds per part at time scale 1.0, i.e.
real seconds. A batch of single-part messages is queued, all due at the same instant, and the
daemon sends them. With perfect dispatch every modem would be busy sending all the time:

    ideal = messages x send_delay / modems
    efficiency = ideal / measured, measured from the first claim to the last ``sent``
    (the store's ``sending_at`` and ``sent_at``)

The daemon's CPU time per message (all its threads; the simulators are in another process) is
given too: unlike the times, it hardly changes when other programs load the machine, and it
says what a slower CPU (a Raspberry Pi) will have to spend per send.

The gap is measured on the modem's side of the line (see ``observed.py``): from the ``OK`` that
ends one part's ``+CMGS: <mr>`` answer to the next ``AT+CMGS=`` on the same modem. It is the
whole cost of our side between two sends: parsing the answer, the store's commits, the worker
going idle, the dispatcher's wake-up and claim, the next write. The same gap from the store's
timestamps (``sent_at`` to the next ``sending_at`` of the same modem) is given for comparison.

The simulated modems run in a process of their own (``fleet.py``), as real modems are not in
the daemon's process. Every message asks for a delivery report (the product's default), which
the simulated network sends 10 s after the part (``--report-delay``): during a run the workers
handle reports between sends, as on a busy appliance. The messages are queued while the modems
are ready but before they are due, and the daemon is woken once, so the run measures
dispatching, not the enqueueing. Nothing polls the database during a run: completion is
watched on the simulators.

By default each case queues 60 messages per modem (30 s of ideal sending at 0.5 s, about 100 s
for the three cases); ``--messages 1000`` runs the issue's figure (500 s with one modem, 125 s
with four, 62.5 s with eight).

    .venv/bin/python bench/dispatch.py [--modems 1,4,8] [--messages N] [--send-delay 0.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from collections import defaultdict
from typing import Any

from batch import REPORT_DELAY, run_batch
from figures import Figure, Report, summarise
from fleet import Fleet
from observed import gaps, reactions

from appliance.store.schema import Message, Status

PER_MODEM_DEFAULT = 60


def run_case(
    modems: int, messages: int, send_delay: float, profile: str, report_delay: float
) -> dict[str, Any]:
    batch = run_batch(modems, messages, send_delay, profile=profile, report_delay=report_delay)
    case = analyse(batch.rows, batch.fleet, modems, messages, send_delay, batch.enqueue_seconds)
    case["cpu_ms_per_message"] = batch.cpu_seconds * 1000 / messages
    return case


def analyse(
    rows: list[Message],
    fleet: Fleet,
    modems: int,
    messages: int,
    send_delay: float,
    enqueue_seconds: float,
) -> dict[str, Any]:
    statuses = {str(r.status) for r in rows}
    if not statuses <= {Status.SENT, Status.DELIVERED} or any(r.attempts != 1 for r in rows):
        raise RuntimeError(f"not every message was sent once: {statuses}")
    first_claim = min(r.sending_at for r in rows if r.sending_at)
    last_sent = max(r.sent_at for r in rows if r.sent_at)
    measured = (last_sent - first_claim).total_seconds()
    ideal = messages * send_delay / modems

    wire_gaps: list[float] = []
    cycles: list[float] = []
    prompt_reactions: list[float] = []
    for index in range(modems):
        started, answered = fleet.started[index], fleet.answered[index]
        prompted, pdus = fleet.times["prompted"][index], fleet.times["pdu"][index]
        wire_gaps += gaps(answered, started)
        cycles += [end - start for start, end in zip(started, answered, strict=True)]
        prompt_reactions += reactions(prompted, pdus)
    by_modem: dict[str, list[Message]] = defaultdict(list)
    for row in rows:
        by_modem[row.modem_imei or ""].append(row)
    store_gaps: list[float] = []
    for sent in by_modem.values():
        sent.sort(key=lambda r: r.sending_at)
        for before, after in itertools.pairwise(sent):
            store_gaps.append((after.sending_at - before.sent_at).total_seconds())
    wire_span = max(max(times) for times in fleet.answered if times) - min(
        min(times) for times in fleet.started if times
    )
    return {
        "modems": modems,
        "messages": messages,
        "send_delay": send_delay,
        "ideal_s": ideal,
        "measured_s": measured,
        "efficiency": ideal / measured,
        "wire_efficiency": ideal / wire_span,
        "per_modem": sorted(len(v) for v in by_modem.values()),
        "gap": summarise(wire_gaps),
        "store_gap": summarise(store_gaps),
        "cycle": summarise(cycles),
        "prompt_reaction": summarise(prompt_reactions),
        "enqueue_s": enqueue_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", default="1,4,8", help="comma-separated fleet sizes")
    parser.add_argument(
        "--messages",
        type=int,
        default=None,
        help=f"messages per case (default: {PER_MODEM_DEFAULT} per modem)",
    )
    parser.add_argument("--send-delay", type=float, default=0.5, help="real seconds per part")
    parser.add_argument("--profile", default="generic", help="simulated modem profile")
    parser.add_argument(
        "--report-delay",
        type=float,
        default=REPORT_DELAY,
        help="seconds until each delivery report (1e6: none during the run)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    sizes = [int(n) for n in args.modems.split(",") if n.strip()]

    report = Report(
        "dispatch",
        f"dispatch efficiency and inter-send gap, {args.send_delay:g} s sends at time scale 1.0",
    )
    report.say(
        "efficiency = messages x send_delay / modems / (last sent_at - first sending_at); "
        "gap = final OK of +CMGS -> next AT+CMGS= on that modem"
    )
    cases = []
    for modems in sizes:
        messages = args.messages or PER_MODEM_DEFAULT * modems
        case = run_case(modems, messages, args.send_delay, args.profile, args.report_delay)
        cases.append(case)
        gap, store_gap, cycle = case["gap"], case["store_gap"], case["cycle"]
        report.say("")
        report.say(
            f"{modems} modem(s), {messages} messages: ideal {case['ideal_s']:.1f} s, measured "
            f"{case['measured_s']:.2f} s, efficiency {case['efficiency']:.4f} "
            f"(on the wire {case['wire_efficiency']:.4f}); per modem {case['per_modem']}"
        )
        report.say(f"  gap on the wire:   {gap.line('ms', 1000)}")
        report.say(f"  gap in the store:  {store_gap.line('ms', 1000)}")
        report.say(f"  AT+CMGS= to final OK: {cycle.line('ms', 1000)}")
        report.say(f"  of which prompt -> PDU: {case['prompt_reaction'].line('ms', 1000, 2)}")
        report.say(
            f"  the daemon's CPU: {case['cpu_ms_per_message']:.1f} ms per message "
            f"(all its threads, this process; the simulators run in another)"
        )
        report.say(f"  queueing the batch took {case['enqueue_s']:.2f} s (not measured)")
        tag = f"{modems} modem{'s' if modems > 1 else ''}, {messages} msgs"
        report.add(Figure(f"efficiency, {tag}", case["efficiency"], "", 0.97, ">="))
        report.add(Figure(f"gap median, {tag}", gap.median * 1000, "ms", 20.0))
        report.add(Figure(f"gap p99, {tag}", gap.p99 * 1000, "ms", 20.0))
    report.details["cases"] = [
        {
            key: (dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value)
            for key, value in case.items()
        }
        for case in cases
    ]
    report.emit(args.json)


if __name__ == "__main__":
    main()
