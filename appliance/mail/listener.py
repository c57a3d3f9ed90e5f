"""Mail in, SMS out: a local SMTP listener (``aiosmtpd``) that turns a reply from an allowed
address into an SMS to the number in its subject.

Started by the daemon when ``[mail] listen`` is set, bound to 127.0.0.1 by default: the mail
server of the site (Postfix, a fetchmail run, an alias) hands it the mail; it is no mail server
open to the Internet. Each mail is judged while the sending server waits, so a refusal goes back
to it as an SMTP error and becomes a bounce to the sender, with the reason:

- the ``From`` address must be in ``[mail] allowed_senders`` (an address or ``@domain``); any
  other is refused, logged, and no SMS is sent;
- the subject must name exactly one valid number (``subject``);
- the text is what the person wrote above the quote and the signature (``reply_text``);
- the SMS goes through the normal admission path (``outbox.prepare`` and ``submit``), so a
  number that opted out is refused with the reason, like any message.

The listener believes the ``From`` of what reaches it (it has no way to check it): keep it on
127.0.0.1, behind the site's mail server, which checks SPF, DKIM or its own users' logins.

The same judgement (``ReplyHandler.take``) serves the IMAP poller (``imap_poll``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from aiosmtpd.controller import Controller

from appliance.clock import Clock
from appliance.config import Config
from appliance.language import N_, Language
from appliance.outbox import BadRequest, prepare, submit
from appliance.store import Store

from .reply_text import body_text, new_text
from .subject import NoNumber, number_in

log = logging.getLogger(__name__)

MAX_MAIL = 1_000_000  # bytes: a reply is a few lines; a mail with attachments is refused
NO_TEXT = N_("the mail has no text of its own above the quoted message")
NOT_SENT = N_("not sent to %(number)s: %(why)s")  # why: the admission's words (English)


class Refusal(Exception):
    """A mail that becomes no SMS: ``str()`` is the SMTP answer (English: a protocol's words,
    ASCII), ``why`` its words, ``allowed`` whether the sender may be told (never a stranger: no
    mail to forged addresses); ``said`` the words for the sender told by email, in a language."""

    def __init__(
        self,
        code: str,
        why: str,
        allowed: bool = True,
        said: Callable[[Language], str] | None = None,
    ) -> None:
        super().__init__(f"{code} {why}")
        self.why = why
        self.allowed = allowed
        self._said = said

    def said(self, language: Language) -> str:
        return self._said(language) if self._said else self.why


class ReplyHandler:
    """aiosmtpd's handler: each mail judged, and queued as an SMS or refused."""

    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        try:
            raw = envelope.original_content or envelope.content
            mail = BytesParser(policy=policy.default).parsebytes(raw)
            assert isinstance(mail, EmailMessage)
            return self.take(mail)
        except Refusal as refusal:
            return str(refusal)

    def take(self, mail: EmailMessage) -> str:
        """The SMTP answer to one mail, after queueing its SMS; Refusal when it is none."""
        address = parseaddr(str(mail.get("From", "")))[1]
        if not address or not self.config.mail.allows(address):
            log.warning("mail from %r refused: not in [mail] allowed_senders", address)
            raise Refusal("550 5.7.1", f"{address or 'this sender'} may not send SMS here", False)
        try:
            number = number_in(str(mail.get("Subject", "")), self.config.region)
        except NoNumber as error:
            log.warning("mail from %s refused: %s", address, error)
            raise Refusal("550 5.1.3", str(error), said=error.said) from None
        text = new_text(body_text(mail))
        if not text:
            log.warning("mail from %s to %s refused: no text above the quote", address, number)
            raise Refusal("550 5.6.0", NO_TEXT, said=lambda language: language.gettext(NO_TEXT))
        now = self.clock.now()
        try:
            new = prepare(self.config, to=number, text=text, now=now, source="email")
            message = submit(self.store, self.config, new, now)
        except BadRequest as refused:
            log.warning("mail from %s to %s refused: %s", address, number, refused.why)
            values = {"number": number, "why": refused.why}
            raise Refusal(
                "550 5.7.1",
                NOT_SENT % values,
                said=lambda language: language.gettext(NOT_SENT) % values,
            ) from None
        log.info("mail from %s queued as message %s to %s", address, message.id, number)
        return f"250 2.0.0 queued as SMS #{message.id} to {number}"


class MailListener:
    """The listener's thread (aiosmtpd's ``Controller``), started and stopped by the daemon."""

    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        assert config.mail.listen is not None
        host, port = config.mail.listen
        self.controller = Controller(
            ReplyHandler(store, config, clock), hostname=host, port=port,
            data_size_limit=MAX_MAIL,
        )  # fmt: skip

    def start(self) -> MailListener:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
