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
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from appliance.breaker import Blame, blame, kind, sim_label
from appliance.pacing import backoff, period_keys
from appliance.states import ModemState
from appliance.store.attempt_schema import Outcome
from appliance.store.attempts import Refusal
from appliance.store.schema import Message
from modem.errors import CmsError, CommandTimeout, ModemError, PortGone, SimError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Sending:
    """Mixed into ``ModemWorker``: one hand-over from the dispatcher, sent and accounted for.

    Nothing that can wait sits between two sends of a busy modem: the next message was claimed
    while this one was on the air (``ahead``), and the outcome of a send that the modem answered
    (``sent``, or a refusal's retry, events and card, one transaction) is written by the errand
    thread (``errands``) while the next is on the air. What decides the next send stays here, in
    memory: the SIM's pacer and breaker. A send the modem did not answer (a timeout, a lost port)
    or answered with garbage is written at once, after the errands, before anything else.
    The database away (issue 15), an outcome is kept and written again until it answers
    (``_until_written``), on the thread that writes it; the message is held meanwhile (its
    claim's lease renewed) and let go once its outcome is written.
    """

    def _send(self, message: Message) -> None:
        modem = self._modem
        assert modem is not None and message.id is not None
        if message.sending_at is not None or self.state != ModemState.READY:
            self._put_outcome_due()  # no hand-over to write it with
        if self.state != ModemState.READY:
            if message.sending_at is None:  # claimed ahead, never handed over: no attempt
                self._release([message])
            else:
                self._give_back(message, f"modem {self.imei} was {self.state}; queued again")
            self._done()
            return
        started = self.clock.now()
        if self.pacer.ready_at(started) is not None:  # claimed ahead, but the SIM must pause
            self._put_outcome_due()
            self._release([message])
            self._done()
            return
        if message.sending_at is None and not self._handed_over(message, started):
            self._done()  # given back meanwhile (a sweep), or stopping with the database away
            return
        # Busy is not written to the store: the panel derives it from the message this modem has
        # in "sending", which the claim already committed (one transaction less per send).
        self.state, self.reason = ModemState.BUSY, f"sending message {message.id}"
        self._sending, self._on_air = True, message.id
        parts = message.parts - message.parts_sent
        self._arm_ahead(parts, started)
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
        self.pacer.record(parts, started)
        self.breaker.observe((now - started).total_seconds())
        if error is None:
            self._errands.fire()  # the next is claimed now if it was not yet
            self.breaker.success()
            assert result is not None
            self._outcome(
                message.id,
                lambda: self._record_sent(message, result.references, now),
                lambda: self._after_outcome(message.id, parts),
                joinable=True,
                then=" (sent)",
            )
            self.state, self.reason = ModemState.READY, "ready"  # saved by mark_sent
        elif isinstance(error, (PortGone, CommandTimeout)) or error.maybe_sent:
            self._unanswered(message, error, parts, now)
        else:
            self._errands.fire()
            self._refused(message, error, parts, now)
        self._done()

    def _record_sent(self, message: Message, refs: tuple[int, ...], now: datetime) -> None:
        """``sent``, the SIM's counters, the modem's last success (``_outcome``)."""
        assert message.id is not None
        day, month = period_keys(now, self.settings.timezone)
        counts = self.store.mark_sent(
            message.id, refs, message.parts, self.iccid, now, day, month,
            imei=self.imei, recipient=message.recipient,
        )  # fmt: skip
        self.sim_counts = counts or self.sim_counts

    def _after_outcome(self, message_id: int | None, parts: int) -> None:
        """Its outcome written (or given up on): its parts counted, the message let go."""
        self._recorded(parts)
        self._let_go(message_id)

    def _outcome(
        self,
        message_id: int,
        write: Callable[[], object],
        after: Callable[[], object],
        joinable: bool = False,
        then: str = "",
    ) -> None:
        """The outcome of a send the modem answered: written by the errand thread while the
        next send is on the air; or, when the next was claimed ahead already and ``write`` uses
        only prebuilt statements (``joinable``), kept to be written in the next's hand-over
        transaction (``ahead``): one commit for both, before that next ``AT+CMGS``."""
        with self._handover:
            if joinable and self._sends_waiting > 0 and self._outcome_due is None:
                self._outcome_due = (message_id, write, after, then)
                return
        self._errands.put(lambda: self._written(message_id, write, after, then))

    def _written(
        self,
        message_id: int,
        write: Callable[[], object],
        after: Callable[[], object],
        then: str = "",
    ) -> None:
        """On the errand thread: ``write``, kept while the database is away, then ``after``."""
        try:
            self._until_written(message_id, write, then=then)
        finally:
            after()

    def _put_outcome_due(self) -> None:
        """An outcome kept for a hand-over that is not coming next: to the errand thread."""
        with self._handover:
            due, self._outcome_due = self._outcome_due, None
        if due is not None:
            self._errands.put(lambda: self._written(*due))

    def _unanswered(self, message: Message, error: ModemError, parts: int, now: datetime) -> None:
        """A send the modem did not answer, or answered with garbage: written at once, in order
        after the errands; on a lost port or a timeout the messages claimed ahead go back and the
        serving loop heals the modem."""
        assert message.id is not None
        lost = isinstance(error, (PortGone, CommandTimeout))
        if lost:
            self._errands.disarm()
        else:
            self._errands.fire()
        self._put_outcome_due()
        self._errands.flush()
        message_id = message.id
        day, month = period_keys(now, self.settings.timezone)
        counts = self._until_written(message_id, lambda: self.store.mark_progress(
            message_id, error.sent_references, self.iccid, now, day, month
        ))  # fmt: skip
        self.sim_counts = counts or self.sim_counts
        self._recorded(parts)
        self._until_written(message_id, lambda: self._outcome_of_failure(message, error, now))
        self._let_go(message_id)
        if not lost:
            card = self._pause_words if self.breaker.open else "ready"
            self._set(ModemState.READY, card, last_error=str(error), last_error_at=now)
            return
        self._save(last_error=str(error), last_error_at=now)
        self._sending = False
        self._release_waiting()  # what was claimed ahead goes to another modem
        with self._handover:
            self.busy = self._sends_waiting > 0
        raise error  # the serving loop heals the modem, then tells the dispatcher

    def _refused(self, message: Message, error: ModemError, parts: int, now: datetime) -> None:
        """The modem answered with an error: whose fault, decided here (the SIM's breaker and
        pacer move before the next send); its writes are one errand, one transaction."""
        assert message.id is not None
        reason, due, events = self._judge(message, error, now)
        card = self._pause_words if self.breaker.open else "ready"
        self.state, self.reason = ModemState.READY, card  # a pausing SIM says so on its card

        def write() -> None:
            assert message.id is not None
            if error.sent_references:  # some parts left (a session: not joinable, ``_outcome``)
                day, month = period_keys(now, self.settings.timezone)
                counts = self.store.mark_progress(
                    message.id, error.sent_references, self.iccid, now, day, month
                )
                self.sim_counts = counts or self.sim_counts
            cms = error if isinstance(error, CmsError) else None
            self.store.mark_refused(
                message.id,
                reason=reason,
                due_at=due,
                now=now,
                imei=self.imei,
                events=[("message.error", str(error)), *events],
                card=card,
                error=str(error),
                attempt=Refusal(
                    reason=cms.reason if cms is not None else _plain(error),
                    cms_code=cms.code if cms is not None else None,
                    refs=error.sent_references,
                ),
            )

        def after() -> None:
            self._after_outcome(message.id, parts)
            if due is not None:
                self._on_idle(self)  # a free modem takes it at once, if there is one

        self._outcome(message.id, write, after, not error.sent_references, " (refused)")

    def _judge(
        self, message: Message, error: ModemError, now: datetime
    ) -> tuple[str, datetime | None, list[tuple[str, str]]]:
        """Whose fault a refusal was, and so (the message's reason, when it is due again or None
        when it fails, the events to log); the SIM's breaker and pacer move here."""
        events: list[tuple[str, str]] = []
        culprit = blame(error)
        if culprit is Blame.MESSAGE:
            return _plain(error), None, events
        if message.attempts >= self.settings.max_attempts:
            pause_events = self._pause_sim(error, now) if culprit is Blame.SIM else []
            return f"gave up after {message.attempts} attempts: {_plain(error)}", None, pause_events
        if culprit is Blame.DESTINATION:
            delay = backoff(message.attempts, base=self.settings.retry_base, rng=self._rng)
            reason = f"{_plain(error)}; the destination's side: retrying in "
            return reason + f"{delay.total_seconds():.0f} s", now + delay, events
        events = self._pause_sim(error, now)
        words = events[0][1] if events else ""
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
        return f"{_plain(error)}; {then}", now, events

    def _pause_sim(self, error: ModemError, now: datetime) -> list[tuple[str, str]]:
        """Count a failure the SIM is to blame for; once its streak is longer than chance
        explains, it pauses (the ``sim.pause`` event to log, with its words)."""
        interval = self.pacer.interval.total_seconds()
        pause = self.breaker.failure(kind(error), interval, self._refusal_rate(self))
        if pause <= 0:
            return []
        self.pacer.hold(now + timedelta(seconds=pause))
        sim = self.store.sim(self.iccid) if self.iccid else None  # its name, as named now
        label = sim_label(self.iccid, self.operator, sim.name if sim else None)
        words = self.breaker.words(label, pause)
        self._pause_words = words  # the card says it until the SIM's next success
        return [("sim.pause", words)]

    def _until_written(
        self, message_id: int, write: Callable[[], T], what: str = "the outcome of", then: str = ""
    ) -> T:
        """``write`` to the store, kept while the database is in trouble (``Recording._keep``:
        a full disk, a server away), on the thread that writes it (the errand thread for the
        outcomes of sends the modem answered); only a stop gives up (the error is raised),
        leaving the message ``sending``, which the next start (or another node, after the
        lease) settles ``unknown``, or queues again if it was never handed over."""
        return self._keep(f"{what} message {message_id}{then}", write)

    def _outcome_of_failure(self, message: Message, error: ModemError, now: datetime) -> None:
        """A send the modem did not answer, or answered with garbage: one write at a time (a
        heal follows, or this is rare)."""
        assert message.id is not None
        reason = str(error)  # the card's last error is saved by the caller
        cms = error if isinstance(error, CmsError) else None
        self.store.end_attempt(  # with its message.error event, in one transaction
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
                self.store.mark_retry(
                    message.id,
                    f"may have left ({reason}); sent again as resend_unknown = true",
                    now,
                )
            else:
                self.store.mark_unknown(message.id, f"may or may not have left: {reason}", now)
            return
        plain, due, events = self._judge(message, error, now)
        for kind_, detail in events:
            self.store.log(kind_, now, detail, imei=self.imei, message_id=message.id)
        if due is None:
            self.store.mark_failed(message.id, plain, now)
        else:
            self.store.mark_retry(message.id, plain, due)

    def _give_back(self, message: Message, reason: str) -> None:
        """A message handed over while this modem was not ready: back to the queue, due now
        (its lease cleared: ``RETRY``)."""
        now = self.clock.now()
        assert message.id is not None
        self.store.end_attempt(message.id, Outcome.RETURNED, now, reason=reason)
        if not self._gave_up(message, reason, now):
            assert message.id is not None
            self.store.mark_retry(message.id, reason, now)
        self._let_go(message.id)

    def _gave_up(self, message: Message, reason: str, now: datetime) -> bool:
        """Past the limit on attempts the message fails, whoever was at fault."""
        assert message.id is not None
        if message.attempts < self.settings.max_attempts:
            return False
        self.store.mark_failed(
            message.id, f"gave up after {message.attempts} attempts: {reason}", now
        )
        return True


def _plain(error: ModemError) -> str:
    if isinstance(error, CmsError):
        return f"{error.reason} (+CMS ERROR {error.code})"
    if isinstance(error, SimError):
        return f"SIM problem: {error}"
    return str(error)
