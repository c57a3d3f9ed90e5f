"""Reading the calls and credit keys (what they mean: ``calls``)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from .model import HANG_UP_COMMANDS, SHORTEST_CREDIT_EVERY
from .tables import Table, describe
from .values import parse_duration

if TYPE_CHECKING:
    from .calls import CallsConfig

_USSD = re.compile(r"[*#][0-9*#]{0,38}#")


def read_calls(table: Table) -> CallsConfig:
    from .calls import CallsConfig

    value = table.values.get("reply", False)
    if value is False:
        return CallsConfig()
    if not isinstance(value, str) or not value.strip():
        table.fail(
            "reply", f"must be a text in quotes, or false for no reply, not {describe(value)}"
        )
    return CallsConfig(reply=value.strip())


def modem_settings(table: Table, base: object) -> dict[str, object]:
    """The calls and credit keys of a ``[defaults]`` or ``[[modem]]`` table, as ``ModemConfig``
    fields; what the table leaves out comes from ``base`` (the defaults)."""
    return {
        "hangup_calls": table.flag("hangup_calls", base.hangup_calls),
        "hangup_command": _hang_up_command(table, base.hangup_command),
        "credit_code": _credit_code(table, base.credit_code),
        "credit_every": _credit_every(table, base.credit_every),
        "credit_low": _credit_low(table, base.credit_low),
    }


def _hang_up_command(table: Table, default: str) -> str:
    value = table.values.get("hangup_command", default)
    if not isinstance(value, str) or value.strip().upper() not in HANG_UP_COMMANDS:
        table.fail("hangup_command", f'must be "ATH" or "AT+CHUP", not {describe(value)}')
    return value.strip().upper()


def _credit_code(table: Table, default: str | None) -> str | None:
    value = table.values.get("credit_code", default)
    if value is None or value is False:
        return None
    if not isinstance(value, str) or not _USSD.fullmatch(value.strip()):
        table.fail(
            "credit_code",
            'must be the operator\'s USSD code in quotes, digits between * and #, like "*123#" '
            f'or "#100#", not {describe(value)}',
        )
    return value.strip()


def _credit_every(table: Table, default: timedelta | None) -> timedelta | None:
    value = table.values.get("credit_every")
    if value is None:
        return default
    if value is False:
        return None
    if not isinstance(value, str):
        table.fail(
            "credit_every",
            'must be a duration in quotes like "12h" or "1d", or false for only when asked '
            f"from the panel, not {describe(value)}",
        )
    try:
        every = parse_duration(value)
    except ValueError as error:
        table.fail("credit_every", str(error))
    if every < SHORTEST_CREDIT_EVERY:
        table.fail(
            "credit_every",
            f"{value!r} is too often: each query holds the modem for seconds (at least 10m)",
        )
    return every


def _credit_low(table: Table, default: float | None) -> float | None:
    value = table.values.get("credit_low", default)
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        table.fail(
            "credit_low",
            f"must be an amount (5 or 2.5), or false for no alarm, not {describe(value)}",
        )
    return float(value)
