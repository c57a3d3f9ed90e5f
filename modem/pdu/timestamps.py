"""TP-SCTS / TP-DT: the 7-octet service centre time stamp (3GPP TS 23.040 §9.2.3.11).

Year, month, day, hour, minute, second and time zone, each as two BCD digits with the low
nibble first. The time zone counts quarters of an hour; bit 3 of its octet (the high bit of
its first semi-octet) is the sign. The often-quoted vector ``...20806291731408`` therefore
ends with *minus zero* quarters, i.e. UTC, and not +02:00 (which is ``08`` read without the
nibble swap that every other field gets).
The century is not transmitted; years are taken as 2000-2099.
"""

from __future__ import annotations

import datetime

from .reader import OctetReader

SCTS_OCTETS = 7
_MAX_QUARTERS = 79  # two BCD digits with the sign taking the top bit of the first


def _swapped(value: int) -> int:
    return (value % 10) << 4 | value // 10


def encode_scts(moment: datetime.datetime) -> bytes:
    """Seven octets for a timezone-aware ``moment`` (seconds precision)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{moment!r} has no time zone; an SMS time stamp needs one")
    if not 2000 <= moment.year <= 2099:
        raise ValueError(f"{moment!r}: an SMS time stamp holds years 2000-2099 only")
    quarters, rest = divmod(abs(offset), datetime.timedelta(minutes=15))
    if rest or quarters > _MAX_QUARTERS:
        raise ValueError(f"{moment!r}: the UTC offset must be a whole number of quarter hours")
    zone = _swapped(quarters) | (0x08 if offset < datetime.timedelta(0) else 0)
    fields = (moment.year - 2000, moment.month, moment.day, moment.hour, moment.minute)
    return bytes(_swapped(value) for value in (*fields, moment.second)) + bytes([zone])


def read_scts(reader: OctetReader, field: str) -> datetime.datetime:
    """Read a time stamp; bad BCD digits or an impossible date raise ``PduError``."""
    start = reader.offset
    raw = reader.take(SCTS_OCTETS, field)
    digits = []
    for index, octet in enumerate(raw):
        low, high = octet & 0x0F, octet >> 4
        if index == SCTS_OCTETS - 1:
            low &= 0x07  # bit 3 is the time zone's sign
        if low > 9 or high > 9:
            raise reader.error(field, f"octet {octet:02X} is not two BCD digits", start + index)
        digits.append(low * 10 + high)
    year, month, day, hour, minute, second, quarters = digits
    sign = -1 if raw[6] & 0x08 else 1
    try:
        zone = datetime.timezone(datetime.timedelta(minutes=sign * 15 * quarters))
        return datetime.datetime(2000 + year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as exc:
        raise reader.error(field, f"not a valid date and time ({exc})", start) from None
