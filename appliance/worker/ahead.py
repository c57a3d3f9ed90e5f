"""Claiming a modem's next message while its current send is still on the air.

Between two sends of a busy modem the worker used to commit the outcome of the send that ended,
then claim its next message, and only then write the next ``AT+CMGS=``: two transactions and the
dispatcher's bookkeeping in the gap on the wire (7.8 ms median with 8 modems, 16 ms after a
refusal: docs/benchmarks.md section 8). Now the worker's errand thread (``errands``) asks the
dispatcher for the next message a little before the current send should end (``LEAD`` before
the moving average of this SIM's sends), or at once when it ends earlier; the worker finds it in
its inbox when the answer comes, hands it over (one short commit) and writes its ``AT+CMGS=``,
and leaves the outcome of the send that ended to the errand thread.

What this keeps:

- at most once: a claim ahead is committed ``sending`` but without ``sending_at``; just before
  its ``AT+CMGS=`` the worker hands it over (``Store.hand_over``: ``sending_at`` committed, on
  stable storage, issue 14) with, or after, the outcome of the send before: when this claim
  was waiting as that send was answered, the outcome is written in the hand-over's own
  transaction (``Sending._outcome``, ``Store.together``: one commit); otherwise the errand
  thread wrote it and the hand-over waits for it. A claim the dispatcher makes for a modem
  whose outcome is still being written is a claim ahead too (``outcomes_pending``). So a modem
  has at most one message handed over and not settled: a crash (``recover``) or a dead node's
  sweep (``settle_expired_claims``) leaves that one ``unknown`` and queues a claim never
  handed over again as it was (it never left). The price is one commit in the gap between two
  sends, where retries2 had none (docs/benchmarks.md section 8);
- leases (issue 15): every message the worker holds (``holding``: handed to it, on the air, or
  its outcome not yet written) has its claim's lease renewed by the node; it is let go once
  given back or once its outcome is written. A hand-over that finds its claim no longer this
  modem's (a sweep gave it back) does not send;
- pacing per SIM: a worker claims ahead only when its pacer allows a send by the time the current
  one should end (with real pacing, six a minute, a SIM waits 10 s between sends of 2-5 s: it never
  claims ahead). A message claimed ahead whose SIM must wait after all (its breaker opened on the
  send before) goes back to the queue as it was, its attempt not counted (``Store.release``);
- the SIM's caps: parts on the air or not yet counted in the store count as sent when a claim is
  sized (``parts_unrecorded``);
- priority and the cap per person: checked at the claim, as ever; a claim ahead is made ``LEAD``
  before the modem is free, so a more urgent message queued in that instant waits one send;
- a message claimed ahead whose modem then fails, or stops, goes back to the queue (release).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from appliance.states import ModemState
from appliance.store import outage_of
from appliance.store.schema import Message

log = logging.getLogger(__name__)

LEAD = 0.05  # seconds before the expected end of a send that its successor is claimed


class ClaimingAhead:
    """Mixed into ``ModemWorker`` (whose ``__init__`` makes ``_errands``, ``_handover``,
    ``_sending``, ``_sends_waiting`` and ``parts_unrecorded``)."""

    def _arm_ahead(self, parts: int, started: datetime) -> None:
        """A send of ``parts`` parts starts: have its successor claimed before it ends, if the
        pacer lets the SIM send again by then."""
        with self._handover:
            self.parts_unrecorded += parts
        expected = self.breaker.send_seconds
        if expected is None:  # the SIM's first send: how long one takes is not known yet
            return
        if self.pacer.free_after(parts, started) > started + timedelta(seconds=expected):
            return
        self._errands.arm(time.monotonic() + max(expected - LEAD, 0.0))

    def _recorded(self, parts: int) -> None:
        """The store counts ``parts`` more of this SIM (or they did not leave after all)."""
        with self._handover:
            self.parts_unrecorded -= parts

    @property
    def takes_ahead(self) -> bool:
        """On the air (or just answered, its outcome not settled), with nothing handed over
        after it: the dispatcher may claim its next."""
        return (
            self._sending
            and self._sends_waiting == 0
            and self.state in (ModemState.BUSY, ModemState.READY)
            and not self._stopping.is_set()
        )

    def _claim_next(self) -> None:
        """On the errand thread, at the armed time."""
        if self.takes_ahead:
            self._claim_ahead(self)

    @property
    def outcomes_pending(self) -> bool:
        """An outcome of this modem's sends is not committed yet: a claim for it now is made
        as a claim ahead (``Dispatcher._hand_over``), handed over by the worker after it, so
        that the modem has one message handed over and unsettled at most."""
        return self._outcome_due is not None or self._errands.pending

    @property
    def holding(self) -> set[int]:
        """The messages this worker holds: their claims' leases are renewed (``Pool.holding``)."""
        with self._handover:
            return set(self._held)

    def _let_go(self, message_id: int | None) -> None:
        """Given back, or its outcome written: its lease is no longer this worker's to renew."""
        with self._handover:
            self._held.discard(message_id)  # type: ignore[arg-type]

    def _handed_over(self, message: Message, now: datetime) -> bool:
        """A message claimed ahead goes on the air now: its hand-over committed first. False
        (do not send) when its claim is no longer this modem's, or when the worker stops while
        the database is away: it never left, and goes back to the queue."""
        assert message.id is not None
        message_id = message.id
        # the outcome of the send before first, or in the same transaction (``_outcome``): at
        # most one message handed over and unsettled per modem, the one on the air (a crash
        # leaves it alone ``unknown``)
        with self._handover:
            due, self._outcome_due = self._outcome_due, None
        self._errands.flush()

        def write() -> bool:
            with self.store.together():
                if due is not None:
                    due[1]()
                return self.store.hand_over(message_id, self.imei or "", self.node, now)

        try:
            handed = self._until_written(message_id, write, what="the hand-over of")
        except Exception as exc:
            if due is not None:  # rolled back: written on its own
                self._errands.put(lambda: self._written(*due))
            if outage_of(exc) is None:
                raise
            handed = False  # stopping: never sent; the next start or a sweep queues it again
        else:
            if due is not None:
                due[2]()
        if not handed:
            log.info("%s: message %d was given back before its send", self.port, message_id)
            self._let_go(message_id)
        return handed

    def _release(self, messages: list[Message]) -> None:
        """Give back claims that never went on the air: queued as they were. The database away,
        tried again until it answers, unless stopping: then left ``sending`` without
        ``sending_at``, which the next start (or a sweep) queues again all the same."""
        ids = [m.id for m in messages if m.id is not None]
        if not ids:
            return
        try:
            self._until_written(ids[0], lambda: self.store.release(ids), what="the return of")
        except Exception as exc:
            if outage_of(exc) is None:
                raise
            log.warning("%s: messages %s are given back by the next start or a sweep", self.port,
                        ids)  # fmt: skip
        for message_id in ids:
            self._let_go(message_id)

    def _release_waiting(self) -> None:
        """Give back the messages handed over that have not gone on the air (this modem failed
        or stops): queued as they were, for another modem or later."""
        messages = self._take_sends()
        if messages:
            self._release(messages)
            self._on_idle(self)  # the dispatcher finds them another modem
