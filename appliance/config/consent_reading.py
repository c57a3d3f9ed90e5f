"""Reading the ``[contacts]`` and ``[retention]`` tables (what they mean: ``consent``)."""

from __future__ import annotations

from datetime import timedelta

from .consent import MAX_KEYWORD_LENGTH, ConsentConfig, RetentionConfig
from .keys import RETENTION_KEYS
from .tables import Table, describe
from .values import parse_duration


def read_consent(table: Table) -> ConsentConfig:
    base = ConsentConfig()
    return ConsentConfig(
        join_keywords=_keywords(table, "join_keywords", base.join_keywords),
        stop_keywords=_keywords(table, "stop_keywords", base.stop_keywords),
        join_reply=_reply(table, "join_reply", base.join_reply),
        stop_reply=_reply(table, "stop_reply", base.stop_reply),
        cap_messages=table.limit("cap_messages", base.cap_messages),
        cap_period=_duration(table, "cap_period", base.cap_period, allow_off=False)
        or base.cap_period,
        transactional_after_stop=table.flag("transactional_after_stop", False),
        reply_window=_duration(table, "reply_window", base.reply_window, allow_off=False)
        or base.reply_window,
        auto_replies_per_hour=table.whole(
            "auto_replies_per_hour", base.auto_replies_per_hour, low=0, high=100
        ),
    )


def read_retention(table: Table, consent: ConsentConfig | None = None) -> RetentionConfig:
    """``[retention]``; messages must be kept at least the cap's period (``consent``), or the
    cap per person could not count them."""
    base = RetentionConfig()
    retention = RetentionConfig(
        **{key: _duration(table, key, getattr(base, key)) for key in RETENTION_KEYS}
    )
    kept = retention.messages
    capped = consent is not None and consent.cap_messages
    if capped and kept is not None and kept < consent.cap_period:
        table.fail(
            "messages",
            f"{table.values['messages']!r} is shorter than [contacts] cap_period "
            f"({_words(consent.cap_period)}): the cap per person counts the messages of that "
            "period, so they must be kept at least that long",
        )
    return retention


def _words(period: timedelta) -> str:
    hours = int(period.total_seconds() // 3600)
    return f"{hours // 24} days" if hours % 24 == 0 else f"{hours} hours"


def _keywords(table: Table, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.values.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        table.fail(key, f'must be a list of words in quotes, e.g. ["STOP", "ARRET"], not '
                   f"{describe(value)}")  # fmt: skip
    if not value:
        table.fail(key, "must hold at least one keyword")
    for word in value:
        if len(word.strip()) > MAX_KEYWORD_LENGTH:
            table.fail(key, f"{word!r} is longer than {MAX_KEYWORD_LENGTH} characters")
    return tuple(word.strip() for word in value)


def _reply(table: Table, key: str, default: str | None) -> str | None:
    value = table.values.get(key, default)
    if value is False:
        return None
    if not isinstance(value, str) or not value.strip():
        table.fail(key, f"must be a text in quotes, or false for no reply, not {describe(value)}")
    if key == "join_reply":
        try:
            value.format(theme="")
        except (KeyError, IndexError, ValueError):
            table.fail(key, "may hold {theme} and no other {…} field (write {{ for a brace)")
    return value


def _duration(
    table: Table, key: str, default: timedelta | None, *, allow_off: bool = True
) -> timedelta | None:
    value = table.values.get(key, default)
    if isinstance(value, timedelta) or value is None:
        return value
    if value is False and allow_off:
        return None
    if not isinstance(value, str):
        off = ", or false to keep for ever" if allow_off else ""
        table.fail(key, f'must be a duration in quotes like "30d"{off}, not {describe(value)}')
    try:
        duration = parse_duration(value)
    except ValueError as error:
        table.fail(key, str(error))
    if duration <= timedelta(0):
        table.fail(key, "must be longer than zero")
    return duration
