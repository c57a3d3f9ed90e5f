"""Telling a person: the three channels an alert goes through.

- **SMS** to ``[alerts] sms_to``, queued through the one admission path (``outbox.prepare`` and
  ``submit``) like any message: ``high`` priority, so it goes before the waiting queue; kind
  ``transactional``, which the cap per person never counts (an admin told of five alerts in a
  day is not sent campaign traffic); ``strict``, so it passes a STOP only where ``[contacts]
  transactional_after_stop`` allows it. An admin's number that texted STOP is refused like any
  other (the appliance never writes to a number that said STOP behind its rules' back): the
  refusal is logged and noted on the alert, and email and webhooks still carry it.
- **Email** to ``[alerts] email_to`` through ``[smtp]``.

The SMS and the email are in ``[appliance] language`` (``wording``); the webhook's JSON is the
stored, English detail, unchanged.
- **Webhook**: the ``alert.fired`` / ``alert.resolved`` event, written with the alert's row
  (``appliance.store.alerts``), posted signed by the webhook sender like every other event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from appliance.config import Config
from appliance.language import sms_safe, speaking
from appliance.mail.outgoing import MailError, send_mail
from appliance.outbox import BadRequest, prepare, submit
from appliance.store import Store
from appliance.store.alerts import AlertRecord

from .wording import words

log = logging.getLogger(__name__)


class Channels:
    """The SMS and email channels of one daemon (the webhook needs nothing more)."""

    def __init__(self, store: Store, config: Config, now: Callable[[], datetime]) -> None:
        self.store = store
        self.config = config
        self.now = now

    def tell(self, alert: AlertRecord, resolved: bool) -> str:
        """Send what is configured; what became of each, in words."""
        language = speaking(self.config.language, self.config.timezone)
        subject, text = words(alert.condition, alert.detail, resolved, language)
        told = []
        if self.config.alerts.sms_to:
            told.append(self._sms(self.config.alerts.sms_to, sms_safe(text)))
        if self.config.alerts.email_to:
            told.append(self._email(subject, text))
        told.append("webhook event logged")
        return "; ".join(told)

    def _sms(self, number: str, text: str) -> str:
        now = self.now()
        text = text if len(text) <= 300 else text[:297] + "..."
        try:
            new = prepare(
                self.config, to=number, text=text, now=now, priority="high",
                source="alert", kind="transactional", strict=True,
            )  # fmt: skip
            message = submit(self.store, self.config, new, now)
        except BadRequest as refused:
            log.warning("alert SMS to %s refused: %s", number, refused.why)
            return f"sms refused: {refused.why}"
        return f"sms #{message.id} queued"

    def _email(self, subject: str, text: str) -> str:
        try:
            send_mail(self.config.smtp, self.config.alerts.email_to, subject, text)
        except MailError as error:
            log.warning("alert email not sent: %s", error)
            return f"email not sent: {error}"
        return "email sent"
