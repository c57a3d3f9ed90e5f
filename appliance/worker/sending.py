"""Sending one handed-over message, and what a failed send means for it and for the SIM.

Who is to blame decides what waits (``appliance.breaker``):

- the message (a bad number, an invalid PDU): it can never go as it is, so it fails at once;
- the destination (its network or phone): the message waits, 30 s, 60 s, 120 s ...;
- the modem, its SIM or its network (transient errors): the message goes again at once, on
  another modem when one is healthy, and the SIM pauses once its errors in a row pass the
  breaker's threshold (the pause doubles with each further error; a success closes it);
- nobody knows (a timeout or an unplug after ``AT+CMGS``): the message is ``unknown``, re-sent
  only if ``resend_unknown`` says so, since it may have left.

Past ``max_attempts`` a message fails, whoever was at fault.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TypeVar

from appliance.breaker import Blame, blame, kind, sim_label
from appliance.pacing import backoff, period_keys
from appliance.states import ModemState
from appliance.store.attempt_schema import Outcome
from appliance.store.schema import Message
from modem.errors import CmsError, CommandTimeout, ModemError, PortGone, SimError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Sending:
    """Mixed into ``ModemWorker``: one hand-over from the dispatcher, sent and accounted for."""

    def _send(self, message: Message) -> None:
        modem = self._modem
        assert modem is not None and message.id is not None
        if self.state != ModemState.READY:
            self._give_back(message, f"modem {self.imei} was {self.state}; queued again")
            self._done()
            return
        # Busy is not written to the store: the panel derives it from the message this modem has
        # in "sending", which the claim already committed (one transaction less per send).
        self.state, self.reason = ModemState.BUSY, f"sending message {message.id}"
        started = self.clock.now()
        error: ModemError | None = None
        result = None
        try:
            result = modem.send(
                message.recipient,
                message.text,
                report=message.report,
                concat_reference=message.concat_ref,
                first_part=message.parts_sent + 1,
                validity=self.settings.validity,
            )
        except ModemError as exc:
            error = exc
        now = self.clock.now()
        day, month = period_keys(now, self.settings.timezone)
        self.pacer.record(message.parts - message.parts_sent, started)
        self.breaker.observe((now - started).total_seconds())
        if error is None:
            self.breaker.success()
            assert result is not None
            self.sim_counts = self._keep(
                f"the outcome of message {message.id} (sent)",
                self.store.mark_sent,
                message.id,
                result.references,
                message.parts,
                self.iccid,
                now,
                day,
                month,
                imei=self.imei,
                recipient=message.recipient,
            )
            self.state, self.reason = ModemState.READY, "ready"  # saved by mark_sent
        else:
            counts = self._keep(
                f"the parts of message {message.id} sent before its error",
                self.store.mark_progress,
                *(message.id, error.sent_references, self.iccid, now, day, month),
            )
            self.sim_counts = counts or self.sim_counts
            self._outcome_of_failure(message, error, now)
        if isinstance(error, (PortGone, CommandTimeout)):
            self._save(last_error=str(error), last_error_at=now)
            self.busy, self.holding = False, None
            raise error  # the serving loop heals the modem, then tells the dispatcher
        if error is not None:  # a pausing SIM says so on its card until its next success
            self._set(
                ModemState.READY,
                self._pause_words if self.breaker.open else "ready",
                last_error=str(error),
                last_error_at=now,
            )
        self._done()

    def _outcome_of_failure(self, message: Message, error: ModemError, now: datetime) -> None:
        assert message.id is not None
        reason = str(error)  # the card's last error is saved by _send, with its state
        cms = error if isinstance(error, CmsError) else None
        what = f"the outcome of message {message.id} ({reason})"
        self._keep(
            what,
            self.store.end_attempt,  # with its message.error event, in one transaction
            message.id,
            Outcome.UNKNOWN if error.maybe_sent else Outcome.REFUSED,
            now,
            reason=cms.reason if cms is not None else _plain(error),
            cms_code=cms.code if cms is not None else None,
            refs=error.sent_references,
            imei=self.imei,
            event="message.error",
            detail=reason,
        )
        if error.maybe_sent:
            if self.settings.resend_unknown:
                self._keep(
                    what,
                    self.store.mark_retry,
                    message.id,
                    f"may have left ({reason}); sent again as resend_unknown = true",
                    now,
                )
            else:
                self._keep(
                    what, self.store.mark_unknown, message.id,
                    f"may or may not have left: {reason}", now,
                )  # fmt: skip
            return
        culprit = blame(error)
        if culprit is Blame.MESSAGE:
            self._keep(what, self.store.mark_failed, message.id, _plain(error), now)
        elif culprit is Blame.DESTINATION:
            self._back_off_message(message, _plain(error), now)
        else:
            self._back_off_sim(message, error, now)

    def _back_off_sim(self, message: Message, error: ModemError, now: datetime) -> None:
        """The modem, its SIM or its network failed: the message goes again at once, on another
        modem when one is healthy; this SIM pauses once its errors in a row pass the threshold."""
        assert message.id is not None
        reason = _plain(error)
        pause = self.breaker.failure(kind(error), self.pacer.interval.total_seconds())
        words = ""
        if pause > 0:
            self.pacer.hold(now + timedelta(seconds=pause))
            sim = self.store.sim(self.iccid) if self.iccid else None  # its name, as named now
            label = sim_label(self.iccid, self.operator, sim.name if sim else None)
            words = self.breaker.words(label, pause)
            self._pause_words = words  # the card says it once the send is over (_send)
            self._keep(f"the pause of SIM {self.iccid}", self.store.log, "sim.pause", now, words,
                       imei=self.imei, message_id=message.id)  # fmt: skip
        if self._gave_up(message, reason, now):
            return
        if self._healthy_peers(self) > 0:
            then = "retrying at once on another modem"
        else:
            wait = self.pacer.ready_at(now)
            seconds = (wait - now).total_seconds() if wait else 0.0
            then = (
                f"retrying on this modem in {seconds:.0f} s"
                if seconds >= 1
                else "retrying on this modem"
            )
        if words:
            then = f"{then} ({words})"
        self._keep(
            f"the retry of message {message.id}",
            self.store.mark_retry,
            *(message.id, f"{reason}; {then}", now),
        )

    def _back_off_message(self, message: Message, reason: str, now: datetime) -> None:
        """The destination's fault: the message waits (30 s, 60 s, 120 s ...), not the SIM."""
        assert message.id is not None
        if self._gave_up(message, reason, now):
            return
        delay = backoff(message.attempts, base=self.settings.retry_base, rng=self._rng)
        self._keep(
            f"the retry of message {message.id}",
            self.store.mark_retry,
            message.id,
            f"{reason}; the destination's side: retrying in {delay.total_seconds():.0f} s",
            now + delay,
        )

    def _give_back(self, message: Message, reason: str) -> None:
        """A message handed over while this modem was not ready: back to the queue, due now."""
        now = self.clock.now()
        assert message.id is not None
        self._keep(
            f"message {message.id} given back to the queue",
            self.store.end_attempt,
            *(message.id, Outcome.RETURNED, now),
            reason=reason,
        )
        if not self._gave_up(message, reason, now):
            assert message.id is not None
            self._keep(
                f"message {message.id} given back to the queue",
                self.store.mark_retry,
                *(message.id, reason, now),
            )

    def _gave_up(self, message: Message, reason: str, now: datetime) -> bool:
        """Past the limit on attempts the message fails, whoever was at fault."""
        assert message.id is not None
        if message.attempts < self.settings.max_attempts:
            return False
        self._keep(
            f"the failure of message {message.id}",
            self.store.mark_failed,
            *(message.id, f"gave up after {message.attempts} attempts: {reason}", now),
        )
        return True


def _plain(error: ModemError) -> str:
    if isinstance(error, CmsError):
        return f"{error.reason} (+CMS ERROR {error.code})"
    if isinstance(error, SimError):
        return f"SIM problem: {error}"
    return str(error)
