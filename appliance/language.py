"""The language of what the appliance writes to people (issue 16): ``[appliance] language``.

The alert SMS and emails and the forwarded mail are read by a person, often a French volunteer,
so they are written in the configured language; the API, the webhooks' JSON, the logs and the
stored details stay English (a contract for scripts; the panel translates those at display
time, ``web.alert_words``). The words are marked ``N_`` where they are defined and said through
a ``Language``: its ``gettext`` and ``ngettext``, and its dates and numbers formatted for the
locale by Babel.

The catalogues are standard gettext ones, the appliance's own domain (``appliance``), apart from
the panel's (``web/translations``, Flask-Babel; the appliance may not import the panel):
``appliance/translations/<lang>/LC_MESSAGES/appliance.po``, kept in git, extracted, merged and
compiled by ``make translations`` (``babel-appliance.cfg``). The ``.mo`` is not in git: a
missing or stale one is compiled here, in memory, from its ``.po`` (an installed appliance may
not write its own folder), so a fresh clone speaks French without a build step.
"""

from __future__ import annotations

import gettext
import io
import logging
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "appliance"
SOURCE = "en"  # the msgids' language: no catalogue
# Babel's French puts no-break spaces in numbers ("1 234", "80 %", "12,50 €"): right in an
# email, but outside the GSM 7-bit alphabet, where one would make the SMS UCS-2 (70 characters
# a part instead of 160)
_NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def N_(msgid: str) -> str:  # gettext's name for "marked, translated later"
    return msgid


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # the same, for ``ngettext``
    return singular, plural


class Language:
    """One language's words, dates and numbers; dates in the appliance's zone."""

    def __init__(self, code: str, zone: str = "UTC") -> None:
        self.code = code
        self.zone = ZoneInfo(zone)
        self.catalogue = _catalogue(code)

    def gettext(self, msgid: str) -> str:
        return self.catalogue.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    def when(self, at: datetime) -> str:
        """A date and time, short, in the appliance's zone ("03/03/2025 14:05")."""
        from babel.dates import format_datetime

        return format_datetime(at, "short", tzinfo=self.zone, locale=self.code)

    def number(self, value: float, digits: int = 0) -> str:
        from babel.numbers import format_decimal

        pattern = None if digits == 0 else "#,##0." + "0" * digits
        return format_decimal(value, pattern, locale=self.code)

    def percent(self, value: float) -> str:
        """``value`` in percent (80 -> "80 %", French)."""
        from babel.numbers import format_percent

        return format_percent(value / 100, locale=self.code)


@cache
def speaking(code: str, zone: str = "UTC") -> Language:
    """The ``Language`` of ``[appliance] language`` (made once per process)."""
    return Language(code, zone)


def sms_safe(text: str) -> str:
    """``text`` with the locale's no-break spaces made plain ones, for an SMS."""
    return text.translate(_NO_BREAK)


def _catalogue(code: str) -> gettext.NullTranslations:
    if code == SOURCE:
        return gettext.NullTranslations()
    folder = TRANSLATIONS / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not is_stale(po, mo):
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    # no .mo, or an older one than the .po (a pulled change): compiled here, in memory
    log.debug("%s compiled in memory (no .mo, or an older one)", po)
    return gettext.GNUTranslations(io.BytesIO(compiled_po(po, code, DOMAIN)))


def is_stale(po: Path, mo: Path) -> bool:
    """Whether ``mo`` must be compiled again from ``po``: missing, or older."""
    return not mo.exists() or (po.exists() and mo.stat().st_mtime < po.stat().st_mtime)


def compiled_po(po: Path, locale: str, domain: str | None = None) -> bytes:
    """The ``.mo`` of a ``.po`` catalogue (Babel): the appliance compiles its own in memory,
    the panel writes its own next to it (``web.i18n``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalogue = read_po(source, locale=locale, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    return compiled.getvalue()
