"""TP-VP, the validity period of an SMS-SUBMIT (3GPP TS 23.040 §9.2.3.12).

The relative format is one octet on a piecewise scale: 5-minute steps up to 12 hours, then
30-minute steps up to 24 hours, then days up to 30 days, then weeks up to 63 weeks. A period
between two steps is rounded *up*, so a message never expires earlier than asked.
"""

from __future__ import annotations

import datetime

from modem.errors import InvalidMessage

from .reader import OctetReader

_MINUTE = datetime.timedelta(minutes=1)
_HALF_DAY = datetime.timedelta(hours=12)
_DAY = datetime.timedelta(days=1)
_WEEK = datetime.timedelta(weeks=1)
MAX_RELATIVE = 63 * _WEEK


def _steps_up(period: datetime.timedelta, step: datetime.timedelta) -> int:
    return -(-period // step)


def encode_relative(period: datetime.timedelta) -> int:
    """The TP-VP octet for ``period``, rounded up to the next representable value."""
    if period <= datetime.timedelta(0) or period > MAX_RELATIVE:
        raise InvalidMessage(
            f"validity {period} is out of range: it must be positive and at most 63 weeks"
        )
    if period <= _HALF_DAY:
        return _steps_up(period, 5 * _MINUTE) - 1
    if period <= _DAY:
        return 143 + _steps_up(period - _HALF_DAY, 30 * _MINUTE)
    if period <= 30 * _DAY:
        return 166 + _steps_up(period, _DAY)
    return 192 + _steps_up(period, _WEEK)


def decode_relative(value: int) -> datetime.timedelta:
    """The period a relative TP-VP octet stands for."""
    if value <= 143:
        return (value + 1) * 5 * _MINUTE
    if value <= 167:
        return _HALF_DAY + (value - 143) * 30 * _MINUTE
    if value <= 196:
        return (value - 166) * _DAY
    return (value - 192) * _WEEK


def read_enhanced(reader: OctetReader, field: str) -> datetime.timedelta | None:
    """Read the 7-octet enhanced format (§9.2.3.12.3); ``None`` when it holds no period."""
    start = reader.offset
    raw = reader.take(7, field)
    indicator = raw[0]
    position = 1
    while raw[position - 1] & 0x80:  # extension bit: another indicator octet follows
        position += 1
        if position >= len(raw):
            return None
    validity_format = indicator & 0x07
    if validity_format == 0x01:
        return decode_relative(raw[position])
    if validity_format == 0x02:
        return datetime.timedelta(seconds=raw[position])
    if validity_format == 0x03 and position + 3 <= len(raw):
        values = []
        for index in range(position, position + 3):
            low, high = raw[index] & 0x0F, raw[index] >> 4
            if low > 9 or high > 9:
                problem = f"octet {raw[index]:02X} is not two BCD digits"
                raise reader.error(field, problem, start + index)
            values.append(low * 10 + high)
        hours, minutes, seconds = values
        return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return None
