"""Incoming calls: who called, hung up (``hangup_calls``), kept as missed, handed to the desk.

A call shows as ``RING`` repeated every few seconds, each followed by ``+CLIP`` naming the
caller once caller identification is on (``CallControl.enable_caller_id``, at every
initialisation). The worker takes the first ring of a call, waits up to ``CLIP_WAIT`` for
its ``+CLIP`` (it comes in the same burst; a modem without caller id, or a network that does
not present it, sends none), then hangs up if the config says so, stores the missed call with
its ``call.missed`` event, and hands its id to the consent desk (which may answer it by SMS).

Rings of one call are told from a new call by when they *arrived* (the reader thread stamps
each event): a ring that came within ``RING_GAP`` of the call's previous one, or before the
worker hung it up, is the same call. So rings queued behind a long multipart send (the inbox
serves them after it: a call never interrupts a send) still make one missed call, not three.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from modem import events
from modem.errors import CommandTimeout, ModemError, PortGone

from .receiving import _normalised_sender

log = logging.getLogger(__package__)

CLIP_WAIT = 1.0  # seconds to wait for the +CLIP of a RING
RING_GAP = 12.0  # seconds: rings further apart than this are two calls (they come every ~5 s)


@dataclass
class _Ringing:
    """The call whose rings are being read."""

    rang_at: datetime  # the appliance's clock at its first ring
    last_ring: float  # monotonic arrival of its latest ring
    number: str | None = None
    recorded: bool = False
    ended_at: float | None = None  # monotonic: when the worker hung it up


class CallHandling:
    """Mixed into ``ModemWorker``: incoming calls, from their RING to the store."""

    def _on_call_event(self, event: events.Ringing | events.CallerIdentified, at: float) -> None:
        call = self._ringing
        if call is None or not self._same_call(call, at):
            call = self._ringing = _Ringing(rang_at=self.clock.now(), last_ring=at)
            self._clip_deadline = at + CLIP_WAIT if self._caller_id else None
        call.last_ring = max(call.last_ring, at)
        if call.recorded:
            return  # a later ring of a call already kept
        if isinstance(event, events.CallerIdentified):
            call.number = self._caller(event.number)
            self._finish_call()
        elif self._clip_deadline is None:  # no caller id: the ring is all there will be
            self._finish_call()

    def _same_call(self, call: _Ringing, at: float) -> bool:
        if call.ended_at is not None:
            return at <= call.ended_at
        return at - call.last_ring <= RING_GAP

    def _call_wait(self) -> float | None:
        """Seconds until the ringing call must be kept without its +CLIP (None: no such call)."""
        call = self._ringing
        if call is None or call.recorded or self._clip_deadline is None:
            return None
        return max(self._clip_deadline - time.monotonic(), 0.0)

    def _finish_call(self) -> None:
        """Hang up (if configured), keep the missed call, hand it to the desk."""
        call = self._ringing
        if call is None or call.recorded:
            return
        call.recorded = True
        self._clip_deadline = None
        hung_up, lost = False, None
        if self.settings.hangup_calls and self._modem is not None:
            try:
                self._modem.hang_up(self.settings.hangup_command)
                hung_up = True
                call.ended_at = time.monotonic()  # rings that came before are this call's
            except (CommandTimeout, PortGone) as exc:
                lost = exc  # kept first, then the worker heals or closes
            except ModemError as exc:  # both commands refused: it rings out
                log.warning("%s: could not hang up: %s", self.port, exc)
        call_id = self.store.add_missed_call(
            caller=call.number,
            imei=self.imei,
            iccid=self.iccid,
            rang_at=call.rang_at,
            hung_up=hung_up,
        )
        if self._on_call is not None:
            self._on_call(call_id)
        if lost is not None:
            raise lost

    def _caller(self, number: str | None) -> str | None:
        """The caller as the store keeps numbers: E.164 when it is one."""
        return _normalised_sender(number, self.settings.region) if number else None
