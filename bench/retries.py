"""Transient errors must not leave the modems idle (issue 9): efficiency with refused sends.

The scenario of the issue, run as a user would (``batch.py``: a real daemon on simulated modems
in another process, 0.5 s per send at time scale 1.0): a batch of messages, and every send refused
with ``+CMS ERROR`` 38 or 500 with probability 0.2. Efficiency is what the issue measured:

    efficiency = delivered messages per second / the modems' ideal rate (modems / send_delay)
               = messages x send_delay / modems / span

The span is taken on the wire, where the truth is: from the first ``AT+CMGS=`` any simulator
received to the last ``OK`` after a ``+CMGS:`` answer (the store keeps only the last attempt's
claim time of a message, which would start the clock late when the first sends are refused).

With one send in five refused, 0.8 is the ceiling: a refused send takes the modem as long as an
accepted one. Each case also prints the ceiling of *its own* draws (messages / sends) and the
round ceiling: sends take a fixed time here, so N modems need at least ceil(sends / N) rounds of
0.5 s (with 40 messages on 8 modems, that alone caps the efficiency near 0.71), and the share of
the run the modems spent on the air (busy), which is what our side controls.

The longest idle gap is measured on the wire, per modem: from the answer (``OK`` or ``+CMS
ERROR``) of one send to the next ``AT+CMGS=``, among gaps that end in a send, i.e. a modem that
sat idle while a message it then took was waiting. The issue asks for none over 60 s.

Where each modem's time went (``wire_time.py``): on the air, the simulator's line timing, the
gaps between sends (our side), pauses, the head and the tail (the last round). So each shortfall
is either arithmetic (the ceilings: the draws and the rounds are the simulator's) or ours (gaps,
pauses), and efficiency / ceiling says how much of what the run allowed we reached. A case runs
several seeds of the simulators' draws: ``--seeds`` for batches up to 100 messages (40 messages
swing with the draws), ``--big-seeds`` for larger ones, with their mean and minimum.

Then one SIM that refuses every send among four healthy ones: the efficiency of the four
healthy ones (messages x send_delay / 4 / span) against the same four alone, with no fault.

    .venv/bin/python bench/retries.py [--modems 1,4,8] [--messages 40,400] [--send-delay 0.5]
                                      [--seeds 0,1,2,3,4] [--big-seeds 0] [--skip-bad-sim]
                                      [--json]
"""

from __future__ import annotations

import argparse
import itertools
import math
from typing import Any

from batch import run_batch
from figures import Figure, Report
from wire_time import breakdown

FAIL_RATE = 0.2
FAIL_CODES = [38, 500]


def span(fleet: Any, modems: range | None = None) -> float:
    """First ``AT+CMGS=`` to last accepted answer, on the wire (seconds)."""
    which = modems or range(fleet.count)
    first = min(min(fleet.started[i]) for i in which if fleet.started[i])
    last = max(max(fleet.answered[i]) for i in which if fleet.answered[i])
    return last - first


def longest_idle(fleet: Any) -> float:
    """The longest time a modem sat idle before taking its next send (seconds, on the wire)."""
    longest = 0.0
    for index in range(fleet.count):
        ends = sorted(fleet.answered[index] + fleet.refused[index])
        for start in fleet.started[index]:
            before = [end for end in ends if end <= start]
            if before:
                longest = max(longest, start - before[-1])
    return longest


def check_once(rows: list[Any], fleet: Any, messages: int) -> None:
    """Every message accepted by a simulator exactly once: no loss, no duplicate."""
    accepted = fleet.answered_total()
    statuses = {str(r.status) for r in rows}
    if accepted != messages or len(rows) != messages or not statuses <= {"sent", "delivered"}:
        raise RuntimeError(f"{accepted} accepted for {messages} messages; statuses {statuses}")


def errors_case(modems: int, messages: int, send_delay: float, seed: int) -> dict[str, Any]:
    batch = run_batch(
        modems,
        messages,
        send_delay,
        seed=seed,
        report_delay=1e6,  # no delivery reports: the scenario measures sends alone
        fail_rate=FAIL_RATE,
        fail_codes=FAIL_CODES,
    )
    check_once(batch.rows, batch.fleet, messages)
    sends = sum(r.attempts for r in batch.rows)
    refused = sum(len(times) for times in batch.fleet.refused)
    measured = span(batch.fleet)
    ideal = messages * send_delay / modems
    rounds = math.ceil(sends / modems)
    ceiling = ideal / (rounds * send_delay)  # never above the draw ceiling
    return {
        "modems": modems,
        "messages": messages,
        "sends": sends,
        "refused": refused,
        "measured_s": measured,
        "efficiency": ideal / measured,
        "draw_ceiling": messages / sends,
        "round_ceiling": ceiling,
        "of_ceiling": ideal / measured / ceiling,
        "busy": sends * send_delay / modems / measured,
        "longest_idle_s": longest_idle(batch.fleet),
        "max_attempts": max(r.attempts for r in batch.rows),
        "wire": breakdown(batch.fleet, send_delay),
    }


def bad_sim_case(messages: int, send_delay: float) -> dict[str, Any]:
    healthy = 4
    base = run_batch(healthy, messages, send_delay, report_delay=1e6)
    check_once(base.rows, base.fleet, messages)
    bad = run_batch(
        healthy + 1,
        messages,
        send_delay,
        report_delay=1e6,
        per_modem=[{"fail_rate": 1.0, "fail_codes": FAIL_CODES}],
    )
    check_once(bad.rows, bad.fleet, messages)
    ideal = messages * send_delay / healthy
    alone = ideal / span(base.fleet)
    beside = ideal / span(bad.fleet, range(1, healthy + 1))  # modem 0 is the bad SIM
    return {
        "messages": messages,
        "alone": alone,
        "beside_bad_sim": beside,
        "cost": 1 - beside / alone,
        "bad_sim_tries": len(bad.fleet.refused[0]),
        "longest_idle_s": longest_idle(bad.fleet),
    }


