"""Keywords as people type them (appliance.contacts.keywords): accents, case, punctuation."""

import pytest

from appliance.config.consent import DEFAULT_JOIN, DEFAULT_STOP
from appliance.contacts.keywords import JOIN, STOP, fold, looks_automatic, match


def keyword(text):
    return match(text, join=DEFAULT_JOIN, stop=DEFAULT_STOP)


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", "Stop !", "stop.", " STOP\n", "Arrêt", "ARRET", "stop sms", "STOP SMS",
     "Désinscription", "désinscription svp", "Stop, je ne veux plus de SMS merci",
     "STOP INSCRIPTION", "unsubscribe"],
)  # fmt: skip
def test_opt_out_forms(text):
    assert keyword(text).kind == STOP


@pytest.mark.parametrize(
    "text",
    ["OUI", "", "   ", "stopper", "Je ne stoppe pas", "nonstop", "Merci, à samedi",
     "Bonjour, je voulais savoir si la collecte de samedi a lieu car on m'a dit stop mais je ne "
     "suis pas sûr du tout"],
)  # fmt: skip
def test_not_an_opt_out(text):
    assert keyword(text) is None


def test_join_opens_the_message_and_keeps_the_theme_as_written():
    assert keyword("INSCRIPTION") == keyword("inscription") and keyword("JOIN").theme is None
    found = keyword("Inscription  Don du sang !")
    assert (found.kind, found.keyword, found.theme) == (JOIN, "INSCRIPTION", "Don du sang")
    assert keyword("join Bénévoles").theme == "Bénévoles"
    assert keyword("Je veux une inscription") is None  # not at the start


def test_configured_keywords_with_accents_and_several_words():
    found = match("abonnement ÉTÉ", join=("ABONNEMENT",), stop=("PLUS DE SMS",))
    assert found.theme == "ÉTÉ"
    assert match("plus de sms!", join=("ABONNEMENT",), stop=("PLUS DE SMS",)).kind == STOP
    assert fold("Arrêt !") == "arret"


def test_automatic_messages():
    assert looks_automatic("ORANGE", "STOP")
    assert looks_automatic("36665", "Votre forfait")
    assert looks_automatic("+33698765432", "Réponse automatique : absent jusqu'au 5")
    assert looks_automatic("+33698765432", "This is an automatic reply")
    assert not looks_automatic("+33698765432", "Stop")
