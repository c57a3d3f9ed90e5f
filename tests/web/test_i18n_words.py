"""The appliance's codes and the campaign script's words in the reader's language (issue 16):
the panel's copies of modem's English tables agree with them, reasons are translated by their
code and shape (and left as they are when unknown), the campaign preview's script gets whole
French sentences from the page, and the campaign charts speak French."""

from __future__ import annotations

import pytest
from flask import Flask

from modem.codes import CME_CODES, CMS_CODES
from modem.pdu import status as report_status
from tests.web.test_i18n_catalogue import extracted
from web import campaign_charts, campaign_words, cms_words
from web.reasons import reason_words


@pytest.fixture
def english(app_factory):
    app: Flask = app_factory()
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        yield


def test_the_panels_tables_are_modems_english() -> None:
    assert {code: text for code, (_, text) in CMS_CODES.items()} == cms_words.CMS
    assert cms_words.CME == CME_CODES
    assert cms_words.REPORTS == report_status._REASONS


def test_cms_reasons_are_french_by_their_code(french) -> None:
    assert reason_words("no network service (+CMS ERROR 331)") == (
        "pas de service réseau (+CMS ERROR 331)"
    )
    assert reason_words("+CMS ERROR 331: no network service") == (
        "+CMS ERROR 331 : pas de service réseau"
    )
    assert reason_words("+CMS ERROR: 331 (no network service)") == (
        "+CMS ERROR : 331 (pas de service réseau)"
    )
    # a retry around a CMS reason, each part in words
    assert reason_words(
        "the number is not allocated to anybody (+CMS ERROR 1); retrying at once on another modem"
    ) == (
        "le numéro n'est attribué à personne (+CMS ERROR 1) ; nouvel essai tout de suite sur un "
        "autre modem"
    )
    # a text that is not modem's for that code is not translated as if it were
    assert reason_words("no network service (+CMS ERROR 1)") == "no network service (+CMS ERROR 1)"
    assert cms_words.cms_words(331, "no network service") == "pas de service réseau"
    assert cms_words.report_words(0, "delivered to the recipient's phone") == (
        "remis au téléphone du destinataire"
    )
    assert reason_words("something no table knows") == "something no table knows"


def test_english_readers_get_the_stored_words(english) -> None:
    for stored in ("no network service (+CMS ERROR 331)", "+CMS ERROR: 331 (no network service)"):
        assert reason_words(stored) == stored


def test_the_preview_script_gets_french_sentences_from_the_template(french) -> None:
    words = campaign_words.preview_words()
    assert words["audience"]["other"] == (
        "Public : %(size)s personnes ; le texte pour les %(first)s premiers :"
    )
    assert words["cost_gsm"] == "%(parts)s SMS · GSM-7 · %(units)s caractères"
    assert words["one"] == [0, 1]  # French says "0 personne"
    found = extracted()
    for msgid in (  # a plural is found by its singular
        campaign_words.AUDIENCE[0],
        campaign_words.AUDIENCE_ALONE[0],
        campaign_words.TEXT_FOR_FIRST,
        campaign_words.COST_GSM,
        campaign_words.COST_UCS2,
    ):
        assert msgid in found, msgid  # the template's own msgids: one translation for both


def test_rates_use_the_locales_decimal_mark(french) -> None:
    from web.pages.campaigns import percent

    assert percent(1 / 3) == "33,3 %" and percent(1.0) == "100 %" and percent(None) == "—"


def test_english_plural_forms_for_the_script(english) -> None:
    assert campaign_words.preview_words()["one"] == [1]


def test_the_campaign_charts_speak_french(french) -> None:
    funnel = campaign_charts.funnel_chart(
        [{"stage": "targeted", "count": 10}, {"stage": "sent", "count": 8}]
    )
    assert funnel.summary == "ciblés : 10, envoyé : 8 (80% des ciblés)"
    activity = campaign_charts.activity_chart({"sent": [], "replies": []}, zone=None)  # type: ignore[arg-type]
    assert activity.summary == "Rien d'envoyé pour l'instant"
    assert campaign_charts.ActivityChart((), (), (), "day", 1, 0, "").legend == "réponses, par jour"
