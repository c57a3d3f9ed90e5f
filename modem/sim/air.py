"""What left for the network: the parts a simulated modem got accepted, and whole messages.

Tests assert on the air side, not on what the driver believes: a part counts only once the
simulated network answered it with ``+CMGS: <mr>``. Parts of one concatenated message are put
together by (recipient, concatenation reference), as a receiving phone does (3GPP TS 23.040
§9.2.3.24.1), so a test sees one ``AirMessage`` per message however many parts it took.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AirMessage:
    """One complete message as the recipient's phone would show it."""

    recipient: str
    text: str
    parts: int
    references: tuple[int, ...]  # the TP-MR of each part, in part order
    request_report: bool
    time: float  # simulated time the last part was accepted


@dataclass
class _Partial:
    total: int
    parts: dict[int, tuple[Any, int]] = field(default_factory=dict)  # seq -> (submit, mr)


class AirLog:
    """Accepted parts in order, and the messages they complete."""

    def __init__(self) -> None:
        self.submits: list[Any] = []  # modem.pdu.Submit, one per accepted part
        self.messages: list[AirMessage] = []
        self._partial: dict[tuple[str, int], _Partial] = {}

    def record(self, submit: Any, reference: int, time: float) -> AirMessage | None:
        """Log one accepted part; the message it completes, if any."""
        self.submits.append(submit)
        concat = submit.concat
        if concat is None or concat.total <= 1:
            message = AirMessage(
                submit.recipient, submit.text, 1, (reference,), submit.request_report, time
            )
            self.messages.append(message)
            return message
        key = (submit.recipient, concat.reference)
        partial = self._partial.setdefault(key, _Partial(concat.total))
        partial.parts[concat.seq] = (submit, reference)
        if len(partial.parts) < partial.total:
            return None
        del self._partial[key]
        ordered = [partial.parts[seq] for seq in sorted(partial.parts)]
        message = AirMessage(
            submit.recipient,
            "".join(part.text for part, _ in ordered),
            partial.total,
            tuple(mr for _, mr in ordered),
            any(part.request_report for part, _ in ordered),
            time,
        )
        self.messages.append(message)
        return message
