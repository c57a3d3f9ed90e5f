"""The consent desk: what the appliance does when someone texts a join or a stop keyword.

- **STOP** (``[contacts] stop_keywords``): the number is opted out of everything at once, what
  was queued for it is cancelled (``Store.opt_out``), and one confirmation goes back.
- **JOIN** (``join_keywords``, e.g. "INSCRIPTION don du sang"): the sender becomes an opted-in
  contact tagged with the theme, the received message kept as the proof ("inbound message 12"),
  and a confirmation goes back. This is also the only way to undo a STOP: the person's own word.

Confirmations are automatic replies, so two rules keep them from ever running away:

- an automatic reply never answers an automatic reply (``keywords.looks_automatic``: a name or
  a short code as sender, or an out-of-office's words);
- at most ``auto_replies_per_hour`` replies to one number in an hour (SMSEagle allows 5 in 10
  minutes); past it the keyword still takes effect, silently.

A confirmation is a consent notice the law asks for, not marketing: it is queued as a
transactional message (never counted in the cap per person) marked strictly transactional, and
the STOP confirmation is let past the STOP it confirms.

It also links each received message to the campaign it answers (issue 12): the latest
campaign message sent to that number within ``[contacts] reply_window`` before it arrived; a
reply that is no keyword is then read by the campaign's rules (``campaigning.replies``: OUI,
NON or free text), recorded, and may get the campaign's automatic reply.

Missed calls (issue 13) come to the desk too: with ``[calls] reply`` set, a caller gets that SMS
back, under the same two rules, and at most one an hour for calls (someone who calls five times
in a row gets one answer); a withheld number gets none, and a number that said STOP none either.

The desk runs on a thread of its own: a modem's worker hands it the id of each whole received
message (or missed call) and goes back to its sends. What it has not handled when the daemon
stops is handled at the next start (``Store.unhandled_inbound``, ``Store.unhandled_calls``), so
a STOP is never lost to a restart.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import timedelta

from modem import pdu

from .campaigning.replies import record_reply
from .clock import Clock
from .config import Config
from .contacts.keywords import JOIN, STOP, Keyword, looks_automatic, match
from .store import ConsentRefused, ConsentRules, NewMessage, Store
from .store.call_schema import MissedCall
from .store.keyword_inbox import CALL_SOURCE, KEYWORD_SOURCE
from .store.schema import Inbound, MessageKind, Priority

log = logging.getLogger(__name__)

# what the desk writes in ``inbound.handled`` (and ``missed_call.handled``)
NOTHING, JOINED, STOPPED = "none", "join", "stop"
ANSWERED, HELD_BACK = "reply", "no-reply"  # a missed call answered by SMS, or not, by the rules
# a confirmation may pass the STOP it confirms, and is never held by the cap
_CONFIRMATION_RULES = ConsentRules(cap_messages=None, strict_after_stop=True)
# a campaign's automatic reply ("Merci, à samedi !"): answers the person, never held by the cap
# (it is transactional), refused after a STOP like any message that is not strictly needed
_ANSWER_RULES = ConsentRules(cap_messages=None, strict_after_stop=False)


class ConsentDesk:
    """One thread answering join and stop keywords for every modem of this daemon."""

    def __init__(
        self, store: Store, config: Config, clock: Clock, wake: Callable[[], object]
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.wake = wake  # the dispatcher: a confirmation was queued
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="consent-desk", daemon=True)

    def start(self) -> ConsentDesk:
        self._thread.start()
        return self

    def received(self, inbound_id: int) -> None:
        """A whole message was stored: handle it soon, on the desk's thread."""
        self._queue.put(inbound_id)

    def missed_call(self, call_id: int) -> None:
        """A missed call was stored: answer it soon ([calls] reply), on the desk's thread."""
        self._queue.put(call_id)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(10)

    def _run(self) -> None:
        self._catch_up()
        while (item := self._queue.get()) is not None:
            try:
                self._catch_up()  # in id order, whatever the order of hand-over
            except Exception:  # a database hiccup: the message stays unhandled, for the next
                log.exception("could not handle received message %s", item)

    def _catch_up(self) -> None:
        while batch := self.store.unhandled_inbound():
            for inbound in batch:
                self.handle(inbound)
        while calls := self.store.unhandled_calls():
            for call in calls:
                self.answer_call(call)

    def answer_call(self, call: MissedCall) -> str:
        """Answer one missed call with ``[calls] reply`` if the rules allow; returns and
        records what was done."""
        assert call.id is not None
        reply, number = self.config.calls.reply, call.caller
        handled = NOTHING
        if reply is not None and number is not None and number.startswith("+"):
            handled = HELD_BACK
            since = self.clock.now() - timedelta(hours=1)
            if self._may_answer_number(number) and not self.store.call_replies_since(number, since):
                try:
                    self._confirm(number, reply, strict=False, source=CALL_SOURCE)
                    handled = ANSWERED
                except ConsentRefused:  # the number said STOP: no answer
                    log.info("no answer to the call of %s: it opted out", number)
        self.store.mark_call_handled(call.id, handled)
        return handled

    def handle(self, inbound: Inbound) -> str:
        """Act on one received message and record what was done; returns it."""
        consent = self.config.consent
        assert inbound.id is not None
        campaign_id = None
        if inbound.received_at is not None:  # a reply to a campaign? (issue 12)
            since = inbound.received_at - consent.reply_window
            campaign_id = self.store.link_reply(
                inbound.id, inbound.sender, inbound.received_at, since
            )
        keyword = match(inbound.text, join=consent.join_keywords, stop=consent.stop_keywords)
        if keyword is not None:
            handled = self._act(inbound, keyword)
        elif campaign_id is not None:
            handled = self._answer(inbound, campaign_id)
        else:
            handled = NOTHING
        self.store.mark_handled(inbound.id, handled)
        return handled

    def _answer(self, inbound: Inbound, campaign_id: int) -> str:
        """A reply to a campaign: its answer recorded, and the campaign's automatic reply."""
        assert inbound.id is not None
        found = record_reply(self.store, campaign_id, inbound.id, inbound.sender, inbound.text,
                             self.clock.now())  # fmt: skip
        if found is None:
            return NOTHING
        answer, reply = found
        if reply and inbound.sender.startswith("+") and self._may_answer(inbound):
            self._confirm(inbound.sender, reply, strict=False)
        return f"reply:{answer}"[:16]

    def _act(self, inbound: Inbound, keyword: Keyword) -> str:
        now = self.clock.now()
        number = inbound.sender
        if not number.startswith("+"):  # a name or a short code: nobody to opt in or out
            log.info("keyword %r from %s ignored: not a phone number", keyword.keyword, number)
            return NOTHING
        consent = self.config.consent
        if keyword.kind == STOP:
            self.store.opt_out(
                number,
                now=now,
                how=f"sms {keyword.keyword}",
                keep_strict=consent.transactional_after_stop,
            )
            reply = consent.stop_reply
        else:
            self.store.opt_in(
                number,
                now=now,
                source="sms",
                proof=f"inbound message {inbound.id}: {inbound.text[:160]}",
                tag=keyword.theme,
            )
            theme = f" « {keyword.theme} »" if keyword.theme else ""
            reply = consent.join_reply.format(theme=theme) if consent.join_reply else None
        if reply is not None and self._may_answer(inbound):
            self._confirm(number, reply)
        return STOPPED if keyword.kind == STOP else JOINED

    def _may_answer(self, inbound: Inbound) -> bool:
        if looks_automatic(inbound.sender, inbound.text):
            log.info("no confirmation to %s: its message looks automatic", inbound.sender)
            return False
        return self._may_answer_number(inbound.sender)

    def _may_answer_number(self, number: str) -> bool:
        """The hourly limit of automatic replies to one number (calls' answers included), and
        never one to a name or a short code."""
        if looks_automatic(number, ""):
            return False
        limit = self.config.consent.auto_replies_per_hour
        since = self.clock.now() - timedelta(hours=1)
        if self.store.keyword_replies_since(number, since) >= limit:
            log.info("no confirmation to %s: %d automatic replies this hour", number, limit)
            return False
        return True

    def _confirm(
        self, number: str, text: str, strict: bool = True, source: str = KEYWORD_SOURCE
    ) -> None:
        count = pdu.count(text)
        new = NewMessage(
            recipient=number,
            text=text,
            parts=count.parts,
            encoding=count.encoding,
            priority=Priority.HIGH,  # a person waits for it, and quiet hours do not hold it
            source=source,
            kind=MessageKind.TRANSACTIONAL,
            strict=strict,  # a campaign's automatic reply never passes a STOP
        )
        rules = _CONFIRMATION_RULES if strict else _ANSWER_RULES
        self.store.enqueue(new, self.clock.now(), rules)
        self.wake()


__all__ = ["JOIN", "JOINED", "NOTHING", "STOP", "STOPPED", "ConsentDesk"]
