"""A message's detail (issue 16): the page /messages/<id> and ``GET /api/v1/messages/{id}``.

The messages are sent by a real daemon on a simulated modem (a pty through pyserial): a
three-part text with its delivery reports, a reply received from the number, then a text the
network refuses once (+CMS ERROR 27, the destination's fault: it backs off) and accepts at the
next attempt. The daemon and the panel share the database and a manual clock, so the refused
message waits on its backoff until the test moves the clock, and the order of the conversation
is exact.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from appliance.daemon import Daemon
from appliance.outbox import prepare, submit, wakeup_path
from appliance.store.attempt_schema import Outcome
from appliance.store.schema import MAX_ID, Status
from appliance.wakeup import notify
from tests.appliance.conftest import FAST_TUNING
from tests.appliance.test_policies import explicit, with_modems
from tests.browser import chromium, needs_chromium, serving, watch
from tests.waiting import wait_until

from .conftest import ADMIN_NAME, ADMIN_PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

NUMBER = "+33612345678"
LONG = "Collecte de sang samedi 8h-12h salle des fetes. " * 8  # 3 GSM-7 parts
SHORT = 'Merci ! <script>alert("x")</script> & a demain'
# the destination's fault backs the message off (appliance.breaker): long, so it waits on the
# manual clock and nothing but the test moves it
TUNING = dataclasses.replace(FAST_TUNING, retry_base=600.0)


@pytest.fixture
def sent(sim_factory, config, store, clock):
    """(long message id, refused-then-sent message id, inbound id, the simulator) after a real
    daemon sent them; the daemon is stopped again before the test reads."""
    server = sim_factory(report_delay=5.0)
    cfg = with_modems(config, explicit(server))
    daemon = Daemon(cfg, clock=clock, tuning=TUNING).start()
    try:
        wait_until(lambda: len(daemon.pool.available()) == 1, 10, "the modem ready")

        def queue(text: str) -> int:
            new = prepare(cfg, to=NUMBER, text=text, now=clock.now())
            return submit(store, cfg, new, clock.now()).id

        long_id = queue(LONG)
        notify(wakeup_path(cfg))
        wait_until(lambda: store.get(long_id).status == Status.DELIVERED, 10, "3 parts delivered")

        clock.advance(60)
        server.call(lambda m, now: m.deliver_sms(NUMBER, "OUI je viens", now))
        wait_until(lambda: store.inbox(limit=1), 10, "the reply received")
        inbound_id = store.inbox(limit=1)[0].id

        clock.advance(60)
        server.call(lambda m, now: setattr(m.faults, "fail_rate", 1.0))
        server.call(lambda m, now: setattr(m.faults, "fail_codes", (27,)))
        short_id = queue(SHORT)
        notify(wakeup_path(cfg))

        def refused_and_backed_off() -> bool:
            # the attempt's end and the message's backoff are two writes of the worker: wait
            # for both rather than look between them
            found = store.message_detail(short_id)
            ended = any(a.outcome == Outcome.REFUSED for a in found.attempts)
            return ended and store.get(short_id).status == Status.QUEUED

        wait_until(refused_and_backed_off, 10, "the first attempt refused, the message queued")
        server.call(lambda m, now: setattr(m.faults, "fail_rate", 0.0))
        clock.advance(timedelta(hours=2))
        notify(wakeup_path(cfg))
        wait_until(lambda: store.get(short_id).status == Status.DELIVERED, 10, "sent, delivered")
    finally:
        daemon.stop()
    return long_id, short_id, inbound_id, server


def api(client, auth, message_id) -> dict:
    answer = client.get(f"/api/v1/messages/{message_id}", headers=auth)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_api_gives_each_part_its_references_and_reports(client, auth, sent, store):
    long_id, _, _, server = sent
    body = api(client, auth, long_id)
    on_air = server.call(lambda m, now: [(a.text, a.references) for a in m.air])
    concat_refs = server.call(lambda m, now: {s.concat.reference for s in m.submits if s.concat})
    references = dict(on_air)[LONG]
    detail = body["detail"]
    # the existing fields are still there, as they were
    assert body["id"] == long_id and body["to"] == NUMBER and body["parts"] == 3
    assert body["status"] == "delivered" and body["attempts"] == 1 and body["text"] == LONG
    assert detail["concat_ref"] in concat_refs and detail["parts_sent"] == 3
    assert [p["number"] for p in detail["parts"]] == [1, 2, 3]
    assert [p["reference"] for p in detail["parts"]] == list(references)  # as +CMGS gave them
    assert all(p["attempt"] == 1 for p in detail["parts"])
    for part in detail["parts"]:
        assert [r["state"] for r in part["reports"]] == ["delivered"]
        assert part["reports"][0]["status"] == 0 and part["reports"][0]["received_at"]
    (attempt,) = detail["attempts"]
    assert attempt["result"] == "sent" and attempt["references"] == list(references)
    assert attempt["modem"]["imei"] == server.call(lambda m, now: m.imei)
    assert attempt["sim"] == detail["sim"] and attempt["sim"]
    assert attempt["cms_code"] is None and attempt["reason"] is None


def test_a_refusal_then_a_send_are_two_attempts_with_the_code_and_the_words(
    client, auth, sent, store
):
    _, short_id, _, server = sent
    body = api(client, auth, short_id)
    assert body["status"] == "delivered" and body["attempts"] == 2
    refused, accepted = body["detail"]["attempts"]
    imei = server.call(lambda m, now: m.imei)
    assert refused["number"] == 1 and accepted["number"] == 2
    assert refused["result"] == "refused" and refused["cms_code"] == 27
    assert refused["reason"] == "the destination is out of service"  # modem/codes.py
    assert refused["references"] == [] and refused["ended_at"]
    assert accepted["result"] == "sent" and accepted["cms_code"] is None
    assert refused["modem"]["imei"] == accepted["modem"]["imei"] == imei
    assert refused["started_at"] < accepted["started_at"]  # two hours apart, on the clock
    (part,) = body["detail"]["parts"]
    assert part["reference"] == accepted["references"][0] and part["attempt"] == 2
    assert body["detail"]["concat_ref"] is None  # one part: no concatenation header


def test_the_conversation_is_in_time_order_both_ways(client, auth, sent):
    long_id, short_id, inbound_id, _ = sent
    for this in (long_id, short_id):
        conversation = api(client, auth, this)["detail"]["conversation"]
        assert conversation["number"] == NUMBER
        assert [(c["direction"], c["id"], c["current"]) for c in conversation["messages"]] == [
            ("sent", long_id, this == long_id),
            ("received", inbound_id, False),
            ("sent", short_id, this == short_id),
        ]
        assert not conversation["more_earlier"] and not conversation["more_later"]


def test_the_page_shows_parts_attempts_reports_and_the_conversation(signed_in, sent, store):
    long_id, short_id, inbound_id, _ = sent
    page = signed_in("volunteer").get(f"/messages/{short_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "+CMS ERROR 27" in html and "the destination is out of service" in html
    assert ">refused<" in html and ">sent<" in html and ">delivered<" in html
    assert f'href="/messages/{long_id}"' in html  # the conversation links each sent message
    assert "OUI je viens" in html and f"received #{inbound_id}" in html
    assert 'href="/conversation/%2B33612345678"' in html or "/conversation/+33612345678" in html
    # the text is data, never markup
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; a demain" in html
    long_page = signed_in("volunteer").get(f"/messages/{long_id}").get_data(as_text=True)
    reference = store.get(long_id).part_refs.split(",")[1]
    assert f"{reference}</td>" in long_page and "2/3" in long_page


def test_the_history_links_each_row_to_its_detail(signed_in, store, config, clock):
    ids = [
        submit(store, config, prepare(config, to=NUMBER, text=f"n{i}", now=clock.now()),
               clock.now()).id
        for i in range(3)
    ]  # fmt: skip
    html = signed_in("volunteer").get("/history").get_data(as_text=True)
    for message_id in ids:
        assert f'href="/messages/{message_id}"' in html
    for message_id in ids:  # and each page answers
        assert signed_in("volunteer").get(f"/messages/{message_id}").status_code == 200


def test_a_queued_message_has_no_attempt_yet(signed_in, client, auth, store, config, clock):
    new = prepare(config, to=NUMBER, text="pas encore", now=clock.now())
    message_id = submit(store, config, new, clock.now()).id
    detail = api(client, auth, message_id)["detail"]
    assert detail["attempts"] == [] and detail["modem"] is None
    assert [(p["number"], p["reference"], p["reports"]) for p in detail["parts"]] == [(1, None, [])]
    html = signed_in("admin").get(f"/messages/{message_id}").get_data(as_text=True)
    assert "No modem has taken it yet." in html and "Cancel" in html


@pytest.mark.parametrize("path", ["0", "1", str(MAX_ID), str(MAX_ID + 1), "99999999999999999999",
                                  "-1", "1e3", "%C2%B2"])  # fmt: skip
def test_an_unknown_huge_or_negative_id_is_404_never_500(signed_in, client, auth, path):
    page = signed_in("volunteer").get(f"/messages/{path}")
    assert page.status_code == 404
    answer = client.get(f"/api/v1/messages/{path}", headers=auth)
    assert answer.status_code == 404
    assert answer.is_json and "error" in answer.get_json()


def test_the_page_needs_a_login(client, admin, store, config, clock):
    new = prepare(config, to=NUMBER, text="secret", now=clock.now())
    message_id = submit(store, config, new, clock.now()).id
    page = client.get(f"/messages/{message_id}")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get(f"/api/v1/messages/{message_id}").status_code == 401


def test_an_erased_number_has_no_conversation(signed_in, client, auth, store, config, clock):
    ids = [
        submit(store, config, prepare(config, to=number, text="x", now=clock.now()),
               clock.now()).id
        for number in (NUMBER, "+33698765432")
    ]  # fmt: skip
    for number in (NUMBER, "+33698765432"):
        store.erase_contact(number, now=clock.now())
    conversation = api(client, auth, ids[0])["detail"]["conversation"]
    assert [c["id"] for c in conversation["messages"]] == [ids[0]]  # not the other erased one
    html = signed_in("volunteer").get(f"/messages/{ids[0]}").get_data(as_text=True)
    assert "Conversation with" not in html and "/conversation/erased" not in html


def test_admins_see_it_as_volunteers_do(signed_in, store, config, clock):
    new = prepare(config, to=NUMBER, text="pour tous", now=clock.now())
    message_id = submit(store, config, new, clock.now()).id
    for role in ("volunteer", "admin"):
        assert signed_in(role).get(f"/messages/{message_id}").status_code == 200


PHONE = {"width": 390, "height": 844}
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"


@needs_chromium
def test_the_page_fits_a_phone_in_chromium(app_factory, admin, sent):
    """Headless Chromium at a phone's size (390×844): the parts and attempts tables and the
    conversation stay inside the screen, the text with ``<script>`` stays text (no dialog)."""
    from playwright.sync_api import expect

    long_id, short_id, _, _ = sent
    problems: list[str] = []
    with serving(app_factory()) as url, chromium() as browser:
        page = watch(browser.new_page(viewport=PHONE, is_mobile=True), problems)
        page.goto(url + "/login")
        page.fill("input[name=name]", ADMIN_NAME)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        for message_id in (short_id, long_id):
            page.goto(f"{url}/messages/{message_id}")
            expect(page.locator("h1")).to_have_text(f"Message #{message_id}")
            expect(page.locator("table.attempts")).to_be_visible()
            expect(page.locator("li.entry.current")).to_be_visible()
            ARTEFACTS.mkdir(exist_ok=True)  # for a person to look at (git-ignored)
            page.screenshot(path=str(ARTEFACTS / f"message-{message_id}-phone.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"message {message_id}: {width} px wide on a phone"
        expect(page.locator("p.message-text")).to_have_text(LONG)
        page.goto(f"{url}/messages/{short_id}")
        expect(page.locator("p.message-text")).to_have_text(SHORT)
        expect(page.locator("table.attempts")).to_contain_text("+CMS ERROR 27")
        page.close()
    assert problems == []
