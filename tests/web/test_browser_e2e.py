"""The panel end to end in a real browser: the daemon, two simulated modems, waitress, Chromium.

Nothing is stubbed between the click and the air: an in-process ``Daemon`` (as ``smsrelay serve
--simulate 2`` runs it, at time scale 1/100) serves the panel through waitress on a free local
port (``web.process.panel_frontend``), and headless Chromium goes through what a volunteer does on
the first day: the first-run page creates the admin, the modems page shows both modems with
their signal, the compose form queues a message, which the daemon sends (the simulator's air log
is the truth) and History then shows as sent; SMS that reach a simulator appear in the inbox,
the one carrying ``<script>`` as plain text, with no dialog fired.

Every page is saved as a full-page screenshot in ``tests/artefacts/`` (git-ignored), at a
desktop size and at a phone's (390×844), for a person to look at; the test checks what a
screenshot cannot: no JavaScript error, no Content-Security-Policy refusal, no dialog, and no
page wider than the phone. (On a phone Chromium widens the layout to fit what sticks out, so the
width is compared with the phone's, not with ``innerWidth``.)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.accounts import add_user
from appliance.config import load_config
from appliance.daemon import Daemon, Simulation
from appliance.store.schema import Status
from modem.at import signal_bars
from tests.appliance.conftest import FAST_TUNING, UNPACED
from tests.browser import chromium, needs_chromium, serving, watch
from tests.conftest import TIME_SCALE
from tests.waiting import wait_until
from web.process import panel_frontend

from .conftest import T0

pytestmark = needs_chromium

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 10_000  # what Playwright waits for a page condition before failing
ADMIN, PASSWORD = "admin", "first-run-password"
NUMBER = "+33612345678"
TEXT = "Collecte de sang demain 8h-12h, salle des fêtes. Répondez OUI"
REPLY_FROM = "+33698765432"
REPLY = "OUI, je viendrai"
XSS = "<script>alert(1)</script>"
WEAK_RSSI = 11  # +CSQ 11 = -91 dBm: 3 bars, where the other modem shows 5
# What ``smsrelay serve --simulate`` names a simulated modem on a Pi with the default data dir.
LONG_PORT = "/home/pi/.local/share/smsrelay/simulated/ttySIM0"
PAGES = {  # name -> path, in the order of the nav
    "modems": "/",
    "queue": "/queue",
    "history": "/history",
    "inbox": "/inbox",
    "compose": "/compose",
    "admin": "/admin",
}


@pytest.fixture
def daemon(tmp_path) -> Iterator[Daemon]:
    """``smsrelay serve --simulate 2`` in-process, the panel on a free port; modems polled
    twice a second so a changed signal shows quickly."""
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path / "data"), "TZ": "UTC"})
    config = dataclasses.replace(
        base,
        bind="127.0.0.1:0",
        timezone="Europe/Paris",
        defaults=UNPACED,
        auto_discovery=False,
        node="e2e",
    )
    daemon = Daemon(
        config,
        simulation=Simulation(modems=2, time_scale=TIME_SCALE),
        tuning=dataclasses.replace(FAST_TUNING, health_interval=0.5),
        frontends=[panel_frontend],
    )
    try:
        yield daemon.start()
    finally:
        daemon.stop()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """Page conditions get 10 s (Playwright's default is 5) on a loaded machine; restored after,
    as the setting is global to the process."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    yield
    expect.set_options(timeout=None)


def shoot(page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_a_volunteer_day_in_chromium(daemon):
    from playwright.sync_api import expect

    url = daemon.frontends[0].url.rstrip("/")
    store = daemon.store
    first, second = daemon.simulators
    imeis = [server.call(lambda m, now: m.imei) for server in daemon.simulators]
    problems: list[str] = []

    wait_until(lambda: len(daemon.pool.available()) == 2, 15, "two ready modems")
    # One modem moves to a weaker cell: the cards must tell the two apart.
    second.call(lambda m, now: setattr(m, "signal", WEAK_RSSI))
    strong_rssi = first.call(lambda m, now: m.signal)
    wait_until(
        lambda: (
            {m.imei: m.signal_dbm for m in store.modems()}.get(imeis[1]) == -113 + 2 * WEAK_RSSI
        ),
        10,
        "the weaker signal in the modem table",
    )

    with chromium() as browser:
        desktop = browser.new_context(viewport=DESKTOP)
        page = watch(desktop.new_page(), problems)

        # First run: every page leads to /setup, which makes the first admin.
        page.goto(url + "/")
        expect(page).to_have_url(re.compile(r"/setup$"))
        shoot(page, "desktop-setup")
        page.fill("input[name=name]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        page.click("button[type=submit]")

        # Two cards, each with its own signal in bars and dBm.
        cards = page.locator("section.card.modem")
        expect(cards).to_have_count(2)
        for imei, rssi in zip(imeis, (strong_rssi, WEAK_RSSI), strict=True):
            card = page.locator(f"#modem-{imei}")
            dbm = -113 + 2 * rssi
            expect(card.locator(".state")).to_have_text("ready")
            expect(card).to_contain_text(f"{dbm} dBm")
            bars = signal_bars(dbm)
            expect(card.locator(".bars")).to_have_attribute("aria-label", f"{bars} of 5 bars")
            expect(card.locator(".bars i.on")).to_have_count(bars)
        shoot(page, "desktop-modems")

        # Compose and queue one message.
        page.click("nav >> text=Compose")
        page.fill("textarea[name=to]", NUMBER)
        page.fill("#text", TEXT)
        expect(page.locator("#counter")).to_contain_text("1 SMS")
        shoot(page, "desktop-compose")
        page.click("form.compose button[type=submit]")
        expect(page).to_have_url(re.compile(r"/queue$"))
        flash = page.locator(".flash.ok")
        expect(flash).to_contain_text("Queued 1 message")
        message_id = int(re.search(r"#(\d+)", flash.inner_text()).group(1))
        shoot(page, "desktop-queue")

        # The daemon sends it: once on air, then History says so.
        wait_until(
            lambda: store.get(message_id).status in (Status.SENT, Status.DELIVERED),
            10,
            "the message to be sent",
        )
        on_air = [text for s in daemon.simulators for text in s.call(air_texts)]
        assert on_air.count(TEXT) == 1
        page.click("nav >> text=History")
        row = page.locator("table.messages tbody tr", has_text=TEXT)
        expect(row).to_have_count(1)
        expect(row.locator(".status")).to_have_text(re.compile(r"^(sent|delivered)$"))
        expect(row).to_contain_text(NUMBER)
        shoot(page, "desktop-history")

        # Two SMS reach the modems; the inbox shows both, the script as text.
        first.call(lambda m, now: m.deliver_sms(REPLY_FROM, REPLY, now))
        second.call(lambda m, now: m.deliver_sms(REPLY_FROM, XSS, now))
        wait_until(lambda: len(store.inbox(limit=10)) == 2, 10, "two SMS in the inbox")
        page.click("nav >> text=Inbox")
        texts = page.locator("table.messages td.text")
        expect(texts).to_have_count(2)
        expect(texts.filter(has_text=REPLY)).to_have_count(1)
        expect(texts.filter(has_text=XSS)).to_have_text(XSS)
        assert page.locator("main script").count() == 0
        shoot(page, "desktop-inbox")

        page.click("nav >> text=Admin")
        expect(page.locator("h1")).to_have_text("Admin")
        expect(page.locator("main")).to_contain_text(ADMIN)
        shoot(page, "desktop-admin")

        # The same pages on a phone, with the same session.
        phone = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, storage_state=desktop.storage_state()
        )
        small = watch(phone.new_page(), problems)
        for name, path in PAGES.items():
            small.goto(url + path)
            expect(small.locator("h1")).to_be_visible()
            shoot(small, f"phone-{name}")
            assert width(small) <= PHONE["width"], f"the {name} page is wider than a phone"
        phone.close()

        # Log out; the login page lets the admin back in.
        page.click("form.logout button")
        expect(page).to_have_url(re.compile(r"/login$"))
        shoot(page, "desktop-login")
        page.fill("input[name=name]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("section.card.modem")).to_have_count(2)
        login_on_phone = watch(browser.new_page(viewport=PHONE, is_mobile=True), problems)
        login_on_phone.goto(url + "/login")
        shoot(login_on_phone, "phone-login")
        assert width(login_on_phone) <= PHONE["width"], "the login page is wider than a phone"

    assert problems == []


def air_texts(modem, now) -> list[str]:
    return [sent.text for sent in modem.air]


def width(page) -> int:
    """How wide the page is laid out, in CSS pixels (what sticks out included)."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_long_port_name_stays_inside_its_card(app_factory, store, fast_password_hashing):
    """A card keeps its title, port and state inside it, on a desktop and on a phone, whatever
    the port is called. (The screenshots of the test above once showed a long port name pushing
    the state out of its card and widening the page to 761 px on a phone.)"""
    from playwright.sync_api import expect

    add_user(store, ADMIN, PASSWORD, "admin", T0)
    store.upsert_modem(
        "861234567890123",
        node="test-node",
        port=LONG_PORT,
        manufacturer="SIMCOM_Ltd",
        model="SIMCOM_SIM800",
        state="ready",
        reason="ready",
        sim="READY",
        signal_dbm=-71,
        bars=4,
        seen_at=T0,
    )
    with serving(app_factory()) as url, chromium() as browser:
        for viewport in (DESKTOP, PHONE):
            page = browser.new_page(viewport=viewport, is_mobile=viewport is PHONE)
            page.goto(url + "/login")
            page.fill("input[name=name]", ADMIN)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            card = page.locator("section.card.modem")
            expect(card).to_contain_text(LONG_PORT)
            box, state = card.bounding_box(), card.locator(".state").bounding_box()
            assert state["x"] + state["width"] <= box["x"] + box["width"], "state out of its card"
            assert width(page) <= viewport["width"], "the page is wider than the screen"
            page.close()
