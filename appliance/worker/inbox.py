"""The worker's inbox: how other threads hand it work, and the order it serves it in.

The dispatcher (a send), the scheduler (a health poll) and the port's reader thread (an
unsolicited result) each put an item on one priority queue and return at once; only the worker
thread takes items off it (``ModemWorker._serve``). So a stuck modem stalls its own inbox, never
the caller.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, field

from appliance.store.schema import Message
from modem import events


@dataclass
class _Send:
    message: Message


@dataclass
class _Poll:
    pass


@dataclass
class _Recheck:
    """Look at the registration again (no signal sample: it may repeat every few seconds)."""


@dataclass
class _Event:
    event: events.ModemEvent
    at: float = field(default_factory=time.monotonic)  # when it arrived (calls: ``calls``)


@dataclass
class _Credit:
    """A credit query the panel asked for (``credit``)."""


@dataclass
class _CallDue:
    """A ringing call's +CLIP did not come in time: keep the call without its number."""


class _Stop:
    pass


_Item = _Send | _Poll | _Recheck | _Event | _Credit | _CallDue | _Stop

# The inbox serves in this order, first come first served within a rank. A health poll (about
# ten commands, 35 ms at a dongle's pace) waits for a pause between sends rather than stretching
# the gap between two of them, but never longer than POLL_DEFER_MAX: a modem kept busy without a
# pause is still looked at. Inbound messages and reports are not deferred: a SIM holds only a few
# dozen messages, and what is not read off it in time is refused by the network.
_URGENT, _WORK, _WHEN_IDLE = 0, 1, 2
POLL_DEFER_MAX = 300.0  # seconds


class Inbox:
    """The calls other threads make, mixed into ``ModemWorker`` (whose ``__init__`` makes the
    queue ``_inbox``, the counter ``_order``, ``_poll_waiting``, ``_polled_at``, and the lock
    ``_handover`` that keeps ``busy`` and ``_sends_waiting``, the hand-overs not yet taken, in
    step: a claim ahead may land just as the send before it ends, ``ahead``)."""

    def send(self, message: Message) -> None:
        """Hand over a claimed message (already ``sending`` in the store): to a free worker, or
        to one on the air as its next (``ahead``). Its claim's lease is renewed while this
        worker holds it (``appliance.nodes``)."""
        with self._handover:
            self.busy = True
            self._sends_waiting += 1
            if message.id is not None:
                self._held.add(message.id)
        self._put(_Send(message), _WORK)

    def poll(self) -> None:
        """Ask for a health poll (signal, registration) from the scheduler: after the sends
        already waiting, unless the last one is older than ``POLL_DEFER_MAX``."""
        if self._poll_waiting:
            return
        self._poll_waiting = True
        overdue = time.monotonic() - self._polled_at > POLL_DEFER_MAX
        self._put(_Poll(), _WORK if overdue else _WHEN_IDLE)

    def _put(self, item: _Item, rank: int) -> None:
        self._inbox.put((rank, next(self._order), item))

    def _next(self, timeout: float) -> _Item:
        """The next thing to do, by rank (raises ``queue.Empty`` after ``timeout``)."""
        _, _, item = self._inbox.get(timeout=timeout)
        if isinstance(item, _Send):
            with self._handover:
                self._sends_waiting -= 1
        elif isinstance(item, _Poll):
            self._poll_waiting = False
        elif isinstance(item, _Credit):
            self._credit_waiting = False
        return item

    def _take_sends(self) -> list[Message]:
        """Take the hand-overs out of the inbox (the rest stays, in its order)."""
        kept: list[tuple[int, int, _Item]] = []
        messages: list[Message] = []
        with self._handover:
            while True:
                try:
                    entry = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if isinstance(entry[2], _Send):
                    messages.append(entry[2].message)
                    self._sends_waiting -= 1
                else:
                    kept.append(entry)
            for entry in kept:
                self._inbox.put(entry)
        return messages

    def _event(self, event: events.ModemEvent) -> None:
        """From the port's reader thread: an unsolicited result for this worker to handle."""
        self._put(_Event(event), _WORK)
