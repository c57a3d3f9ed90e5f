"""Where each modem's time went during a run, on the wire (the simulators' own timestamps).

Every modem has the same span to account for, from the first ``AT+CMGS=`` any simulator received
to the last answer of any: the run's span. Each modem's share of it is split into

- **on air**: its sends at their nominal length (``send_delay``), what the network takes;
- **line**: the rest of each send, ``AT+CMGS=`` to its answer, beyond the nominal length (the
  simulator's line timing: the prompt, the PDU's bytes, the answer);
- **gaps**: from one send's answer to the modem's next ``AT+CMGS=`` (our side: the outcome's
  commit, the next claim, the thread hand-overs), short ones apart from **pauses** (over
  ``PAUSE`` seconds: a SIM's breaker, or a modem with nothing it may take);
- **head**: before the modem's first send (the batch reaches the modems one after another);
- **tail**: after its last answer, while another modem still sends (the last round).

The five add up to 1 for each modem; the run's figure is the mean over its modems. The
efficiency is then ``on air`` x ``messages / sends`` (the draw ceiling).
"""

from __future__ import annotations

import itertools
import statistics
from typing import Any

PAUSE = 0.1  # seconds: a gap longer than this is a pause, not the machinery between two sends


def sends_of(fleet: Any, index: int) -> list[tuple[float, float, bool]]:
    """(start, end, refused) of each send of modem ``index``, in order."""
    ends = sorted(
        [(t, False) for t in fleet.answered[index]] + [(t, True) for t in fleet.refused[index]]
    )
    starts = sorted(fleet.started[index])
    sends = []
    for start in starts:
        later = [(end, refused) for end, refused in ends if end >= start]
        if later:
            sends.append((start, *later[0]))
            ends.remove(later[0])
    return sends


def breakdown(fleet: Any, send_delay: float) -> dict[str, float]:
    """The shares of the span (mean over modems) and the gaps' medians, in milliseconds."""
    runs = [sends_of(fleet, i) for i in range(fleet.count)]
    first = min(s[0][0] for s in runs if s)
    last = max(s[-1][1] for s in runs if s)
    span = last - first
    shares = {"on_air": 0.0, "line": 0.0, "gaps": 0.0, "pauses": 0.0, "head": 0.0, "tail": 0.0}
    after_ok: list[float] = []
    after_refusal: list[float] = []
    for sends in runs:
        if not sends:
            shares["tail"] += 1.0
            continue
        air = send_delay * len(sends)
        shares["on_air"] += air / span
        shares["line"] += (sum(end - start for start, end, _ in sends) - air) / span
        shares["head"] += (sends[0][0] - first) / span
        shares["tail"] += (last - sends[-1][1]) / span
        for (_, end, refused), (start, _, _) in itertools.pairwise(sends):
            gap = start - end
            shares["pauses" if gap > PAUSE else "gaps"] += gap / span
            if gap <= PAUSE:
                (after_refusal if refused else after_ok).append(gap)
    figures = {name: value / fleet.count for name, value in shares.items()}
    figures["gap_ms_after_ok"] = 1000 * statistics.median(after_ok) if after_ok else 0.0
    figures["gap_ms_after_refusal"] = (
        1000 * statistics.median(after_refusal) if after_refusal else 0.0
    )
    return figures
