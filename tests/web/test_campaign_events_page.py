"""The events file's page of the panel (/campaigns/events, issue 12) through Flask's test
client: an upload previewed as the schedule it will make (nothing written), then imported; the
edited file imported again (moved, cancelled, corrected), refused rows kept out only when asked,
a text missing a value named next to it, unreadable, empty or oversized files, uploads that are
their uploader's only, roles and CSRF. The rules are ``events_import``'s, tested in
``tests/appliance/test_events_import.py``; these tests are about the page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from appliance.campaigning import operations
from appliance.store.contacts import ContactValues
from appliance.store.schema import MessageKind

from .conftest import T0, sign_in
from .test_campaign_pages import send_all
from .test_contacts_pages import text_of

FILE = (
    "Identifiant;Lieu;Date;Début;Fin;Ville\n"
    "C1;Salle A;05/12/2026;14h;19h;Lyon\n"
    "C2;Mairie;12/12/2026;8h;12h;Paris\n"
)
SETTINGS = {
    "campaign": "collectes",
    "invitation": "Bonjour {first_name}, collecte le {event.date} à {event.place}, "
    "{event.start}-{event.end}. OUI/NON",
    "reminder": "Rappel : demain {event.start}, {event.place}",
    "correction": "Changement : {event.place} le {event.date} à {event.start}",
    "tags": "",
    "area_field": "Ville",
    "invitation_days": "",
    "invitation_at": "",
    "reminder_days": "",
    "reminder_at": "",
}


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """The tests make users: hash their passwords quickly."""


@pytest.fixture
def admin_client(signed_in):
    return signed_in("admin")


@pytest.fixture
def donors(store):
    """Two donors in Lyon, one in Paris."""
    for n, (first, town) in enumerate((("Alice", "Lyon"), ("Bob", "Paris"), ("Zoé", "Lyon"))):
        values = ContactValues(f"+3361111111{n}", first, None, "fr", (), {"Ville": town})
        assert store.add_contact(values, now=T0 - timedelta(days=30), source="panel", proof="t")
    return store


def upload(client, data: bytes, name: str = "collectes.csv", **settings):
    boundary, body = encode_multipart(
        {**SETTINGS, **settings, "file": FileStorage(io.BytesIO(data), name)}
    )
    return client.post("/campaigns/events", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip


def token_of(response) -> str:
    return re.search(r'/campaigns/events/([A-Za-z0-9_-]{32})"', response.get_data(as_text=True))[1]


def confirm(client, token: str, action: str = "import", **settings):
    return client.post(f"/campaigns/events/{token}", data={**SETTINGS, **settings,
                                                           "action": action})  # fmt: skip


def test_an_upload_shows_the_schedule_then_imports_it(admin_client, donors):
    response = upload(admin_client, FILE.encode("cp1252"))
    assert response.status_code == 200
    page = text_of(response)
    assert "collectes.csv Campaign collectes (new) Events 2 Added 2 (C1, C2)" in page
    assert "C1 2026-12-05 Salle A invitation 2026-11-28 10:00 2" in page  # 7 days before
    assert "C1 2026-12-05 Salle A reminder 2026-12-04 18:00 2" in page
    assert "C2 2026-12-12 Mairie reminder 2026-12-11 18:00 1" in page
    assert donors.campaign("collectes") is None  # a preview writes nothing
    token = token_of(response)
    done = confirm(admin_client, token)
    campaign = donors.campaign("collectes")
    assert done.status_code == 303 and done.location.endswith(f"/campaigns/{campaign.id}")
    assert campaign.events and campaign.status == "running"
    page = text_of(admin_client.get(done.location))
    assert ("collectes.csv imported into collectes: 2 event(s), 6 message(s) queued, "
            "skipped: none; 0 cancelled, 0 rewritten, 0 correction(s).") in page  # fmt: skip
    assert "Invitation 7 day(s) before, at 10:00" in page and "Areas the free field Ville" in page
    assert "Import its edited events file" in page
    assert confirm(admin_client, token).status_code == 410  # imported once: the file is gone


def test_the_edited_file_imported_again_moves_and_corrects(admin_client, donors, config, clock):
    token = token_of(upload(admin_client, FILE.encode()))
    confirm(admin_client, token)
    campaign = donors.campaign("collectes")
    clock.advance(timedelta(days=6))  # 29 November: C1's invitation is due
    told = send_all(donors, config, clock.now())
    assert len(told) == 2
    form = admin_client.get(f"/campaigns/events?campaign={campaign.id}").get_data(as_text=True)
    assert 'value="collectes"' in form and "Rappel : demain {event.start}" in form
    edited = FILE.replace("05/12/2026;14h", "05/12/2026;15h").replace(
        "C2;Mairie;12/12/2026;8h;12h;Paris\n", "")  # fmt: skip
    preview = upload(admin_client, edited.encode(), invitation="", reminder="", correction="")
    page = text_of(preview)
    assert "Time changed 1 (C1)" in page and "Removed 1 (C2)" in page
    done = confirm(admin_client, token_of(preview), invitation="", reminder="", correction="")
    page = text_of(admin_client.get(done.location))
    assert "0 message(s) queued" in page
    assert "2 cancelled" in page  # C2's invitation and reminder to its one donor
    assert "2 rewritten, 2 correction(s)" in page  # C1's reminders; the two told of C1
    corrections = [r for r in donors.campaign_recipients(campaign.id) if "correction" in r["step"]]
    assert sorted(r["number"] for r in corrections) == sorted(told)
    assert donors.get(1).kind == MessageKind.CAMPAIGN


def test_refused_rows_are_shown_and_kept_out_only_when_asked(admin_client, donors):
    broken = FILE + "C3;Salle B;31/02/2026;10h;12h;Lyon\n"
    preview = upload(admin_client, broken.encode())
    assert preview.status_code == 200
    page = text_of(preview)
    assert "Refused rows 1" in page and "line 4, Date: '31/02/2026' is not a date" in page
    token = token_of(preview)
    refused = confirm(admin_client, token)
    assert refused.status_code == 400
    assert "1 bad row(s), nothing imported" in text_of(refused)
    assert "with “keep the good rows”" in text_of(refused)
    assert donors.campaign("collectes") is None
    done = confirm(admin_client, token, partial="y")
    assert done.status_code == 303 and donors.campaign("collectes").events


def test_a_text_missing_a_value_is_named_next_to_it(admin_client, donors):
    no_end = FILE.replace("14h;19h", "14h;")
    response = upload(admin_client, no_end.encode())
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    error = re.search(r'id="error-invitation">([^<]*)<', body)
    assert error and "event C1 (line 2)" in error[1] and "{event.end}" in error[1]
    response = upload(admin_client, FILE.encode(), invitation="", reminder="")
    assert response.status_code == 400
    assert "a new events campaign needs an invitation or a reminder text" in text_of(response)
    response = upload(admin_client, FILE.encode(), invitation_at="25h")
    assert response.status_code == 400 and "is not a time" in text_of(response)
    assert donors.campaigns() == []


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"", 400, "is empty"),
        (b"\x00\x01\x02" * 100, 400, "collectes.csv:"),
        (b"Nom;Prenom\nA;B\n", 400, "collectes.csv:"),
    ],
)
def test_files_that_cannot_be_read_are_refused_next_to_the_file(
    admin_client, donors, data, status, words
):
    response = upload(admin_client, data)
    assert response.status_code == status
    error = re.search(r'id="error-file">([^<]*)<', response.get_data(as_text=True))
    assert error and words in error[1]
    assert 'value="collectes"' in response.get_data(as_text=True)  # the settings stay


def test_no_file_or_a_file_too_large(admin_client, donors):
    boundary, body = encode_multipart(SETTINGS)
    kind = f"multipart/form-data; boundary={boundary}"
    response = admin_client.post("/campaigns/events", data=body, content_type=kind)
    assert response.status_code == 400 and "Choose an events file." in text_of(response)
    response = upload(admin_client, b"x" * (6 * 1024 * 1024))
    assert response.status_code == 413 and "over 5 MB" in text_of(response)


def test_a_cancelled_campaign_is_not_imported_into(admin_client, donors, config):
    confirm(admin_client, token_of(upload(admin_client, FILE.encode())))
    campaign = donors.campaign("collectes")
    operations.cancel(donors, campaign, T0)
    response = upload(admin_client, FILE.encode())
    assert response.status_code == 409 and "is cancelled" in text_of(response)
    plain = operations.create(donors, config, T0, name="simple", text="Bonjour")
    response = upload(admin_client, FILE.encode(), campaign=plain.name)
    assert response.status_code == 400 and "is not an events campaign" in text_of(response)


def test_an_upload_is_its_uploaders_only_and_for_admins(signed_in, app_factory, donors, store):
    alice = signed_in("admin")
    token = token_of(upload(alice, FILE.encode()))
    other = signed_in("admin")
    sign_in(other, _second_admin(store))
    assert confirm(other, token).status_code == 410
    assert confirm(alice, "x" * 32).status_code == 410
    volunteer = signed_in("volunteer")
    assert volunteer.get("/campaigns/events").status_code == 403
    assert upload(volunteer, FILE.encode()).status_code == 403
    assert confirm(volunteer, token).status_code == 403
    assert donors.campaign("collectes") is None


def _second_admin(store):
    from appliance.accounts import add_user

    return add_user(store, "bob", "bob-password-1", "admin", T0)


def test_the_upload_carries_a_csrf_token(app_factory, admin, donors):
    client = app_factory(WTF_CSRF_ENABLED=True).test_client()
    sign_in(client, admin)
    assert upload(client, FILE.encode()).status_code == 400  # no token
    page = client.get("/campaigns/events").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = upload(client, FILE.encode(), csrf_token=csrf)
    assert response.status_code == 200 and "Added 2" in text_of(response)
    assert confirm(client, token_of(response)).status_code == 400  # no token again
    assert donors.campaign("collectes") is None
