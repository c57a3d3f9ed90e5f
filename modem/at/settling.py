"""Commands some firmwares answer without a final result code, and what completes them instead.

Old Wavecom firmware answers ``AT+CPIN?`` with ``+CPIN: READY`` and never sends ``OK``
(python-gsmmodem's test fakes, ``WavecomMultiband900E1800``: "+CPIN replies are not ended with
OK", reported by a user with such a modem; its driver reads the ``+CPIN`` line out of the
timeout for that reason). A driver that waits for ``OK`` times out, resets the modem and starts
again for ever.

So for the commands listed here a complete information response counts as the answer once the
line has been quiet for ``settle`` seconds. On a modem that does send ``OK`` it comes within
milliseconds of the information line and ends the command as usual; the settle time only runs
out on the firmwares that never send it. A final result arriving after the settle time is the
late answer of a command already over, and is dropped.

The core holds no clock: ``AtConnection.settle_time`` says how long the caller must see no byte,
and ``AtConnection.quiet(seconds)`` tells it the line has been quiet that long.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Completion:
    """What completes a command without a final result, and how long the line must be quiet."""

    prefix: str  # the information response that completes it, e.g. "+CPIN:"
    settle: float  # seconds with no byte from the modem after that line

    @property
    def name(self) -> str:
        """The line name the prefix stands for (``+CPIN:`` -> ``+CPIN``), upper case."""
        return self.prefix.strip().rstrip(":").strip().upper()


# Command line (upper case, as sent) -> its completion. 0.3 s is two orders of magnitude above
# the gap between an answer line and its OK at 9600 bit/s, and short enough that a modem that
# never says OK is ready in a second more, not after a 5 s timeout and a reset.
WITHOUT_FINAL: Mapping[str, Completion] = MappingProxyType(
    {
        # Wavecom (python-gsmmodem fakemodems.WavecomMultiband900E1800, both "+CPIN: READY" and
        # "+CPIN: SIM PIN" without OK)
        "AT+CPIN?": Completion("+CPIN:", 0.3),
    }
)


def completion_for(text: str, table: Mapping[str, Completion]) -> Completion | None:
    """The completion of the command line ``text`` in ``table``, if it has one."""
    return table.get(text.strip().upper())
