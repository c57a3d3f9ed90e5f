"""Alerts to a person, and mail (issue 16): the ``[smtp]``, ``[alerts]`` and ``[mail]`` tables.

``[smtp]``: the mail server the appliance sends through (alerts by email, received SMS
forwarded to a mailbox): ``host``, ``port`` (587), ``starttls`` (true; false for a server on
this machine or port 25 inside a LAN; ``ssl = true`` for port 465's implicit TLS), ``user`` and
``password`` (both or neither), ``from`` (the sender address, required once a host is set).

``[alerts]``: who is told, and of what. Each channel is off until given: ``sms_to`` (the
admin's number), ``email_to`` (a list of addresses; needs ``[smtp]``); the webhook channel is
every webhook that chose ``alert.fired`` / ``alert.resolved`` (panel, Webhooks). Conditions,
each with its threshold (``false`` turns one off):

- ``modem_down_after`` (``"10m"``): a modem that cannot send for that long;
- ``cap_percent`` (80): a SIM that sent that share of its daily cap today;
- ``queue_stuck_after`` (``"15m"``): messages due for that long while nothing left;
- ``low_credit`` (true): a SIM whose credit is below its ``credit_low``;
- ``disk_percent`` (90): the data folder's file system that full.

One alert per condition (and per modem or SIM) until it clears, then one "resolved".

``[mail]``: email to SMS and back. ``to``: the mailbox received SMS are forwarded to (a list);
``forward``: ``"all"`` received messages, ``"replies"`` (only from numbers the appliance wrote
to) or ``false`` (none). ``allowed_senders``: the addresses (or ``@domain``) whose mail becomes
an SMS; ``listen``: where the local SMTP listener takes that mail (``"127.0.0.1:2525"``;
false, the default: no listener).

``[imap]``: a mailbox polled for replies instead of (or as well as) the listener: ``host``,
``port`` (993; 143 with ``ssl = false``), ``ssl`` (true), ``starttls`` (with ``ssl = false``),
``user``, ``password``, ``folder`` (``"INBOX"``), ``every`` (``"1m"``). Each unread mail is
marked read, then judged as the listener judges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

FORWARD_MODES = ("all", "replies")


@dataclass(frozen=True)
class SmtpConfig:
    """``[smtp]``, checked; ``host`` None: no mail is sent."""

    host: str | None = None
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    user: str | None = None
    password: str | None = None
    sender: str | None = None  # the key ``from``
    timeout: float = 20.0


@dataclass(frozen=True)
class AlertsConfig:
    """``[alerts]``, checked; a threshold None turns its condition off."""

    sms_to: str | None = None  # E.164, normalised in the configured region
    email_to: tuple[str, ...] = ()
    modem_down_after: timedelta | None = timedelta(minutes=10)
    cap_percent: int | None = 80
    queue_stuck_after: timedelta | None = timedelta(minutes=15)
    low_credit: bool = True
    disk_percent: int | None = 90


@dataclass(frozen=True)
class MailConfig:
    """``[mail]``, checked: received SMS to a mailbox, and mail back to SMS."""

    to: tuple[str, ...] = ()
    forward: str | None = "all"  # "all", "replies", None: none
    allowed_senders: tuple[str, ...] = ()  # lower case addresses, or "@domain"
    listen: tuple[str, int] | None = None

    def allows(self, address: str) -> bool:
        """Whether mail from ``address`` may become an SMS."""
        address = address.strip().lower()
        domain = "@" + address.rpartition("@")[2]
        return address in self.allowed_senders or domain in self.allowed_senders


@dataclass(frozen=True)
class ImapConfig:
    """``[imap]``, checked; ``host`` None: no mailbox polled."""

    host: str | None = None
    port: int = 993
    ssl: bool = True
    starttls: bool = False
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    every: timedelta = timedelta(minutes=1)
