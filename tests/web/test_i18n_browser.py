"""A French volunteer's day in Chromium, in French (issue 16, "Done when").

The same real chain as test_browser_e2e.py: an in-process daemon on two simulated modems (as
``smsrelay serve --simulate 2`` runs it), the panel through waitress, headless Chromium whose
browser asks for French (``Accept-Language: fr-FR``, the volunteer never chose a language). The
volunteer logs in, reads the modems, composes with the counter (its words in French as they
type), reads the history and the message's detail page, then answers a reply: inbox →
conversation → "Écrire au …" → sent on the air. At each step the page says French words, and
no English word of the page test's list (tests/web/test_i18n_pages.py) is on it, in the DOM as
the scripts left it.
"""

from __future__ import annotations

import re

from appliance.accounts import add_user
from appliance.store.schema import Status
from tests.browser import chromium, needs_chromium, watch
from tests.waiting import wait_until
from tests.web.test_browser_e2e import _patient_expect, air_texts, daemon  # noqa: F401 (fixtures)
from tests.web.test_i18n_pages import english_left, english_words

from .conftest import T0

pytestmark = needs_chromium

NAME, PASSWORD = "camille", "camille-password-1"
NUMBER = "+33612345678"
TEXT = "Collecte de sang demain 8h-12h, salle des fêtes. Répondez OUI"
REPLY = "OUI, je viendrai. Quelle salle ?"
ANSWER = "La salle des fêtes, à côté de la mairie. Merci !"


def test_a_french_volunteers_day_in_chromium(daemon) -> None:
    from playwright.sync_api import expect

    url = daemon.frontends[0].url.rstrip("/")
    store = daemon.store
    add_user(store, NAME, PASSWORD, "volunteer", T0)
    vocabulary = english_words()
    problems: list[str] = []
    wait_until(lambda: len(daemon.pool.available()) == 2, 15, "two ready modems")

    def all_french(page) -> None:
        # the simulated modems' ports are under the test's own folder, named after the test
        html = page.content().replace(str(daemon.config.data_dir), "")
        left = english_left(html, vocabulary)
        assert not left, f"English on {page.url}:\n" + "\n".join(left)

    with chromium() as browser:
        context = browser.new_context(locale="fr-FR")  # Accept-Language: fr-FR
        page = watch(context.new_page(), problems)

        # Log in: the login page and then the modems, in French.
        page.goto(url + "/")
        expect(page).to_have_url(re.compile(r"/login"))
        expect(page.locator("h1")).to_have_text("Se connecter")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        all_french(page)
        page.fill("input[name=name]", NAME)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        # The modems: two cards, each ready ("prêt"), with the volunteer's role in French.
        cards = page.locator("section.card.modem")
        expect(cards).to_have_count(2)
        expect(cards.locator(".state")).to_have_text(["prêt", "prêt"])
        expect(page.locator(".who")).to_contain_text("bénévole")
        all_french(page)

        # Compose: the counter speaks French as the volunteer types, one SMS then two.
        page.click("nav >> text=Écrire")
        expect(page.locator("h1")).to_have_text("Écrire")
        page.fill("textarea[name=to]", NUMBER)
        page.locator("#text").press_sequentially("Bonjour")
        expect(page.locator("#counter")).to_have_text(
            re.compile(r"^1 SMS · 153 caractères restants · GSM-7$")
        )
        page.fill("#text", TEXT + " " + "x" * 120)  # "ê" is not GSM-7: UCS-2, 67 a part
        expect(page.locator("#counter")).to_have_text(
            re.compile(r"^3 SMS · \d+ caractères restants · Unicode \(UCS-2\)$")
        )
        all_french(page)
        page.fill("#text", TEXT)
        expect(page.locator("#counter")).to_contain_text("1 SMS · ")
        page.click("form.compose button[type=submit]")
        expect(page).to_have_url(re.compile(r"/queue$"))
        flash = page.locator(".flash.ok")
        expect(flash).to_contain_text("1 message mis en file")
        message_id = int(re.search(r"#(\d+)", flash.inner_text()).group(1))
        all_french(page)

        # The daemon sends it; the history says so in French.
        wait_until(
            lambda: store.get(message_id).status in (Status.SENT, Status.DELIVERED),
            10,
            "the message to be sent",
        )
        assert [t for s in daemon.simulators for t in s.call(air_texts)].count(TEXT) == 1
        page.click("nav >> text=Historique")
        expect(page.locator("h1")).to_have_text("Historique")
        row = page.locator("table.messages tbody tr", has_text=TEXT)
        expect(row.locator(".status")).to_have_text(re.compile(r"^(envoyé|remis)$"))
        all_french(page)

        # Its detail: parts, attempts (the modem's "envoyé"), conversation.
        row.locator("a", has_text="Détails").click()
        expect(page).to_have_url(re.compile(rf"/messages/{message_id}$"))
        expect(page.locator("h1")).to_have_text(f"Message n°{message_id}")
        expect(page.locator("main")).to_contain_text("Tentatives")
        expect(page.locator("table.attempts .status")).to_have_text("envoyé")
        expect(page.locator("main")).to_contain_text(f"Conversation avec {NUMBER}")
        all_french(page)

        # A reply comes in: inbox → conversation → write back.
        daemon.simulators[0].call(lambda m, now: m.deliver_sms(NUMBER, REPLY, now))
        wait_until(lambda: len(store.inbox(limit=10)) == 1, 10, "the reply in the inbox")
        page.click("nav >> text=Réception")
        expect(page.locator("table.messages td.text")).to_have_text(REPLY)
        all_french(page)
        page.locator("table.messages a", has_text=NUMBER).click()
        expect(page.locator("h1")).to_have_text(f"Conversation avec {NUMBER}")
        expect(page.locator("ol.timeline")).to_contain_text(REPLY)
        all_french(page)
        page.click(f"text=Écrire au {NUMBER}")
        expect(page.locator("textarea[name=to]")).to_have_value(NUMBER)
        page.fill("#text", ANSWER)
        expect(page.locator("#counter")).to_contain_text("caractères restants")
        page.click("form.compose button[type=submit]")
        expect(page.locator(".flash.ok")).to_contain_text("1 message mis en file")
        all_french(page)
        wait_until(
            lambda: ANSWER in [t for s in daemon.simulators for t in s.call(air_texts)],
            10,
            "the answer on the air",
        )
        context.close()

    assert problems == []


