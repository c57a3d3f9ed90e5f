"""Received SMS forwarded to a mailbox: "SMS from +33612345678" in the subject, the text as
the body. Run by the daemon's scheduler (one node at a time), a few messages a run; a message
is passed only once mailed (or judged not to be), so a mail server that is away delays the
forwarding and loses nothing.

``[mail] forward``: ``"all"`` received messages, or ``"replies"``: only those from a number the
appliance wrote to before (strangers' messages, spam, operators' notices stay in the inbox).

The subject and the footer are in ``[appliance] language`` ("SMS de +33612345678" in French):
a reply's subject is read for its number whatever words surround it (``subject``).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from appliance.clock import Clock
from appliance.config import Config
from appliance.language import N_, Language, speaking
from appliance.store import Store
from appliance.store.mail import forwarded, to_forward, wrote_to

from .outgoing import MailError, send_mail

log = logging.getLogger(__name__)

SUBJECT = N_("SMS from %(number)s")
UNKNOWN = N_("SMS from an unknown sender")
SETTLE = timedelta(seconds=5)  # PostgreSQL: ids of several nodes may commit out of order
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
FOOTER = N_("Reply to this email to answer by SMS (keep the number in the subject).")
SIGNATURE = "\n\n-- \n"  # the signature separator: a reply's quote of it is cut (reply_text)


class MailForwarder:
    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self._failing = False

    def run(self) -> None:
        mail = self.config.mail
        language = speaking(self.config.language, self.config.timezone)
        footer = SIGNATURE + language.gettext(FOOTER)
        before = self.clock.now() - SETTLE if self.store.shared else None
        for inbound in to_forward(self.store, received_before=before):
            assert inbound.id is not None and inbound.received_at is not None
            wanted = mail.forward == "all" or (
                mail.forward == "replies"
                and wrote_to(self.store, inbound.sender, inbound.received_at)
            )
            if wanted:
                try:
                    send_mail(
                        self.config.smtp, mail.to, subject(inbound.sender, language),
                        inbound.text + footer, {"X-Smsrelay-Inbound": str(inbound.id)},
                    )  # fmt: skip
                except MailError as error:
                    if not self._failing:
                        log.warning("received SMS not forwarded yet (tried again): %s", error)
                    self._failing = True
                    return
                self._failing = False
            forwarded(self.store, inbound.id)


def subject(sender: str, language: Language) -> str:
    """The mail's subject: the sender (an alphanumeric sender may hold any character; a line
    break in a header would be refused, or worse, add a header)."""
    number = _CONTROL.sub(" ", sender).strip()
    return language.gettext(SUBJECT) % {"number": number} if number else language.gettext(UNKNOWN)
