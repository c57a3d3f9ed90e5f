"""Reading ``[smtp]``, ``[alerts]`` and ``[mail]`` (what they mean: ``alerts``)."""

from __future__ import annotations

import re
from datetime import timedelta

import phonenumbers

from .alerts import FORWARD_MODES, AlertsConfig, ImapConfig, MailConfig, SmtpConfig
from .tables import Table, describe
from .values import parse_bind, parse_duration

# an address as a person types it: something@domain.tld (the server has the last word)
_ADDRESS = re.compile(r"[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def read_smtp(table: Table) -> SmtpConfig:
    host = table.text("host", example='"smtp.example.org"')
    user = table.text("user", example='"alerts@example.org"')
    password = table.text("password", example='"secret"')
    if (user is None) != (password is None):
        table.fail("password" if user else "user", "give both user and password, or neither")
    sender = table.text("from", example='"smsrelay@example.org"')
    if sender is not None and not _ADDRESS.fullmatch(sender.strip()):
        table.fail("from", f"{sender!r} is not an email address like smsrelay@example.org")
    if host and sender is None:
        table.fail("from", 'is missing: mail needs a sender, e.g. from = "smsrelay@example.org"')
    ssl = table.flag("ssl", False)
    starttls = table.flag("starttls", not ssl)
    if ssl and starttls:
        table.fail("starttls", "cannot be true with ssl = true (port 465 is TLS from the start)")
    return SmtpConfig(
        host=host.strip() if host else None,
        port=table.whole("port", 465 if ssl else 587, low=1, high=65535),
        starttls=starttls,
        ssl=ssl,
        user=user,
        password=password,
        sender=sender.strip() if sender else None,
        timeout=float(table.whole("timeout", 20, low=1, high=300)),
    )


def read_alerts(table: Table, region: str, smtp: SmtpConfig) -> AlertsConfig:
    base = AlertsConfig()
    emails = addresses(table, "email_to")
    if emails and smtp.host is None:
        table.fail("email_to", "needs a mail server: set [smtp] host and from")
    return AlertsConfig(
        sms_to=_number(table, "sms_to", region),
        email_to=emails,
        modem_down_after=_after(table, "modem_down_after", base.modem_down_after),
        cap_percent=_percent(table, "cap_percent", base.cap_percent),
        queue_stuck_after=_after(table, "queue_stuck_after", base.queue_stuck_after),
        low_credit=table.flag("low_credit", True),
        disk_percent=_percent(table, "disk_percent", base.disk_percent),
    )


def read_mail(table: Table, smtp: SmtpConfig) -> MailConfig:
    to = addresses(table, "to")
    if to and smtp.host is None:
        table.fail("to", "needs a mail server: set [smtp] host and from")
    forward = table.values.get("forward", "all")
    if forward is not False and forward not in FORWARD_MODES:
        table.fail(
            "forward",
            f'must be "all", "replies" or false for none, not {describe(forward)}',
        )
    senders = _senders(table)
    listen = table.values.get("listen", False)
    where = None
    if listen is not False:
        if not isinstance(listen, str):
            table.fail(
                "listen", f'must be "127.0.0.1:2525" or false for none, not {describe(listen)}'
            )
        try:
            where = parse_bind(listen)
        except ValueError as error:
            table.fail("listen", str(error))
        if not senders:
            table.fail("allowed_senders", "is empty: with listen set, say whose mail may be sent")
    return MailConfig(to=to, forward=forward or None, allowed_senders=senders, listen=where)


def addresses(table: Table, key: str) -> tuple[str, ...]:
    value = table.values.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        table.fail(key, f'must be a list of addresses, e.g. ["admin@example.org"], not '
                        f"{describe(value)}")  # fmt: skip
    for item in value:
        if not _ADDRESS.fullmatch(item.strip()):
            table.fail(key, f"{item!r} is not an email address like admin@example.org")
    return tuple(item.strip() for item in value)


def _senders(table: Table) -> tuple[str, ...]:
    value = table.values.get("allowed_senders", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        table.fail("allowed_senders", 'must be a list of addresses or "@domain", not '
                                      f"{describe(value)}")  # fmt: skip
    for item in value:
        if not (_ADDRESS.fullmatch(item.strip()) or _DOMAIN.fullmatch(item.strip())):
            table.fail(
                "allowed_senders",
                f"{item!r} is neither an address (admin@example.org) nor a domain (@example.org)",
            )
    return tuple(item.strip().lower() for item in value)


def _number(table: Table, key: str, region: str) -> str | None:
    text = table.text(key, example='"+33612345678"')
    if text is None:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        table.fail(key, f"{text!r} is not a valid phone number for {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _after(table: Table, key: str, default: timedelta | None) -> timedelta | None:
    value = table.values.get(key)
    if value is None:
        return default
    if value is False:
        return None
    if not isinstance(value, str):
        table.fail(key, f'must be a duration like "10m", or false for no alert, not '
                        f"{describe(value)}")  # fmt: skip
    try:
        after = parse_duration(value)
    except ValueError as error:
        table.fail(key, str(error))
    if after < timedelta(minutes=1):
        table.fail(key, f"{value!r} is too short: at least 1m")
    return after


def _percent(table: Table, key: str, default: int | None) -> int | None:
    value = table.values.get(key, default)
    if value is False or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        table.fail(key, f"must be a whole number from 1 to 100, or false for no alert, not "
                        f"{describe(value)}")  # fmt: skip
    return value


def read_imap(table: Table, mail: MailConfig) -> ImapConfig:
    host = table.text("host", example='"imap.example.org"')
    if host is None:
        return ImapConfig()
    if not mail.allowed_senders:
        table.fail("host", "needs [mail] allowed_senders: say whose mail may be sent")
    user = table.text("user", example='"smsrelay@example.org"')
    password = table.text("password", example='"secret"')
    if user is None or password is None:
        table.fail("user" if user is None else "password", "is missing: the mailbox needs both")
    ssl = table.flag("ssl", True)
    starttls = table.flag("starttls", False)
    if ssl and starttls:
        table.fail("starttls", "cannot be true with ssl = true (port 993 is TLS from the start)")
    every = _after(table, "every", timedelta(minutes=1))
    if every is None:
        table.fail("every", 'must be a duration like "1m"; leave out host for no polling')
    return ImapConfig(
        host=host.strip(),
        port=table.whole("port", 993 if ssl else 143, low=1, high=65535),
        ssl=ssl,
        starttls=starttls,
        user=user,
        password=password,
        folder=table.text("folder", "INBOX", example='"INBOX"') or "INBOX",
        every=every,
    )