def test_the_campaign_preview_script_writes_french(app_factory, store, admin) -> None:
    """static/campaign.js redraws the live preview with the words the page carries: French
    sentences, the audience's plural as French has it, no English left in the DOM."""
    from playwright.sync_api import expect

    from appliance.store.contacts import ContactValues
    from tests.browser import serving
    from tests.web.conftest import ADMIN_NAME, ADMIN_PASSWORD

    for number, first in (("+33611111111", "Alice"), ("+33622222222", "Bob")):
        values = ContactValues(number, first, None, "fr", ("Don du sang",), {})
        store.add_contact(values, now=T0, source="panel", proof="t")
    problems: list[str] = []
    with serving(app_factory()) as url, chromium() as browser:
        page = watch(browser.new_context(locale="fr-FR").new_page(), problems)
        page.goto(url + "/login")
        page.fill("input[name=name]", ADMIN_NAME)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.goto(url + "/campaigns/new")
        page.fill("input[name=tags]", "Don du sang")
        page.fill("#text", "Bonjour {first_name}, collecte samedi")
        preview = page.locator("#preview")
        expect(preview.locator("p.audience")).to_have_text(
            "Public : 2 personnes ; le texte pour les 2 premiers :"
        )
        expect(preview.locator(".previews li .cost").first).to_have_text(
            re.compile(r"^1 SMS · GSM-7 · \d+ caractères$")
        )
        page.fill("input[name=tags]", "Personne")
        expect(preview.locator("p.audience")).to_have_text("Public : 0 personne.")
        left = english_left(page.content(), english_words())
        assert not left, "\n".join(left)
    assert problems == []
