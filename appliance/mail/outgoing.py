"""Sending one email through ``[smtp]`` (alerts, received SMS forwarded to a mailbox).

``smtplib`` with STARTTLS (the default, port 587) or implicit TLS (``ssl``, port 465), logged in
when a user is set. Errors come back as ``MailError`` with the reason in words; the callers
decide whether to try again (the forwarder) or to note it on the alert (the alert job).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from appliance.config.alerts import SmtpConfig


class MailError(RuntimeError):
    """An email that could not be handed to the mail server; the message says why."""


def compose(
    smtp: SmtpConfig,
    to: Iterable[str],
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender or ""
    mail["To"] = ", ".join(to)
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=(smtp.sender or "smsrelay@localhost").split("@")[-1])
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail


def send_mail(
    smtp: SmtpConfig,
    to: Iterable[str],
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Hand one email to the mail server; MailError if it refused it or could not be reached."""
    recipients = list(to)
    if smtp.host is None or not recipients:
        raise MailError("no mail server ([smtp] host) or no recipient")
    mail = compose(smtp, recipients, subject, body, headers)
    context = ssl.create_default_context()
    try:
        if smtp.ssl:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.starttls and not smtp.ssl:
                client.starttls(context=context)
            if smtp.user is not None and smtp.password is not None:
                client.login(smtp.user, smtp.password)
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{smtp.host}:{smtp.port}: {error}") from None
