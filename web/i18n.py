"""The panel's language (issue 16): Flask-Babel, French and English.

Which language a page is in: the logged-in user's own choice when they made one (kept on their
account, ``User.language``), else the best of the browser's ``Accept-Language`` among the
languages the panel has, else English. English is the fallback because the source strings are
English: a browser that asks for neither language (German, say) gets the text every msgid is
written in, never a half-translated page. Times are shown in the appliance's configured zone
(``[appliance] timezone``), not the browser's: the panel says when the box did something.

The catalogues are ``web/translations/<lang>/LC_MESSAGES/messages.po``, kept in git; the
``.mo`` next to each is built from it (``make translations``, and here at start-up whenever it
is missing or older than its ``.po``) so a fresh clone, ``pip install -e`` and a pulled change
all serve the current translations without a build step to remember. The API is not
translated: its words are a contract for scripts (``web.api``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from appliance.language import compiled_po, is_stale

from . import reasons, words
from .services import services

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"
DEFAULT = "en"
# the panel's languages, each named in itself (what the language menu shows)
LANGUAGES = {"en": "English", "fr": "Français"}

babel = Babel()


def install(app: Flask) -> None:
    """Flask-Babel on ``app``: ``_``/``gettext``/``ngettext`` in templates, the locale and zone
    selectors, the catalogues compiled if stale."""
    compile_catalogues(TRANSLATIONS)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        get_locale=get_locale,
        # globals, not context: the macros of _messages.html are imported without context
        state_words=words.state_words,
        source_words=words.source_words,
        kind_words=words.kind_words,
        campaign_status_words=words.campaign_status_words,
        skip_words=words.skip_words,
        consent_words=words.consent_words,
        reason_words=reasons.reason_words,
        told_words=reasons.told_words,
        cms_words=reasons.code_words,  # modem.codes' words, else the driver's shapes
        report_words=reasons.delivery_words,
    )
    app.jinja_env.filters["number"] = words.number


def select_locale() -> str:
    """The user's own choice, else the browser's, else English."""
    chosen = getattr(current_user, "language", None) if current_user else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT) or DEFAULT


def select_timezone() -> str:
    return services().config.timezone


def compile_catalogues(directory: Path) -> None:
    """Build each ``messages.mo`` whose ``.po`` is newer (atomically: several panel processes
    may start together). A folder that cannot be written keeps its ``.mo``, with a warning."""
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not is_stale(po, mo):
            continue
        try:
            compiled = compiled_po(po, po.parent.parent.name)
            fd, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
            with os.fdopen(fd, "wb") as target:
                target.write(compiled)
            os.replace(temporary, mo)
        except OSError as error:
            log.warning("could not compile %s (%s): serving the .mo as it is", po, error)