HEADER = (
    "seed  modems  messages  sends  efficiency  draw ceil  round ceil  of ceil  "
    "gaps   pauses  line   head   tail   gap ms ok/refused  longest idle"
)


def case_line(case: dict[str, Any]) -> str:
    wire = case["wire"]
    return (
        f"{case['seed']:>4}  {case['modems']:>6}  {case['messages']:>8}  {case['sends']:>5}  "
        f"{case['efficiency']:>10.3f}  {case['draw_ceiling']:>9.3f}  "
        f"{case['round_ceiling']:>10.3f}  {case['of_ceiling']:>7.3f}  "
        f"{wire['gaps']:>5.1%}  {wire['pauses']:>6.1%}  {wire['line']:>4.1%}  "
        f"{wire['head']:>5.1%}  {wire['tail']:>5.1%}  "
        f"{wire['gap_ms_after_ok']:>6.1f} / {wire['gap_ms_after_refusal']:>5.1f}     "
        f"{case['longest_idle_s']:>8.3f} s"
    )


def summary_line(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean and minimum over the seeds of one case, with the mean ceiling."""
    efficiency = [c["efficiency"] for c in runs]
    return {
        "modems": runs[0]["modems"],
        "messages": runs[0]["messages"],
        "seeds": [c["seed"] for c in runs],
        "mean": sum(efficiency) / len(efficiency),
        "min": min(efficiency),
        "mean_ceiling": sum(c["round_ceiling"] for c in runs) / len(runs),
        "mean_of_ceiling": sum(c["of_ceiling"] for c in runs) / len(runs),
        "min_of_ceiling": min(c["of_ceiling"] for c in runs),
        "met": sum(e >= 0.75 for e in efficiency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", default="1,4,8", help="comma-separated fleet sizes")
    parser.add_argument("--messages", default="40,400", help="comma-separated batch sizes")
    parser.add_argument("--send-delay", type=float, default=0.5, help="real seconds per send")
    parser.add_argument("--skip-bad-sim", action="store_true", help="only the 20 %% cases")
    parser.add_argument(
        "--seeds", default="0,1,2,3,4", help="seeds of the fault draws, batches up to 100"
    )
    parser.add_argument("--big-seeds", default="0", help="seeds for batches over 100 messages")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    sizes = [int(n) for n in args.modems.split(",") if n.strip()]
    batches = [int(n) for n in args.messages.split(",") if n.strip()]

    def seeds_of(messages: int) -> list[int]:
        listed = args.seeds if messages <= 100 else args.big_seeds
        return [int(n) for n in listed.split(",") if n.strip()]

    report = Report(
        "retries",
        f"efficiency with {FAIL_RATE:.0%} of sends refused (CMS {FAIL_CODES}), "
        f"{args.send_delay:g} s sends at time scale 1.0",
    )
    report.say("efficiency = messages x send_delay / modems / span (first AT+CMGS= to last OK)")
    report.say("of ceil = efficiency / round ceiling; gaps ... tail: shares of each modem's span")
    report.say(HEADER)
    cases: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for messages, modems in itertools.product(batches, sizes):
        runs = []
        for seed in seeds_of(messages):
            case = errors_case(modems, messages, args.send_delay, seed)
            case["seed"] = seed
            runs.append(case)
            report.say(case_line(case))
            tag = f"{modems} modem{'s' if modems > 1 else ''}, {messages} msgs, seed {seed}"
            report.add(Figure(f"efficiency, {tag}", case["efficiency"], "", 0.75, ">="))
            report.add(Figure(f"longest idle, {tag}", case["longest_idle_s"], "s", 60.0))
        cases.extend(runs)
        summaries.append(summary_line(runs))
    report.say("")
    report.say("modems  messages  seeds  mean eff  min eff  mean ceiling  of ceil mean/min  >=0.75")
    for row in summaries:
        report.say(
            f"{row['modems']:>6}  {row['messages']:>8}  {len(row['seeds']):>5}  "
            f"{row['mean']:>8.3f}  {row['min']:>7.3f}  {row['mean_ceiling']:>12.3f}  "
            f"{row['mean_of_ceiling']:>8.3f} / {row['min_of_ceiling']:.3f}  "
            f"{row['met']}/{len(row['seeds'])}"
        )
    report.details["cases"] = cases
    report.details["summaries"] = summaries
    if not args.skip_bad_sim:
        report.say("")
        report.say("one SIM refusing every send beside four healthy ones (their efficiency):")
        bad_cases = []
        for messages in batches:
            case = bad_sim_case(messages, args.send_delay)
            bad_cases.append(case)
            report.say(
                f"  {messages} msgs: alone {case['alone']:.3f}, beside the bad SIM "
                f"{case['beside_bad_sim']:.3f} (cost {case['cost']:.1%}); the bad SIM tried "
                f"{case['bad_sim_tries']} sends; longest idle {case['longest_idle_s']:.3f} s"
            )
            report.add(Figure(f"cost of a bad SIM, {messages} msgs", case["cost"] * 100, "%", 5.0))
        report.details["bad_sim"] = bad_cases
    report.emit(args.json)


if __name__ == "__main__":
    main()
