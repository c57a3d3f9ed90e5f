"""Country calling codes as a reader names them: ``+33 France``, ``+44 Royaume-Uni``, in the
reader's language (Babel's ``Locale.territories``, the CLDR names).

A calling code is shared by several territories (+1, +7, +44): the main one is named, and
``country_regions`` gives all of them (the page shows them in a tooltip). A code without a
territory (+800, +882) is shown as the code alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers
from flask_babel import get_locale
from flask_babel import gettext as _

NON_GEOGRAPHIC = "001"


def _territory(region: str) -> str:
    locale = get_locale()
    names = locale.territories if locale is not None else {}
    return names.get(region, region)


def country_name(code: int) -> str:
    """``+33 France``; ``+800`` for a code of no territory."""
    region = phonenumbers.region_code_for_country_code(code)
    if region in ("ZZ", NON_GEOGRAPHIC):
        return f"+{code}"
    return f"+{code} {_territory(region)}"


def country_regions(code: int) -> str:
    """Every territory of a calling code, named: "États-Unis, Canada, …" for +1."""
    regions = [r for r in phonenumbers.region_codes_for_country_code(code) if r != NON_GEOGRAPHIC]
    return ", ".join(_territory(region) for region in regions)


def countries_names(codes: Iterable[int] | None) -> str:
    """A sender's countries in words: "any country", "no country" or the list by code."""
    if codes is None:
        return _("any country")
    names = [country_name(code) for code in sorted(codes)]
    return ", ".join(names) if names else _("no country")


def typed_countries(stored: str | None) -> str:
    """A stored list as an admin would type it back ("+32, +33", "*"; "" for the default)."""
    if stored is None:
        return ""
    if stored == "*":
        return "*"
    return ", ".join(f"+{code}" for code in stored.split(",") if code)
