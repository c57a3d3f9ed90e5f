"""The keys each table of the file may hold: what ``tables`` checks a table against (a misspelt
key is refused with the nearest one suggested) and ``check_top_level`` the file's tables.

Kept apart from the tables' models (``alerts``, ``calls``, ``consent``, ``security``) so that
checking the file's shape imports none of them: a script's ``smsrelay send`` reads only the
tables it uses (``load_config(only=...)``, docs/benchmarks.md "CLI start-up").
"""

from __future__ import annotations

SMTP_KEYS = ["host", "port", "starttls", "ssl", "user", "password", "from", "timeout"]
ALERTS_KEYS = [
    "sms_to",
    "email_to",
    "modem_down_after",
    "cap_percent",
    "queue_stuck_after",
    "low_credit",
    "disk_percent",
]
MAIL_KEYS = ["to", "forward", "allowed_senders", "listen"]
IMAP_KEYS = ["host", "port", "ssl", "starttls", "user", "password", "folder", "every"]
CALLS_KEYS = ["reply"]
MODEM_KEYS = ["hangup_calls", "hangup_command", "credit_code", "credit_every", "credit_low"]
CONTACTS_KEYS = [
    "join_keywords",
    "stop_keywords",
    "join_reply",
    "stop_reply",
    "cap_messages",
    "cap_period",
    "transactional_after_stop",
    "auto_replies_per_hour",
    "reply_window",
]
RETENTION_KEYS = ["messages", "inbound", "signal_samples", "webhook_deliveries", "events"]
SECURITY_KEYS = [
    "short_codes",
    "premium_rate",
    "webhook_networks",
    "behind_proxy",
    "countries",
    "token_daily_messages",
    "token_daily_parts",
]

KNOWN_KEYS = {
    "appliance": [
        "database",
        "data_dir",
        "node",
        "timezone",
        "region",
        "language",
        "quiet_hours",
        "resend_unknown",
        "max_parts",
        "validity",
    ],
    "node": ["name", "lease"],
    "web": ["bind"],
    "discovery": ["auto"],
    "defaults": ["max_per_minute", "daily_limit", "monthly_limit", *MODEM_KEYS],
    "modem": [
        "port",
        "pin",
        "max_per_minute",
        "daily_limit",
        "monthly_limit",
        "group",
        *MODEM_KEYS,
    ],
    "route": ["prefix", "group"],
    "contacts": CONTACTS_KEYS,
    "retention": RETENTION_KEYS,
    "calls": CALLS_KEYS,
    "security": SECURITY_KEYS,
    "smtp": SMTP_KEYS,  # issue 16: alerts and mail
    "alerts": ALERTS_KEYS,
    "mail": MAIL_KEYS,
    "imap": IMAP_KEYS,
}
