"""Dates, times and numbers written the way a contact reads them, with Babel.

Why a module of its own: the choices below are the product's wording, decided once, and a
campaign of 100,000 contacts formats the same few event dates again and again, so every
formatting is cached (Babel takes about 0.3 ms for one date; a cached one costs a dict look-up).

The choices:

- A contact with no language is written to in French ("fr"). A bare "en" is British English
  (``en_GB``): "Saturday 12 December" and a 24-hour "14:30", as the issue's examples read;
  "en_US" may be asked for explicitly ("2:30 PM").
- A date is the weekday, day and month, without the year: "samedi 12 décembre", "Saturday 12
  December"; French writes the first of the month "1er": "samedi 1er août"... except that
  "août" is written "aout" (spelling of the 1990 rectifications) because "û" is not in the GSM
  7-bit alphabet: one month name would turn every message of August into UCS-2, tripling its
  cost. Other languages use Babel's weekday-day-month form for their locale.
- A time is the locale's short form: "14:30" (fr, en), "2:30 PM" (en_US). The narrow and the
  plain no-break spaces some locales put in times and numbers become ordinary spaces, for the
  same reason as "aout": they are not GSM-7 and would not show anyway.
- A number is written with the locale's decimal sign ("12,5" in French); integers as digits.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

DEFAULT_LANGUAGE = "fr"
_ALIASES = {"en": "en_GB"}
_DATE_PATTERNS = {"fr": "EEEE d MMMM", "en": "EEEE d MMMM"}
_FIRST_OF_MONTH = {"fr": "EEEE d'er' MMMM"}
# Characters Babel writes that have no GSM-7 form, and what is written instead.
_TO_GSM7 = str.maketrans({"\u202f": " ", "\u00a0": " ", "û": "u"})


@lru_cache(maxsize=64)
def locale_for(language: str | None) -> Locale:
    """The Babel locale for a contact's language; ``ValueError`` naming an unknown one."""
    code = (language or DEFAULT_LANGUAGE).strip().replace("-", "_") or DEFAULT_LANGUAGE
    try:
        return Locale.parse(_ALIASES.get(code.lower(), code))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"{language!r} is not a language we can write dates in") from None


@lru_cache(maxsize=4096)
def date_text(day: datetime.date, language: str | None) -> str:
    """ "samedi 12 décembre", "Saturday 12 December"."""
    locale = locale_for(language)
    if day.day == 1 and locale.language in _FIRST_OF_MONTH:
        text = format_date(day, _FIRST_OF_MONTH[locale.language], locale=locale)
    elif locale.language in _DATE_PATTERNS:
        text = format_date(day, _DATE_PATTERNS[locale.language], locale=locale)
    else:
        text = format_skeleton("MMMMEEEEd", day, locale=locale)
    return text.translate(_TO_GSM7)


@lru_cache(maxsize=4096)
def time_text(moment: datetime.time, language: str | None) -> str:
    """ "14:30" (fr, en), "2:30 PM" (en_US)."""
    return format_time(moment, "short", locale=locale_for(language)).translate(_TO_GSM7)


@lru_cache(maxsize=4096)
def number_text(number: float, language: str | None) -> str:
    """ "12,5" in French, "12.5" in English."""
    return format_decimal(number, locale=locale_for(language)).translate(_TO_GSM7)
