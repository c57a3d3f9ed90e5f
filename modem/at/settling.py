"""Commands some firmwares answer without a final result code, and what completes them instead.

Old Wavecom firmware answers ``AT+CPIN?`` with ``+CPIN: READY`` and never sends ``OK``
(``modem.vendors.wavecom`` cites the transcript). A driver that waits for ``OK`` times out,
resets the modem and starts again for ever.

So for the commands of a table (command line -> ``Completion``) a complete information response
counts as the answer once the line has been quiet for ``settle`` seconds. The table is the
connection's (``AtConnection(settling=...)``); the vendors' entries are gathered in
``modem.vendors.WITHOUT_FINAL``, which the device facade passes; the core's default is empty.

On a modem that does send ``OK`` it comes within milliseconds of the information line and ends
the command as usual; the settle time only runs out on the firmwares that never send it. A final
result arriving after the settle time is the late answer of a command already over, and is
dropped.

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


# A settle time long enough that no modem still sending its OK is cut short: two orders of
# magnitude above the gap between an answer line and its OK at 9600 bit/s, and short enough
# that a modem that never says OK is ready a moment later, not after a timeout and a reset.
SETTLE = 0.3

NONE: Mapping[str, Completion] = MappingProxyType({})
"""The core's default table: every command waits for its final result."""


def completion_for(text: str, table: Mapping[str, Completion]) -> Completion | None:
    """The completion of the command line ``text`` in ``table`` (keys upper case), if any."""
    return table.get(text.strip().upper())
