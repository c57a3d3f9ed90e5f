"""Mail in, SMS out, from an IMAP mailbox (``[imap]``): for sites whose replies land in a
mailbox the appliance can only read, rather than on a mail server that can hand them to the
local listener.

A scheduled job (one node at a time) logs in every ``[imap] every``, and for each unread mail
of the folder: marks it read *first*, then judges it as the listener does
(``ReplyHandler.take``: allowed sender, one number in the subject, the text above the quote,
the rules of consent). Read first, because a crash between the SMS queued and the flag set
would otherwise send the SMS again at the next poll; an SMS leaves at most once, and a mail
left read without its SMS is visible in the mailbox. A refused mail gets no SMS and a log line;
an allowed sender is also told why by email (``[smtp]``), a stranger never (no mail to forged
addresses). ``imaplib`` (standard library) speaks IMAP4rev1 over TLS or STARTTLS.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from appliance.clock import Clock
from appliance.config import Config
from appliance.language import N_, speaking
from appliance.store import Store

from .listener import Refusal, ReplyHandler
from .outgoing import MailError, send_mail

log = logging.getLogger(__name__)

BATCH = 50  # mails a poll takes; the rest wait for the next
# what an allowed sender whose mail was refused is told, in [appliance] language
NOT_SENT_SUBJECT = N_("Not sent: %(subject)s")
NOT_SENT = N_("Your mail was not sent as an SMS: %(why)s.")


class ImapPoller:
    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        self.config = config
        self.handler = ReplyHandler(store, config, clock)
        self._failing = False

    def run(self) -> None:
        try:
            client = self._connect()
        except (OSError, imaplib.IMAP4.error) as error:
            if not self._failing:
                log.warning("cannot read the mailbox %s: %s", self.config.imap.host, error)
            self._failing = True
            return
        self._failing = False
        try:
            typ, found = client.uid("SEARCH", "UNSEEN")
            uids = found[0].split()[:BATCH] if typ == "OK" and found and found[0] else []
            for uid in uids:
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")  # first: at most one SMS
                typ, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts or () if isinstance(p, tuple)), None)
                if typ == "OK" and raw is not None:
                    self._take(BytesParser(policy=policy.default).parsebytes(raw))
        except (OSError, imaplib.IMAP4.error) as error:
            log.warning("reading the mailbox %s stopped: %s", self.config.imap.host, error)
        finally:
            _close(client)

    def _connect(self) -> imaplib.IMAP4:
        imap = self.config.imap
        assert imap.host is not None
        context = ssl.create_default_context()
        if imap.ssl:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                imap.host, imap.port, ssl_context=context, timeout=30
            )
        else:
            client = imaplib.IMAP4(imap.host, imap.port, timeout=30)
        try:
            if imap.starttls and not imap.ssl:
                client.starttls(context)
            client.login(imap.user, imap.password)
            typ, detail = client.select(_quoted(imap.folder))
            if typ != "OK":
                raise imaplib.IMAP4.error(f"folder {imap.folder!r}: {detail}")
        except BaseException:
            _close(client)
            raise
        return client

    def _take(self, mail: EmailMessage) -> None:
        try:
            self.handler.take(mail)
        except Refusal as refusal:
            if refusal.allowed:
                self._tell(mail, refusal)

    def _tell(self, mail: EmailMessage, refusal: Refusal) -> None:
        """An allowed sender's mail refused: say why by email, when a mail server is set."""
        address = parseaddr(str(mail.get("From", "")))[1]
        if self.config.smtp.host is None or not address:
            return
        language = speaking(self.config.language, self.config.timezone)
        subject = language.gettext(NOT_SENT_SUBJECT) % {"subject": mail.get("Subject", "")}
        text = language.gettext(NOT_SENT) % {"why": refusal.said(language)}
        try:
            send_mail(self.config.smtp, [address], subject, text)
        except MailError as error:
            log.warning("could not tell %s why: %s", address, error)


def _close(client: imaplib.IMAP4) -> None:
    """Log out, and close the socket even when the server is gone (``logout`` would leave it
    open when its LOGOUT fails)."""
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        try:
            client.shutdown()
        except OSError:
            pass


def _quoted(folder: str) -> str:
    """A folder name as IMAP wants it (quoted, for names with spaces)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
