"""Campaigns through the JSON API (issue 12), as a script drives them: create, preview, start,
pause, resume, edit, correct, follow up, cancel; statistics, replies, the CSV export, codes;
and the ``campaign.*`` webhooks posted to a real receiver with a valid signature.

The rules are ``appliance.campaigning``'s (tested there); what is under test here is the
contract: each rule's refusal answered with its status and the body's field (422 naming
``send_at``, ``tags[0]``, ``replies.confirm_reply``; 409 for a move the state forbids; 404 for
any name, id or code that names nothing, never a 500), and what a move did, counted exactly.
Messages "leave" by the store's own claim and mark_sent, as a modem's worker records them.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import quote

import pytest

import appliance.webhooks as webhooks
from appliance.clock import SystemClock
from appliance.store.campaign_batch import SKIP_REASONS
from appliance.store.contacts import ContactValues
from tests.appliance.test_webhooks import FAST, LOCAL, Receiver, receiver_verify
from tests.waiting import wait_until
from tests.web.conftest import T0
from tests.web.test_api import assert_error, claim

CAMPAIGNS = "/api/v1/campaigns"
ALICE, BOB, CAROL, DAN = "+33611111111", "+33622222222", "+33633333333", "+33644444444"
TEXT = "Bonjour {first_name}, collecte samedi. Répondez OUI."
NONE_SKIPPED = dict.fromkeys(SKIP_REASONS, 0)  # cap, template, optout, consent: each counted


@pytest.fixture
def people(store):
    """Four opted-in donors in two towns; Dan has no town and no "donneur" tag."""
    for number, first, town, tags in (
        (ALICE, "Alice", "Lyon", ("donneur",)),
        (BOB, "Bob", "Lyon", ("donneur",)),
        (CAROL, "Carol", "Caen", ("Donneur",)),
        (DAN, "Dan", None, ("sport",)),
    ):
        values = ContactValues(number=number, first_name=first, tags=tags,
                               fields={"ville": town} if town else {})  # fmt: skip
        store.save_contact(values, now=T0, consent=("form", "signup 2026-11-01"))
    return [ALICE, BOB, CAROL, DAN]


def create(client, auth, name="collecte", text=TEXT, **body):
    return client.post(CAMPAIGNS, json={"name": name, "text": text, "tags": ["donneur"], **body},
                       headers=auth)  # fmt: skip


def created(client, auth, name="collecte", **body) -> dict:
    response = create(client, auth, name, **body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def move(client, auth, name, what, status=200, **kwargs):
    response = client.post(f"{CAMPAIGNS}/{quote(name, safe='')}/{what}", headers=auth, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def send_all(store, now) -> list[str]:
    """Every message due goes out, as a worker records it; the numbers they went to."""
    sent = []
    while (message := claim(store, now)) is not None:
        store.mark_sent(message.id, [7], 1, None, now, f"{now:%Y-%m-%d}", f"{now:%Y-%m}")
        sent.append(message.recipient)
    return sorted(sent)


def texts(store) -> dict[str, str]:
    return {m.recipient: m.text for m in store.messages(limit=100)}


# --- routing and authentication ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", CAMPAIGNS), ("post", CAMPAIGNS), ("get", f"{CAMPAIGNS}/x"),
        ("patch", f"{CAMPAIGNS}/x"), ("post", f"{CAMPAIGNS}/x/preview"),
        ("post", f"{CAMPAIGNS}/x/start"), ("post", f"{CAMPAIGNS}/x/pause"),
        ("post", f"{CAMPAIGNS}/x/resume"), ("post", f"{CAMPAIGNS}/x/cancel"),
        ("post", f"{CAMPAIGNS}/x/corrections"), ("post", f"{CAMPAIGNS}/x/follow-ups"),
        ("get", f"{CAMPAIGNS}/x/stats"), ("get", f"{CAMPAIGNS}/x/activity"),
        ("get", f"{CAMPAIGNS}/x/replies"), ("get", f"{CAMPAIGNS}/x/export.csv"),
        ("get", "/api/v1/codes/ABC"), ("post", "/api/v1/codes/ABC/redeem"),
    ],
)  # fmt: skip
def test_every_campaign_route_needs_a_token(client, method, path):
    assert_error(getattr(client, method)(path), 401)


@pytest.mark.parametrize(
    "key", ["nope", "0", "99", "²", "9" * 30, "x" * 500, "%00", "a%ED%A0%80", "%C2%B2"]
)
def test_a_name_or_id_that_names_nothing_is_404(client, auth, people, key):
    created(client, auth)
    for path in ("", "/stats", "/export.csv"):
        assert_error(client.get(f"{CAMPAIGNS}/{key}{path}", headers=auth), 404)
    assert_error(client.post(f"{CAMPAIGNS}/{key}/start", headers=auth), 404)


def test_a_campaign_is_named_by_its_name_or_its_id_and_a_name_of_digits_wins(client, auth):
    first = created(client, auth, "collecte")
    digits = created(client, auth, str(first["id"] + 1))  # its own id is first["id"] + 1 too
    other = created(client, auth, "Noël / été")
    assert client.get(f"{CAMPAIGNS}/{first['id']}", headers=auth).get_json() == first
    assert client.get(f"{CAMPAIGNS}/{digits['id']}", headers=auth).get_json() == digits
    by_id = client.get(f"{CAMPAIGNS}/{other['id']}", headers=auth).get_json()
    assert by_id["name"] == "Noël / été"


# --- create, read, list --------------------------------------------------------------------------


def test_a_campaign_is_created_as_a_draft_with_its_settings(client, auth, people):
    response = create(
        client, auth, field={"ville": "Lyon"}, kind="reminder", send_at="2026-11-28T18:00",
        window="18:00-20:00", window_days=3,
        replies={"confirm_words": ["OUI", "Yes"], "confirm_tag": "inscrit",
                 "confirm_reply": "Merci, à samedi !"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"{CAMPAIGNS}/collecte"
    assert client.get(response.headers["Location"], headers=auth).get_json() == body
    assert body == {
        "id": body["id"], "name": "collecte", "kind": "reminder", "status": "draft",
        "text": TEXT, "tags": ["donneur"], "field": {"ville": "Lyon"},
        "created_at": T0.isoformat(), "started_at": None, "finished_at": None,
        "send_at": "2026-11-28T18:00:00+00:00", "paused_at": None,
        "window": "18:00-20:00", "window_days": 3,
        "replies": {"confirm_words": ["OUI", "Yes"], "decline_words": ["NON", "NO", "2"],
                    "confirm_tag": "inscrit", "confirm_reply": "Merci, à samedi !",
                    "decline_reply": None},
        "follows": None, "events": False, "reminder_text": None, "correction_text": None,
        "date_field": None, "date_days": None, "date_at": None,
    }  # fmt: skip


def test_campaigns_are_listed_newest_first_in_pages(client, auth):
    for name in ("a", "b", "c"):
        created(client, auth, name)
    page = client.get(CAMPAIGNS, headers=auth, query_string={"limit": 2}).get_json()
    assert [c["name"] for c in page["campaigns"]] == ["c", "b"]
    query = {"limit": 2, "cursor": page["next_cursor"]}
    rest = client.get(CAMPAIGNS, headers=auth, query_string=query).get_json()
    assert [c["name"] for c in rest["campaigns"]] == ["a"] and rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": "{first_name"}, 422, "text"),  # does not compile
        ({"text": "   "}, 422, "text"),
        ({"name": ""}, 422, "name"),
        ({"name": "x" * 129}, 422, "name"),
        ({"send_at": "2020-01-01T10:00"}, 422, "send_at"),  # past
        ({"send_at": "9999-12-31T10:00"}, 422, "send_at"),  # too far
        ({"send_at": "demain"}, 422, "send_at"),
        ({"window": "20:00-18:00"}, 422, "window"),
        ({"window": "soir"}, 422, "window"),
        ({"window": "18:00-20:00", "window_days": 40}, 422, "window_days"),
        ({"tags": ["  "]}, 422, "tags[0]"),
        ({"field": {"a": "1", "b": "2"}}, 422, "field"),
        ({"field": {"a=b": "1"}}, 422, "field"),
        ({"kind": "transactional"}, 422, "kind"),
        ({"replies": {"confirm_reply": "x" * 200}}, 422, "replies.confirm_reply"),  # two SMS
        ({"replies": {"confirm_words": []}}, 422, "replies.confirm_words"),
        ({"replies": {"confirm_words": ["OUI,YES"]}}, 422, "replies.confirm_words[0]"),
        ({"colour": "red"}, 422, "colour"),
        ({"name": 12}, 400, "name"),
        ({"tags": "donneur"}, 400, "tags"),
        ({"window_days": "3"}, 400, "window_days"),
        ({"text": "a\x00b"}, 422, "text"),
    ],
)
def test_a_bad_campaign_is_refused_naming_the_field(client, auth, body, status, field):
    assert_error(create(client, auth, **body), status, field)
    assert client.get(CAMPAIGNS, headers=auth).get_json()["campaigns"] == []


def test_a_name_taken_is_422_name(client, auth):
    created(client, auth)
    assert_error(create(client, auth), 422, "name")


def test_a_template_error_says_where(client, auth):
    body = assert_error(create(client, auth, text="Bonjour\n{first_name"), 422, "text")
    assert "line 2" in body["error"]


# --- preview -------------------------------------------------------------------------------------


def test_a_preview_renders_the_audience_with_encoding_parts_and_problems(client, auth, people):
    created(client, auth, text="Bonjour {first_name}, collecte à {fields.ville}")
    preview = move(client, auth, "collecte", "preview")  # no body: the campaign's text
    assert preview["campaign"] == "collecte" and preview["audience"] == 3
    assert {p["text"] for p in preview["previews"]} == {
        "Bonjour Alice, collecte à Lyon", "Bonjour Bob, collecte à Lyon",
        "Bonjour Carol, collecte à Caen",
    }  # fmt: skip
    assert all(p["encoding"] == "gsm7" and p["parts"] == 1 for p in preview["previews"])
    tried = move(client, auth, "collecte", "preview",
                 json={"text": "Ça {fields.âge}", "limit": 1})  # fmt: skip
    assert tried["contacts"] == 1 and tried["previews"] == []
    assert len(tried["problems"]) == 1 and "âge" in tried["problems"][0]
    costly = move(client, auth, "collecte", "preview", json={"text": "Êtes-vous là ?"})
    assert costly["previews"][0]["encoding"] == "ucs2" and costly["warnings"]
    assert (
        client.get(f"{CAMPAIGNS}/collecte", headers=auth).get_json()["text"].startswith("Bonjour")
    )  # nothing saved
    assert_error(client.post(f"{CAMPAIGNS}/collecte/preview", json={"text": "{x"},
                             headers=auth), 422, "text")  # fmt: skip
    assert_error(client.post(f"{CAMPAIGNS}/collecte/preview", json={"limit": 0},
                             headers=auth), 422, "limit")  # fmt: skip


# --- the moves -----------------------------------------------------------------------------------


def test_start_pause_resume_cancel_with_exact_counts(client, auth, people, store):
    created(client, auth)
    assert_error(client.post(f"{CAMPAIGNS}/collecte/pause", headers=auth), 409)  # a draft
    started = move(client, auth, "collecte", "start")
    assert started == {"campaign": "collecte", "status": "running", "queued": 3,
                       "skipped": NONE_SKIPPED}  # fmt: skip
    assert move(client, auth, "collecte", "start")["queued"] == 0  # never anyone twice
    assert move(client, auth, "collecte", "pause") == {"campaign": "collecte", "status": "paused",
                                                      "held": 3}  # fmt: skip
    assert send_all(store, T0) == []  # held
    assert_error(client.post(f"{CAMPAIGNS}/collecte/pause", headers=auth), 409)
    assert move(client, auth, "collecte", "resume")["released"] == 3
    assert send_all(store, T0) == [ALICE, BOB, CAROL]
    stats = client.get(f"{CAMPAIGNS}/collecte/stats", headers=auth).get_json()
    assert stats["targeted"] == 3 and stats["reached"] == 3 and stats["messages"]["sent"] == 3
    assert stats["funnel"][:3] == [{"stage": "targeted", "count": 3},
                                   {"stage": "queued", "count": 3},
                                   {"stage": "sent", "count": 3}]  # fmt: skip
    assert move(client, auth, "collecte", "cancel") == {
        "campaign": "collecte", "status": "cancelled", "cancelled": 0}  # fmt: skip
    for what in ("start", "cancel", "resume"):
        assert_error(client.post(f"{CAMPAIGNS}/collecte/{what}", headers=auth), 409)


def test_the_skipped_are_counted_by_reason(client, auth, people):
    created(client, auth, text="Bonjour {first_name} de {fields.ville}", tags=["donneur", "sport"])
    started = move(client, auth, "collecte", "start")
    assert started["queued"] == 3 and started["skipped"]["template"] == 1  # Dan has no town


def test_edit_rewrites_what_is_still_queued(client, auth, people, store):
    created(client, auth)
    move(client, auth, "collecte", "start")
    response = client.patch(f"{CAMPAIGNS}/collecte", json={"text": "Salut {first_name} !"},
                            headers=auth)  # fmt: skip
    assert response.get_json() == {"campaign": "collecte", "status": "running", "rewritten": 3}
    assert texts(store) == {ALICE: "Salut Alice !", BOB: "Salut Bob !", CAROL: "Salut Carol !"}
    assert_error(client.patch(f"{CAMPAIGNS}/collecte", json={"text": "{fields.nope}"},
                              headers=auth), 422, "text")  # fmt: skip
    assert texts(store)[ALICE] == "Salut Alice !"  # nothing half-written
    assert_error(client.patch(f"{CAMPAIGNS}/collecte", json={}, headers=auth), 422, "text")


def test_a_correction_goes_to_exactly_those_already_told(client, auth, people, store):
    created(client, auth)
    assert_error(
        client.post(f"{CAMPAIGNS}/collecte/corrections", json={"text": "x"}, headers=auth), 409
    )  # fmt: skip  (a draft: edit it instead)
    move(client, auth, "collecte", "start")
    first = claim(store, T0)  # one message leaves; two still wait
    store.mark_sent(first.id, [7], 1, None, T0, "2026-11-23", "2026-11")
    corrected = move(client, auth, "collecte", "corrections",
                     json={"text": "Rectificatif {first_name} : 9h."})  # fmt: skip
    assert corrected["queued"] == 1
    corrections = [m for m in store.messages(limit=100) if m.text.startswith("Rectificatif")]
    assert [m.recipient for m in corrections] == [first.recipient]


def test_a_follow_up_goes_to_who_did_not_answer(client, auth, people, store, clock):
    created(client, auth)
    move(client, auth, "collecte", "start")
    send_all(store, T0)
    campaign = store.campaign("collecte")
    answered = _reply(store, ALICE, "oui")
    store.link_reply(answered, ALICE, T0 + timedelta(hours=1), T0)
    store.record_answer(campaign.id, ALICE, answered, "confirmed", T0 + timedelta(hours=1))
    clock.advance(timedelta(days=3))
    asked = {"text": "{first_name}, on compte sur vous ?", "days": 2}
    response = client.post(f"{CAMPAIGNS}/collecte/follow-ups", headers=auth, json=asked)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["queued"] == 2
    assert body["campaign"]["name"] == "collecte (relance)"
    assert body["campaign"]["status"] == "running"
    assert body["campaign"]["follows"] == campaign.id
    assert client.get(response.headers["Location"], headers=auth).get_json() == body["campaign"]
    assert send_all(store, clock.now()) == [BOB, CAROL]
    assert_error(client.post(f"{CAMPAIGNS}/collecte/follow-ups", headers=auth,
                             json={"text": "x", "days": 2}), 422, "name")  # fmt: skip
    assert_error(client.post(f"{CAMPAIGNS}/collecte/follow-ups", headers=auth,
                             json={"text": "x", "days": 400}), 422, "days")  # fmt: skip


def _reply(store, number: str, text: str) -> int:
    inbound = store.add_inbound_part(
        imei="356938035643809", iccid=None, sender=number, text=text, sent_at=None,
        now=T0 + timedelta(hours=1), concat=None,
    )  # fmt: skip
    assert inbound is not None and inbound.id is not None
    return inbound.id


# --- what it did ---------------------------------------------------------------------------------


def test_replies_stats_and_export(client, auth, people, store, config):
    created(client, auth)
    move(client, auth, "collecte", "start")
    send_all(store, T0)
    campaign = store.campaign("collecte")
    for number, text, answer in ((ALICE, "Oui !", "confirmed"), (BOB, "à quelle heure ?", "text")):
        inbound_id = _reply(store, number, text)
        assert store.link_reply(inbound_id, number, T0 + timedelta(hours=1), T0) == campaign.id
        store.record_answer(campaign.id, number, inbound_id, answer, T0 + timedelta(hours=1))
    replies = client.get(f"{CAMPAIGNS}/collecte/replies", headers=auth).get_json()["replies"]
    assert [(r["number"], r["text"], r["answer"], r["name"]) for r in replies] == [
        (BOB, "à quelle heure ?", "text", "Bob"), (ALICE, "Oui !", "confirmed", "Alice"),
    ]  # fmt: skip
    one = client.get(f"{CAMPAIGNS}/collecte/replies", headers=auth, query_string={"limit": 1})
    assert len(one.get_json()["replies"]) == 1
    assert_error(client.get(f"{CAMPAIGNS}/collecte/replies", headers=auth,
                            query_string={"limit": "x"}), 400, "limit")  # fmt: skip
    stats = client.get(f"{CAMPAIGNS}/collecte/stats", headers=auth).get_json()
    assert (stats["replied"], stats["confirmed"], stats["response_rate"]) == (2, 1, round(2 / 3, 4))
    activity = client.get(f"{CAMPAIGNS}/collecte/activity", headers=auth).get_json()
    assert activity == {"sent": [{"hour": T0.isoformat(), "count": 3}],
                        "replies": [{"hour": (T0 + timedelta(hours=1)).isoformat(),
                                     "count": 2}]}  # fmt: skip
    export = client.get(f"{CAMPAIGNS}/collecte/export.csv", headers=auth)
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert {(r["number"], r["status"], r["answer"]) for r in rows} == {
        (ALICE, "sent", "confirmed"), (BOB, "sent", "text"), (CAROL, "sent", ""),
    }  # fmt: skip


def test_codes_are_looked_up_and_redeemed_once(client, auth, people, store):
    created(client, auth, text="Votre bon : {code}")
    move(client, auth, "collecte", "start")
    code = store.find_code(texts(store)[ALICE].rpartition(" ")[2])
    assert code is not None
    typed = f"{code.code[:4].lower()}-{code.code[4:].lower()}"
    found = client.get(f"/api/v1/codes/{typed}", headers=auth).get_json()
    assert found == {"code": code.code, "campaign": "collecte", "campaign_id": code.campaign_id,
                     "number": ALICE, "redeemed": False, "redeemed_at": None}  # fmt: skip
    redeemed = client.post(f"/api/v1/codes/{code.code}/redeem", headers=auth)
    assert redeemed.status_code == 200
    assert redeemed.get_json() | {"redeemed_at": None} == found | {"redeemed": True}
    assert "already" in assert_error(client.post(f"/api/v1/codes/{typed}/redeem", headers=auth),
                                     409)["error"]  # fmt: skip
    stats = client.get(f"{CAMPAIGNS}/collecte/stats", headers=auth).get_json()
    assert (stats["codes"], stats["redeemed"], stats["redemption_rate"]) == (3, 1, round(1 / 3, 4))
    for unknown in ("ZZZZZZZZ", "x" * 100, "%00", "---"):
        assert_error(client.get(f"/api/v1/codes/{unknown}", headers=auth), 404)
        assert_error(client.post(f"/api/v1/codes/{unknown}/redeem", headers=auth), 404)


# --- webhooks ------------------------------------------------------------------------------------


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_campaign_events_are_posted_signed(client, auth, people, store, receiver):
    _, secret = webhooks.create_webhook(
        store, url=receiver.url(), events=["campaign.started", "campaign.cancelled"],
        now=SystemClock().now(), allowed=LOCAL,
    )  # fmt: skip
    webhooks.create_webhook(store, url=receiver.url("/paused-only"), events=["campaign.paused"],
                            now=SystemClock().now(), allowed=LOCAL)  # fmt: skip
    made = created(client, auth)
    move(client, auth, "collecte", "start")
    move(client, auth, "collecte", "cancel")
    sender = webhooks.WebhookSender(store, SystemClock(), poll_interval=0.02, timeout=2.0,
                                    backoff=FAST, networks=LOCAL).start()  # fmt: skip
    try:
        posted = wait_until(lambda: len(receiver.got("/hook")) >= 2 and receiver.got("/hook"),
                            5, "two campaign events")  # fmt: skip
    finally:
        sender.stop()
    verify = receiver_verify()
    events = [verify(secret, r.body, r.headers) for r in sorted(posted, key=lambda r: r.json["id"])]
    assert [(e["event"], e["data"]) for e in events] == [
        ("campaign.started", {"id": made["id"], "name": "collecte", "queued": 3,
                              "skipped": NONE_SKIPPED}),
        ("campaign.cancelled", {"id": made["id"], "name": "collecte", "cancelled": 3}),
    ]  # fmt: skip
    assert receiver.got("/paused-only") == []


def test_campaign_events_can_be_chosen_in_the_panel():
    kinds = {"campaign.started", "campaign.paused", "campaign.resumed", "campaign.cancelled",
             "campaign.corrected", "campaign.code_redeemed", "campaign.replied",
             "campaign.events_imported"}  # fmt: skip
    assert kinds <= set(webhooks.EVENTS)
    from web.pages.webhooks import EVENT_HELP

    assert kinds <= set(EVENT_HELP)


def test_a_campaign_event_says_what_was_logged_and_the_number():
    from appliance.webhooks.fanout import campaign_data

    logged = '{"id": 3, "name": "collecte", "answer": "confirmed", "inbound_id": 9}'
    assert campaign_data(logged, ALICE) == {"id": 3, "name": "collecte", "answer": "confirmed",
                                            "inbound_id": 9, "number": ALICE}  # fmt: skip
    assert campaign_data("written by hand", None) == {"detail": "written by hand"}
    assert campaign_data("[1]", None) == {"detail": "[1]"}
    assert campaign_data(None, None) == {}
