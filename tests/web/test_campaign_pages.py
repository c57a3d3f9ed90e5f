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
    assert re.search(r"collecte running campaign .* 3 3 1 \(33.3 %\)", page), page
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
