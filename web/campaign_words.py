"""The campaign preview's words for static/campaign.js, in the reader's language (issue 16).

The script redraws the preview (``_campaign_preview.html``) from /campaigns/preview's JSON as
the admin types. It translates nothing itself: the page carries these sentences, translated on
the server from the same msgids as the template, in a ``<script type="application/json">``
block (data, never run: the CSP's ``script-src 'self'`` is untouched). Each keeps its
``%(name)s`` placeholders for the script to fill, so a translator sees whole sentences and may
move the values. Plurals come as the locale's "one" and "other" forms with the counts below 2
that take "one" (1 in English; 0 and 1 in French). The msgids are the template's, written
there as literals where Babel's extraction finds them (tests/web/test_i18n_browser.py checks
the two agree).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, get_translations

from appliance.store.kinds import MessageKind

from .words import kind_words

AUDIENCE = (
    "Audience: %(size)s person; the text for the first %(first)s:",
    "Audience: %(size)s people; the text for the first %(first)s:",
)
AUDIENCE_ALONE = ("Audience: %(size)s person.", "Audience: %(size)s people.")
TEXT_FOR_FIRST = "The text for the first contacts of the campaign (who receives it is said above):"
COST_GSM = "%(parts)s SMS · GSM-7 · %(units)s characters"
COST_UCS2 = "%(parts)s SMS · Unicode (UCS-2) · %(units)s UTF-16 units"


def preview_words() -> dict[str, Any]:
    """Every sentence the script writes, translated, placeholders kept."""
    translations = get_translations()
    locale = get_locale()
    return {
        "audience": _forms(translations, AUDIENCE),
        "audience_alone": _forms(translations, AUDIENCE_ALONE),
        "text_for_first": translations.gettext(TEXT_FOR_FIRST),
        "cost_gsm": translations.gettext(COST_GSM),
        "cost_ucs2": translations.gettext(COST_UCS2),
        "one": [n for n in (0, 1) if locale is not None and locale.plural_form(n) == "one"],
    }


def _forms(translations: Any, msgids: tuple[str, str]) -> dict[str, str]:
    return {
        "one": translations.ngettext(msgids[0], msgids[1], 1),
        "other": translations.ngettext(msgids[0], msgids[1], 2),
    }


def kind_options() -> dict[str, str]:
    """The kinds a campaign may send (the new campaign form's choice), in words."""
    return {kind: kind_words(kind) for kind in (MessageKind.CAMPAIGN, MessageKind.REMINDER)}
