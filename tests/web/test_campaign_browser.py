"""A campaign made in the panel in a real browser (issue 12, "Done when"): headless Chromium
creates it, sees the live preview appear as the text is typed, starts it, and reads its
statistics once the daemon has sent it through a simulated modem and a donor has answered.

Nothing is stubbed between the click and the air, as in ``test_browser_e2e.py``: an in-process
``Daemon`` with a simulated modem serves the panel in its own process (waitress), quiet hours
off so that the test runs at any hour. The pages are saved as screenshots in ``tests/artefacts/``
(desktop and phone) for a person to look at; the test checks what a screenshot cannot: no
JavaScript error, no Content-Security-Policy refusal, no dialog, no page wider than a phone.
Without Chromium the test is skipped, which ``tests/conftest.py`` turns into a failure in CI.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from appliance.accounts import add_user
from appliance.config import load_config
from appliance.daemon import Daemon, Simulation
from appliance.store.contacts import ContactValues
from tests.appliance.conftest import FAST_TUNING, UNPACED
from tests.browser import chromium, needs_chromium, watch
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until
from web.process import panel_frontend

from .test_browser_e2e import DESKTOP, PHONE, WAIT_MS, shoot, width

pytestmark = needs_chromium

ADMIN, PASSWORD = "admin", "campaign-password-1"
DONORS = {
    "+33611111111": ("Alice", "Lyon"),
    "+33622222222": ("Bob", "Paris"),
    "+33633333333": ("Chloé", "Lyon"),
}
OTHER = "+33644444444"  # not a donor: not in the audience
NAME = "Collecte de décembre"
TEXT = "Bonjour {first_name}, collecte samedi à {fields.ville}. Répondez OUI ou NON"


@pytest.fixture
def daemon(tmp_path) -> Iterator[Daemon]:
    """``smsrelay serve --simulate 1`` in-process, the panel on a free port, no quiet hours."""
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path / "data"), "TZ": "UTC"})
    config = dataclasses.replace(base, bind="127.0.0.1:0", timezone="Europe/Paris",
                                 quiet_hours=None, defaults=UNPACED, auto_discovery=False,
                                 node="e2e")  # fmt: skip
    daemon = Daemon(config, simulation=Simulation(modems=1, time_scale=TIME_SCALE),
                    tuning=FAST_TUNING, frontends=[panel_frontend])  # fmt: skip
    try:
        yield daemon.start()
    finally:
        daemon.stop()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    yield
    expect.set_options(timeout=None)


def _base(daemon: Daemon) -> None:
    store, now = daemon.store, daemon.clock.now()
    add_user(store, ADMIN, PASSWORD, "admin", now)
    for number, (first, town) in DONORS.items():
        values = ContactValues(number, first, None, "fr", ("Don du sang",), {"Ville": town})
        assert store.add_contact(values, now=now - timedelta(days=1), source="panel", proof="t")
    other = ContactValues(OTHER, "David", None, "fr", ("Culture",), {"Ville": "Lyon"})
    assert store.add_contact(other, now=now, source="panel", proof="t")


def _left(store, campaign_id: int) -> int:
    messages = store.campaign_stats(campaign_id).messages
    return messages["sent"] + messages["delivered"]


def _events_file(folder, daemon: Daemon):
    """Two collections, in Lyon (two donors) and in Paris (one), a fortnight and a month away."""
    today = daemon.clock.now().date()
    path = folder / "collectes.csv"
    path.write_text(
        "Identifiant;Lieu;Date;Début;Fin;Ville\n"
        f"L1;Salle des fêtes;{today + timedelta(days=14)};8h;12h;Lyon\n"
        f"P1;Mairie;{today + timedelta(days=30)};14h;18h;Paris\n",
        encoding="cp1252",
    )
    return path


def test_a_campaign_is_created_previewed_started_and_counted_in_chromium(daemon, tmp_path):
    from playwright.sync_api import expect

    url = daemon.frontends[0].url.rstrip("/")
    store = daemon.store
    [modem] = daemon.simulators
    _base(daemon)
    wait_until(lambda: len(daemon.pool.available()) == 1, 15, "a ready modem")
    problems: list[str] = []

    with chromium() as browser:
        desktop = browser.new_context(viewport=DESKTOP)
        page = watch(desktop.new_page(), problems)
        page.goto(url + "/login")
        page.fill("input[name=name]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("nav >> text=Campaigns")
        expect(page.locator("h1")).to_have_text("Campaigns")
        page.click("text=New campaign")

        # The live preview follows the text and the audience as they are typed.
        page.fill("input[name=name]", NAME)
        page.fill("input[name=tags]", "Don du sang")
        page.fill("#text", "Bonjour {prenom}")
        preview = page.locator("#preview")
        expect(preview.locator(".problems")).to_contain_text("{prenom}")
        page.fill("#text", TEXT)
        expect(preview.locator(".audience-size")).to_have_text("3")
        expect(preview.locator(".previews li")).to_have_count(3)
        expect(preview.locator(".previews li").first).to_contain_text(
            "Bonjour Alice, collecte samedi à Lyon. Répondez OUI ou NON"
        )
        expect(preview.locator(".previews li").first).to_contain_text("1 SMS · GSM-7")
        expect(preview.locator(".problems")).to_have_count(0)
        page.fill("input[name=field_name]", "Ville")
        page.fill("input[name=field_value]", "Paris")
        expect(preview.locator(".audience-size")).to_have_text("1")
        page.fill("input[name=field_name]", "")
        page.fill("input[name=field_value]", "")
        expect(preview.locator(".audience-size")).to_have_text("3")
        shoot(page, "desktop-campaign-new")

        # Created as a draft, whose page previews it too; then started.
        page.click("button[value=create]")
        expect(page).to_have_url(re.compile(r"/campaigns/\d+$"))
        campaign_id = int(page.url.rsplit("/", 1)[1])
        expect(page.locator("#campaign-status")).to_have_text("draft")
        expect(page.locator("main")).to_contain_text("Bonjour Bob, collecte samedi à Paris")
        page.click("button:text-is('Start')")
        expect(page.locator(".flash.ok")).to_contain_text("Started: 3 message(s) queued")
        expect(page.locator("#campaign-status")).to_have_text("running")

        # The daemon sends them; Alice answers OUI from her phone.
        wait_until(lambda: _left(store, campaign_id) == 3, 15, "the three messages to leave")
        on_air = sorted(sent.recipient for sent in modem.call(lambda m, now: list(m.air)))
        assert on_air == sorted(DONORS)
        alice = next(iter(DONORS))
        modem.call(lambda m, now: m.deliver_sms(alice, "OUI", now))
        wait_until(lambda: store.campaign_stats(campaign_id).confirmed == 1, 15, "OUI, read")

        # The statistics, as a person reads them.
        page.reload()
        expect(page.locator(".stat-targeted")).to_have_text("3")
        expect(page.locator(".stat-reached")).to_have_text("3")
        sent = int(page.locator(".stat-sent").inner_text())
        delivered = int(page.locator(".stat-delivered").inner_text())
        assert sent + delivered == 3
        expect(page.locator(".stat-queued")).to_have_text("0")
        expect(page.locator(".stat-replied")).to_have_text("1")
        expect(page.locator(".stat-confirmed")).to_have_text("1")
        expect(page.locator(".stat-response-rate")).to_have_text("33.3 %")
        expect(page.locator("svg.funnel rect.bar")).to_have_count(6)
        expect(page.locator("svg.activity")).to_have_attribute(
            "aria-label", re.compile(r"3 sent and 1 replies")
        )
        replies = page.locator("section.replies tbody tr")
        expect(replies).to_have_count(1)
        expect(replies).to_contain_text("OUI")
        expect(replies.locator(".answer")).to_have_text("confirmed")
        expect(replies).to_contain_text(alice)
        shoot(page, "desktop-campaign")

        # A new text and a correction are previewed live too, nothing saved before the click.
        edit = page.locator("form.text-form", has=page.locator("#text-edit_form"))
        page.fill("#text-edit_form", "Salut {first_name} !")
        expect(edit.locator(".previews li").first).to_contain_text("Salut Alice !")
        expect(edit.locator(".audience-size")).to_have_text("3")
        fix = page.locator("form.text-form", has=page.locator("#text-correct_form"))
        page.fill("#text-correct_form", "Erratum {first_name} : 15h")
        expect(fix.locator(".previews li").first).to_contain_text("Erratum Alice : 15h")
        expect(fix.locator(".audience-size")).to_have_count(0)  # those told, not the audience
        assert store.campaign(campaign_id).template == TEXT

        # An events file: its schedule previewed, then imported.
        page.click("nav >> text=Campaigns")
        page.click("text=Import an events file")
        page.set_input_files("input[type=file]", str(_events_file(tmp_path, daemon)))
        page.fill("input[name=campaign]", "Collectes de l'hiver")
        page.fill("textarea[name=invitation]", "Collecte le {event.date} à {event.place}")
        page.fill("input[name=area_field]", "Ville")
        page.fill("input[name=tags]", "Don du sang")  # not David, in Lyon too
        page.click("button:text('Preview the schedule')")
        expect(page.locator(".count-added")).to_contain_text("2")
        expect(page.locator("table.schedule tbody tr")).to_have_count(2)  # two invitations
        shoot(page, "desktop-campaign-events")
        page.click("button[value=import]")
        expect(page.locator(".flash.ok")).to_contain_text("2 event(s), 3 message(s) queued")

        phone = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, storage_state=desktop.storage_state()
        )
        small = watch(phone.new_page(), problems)
        for name, path in (("campaigns", "/campaigns"), ("campaign-new", "/campaigns/new"),
                           ("campaign", f"/campaigns/{campaign_id}"),
                           ("campaign-events", "/campaigns/events")):  # fmt: skip
            small.goto(url + path)
            expect(small.locator("h1")).to_be_visible()
            shoot(small, f"phone-{name}")
            assert width(small) <= PHONE["width"], f"the {name} page is wider than a phone"
        phone.close()

    assert problems == []
