"""Who a failed send blames, and the per-SIM breaker that backs off a SIM that keeps failing.

A transient error says something about a modem, a SIM or the network at that moment, and little
about the message. So the message goes again at once, on another modem when one is healthy, and
the *SIM* backs off: a few errors in a row are bad luck (one send in five failing gives three in
a row once in 125 sends), more are a fault, and each further error doubles the SIM's pause. A
success closes the breaker. Only an error that belongs to the destination ("the destination is
out of service") waits on the message, with the message's own exponential backoff.

How many errors in a row are "bad luck" depends on how often sends fail anyway: where the other
SIMs see one send in five refused, three in a row happen once in 125 sends by chance, and pausing
then only costs a send slot. So a streak opens the breaker once chance alone would make it rarer
than one in a thousand streaks at the refusal rate the *other* SIMs see (a lone SIM: its own),
never before ``threshold`` errors (3) nor after ``MOST_IN_A_ROW`` (6): at 20 % refused that is 5
in a row; beside healthy SIMs, a SIM failing every send still pauses at its third error (its
fourth at start-up, before the others have sent enough to say: ``PRIOR_RATE``).

The pause is counted in the SIM's own cycle, the longer of its pacing interval and the time its
sends take, not in fixed seconds: a pause costs the sends the SIM could have made meanwhile, and
that cost is what the breaker bounds. On a real SIM paced at 6 a minute, three errors in a row
pause it 10 s, then 20, 40, 80 ... up to ``max_pause``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from modem.errors import (
    CmeError,
    CmsError,
    InvalidMessage,
    ModemError,
    SimError,
)


class Blame(StrEnum):
    """Whose fault a failed send was, which decides what waits."""

    MESSAGE = "message"  # it can never go as it is (bad number, invalid PDU): fail it
    DESTINATION = "destination"  # the recipient's side, for now: the message backs off
    SIM = "sim"  # this modem, its SIM or its network: the SIM backs off, the message goes on


# RP-causes (TS 24.011 annex E) that are about the recipient, not our SIM or network.
DESTINATION_CMS = frozenset({27})  # "destination out of order"
# Codes the table calls permanent that condemn the SIM, not the message: another SIM can send it
# ("operator determined barring", "call barred", "SMS not subscribed", "no SMSC subscription").
SIM_BARRED_CMS = frozenset({8, 10, 50, 193})


def blame(error: ModemError) -> Blame:
    """Whose fault ``error`` (raised by a send that did not leave) is."""
    if isinstance(error, InvalidMessage):
        return Blame.MESSAGE
    if isinstance(error, CmsError):
        if error.code in DESTINATION_CMS:
            return Blame.DESTINATION
        if error.code in SIM_BARRED_CMS:
            return Blame.SIM
        return Blame.MESSAGE if error.permanent else Blame.SIM
    return Blame.SIM


def kind(error: ModemError) -> str:
    """A word for what failed, for the plain-words reason: network, SIM or modem."""
    code = getattr(error, "code", None)
    if isinstance(error, SimError):
        return "SIM"
    if isinstance(error, CmsError) and code is not None:
        if 310 <= code <= 318 or code in SIM_BARRED_CMS or 208 <= code <= 213:
            return "SIM"
        if code < 300 or 330 <= code <= 332 or code == 500:
            return "network"
        return "modem"
    if isinstance(error, CmeError) and code is not None:
        if 10 <= code <= 18:
            return "SIM"
        if 30 <= code <= 32 or code >= 100:
            return "network"
    return "modem"


MOST_IN_A_ROW = 6  # errors in a row that open the breaker whatever the refusal rate
CHANCE = 1e-3  # a streak rarer than this by chance alone is a fault, not bad luck
WINDOW = 64  # the sends a SIM's refusal rate is measured over
# Before the SIMs have sent much, the rate is what a middling network gives (one in ten), worth
# ten sends: a first streak at start-up needs four errors, not three, and a few sends later the
# measure has taken over (the other SIMs at 0 %: three again; at 20 %: five).
PRIOR_RATE, PRIOR_SENDS = 0.1, 10


def refusal_rate(refused: int, sends: int) -> float:
    """The share of sends refused, from ``refused`` of ``sends`` and the prior."""
    return (refused + PRIOR_RATE * PRIOR_SENDS) / (sends + PRIOR_SENDS)


def streak_needed(rate: float | None, least: int, most: int = MOST_IN_A_ROW) -> int:
    """Errors in a row before a SIM pauses, when sends are refused at ``rate`` anyway: the
    shortest streak chance makes rarer than ``CHANCE``, between ``least`` and ``most``."""
    needed = least
    while rate and needed < most and rate**needed > CHANCE:
        needed += 1
    return max(needed, least)


@dataclass
class SimBreaker:
    """Consecutive failures of one SIM, and the pause they earn it.

    A streak of failures opens the breaker for one cycle once it is longer than chance explains
    (``streak_needed``: ``threshold`` at least); each further failure doubles the pause, up to
    ``max_pause`` seconds. ``success`` closes it.
    """

    threshold: int = 3
    max_pause: float = 600.0
    streak: int = 0
    kinds: list[str] = field(default_factory=list)
    send_seconds: float | None = None  # a moving average of how long this SIM's sends take
    needed: int = 0  # the streak that opens the breaker, fixed when the streak began
    outcomes: deque[bool] = field(default_factory=lambda: deque(maxlen=WINDOW))  # True: refused

    @property
    def rate(self) -> float:
        """The share of this SIM's last sends refused by its fault (``refusal_rate``)."""
        return refusal_rate(*self.tally())

    def tally(self) -> tuple[int, int]:
        """(refused, sends) over the window; a copy first, as other threads read it too."""
        outcomes = tuple(self.outcomes)
        return sum(outcomes), len(outcomes)

    def observe(self, seconds: float) -> None:
        """A send (ok or not) took ``seconds``: the cycle follows what the network does."""
        if self.send_seconds is None:
            self.send_seconds = seconds
        else:
            self.send_seconds += 0.2 * (seconds - self.send_seconds)

    def cycle(self, interval: float) -> float:
        """One turn of this SIM: its pacing interval, or the time a send takes if longer."""
        return max(interval, self.send_seconds or 0.0)

    def failure(self, what: str, interval: float, chance: float | None = None) -> float:
        """Count a failure of kind ``what``; the pause (seconds) it earns, 0 while the streak is
        shorter than chance explains at the refusal rate ``chance`` (the other SIMs')."""
        if self.streak == 0:
            self.needed = streak_needed(chance, self.threshold)
        self.streak += 1
        self.outcomes.append(True)
        self.kinds = [*self.kinds, what][-self.threshold :]  # what the reason's words name
        if self.streak < self.needed:
            return 0.0
        return min(self.max_pause, self.cycle(interval) * 2 ** (self.streak - self.needed))

    def success(self) -> None:
        self.streak = 0
        self.kinds = []
        self.outcomes.append(False)

    @property
    def open(self) -> bool:
        """The SIM has failed often enough in a row that it pauses between tries."""
        return self.streak > 0 and self.streak >= self.needed

    def words(self, sim: str, pause: float) -> str:
        """ "SIM …1234 (Orange) pauses 40 s after 3 network errors in a row"."""
        what = self.kinds[-1] if len(set(self.kinds)) == 1 else ""
        errors = f"{self.streak} {what} errors".replace("  ", " ")
        return f"{sim} pauses {_seconds(pause)} after {errors} in a row"


def _seconds(value: float) -> str:
    if value >= 120:
        return f"{value / 60:.0f} min"
    if value >= 10:
        return f"{value:.0f} s"
    return f"{value:.1f} s"


def sim_label(iccid: str | None, operator: str | None, name: str | None = None) -> str:
    """How the reason names a SIM: by the name a volunteer gave it ("SIM Orange 2"), else by the
    end of its ICCID and its network ("SIM …1234 (Orange)")."""
    if name:
        return f"SIM {name}"
    label = f"SIM …{iccid[-4:]}" if iccid else "the SIM"
    return f"{label} ({operator})" if operator else label
