"""Who a failed send blames, and the per-SIM breaker that backs off a SIM that keeps failing.

A transient error says something about a modem, a SIM or the network at that moment, and little
about the message. So the message goes again at once, on another modem when one is healthy, and
the *SIM* backs off: a few errors in a row are bad luck (one send in five failing gives three in
a row once in 125 sends), more are a fault, and each further error doubles the SIM's pause. A
success closes the breaker. Only an error that belongs to the destination ("the destination is
out of service") waits on the message, with the message's own exponential backoff.

The pause is counted in the SIM's own cycle, the longer of its pacing interval and the time its
sends take, not in fixed seconds: a pause costs the sends the SIM could have made meanwhile, and
that cost is what the breaker bounds. On a real SIM paced at 6 a minute, three errors in a row
pause it 10 s, then 20, 40, 80 ... up to ``max_pause``.
"""

from __future__ import annotations

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


@dataclass
class SimBreaker:
    """Consecutive failures of one SIM, and the pause they earn it.

    ``threshold`` failures in a row open the breaker for one cycle; each further failure doubles
    the pause, up to ``max_pause`` seconds. ``success`` closes it.
    """

    threshold: int = 3
    max_pause: float = 600.0
    streak: int = 0
    kinds: list[str] = field(default_factory=list)
    send_seconds: float | None = None  # a moving average of how long this SIM's sends take

    def observe(self, seconds: float) -> None:
        """A send (ok or not) took ``seconds``: the cycle follows what the network does."""
        if self.send_seconds is None:
            self.send_seconds = seconds
        else:
            self.send_seconds += 0.2 * (seconds - self.send_seconds)

    def cycle(self, interval: float) -> float:
        """One turn of this SIM: its pacing interval, or the time a send takes if longer."""
        return max(interval, self.send_seconds or 0.0)

    def failure(self, what: str, interval: float) -> float:
        """Count a failure of kind ``what``; the pause (seconds) it earns, 0 below the threshold."""
        self.streak += 1
        self.kinds = [*self.kinds, what][-self.threshold :]  # what the reason's words name
        if self.streak < self.threshold:
            return 0.0
        return min(self.max_pause, self.cycle(interval) * 2 ** (self.streak - self.threshold))

    def success(self) -> None:
        self.streak = 0
        self.kinds = []

    @property
    def open(self) -> bool:
        """The SIM has failed often enough in a row that it pauses between tries."""
        return self.streak >= self.threshold

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
