"""A campaign's problems on French panel pages (issue 16), through Flask's test client: a text
missing a value or badly written, previewed without JavaScript on the new campaign's page and
on a draft's page, the live preview's JSON, and an events file with a bad row and a step too
late. Each shows the problem in French with its values kept (the placeholder, the contact's
name and number, the line), and no English word is left on the page once those values are
taken out; the API's JSON keeps its English. The shapes themselves are
``test_campaign_problems_catalogue.py``'s.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from appliance.store.contacts import ContactValues
from tests.web.test_i18n_pages import FIXTURE_TEXT, FRENCH, Visible, words

from .conftest import T0
from .test_campaign_events_page import SETTINGS
from .test_campaign_pages import NEW, made

ALICE, CHLOE = "+33611111111", "+33633333333"
TEXT = "Bonjour {first_name}, collecte samedi à {fields.ville}. Répondez OUI ou NON"
# what a reader reads as written: the placeholders, the known names, the typed text
KEPT = ("{fields.ville}", "{fields.NAME}", "{prenom}", "fields.NAME", "event.fields.NAME",
        "first_name", "last_name", "event.id", "event.place", "event.date", "event.start",
        "event.end", "event.area", "{event.fields.NAME}", "{first_name}", "{code}",
        "{event.place}", "{event.date}", "{event.start}", "{event.end}", TEXT,
        "Bonjour {prenom}", "OUI/NON")  # fmt: skip


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """The tests make users: hash their passwords quickly."""


@pytest.fixture
def donors(store):
    """Alice has a town, Chloé none: ``{fields.ville}`` cannot be made for her."""
    for number, first, fields in ((ALICE, "Alice", {"Ville": "Lyon"}), (CHLOE, "Chloé", {})):
        values = ContactValues(number, first, None, "fr", ("Don du sang",), fields)
        assert store.add_contact(values, now=T0 - timedelta(days=30), source="panel", proof="t")
    return store


def upload(client, data: bytes):
    """An events file posted with the page's settings (test_campaign_events_page), in French."""
    boundary, body = encode_multipart({**SETTINGS, "file": FileStorage(io.BytesIO(data), "c.csv")})
    return client.post("/campaigns/events", data=body, headers=FRENCH,
                       content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip


def english_on(page: str, vocabulary: set[str]) -> list[str]:
    """The English words a French reader sees on ``page``, the values read as written left out
    (test_i18n_pages.english_left, with a campaign's placeholders kept)."""
    parser = Visible()
    parser.feed(page)
    left = []
    for text in parser.texts:
        for kept in sorted((*KEPT, *FIXTURE_TEXT), key=len, reverse=True):
            text = text.replace(kept, " ")
        found = [w for w in words(text) if w in vocabulary]
        if found:
            left.append(f"{' '.join(found)!r} in {text.strip()[:90]!r}")
    return left


def test_a_new_campaigns_preview_says_its_problem_in_french(signed_in, donors, vocabulary):
    client = signed_in("admin")
    response = client.post("/campaigns/new", data={**NEW, "text": TEXT, "action": "preview"},
                           headers=FRENCH)  # fmt: skip
    assert response.status_code == 200
    page = response.text
    said = "{fields.ville} : ce champ n&#39;existe pas pour Chloé (+33633333333) ; connus : aucun"
    assert said in page
    assert "no such field" not in page
    assert english_on(page, vocabulary) == []


def test_a_text_that_cannot_be_compiled_is_refused_in_french(signed_in, donors, vocabulary):
    client = signed_in("admin")
    response = client.post(
        "/campaigns/new", data={**NEW, "text": "Bonjour {prenom}", "action": "preview"},
        headers=FRENCH,
    )  # fmt: skip
    assert response.status_code == 400
    page = response.text
    # next to the field and above the preview, with its line, column and the names known
    assert page.count("ligne 1, colonne 9 : {prenom} : ce champ n&#39;existe pas ; connus : "
                      "first_name, last_name, code") == 2  # fmt: skip
    assert english_on(page, vocabulary) == []


def test_the_users_own_language_says_a_drafts_problem_in_french(
    signed_in, donors, config, vocabulary
):
    campaign = made(donors, config, text=TEXT)
    client = signed_in("volunteer")
    assert client.post("/language", data={"language": "fr"}).status_code in (302, 303)
    page = client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "en"}).text
    assert "{fields.ville} : ce champ n&#39;existe pas pour Chloé (+33633333333)" in page
    assert english_on(page, vocabulary) == []


def test_the_live_preview_answers_in_french_and_the_api_in_english(
    signed_in, donors, config, client, auth
):
    admin = signed_in("admin")
    typed = {"text": TEXT + " 🙂" + "x" * 60, "tags": "Don du sang"}
    data = admin.post("/campaigns/preview", json=typed, headers=FRENCH).get_json()
    assert data["problems"] == [
        "{fields.ville} : ce champ n'existe pas pour Chloé (+33633333333) ; connus : aucun"
    ]
    assert data["warnings"] == [
        "Alice (+33611111111) : UCS-2 à cause de '🙂' (U+1F642) au caractère 60, 2 SMS "
        "(121 unités UTF-16)"
    ]
    assert data["previews"][0]["warning"] == data["warnings"][0]
    refused = admin.post("/campaigns/preview", json={"text": "Bonjour {prenom"}, headers=FRENCH)
    assert refused.status_code == 422
    said = refused.get_json()
    assert said["field"] == "text"
    assert said["said"] == (
        "Texte : ligne 1, colonne 9 : cette '{' n'est jamais fermée ; écrivez {{ ou }} pour une "
        "accolade seule"
    )
    made(donors, config, text=TEXT)
    preview = client.post("/api/v1/campaigns/collecte/preview", json={},
                          headers={**auth, **FRENCH}).get_json()  # fmt: skip
    assert preview["problems"] == [
        "{fields.ville}: no such field for Chloé (+33633333333); known: none"
    ]


def test_an_events_files_bad_row_and_late_step_are_french(signed_in, donors, vocabulary):
    client = signed_in("admin")
    data = (
        "Identifiant;Lieu;Date;Début;Fin\n"
        "C1;Salle A;23/11/2026;14h;19h\n"  # today (T0): both steps too late
        "C2;;05/12/2026;8h;12h\n"  # no place
    ).encode()
    response = upload(client, data)
    assert response.status_code == 200, response.text
    page = response.text
    assert "ligne 3, Lieu : est vide : chaque événement a besoin de son lieu" in page
    assert "trop tard : l&#39;événement a lieu le 2026-11-23" in page
    assert english_on(page, vocabulary) == []
