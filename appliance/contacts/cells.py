"""One cell of a contacts file turned into what it means.

A language becomes "fr" or "en" (the languages the appliance writes in); tags become a list;
a free field becomes a ``datetime.date``, an ``int``, a ``float`` or text, so that the store
can later compare "Date d'adhésion" as dates and "Cotisation" as numbers rather than as text.
Empty cells mean "nothing here": they return ``None`` and the caller leaves the field absent.

What is *not* typed, on purpose: a number with a leading zero ("01000", a postal code of the
Ain; "0612345678", a second phone number) stays text, because as an int it would lose the
zero and no longer be what the person typed. An impossible date ("31/02/2026") also stays
text: free fields are free, only the fields the appliance itself uses are checked.
"""

from __future__ import annotations

import datetime
import re

from appliance.contacts.headers import key

FieldValue = datetime.date | int | float | str

_LANGUAGES = {
    "fr": "fr",
    "francais": "fr",
    "french": "fr",
    "en": "en",
    "anglais": "en",
    "english": "en",
}
_TAG_SEPARATORS = re.compile(r"[,;|]")
_SPACES = re.compile(r"[ \u00a0\u202f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_NUMBER = re.compile(r"[+-]?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?")


def language(text: str) -> str | None:
    """ "fr" or "en" from "fr", "Français", "french", "EN", "anglais"...; ``None`` when empty.

    Raises ``ValueError`` with the words to show for anything else: a message in a language the
    appliance does not write would go out in the wrong one.
    """
    if not text.strip():
        return None
    code = _LANGUAGES.get(key(text))
    if code is None:
        raise ValueError(f"{text.strip()!r} is not a language we write in (fr or en)")
    return code


def tags(text: str) -> list[str]:
    """The tags in one cell, split on ``,``, ``;`` or ``|``; the first spelling of each wins.

    "Sport, sport ; Culture" is ``["Sport", "Culture"]``: tags are compared case-folded, since
    two people typing one theme seldom agree on capitals.
    """
    return merge_tags([], _TAG_SEPARATORS.split(text))


def merge_tags(kept: list[str], more: list[str]) -> list[str]:
    """``kept`` followed by those of ``more`` it does not already hold (compared case-folded)."""
    out = list(kept)
    seen = {tag.casefold() for tag in out}
    for tag in (t.strip() for t in more):
        if tag and tag.casefold() not in seen:
            out.append(tag)
            seen.add(tag.casefold())
    return out


def free_field(text: str) -> FieldValue | None:
    """A free field's cell typed: a date, an int, a float, else the text stripped; ``None``
    when empty.

    Dates: ISO ``2026-12-12`` and French ``12/12/2026`` or ``12/12/26`` (day first; a two-digit
    year is read as ``strptime``'s ``%y`` does, 00–68 → 2000s, 69–99 → 1900s). Numbers:
    ``12``, ``-3``, ``12,5`` or ``12.5``, with spaces (also non-breaking) between thousands:
    ``1 234,50`` is 1234.5.
    """
    text = text.strip()
    if not text:
        return None
    date = _date(text)
    if date is not None:
        return date
    number = _number(text)
    return text if number is None else number


def _date(text: str) -> datetime.date | None:
    """The date ``text`` writes, read as ``strptime`` reads ``%d/%m/%Y`` or ``%d/%m/%y``.

    ``strptime`` costs about 10 µs a cell, most of an import's typing; for ASCII digits the
    same reading is done here directly (``datetime.date`` refuses what ``strptime`` refuses:
    a day or month 0, a month 13, a 31 April; tests compare the two on every day and month).
    Other digits (Arabic-Indic, full-width...) still go to ``strptime``, whose rules for them
    differ in corners.
    """
    try:
        if _ISO_DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
        match = _FRENCH_DATE.fullmatch(text)
        if match is None:
            return None
        day, month, year = match.groups()
        if not text.isascii():
            form = "%d/%m/%Y" if len(year) == 4 else "%d/%m/%y"
            return datetime.datetime.strptime(text, form).date()
        century = 0 if len(year) == 4 else 2000 if int(year) <= 68 else 1900
        return datetime.date(century + int(year), int(month), int(day))
    except ValueError:
        return None


def _number(text: str) -> int | float | None:
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    whole = match.group(1)
    if len(whole) > 1 and whole.startswith("0"):
        return None
    compact = _SPACES.sub("", text).replace(",", ".")
    return float(compact) if match.group(2) is not None else int(compact)


def as_text(value: FieldValue) -> str:
    """A typed value written back so that ``free_field`` reads it as the same value."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
