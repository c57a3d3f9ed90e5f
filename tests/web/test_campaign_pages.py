"""The campaign pages of the panel (issue 12) through Flask's test client, on a throwaway SQLite
database and the real ``appliance.campaigning``: the list, a campaign created with its preview
(the JSON live preview and the "Preview" button without JavaScript), its page with every
statistic, the funnel and the chart over time, the replies, the CSV export, its moves (start,
pause, resume, cancel, a new text, a correction, a follow-up), codes looked up and redeemed,
who may do what, CSRF, and bad input that never ends in a 500.

Messages "leave" here by the store's own claim and ``mark_sent`` (what a modem worker calls),
and replies come in through ``add_inbound_part`` and ``link_reply`` (what the consent desk
calls), so the statistics are the store's real counts. The browser test is
``test_campaign_browser.py``.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from appliance.campaigning import operations
from appliance.outbox import consent_rules
from appliance.store import Claim
from appliance.store.contacts import ContactValues

from .conftest import T0, sign_in
from .test_contacts_pages import text_of

ALICE, BOB, CHLOE, DAVID = "+33611111111", "+33622222222", "+33633333333", "+33644444444"
TEXT = "Bonjour {first_name}, collecte samedi à {fields.ville}. Répondez OUI ou NON"
NEW = {
    "name": "collecte-lyon",
    "text": TEXT,
    "tags": "Don du sang",
    "field_name": "",
    "field_value": "",
    "kind": "campaign",
    "send_at": "",
    "window": "",
    "window_days": "1",
    "confirm_words": "OUI,YES,1",
    "decline_words": "NON,NO,2",
    "confirm_tag": "confirmed",
    "confirm_reply": "",
    "decline_reply": "",
}


@pytest.fixture
def app_factory(shared_app_factory):
    """One app per Flask configuration for the module."""
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """The tests make users: hash their passwords quickly."""


@pytest.fixture
def admin_client(signed_in):
    return signed_in("admin")


@pytest.fixture
def volunteer_client(signed_in):
    return signed_in("volunteer")


@pytest.fixture
def donors(store):
    """Alice (Lyon) and Bob (Paris) give blood, Chloé too but has no town, David likes culture."""
    for number, first, tags, fields in (
        (ALICE, "Alice", ("Don du sang",), {"Ville": "Lyon"}),
        (BOB, "Bob", ("don du sang",), {"Ville": "Paris"}),
        (CHLOE, "Chloé", ("Don du sang",), {}),
        (DAVID, "David", ("Culture",), {"Ville": "Lyon"}),
    ):
        values = ContactValues(number, first, None, "fr", tags, fields)
        assert store.add_contact(values, now=T0 - timedelta(days=30), source="panel", proof="t")
    return store


def made(store, config, name="collecte", text="Bonjour {first_name}", **options):
    return operations.create(store, config, T0, name=name, text=text,
                             tags=options.pop("tags", ["Don du sang"]), **options)  # fmt: skip


def started(store, config, **options):
    campaign = made(store, config, **options)
    operations.start(store, config, campaign, T0)
    return store.campaign(campaign.id)


def send_all(store, config, at=T0 + timedelta(minutes=5)) -> list[str]:
    """Every due message leaves, as a modem worker would send them; returns the numbers."""
    claim = Claim(imei="356938035643809", iccid=None, group=None, node=config.node, max_parts=10,
                  quiet=False, avoid_own_retries=False, consent=consent_rules(config))  # fmt: skip
    sent = []
    while (message := store.claim(claim, at)) is not None:
        store.mark_sent(message.id, [1], message.parts, None, at, "d", "m")
        sent.append(message.recipient)
    return sent


def reply(store, number: str, text: str, at=T0 + timedelta(hours=1)):
    """A received SMS linked to the campaign it answers (what the consent desk does)."""
    inbound = store.add_inbound_part(imei="356938035643809", iccid=None, sender=number,
                                     text=text, sent_at=at, now=at, concat=None)  # fmt: skip
    campaign_id = store.link_reply(inbound.id, number, at, at - timedelta(days=7))
    answer = {"OUI": "confirmed", "NON": "declined"}.get(text.upper(), "text")
    store.record_answer(campaign_id, number, inbound.id, answer, at)
    return inbound


def stat(page: str, name: str) -> str:
    return re.search(rf'class="stat-{name}">([^<]*)<', page)[1]


# --- the list and a new campaign ------------------------------------------------------------------


def test_the_list_has_a_nav_entry_and_each_campaign_with_its_summary(
    volunteer_client, donors, config
):
    assert "No campaign yet" in text_of(volunteer_client.get("/campaigns"))
    started(donors, config)
    send_all(donors, config)
    reply(donors, ALICE, "OUI")
    made(donors, config, name="brouillon")
    response = volunteer_client.get("/campaigns")
    assert response.status_code == 200
    page = text_of(response)
    assert 'href="/campaigns" aria-current="page">Campaigns' in response.get_data(as_text=True)
    assert "brouillon draft campaign" in page
    assert re.search(
        r"collecte running campaign .* targeted 3 sent 3 replied 1 \(33.3 %\)", page
    ), page
    assert "New campaign" not in page  # a volunteer sees, an admin creates


def test_a_new_campaign_is_previewed_without_javascript_then_created(admin_client, donors):
    form = admin_client.get("/campaigns/new").get_data(as_text=True)
    assert 'value="OUI,YES,1"' in form and 'data-preview="/campaigns/preview"' in form
    response = admin_client.post("/campaigns/new", data={**NEW, "action": "preview"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Audience: 3 people" in page
    assert "Bonjour Alice, collecte samedi à Lyon. Répondez OUI ou NON" in page
    assert "1 SMS · Unicode (UCS-2)" not in page  # "à" is GSM-7
    assert "{fields.ville}: no such field for Chloé (+33633333333)" in page  # no town
    assert donors.campaigns() == []  # a preview creates nothing
    response = admin_client.post("/campaigns/new", data={**NEW, "action": "create"})
    assert response.status_code == 303
    campaign = donors.campaign("collecte-lyon")
    assert response.location.endswith(f"/campaigns/{campaign.id}")
    assert (campaign.status, campaign.tag_keys, campaign.template) == (
        "draft",
        ["don du sang"],
        TEXT,
    )


def test_every_setting_of_the_form_reaches_the_campaign(admin_client, donors):
    form = {**NEW, "field_name": "Ville", "field_value": "Lyon", "kind": "reminder",
            "send_at": "2026-11-28T18:00", "window": "18:00-20:00", "window_days": "3",
            "confirm_words": "OUI, VIENS", "confirm_tag": "vient", "confirm_reply": "Merci !",
            "decline_reply": "Dommage", "action": "create"}  # fmt: skip
    assert admin_client.post("/campaigns/new", data=form).status_code == 303
    c = donors.campaign("collecte-lyon")
    assert (c.kind, c.field_name, c.field_value) == ("reminder", "Ville", "Lyon")
    assert c.send_at.isoformat() == "2026-11-28T18:00:00+00:00"  # the test config is in UTC
    assert (c.window_start, c.window_end, c.window_days) == ("18:00", "20:00", 3)
    assert (c.confirm_words, c.confirm_tag, c.confirm_reply, c.decline_reply) == (
        "OUI,VIENS", "vient", "Merci !", "Dommage")  # fmt: skip
    page = text_of(admin_client.get(f"/campaigns/{c.id}"))
    assert "Audience: 1 person" in page  # Alice: David is in Lyon but not a donor
    assert "Window 18:00-20:00 over 3 day(s)" in page and "Free field Ville = Lyon" in page


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": ""}, "name", "it is empty"),
        ({"text": ""}, "text", "it is empty"),
        ({"text": "Bonjour {% if x %}"}, "text", "line 1, column 9"),
        ({"text": "Bonjour {first_name"}, "text", "is never closed"),
        ({"window": "20:00-18:00"}, "window", "ends before it starts"),
        ({"window": "demain"}, "window", "is not HH:MM-HH:MM"),
        ({"window": "18:00-20:00", "window_days": "40"}, "window_days", "Between 1 and 31"),
        ({"window_days": "trois"}, "window_days", "Not a valid integer"),
        ({"send_at": "2026-11-01T10:00"}, "send_at", "is in the past"),
        ({"send_at": "bientôt"}, "send_at", "is not a time"),
        ({"kind": "transactional"}, "kind", "is not campaign or reminder"),
        ({"tags": "x" * 70}, "tags", "longer than 64"),
        ({"field_value": "Lyon"}, "field_name", "Name the free field"),
        ({"field_name": "a=b", "field_value": "c"}, "field_name", "has no '='"),
        ({"confirm_words": " , "}, "confirm_words", "give at least one word"),
        ({"confirm_reply": "Merci " * 30}, "confirm_reply", "must fit in one SMS"),
        ({"name": "n" * 200}, "name", "128"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_created(
    admin_client, donors, change, field, words
):
    for action in ("create", "preview"):
        response = admin_client.post("/campaigns/new", data={**NEW, **change, "action": action})
        if action == "preview" and field not in ("text", "tags", "field_name"):
            continue  # the preview reads the text and the audience only
        assert response.status_code == 400, (action, text_of(response))
        body = response.get_data(as_text=True)
        error = re.search(rf'<span class="field-error" id="error-{field}">([^<]*)</span>', body)
        assert error and words in html.unescape(error[1]), (action, body)
    assert donors.campaigns() == []


def test_a_name_taken_is_refused_next_to_the_name(admin_client, donors, config):
    made(donors, config, name="collecte-lyon")
    response = admin_client.post("/campaigns/new", data={**NEW, "action": "create"})
    assert response.status_code == 400
    assert "a campaign named &#39;collecte-lyon&#39; exists already" in response.get_data(
        as_text=True
    )


# --- the live preview (JSON) ----------------------------------------------------------------------


def test_the_live_preview_renders_the_audience_as_typed(admin_client, donors):
    typed = {"text": "Salut {first_name} ! Collecte à {fields.ville}", "tags": "Don du sang",
             "field_name": "ville", "field_value": "Lyon"}  # fmt: skip
    response = admin_client.post("/campaigns/preview", json=typed)
    assert response.status_code == 200
    data = response.get_json()
    assert (data["audience"], data["contacts"], data["problems"]) == (1, 1, [])
    [alice] = data["previews"]
    assert alice["text"] == "Salut Alice ! Collecte à Lyon"
    assert (alice["encoding"], alice["parts"], alice["warning"]) == ("gsm7", 1, None)
    costly = admin_client.post("/campaigns/preview", json={**typed, "text": "Ê " * 40}).get_json()
    assert costly["previews"][0]["encoding"] == "ucs2"
    assert "UCS-2 because of 'Ê'" in costly["warnings"][0]
    assert "2 parts" in costly["warnings"][0]
    everyone = admin_client.post("/campaigns/preview", json={"text": "Bonjour"}).get_json()
    assert everyone["audience"] == 4  # no tag: every opted-in contact


def test_the_live_preview_names_what_stops_it(admin_client, donors, config):
    cases = [
        ({"text": "Bonjour {% raw %}"}, 422, "text"),
        ({"text": ""}, 422, "text"),
        ({"text": 5}, 400, "text"),
        ({"text": "x" * 6000}, 400, "text"),
        ({"text": "Bonjour", "tags": "x" * 70}, 422, "tags"),
        ({"text": "Bonjour", "campaign": "1"}, 400, "campaign"),
        ({"text": "Bonjour", "campaign": 99}, 404, "campaign"),
        ([1, 2], 400, "body"),
    ]
    for body, status, field in cases:
        response = admin_client.post("/campaigns/preview", json=body)
        assert (response.status_code, response.get_json()["field"]) == (status, field), body
    not_json = admin_client.post("/campaigns/preview", data="text=Bonjour")
    assert not_json.status_code == 400
    campaign = made(donors, config, text="Bonjour {first_name}")
    asked = {"campaign": campaign.id, "text": "Salut {first_name}"}
    other = admin_client.post("/campaigns/preview", json=asked)
    assert [p["text"] for p in other.get_json()["previews"]] == [
        "Salut Alice", "Salut Bob", "Salut Chloé"]  # fmt: skip
    assert donors.campaign(campaign.id).template == "Bonjour {first_name}"  # unchanged


# --- a campaign's page ----------------------------------------------------------------------------


def test_a_draft_shows_its_preview_and_settings(volunteer_client, donors, config):
    campaign = made(donors, config, text=TEXT)
    page = text_of(volunteer_client.get(f"/campaigns/{campaign.id}"))
    assert "collecte draft" in page
    assert "Audience: 3 people" in page and "Bonjour Bob, collecte samedi à Paris" in page
    assert "{fields.ville}: no such field for Chloé" in page
    assert "Tags don du sang" in page and "Send at when started" in page
    assert "Confirm OUI, YES, 1 → tag confirmed" in page
    assert "Start" not in page  # a volunteer sees no move


def test_every_statistic_the_funnel_and_the_chart_over_time(admin_client, donors, config, clock):
    campaign = started(donors, config, text="Collecte samedi, code {code}")
    assert sorted(send_all(donors, config)) == [ALICE, BOB, CHLOE]
    reply(donors, ALICE, "OUI")
    reply(donors, BOB, "NON", at=T0 + timedelta(hours=3))
    reply(donors, CHLOE, "je ne sais pas <b>encore</b>", at=T0 + timedelta(hours=3))
    donors.opt_out(CHLOE, now=T0 + timedelta(hours=4), how="sms STOP")
    code = donors.campaign_recipients(campaign.id)
    first_code = next(row["code"] for row in code if row["number"] == ALICE)
    from appliance.campaigning import results

    results.redeem_code(donors, first_code, T0 + timedelta(hours=5))
    response = admin_client.get(f"/campaigns/{campaign.id}")
    body = response.get_data(as_text=True)
    expected = {"targeted": "3", "sent": "3", "queued": "0", "delivered": "0", "failed": "0",
                "unknown": "0", "cancelled": "0", "reached": "3", "replied": "3",
                "response-rate": "100 %", "confirmed": "1", "declined": "1", "opted-out": "1",
                "codes": "3", "redeemed": "1", "redemption-rate": "33.3 %",
                "skipped-cap": "0", "skipped-template": "0"}  # fmt: skip
    assert {name: stat(body, name) for name in expected} == expected
    assert "targeted: 3, queued: 3 (100% of targeted), sent: 3 (100% of targeted)" in body
    assert "3 sent and 3 replies, per hour" in body  # the chart's summary
    assert body.count('class="bar replies"') == 2  # two hours with replies
    page = text_of(response)
    assert "je ne sais pas <b>encore</b>" in page and "<b>encore" not in body  # escaped
    assert re.search(r"\+33611111111 Alice confirmed OUI", page)
    assert "Export CSV" in page


def test_the_csv_export_lists_every_recipient(admin_client, volunteer_client, donors, config):
    campaign = started(donors, config, text="Bonjour {first_name}, {fields.ville}")
    send_all(donors, config)
    reply(donors, ALICE, "OUI")
    response = admin_client.get(f"/campaigns/{campaign.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="campaign-{campaign.id}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_number = {row["number"]: row for row in rows}
    assert set(by_number) == {ALICE, BOB, CHLOE}
    assert (by_number[ALICE]["status"], by_number[ALICE]["answer"]) == ("sent", "confirmed")
    assert by_number[CHLOE]["skipped"].startswith("template: {fields.ville}")
    assert volunteer_client.get(f"/campaigns/{campaign.id}/export.csv").status_code == 403


def test_an_unknown_campaign_is_a_404(volunteer_client, admin_client, donors):
    assert volunteer_client.get("/campaigns/99").status_code == 404
    assert volunteer_client.get("/campaigns/99999999999999999999").status_code == 404
    assert volunteer_client.get("/campaigns/abc").status_code == 404
    assert volunteer_client.get("/campaigns?before=x").status_code == 404
    for move in ("start", "pause", "resume", "cancel", "edit", "correct", "follow-up"):
        assert admin_client.post(f"/campaigns/99/{move}", data={"text": "x"}).status_code == 404
    assert admin_client.get("/campaigns/99/export.csv").status_code == 404


# --- moves ----------------------------------------------------------------------------------------


def test_start_pause_resume_and_cancel(admin_client, donors, config):
    campaign = made(donors, config, text="Bonjour {first_name}, {fields.ville}")
    page = text_of(admin_client.post(f"/campaigns/{campaign.id}/start", follow_redirects=True))
    assert "Started: 2 message(s) queued; skipped: 1 (a field of the text is missing)." in page
    assert donors.campaign(campaign.id).status == "running"
    page = text_of(admin_client.post(f"/campaigns/{campaign.id}/pause", follow_redirects=True))
    assert "Paused: 2 queued message(s) wait until it resumes." in page
    assert "collecte paused" in page and "Resume" in page
    page = text_of(admin_client.post(f"/campaigns/{campaign.id}/resume", follow_redirects=True))
    assert "Resumed: 2 message(s) go again." in page
    page = text_of(admin_client.post(f"/campaigns/{campaign.id}/cancel", follow_redirects=True))
    assert "Cancelled, with its 2 message(s) still queued." in page
    assert stat(admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True),
                "cancelled") == "2"  # fmt: skip


def test_a_move_the_state_refuses_is_a_message_on_the_page(admin_client, donors, config):
    campaign = made(donors, config)
    for move, words in (
        ("pause", "is draft, not running"),
        ("resume", "is draft, not paused"),
        ("correct", "has not started: edit its text"),
    ):
        response = admin_client.post(f"/campaigns/{campaign.id}/{move}", data={"text": "Fix"})
        assert response.status_code == 303, move
        page = text_of(admin_client.get(response.location))
        assert words in page, move
    admin_client.post(f"/campaigns/{campaign.id}/cancel")
    for move in ("start", "cancel", "edit"):
        response = admin_client.post(f"/campaigns/{campaign.id}/{move}", data={"text": "x"})
        assert response.status_code == 303
        assert "is cancelled" in text_of(admin_client.get(response.location)), move


def test_a_new_text_is_previewed_then_rewrites_what_is_queued(admin_client, donors, config):
    campaign = started(donors, config)
    url = f"/campaigns/{campaign.id}/edit"
    response = admin_client.post(url, data={"text": "Salut {first_name} !", "action": "preview"})
    assert response.status_code == 200
    assert "Salut Alice !" in text_of(response) and donors.campaign(campaign.id).template == (
        "Bonjour {first_name}")  # fmt: skip
    bad = admin_client.post(url, data={"text": "Salut {first_name", "action": "apply"})
    assert bad.status_code == 400
    assert 'id="error-text-edit_form"' in bad.get_data(as_text=True)
    done = admin_client.post(url, data={"text": "Salut {first_name} !", "action": "apply"})
    assert "Text saved; 3 queued message(s) rewritten." in text_of(
        admin_client.get(done.location))  # fmt: skip
    assert sorted(m["text"] for m in queued_texts(donors, campaign)) == [
        "Salut Alice !", "Salut Bob !", "Salut Chloé !"]  # fmt: skip


def queued_texts(store, campaign):
    return [
        {"text": store.get(r.message_id).text} for r in store.queued_recipients(campaign.id, "main")
    ]


def test_a_correction_goes_to_exactly_those_already_told(admin_client, donors, config):
    campaign = started(donors, config)
    claim_one = Claim(imei="356938035643809", iccid=None, group=None, node=config.node,
                      max_parts=10, quiet=False, avoid_own_retries=False)  # fmt: skip
    first = donors.claim(claim_one, T0 + timedelta(minutes=1))
    donors.mark_sent(first.id, [1], 1, None, T0 + timedelta(minutes=1), "d", "m")
    url = f"/campaigns/{campaign.id}/correct"
    preview = admin_client.post(url, data={"text": "Erratum : 14h", "action": "preview"})
    assert preview.status_code == 200 and "Erratum : 14h" in text_of(preview)
    assert "Audience:" not in text_of(preview)  # it goes to those told, not the audience
    done = admin_client.post(url, data={"text": "Erratum : 14h, {first_name}", "action": "apply"})
    page = text_of(admin_client.get(done.location))
    assert "Correction queued for 1 person(s) already told." in page
    corrections = [r for r in donors.campaign_recipients(campaign.id) if r["step"] != "main"]
    assert [(r["step"], r["number"]) for r in corrections] == [("correction:1", first.recipient)]
    empty = admin_client.post(url, data={"text": "  ", "action": "apply"})
    assert empty.status_code == 400 and "it is empty" in text_of(empty)


def test_a_follow_up_goes_to_who_has_not_answered(admin_client, donors, config, clock):
    campaign = started(donors, config)
    send_all(donors, config)
    reply(donors, ALICE, "OUI")
    clock.advance(timedelta(days=3))
    url = f"/campaigns/{campaign.id}/follow-up"
    bad = admin_client.post(url, data={"text": "Relance", "days": "400", "action": "apply"})
    assert bad.status_code == 400 and "400 is not between 0 and 365" in text_of(bad)
    bad = admin_client.post(url, data={"text": "Relance", "days": "", "action": "apply"})
    assert bad.status_code == 400 and "Say after how many days." in text_of(bad)
    done = admin_client.post(url, data={"text": "Relance {first_name}", "days": "2",
                                        "action": "apply"})  # fmt: skip
    follow = donors.campaign("collecte (relance)")
    assert done.status_code == 303 and done.location.endswith(f"/campaigns/{follow.id}")
    page = text_of(admin_client.get(done.location))
    assert "Follow-up collecte (relance) started: 2 message(s) queued" in page
    assert "follows collecte" in page
    assert sorted(r["number"] for r in donors.campaign_recipients(follow.id)) == [BOB, CHLOE]


# --- codes ----------------------------------------------------------------------------------------


def test_a_code_is_looked_up_and_redeemed_once(volunteer_client, donors, config):
    campaign = started(donors, config, text="Votre code : {code}")
    send_all(donors, config)
    code = next(r["code"] for r in donors.campaign_recipients(campaign.id) if r["number"] == BOB)
    page = text_of(volunteer_client.get(f"/campaigns/code?code={code.lower()}"))
    assert f"Code {code} Campaign collecte Number {BOB} Redeemed no" in page
    done = volunteer_client.post("/campaigns/code", data={"code": code})
    assert done.status_code == 303
    page = text_of(volunteer_client.get(done.location))
    assert f"Code {code} redeemed ({BOB}, campaign collecte)." in page
    assert "Redeemed yes" in page and "Mark redeemed" not in page
    again = volunteer_client.post("/campaigns/code", data={"code": code}, follow_redirects=True)
    assert f"code {code} was redeemed already" in text_of(again)
    assert stat(volunteer_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True),
                "redemption-rate") == "33.3 %"  # fmt: skip


def test_an_unknown_or_bad_code_is_said_next_to_the_field(volunteer_client, donors):
    assert volunteer_client.get("/campaigns/code").status_code == 200
    for response in (
        volunteer_client.get("/campaigns/code?code=NOPE1234"),
        volunteer_client.post("/campaigns/code", data={"code": "NOPE1234"}),
    ):
        assert response.status_code == 404
        assert "no code &#39;NOPE1234&#39;" in response.get_data(as_text=True)
    assert volunteer_client.get("/campaigns/code?code=" + "x" * 40).status_code == 400
    assert volunteer_client.post("/campaigns/code", data={"code": ""}).status_code == 400


# --- who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/campaigns/new"),
        ("post", "/campaigns/new"),
        ("post", "/campaigns/preview"),
        ("post", "/campaigns/1/start"),
        ("post", "/campaigns/1/pause"),
        ("post", "/campaigns/1/resume"),
        ("post", "/campaigns/1/cancel"),
        ("post", "/campaigns/1/edit"),
        ("post", "/campaigns/1/correct"),
        ("post", "/campaigns/1/follow-up"),
        ("get", "/campaigns/1/export.csv"),
    ],
)
def test_what_sends_to_the_base_is_for_admins(volunteer_client, donors, config, method, path):
    made(donors, config)
    response = getattr(volunteer_client, method)(path, data={"text": "x"})
    assert response.status_code == 403
    assert donors.campaign(1).status == "draft"


def test_the_pages_want_a_login(client, admin):
    for path in ("/campaigns", "/campaigns/new", "/campaigns/1", "/campaigns/code"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_every_form_and_the_live_preview_carry_a_csrf_token(app_factory, admin, donors, config):
    client = app_factory(WTF_CSRF_ENABLED=True).test_client()
    sign_in(client, admin)
    page = client.get("/campaigns/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    assert client.post("/campaigns/new", data={**NEW, "action": "create"}).status_code == 400
    assert client.post("/campaigns/preview", json={"text": "Bonjour"}).status_code == 400
    assert donors.campaigns() == []
    live = client.post("/campaigns/preview", json={"text": "Bonjour"},
                       headers={"X-CSRFToken": token})  # fmt: skip
    assert live.status_code == 200 and live.get_json()["audience"] == 4
    done = client.post("/campaigns/new", data={**NEW, "action": "create", "csrf_token": token})
    assert done.status_code == 303
    campaign_id = donors.campaign("collecte-lyon").id
    assert client.post(f"/campaigns/{campaign_id}/start").status_code == 400
    assert donors.campaign(campaign_id).status == "draft"
    detail = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert detail.count('name="csrf_token"') >= 3  # the moves and the text forms
    started_ = client.post(f"/campaigns/{campaign_id}/start", data={"csrf_token": token})
    assert started_.status_code == 303 and donors.campaign(campaign_id).status == "running"
