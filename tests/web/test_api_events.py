"""An events file through the API (``POST /api/v1/events/import``, issue 12), as a script sends
it: the raw CSV with the options in the query string; a dry run that writes nothing; an import,
the same file again (nothing twice), and an edited file (a time changed: corrections to exactly
those told; an event removed: its pending messages cancelled); bad rows, bad options and states
refused with their status and the parameter named. The rules themselves are tested in
``tests/appliance/test_events_import.py``.
"""

from __future__ import annotations

import pytest

from appliance.store.contacts import ContactValues
from tests.web.conftest import T0
from tests.web.test_api import assert_error, claim

IMPORT = "/api/v1/events/import"
FILE = (
    "Identifiant;Lieu;Date;Début;Fin;Ville\n"
    "C1;Salle A;05/12/2026;14h;19h;Lyon\n"
    "C2;Mairie;12/12/2026;8h;12h;Caen\n"
)
OPTIONS = {
    "campaign": "collectes",
    "invitation": "Bonjour {first_name}, collecte le {event.date} à {event.place}, "
    "{event.start}. OUI/NON",
    "reminder": "Rappel : demain {event.start}, {event.place}",
    "correction": "Changement : {event.place} le {event.date} à {event.start}",
    "area_field": "Ville",
}


@pytest.fixture
def donors(store):
    for n, town in enumerate(("Lyon", "Lyon", "Caen", "Brest")):
        values = ContactValues(number=f"+3361111000{n}", first_name=f"D{n}", tags=("donneur",),
                               fields={"Ville": town})  # fmt: skip
        store.save_contact(values, now=T0, consent=("form", "signup"))


def post(client, auth, data=FILE, content_type="text/csv", **query):
    """POST ``data`` with ``OPTIONS`` and ``query`` (None leaves an option out)."""
    options = {k: v for k, v in {**OPTIONS, **query}.items() if v is not None}
    return client.post(IMPORT, data=data.encode() if isinstance(data, str) else data,
                       content_type=content_type, headers=auth, query_string=options)  # fmt: skip


def imported(client, auth, data=FILE, **query) -> dict:
    response = post(client, auth, data, **query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_dry_run_answers_the_schedule_and_writes_nothing(client, auth, donors, store):
    report = imported(client, auth, dry_run="true")
    assert report["dry_run"] and report["created"] and report["events"] == 2
    assert store.campaign("collectes") is None
    steps = {(row["event"], row["step"]): row for row in report["schedule"]}
    assert steps[("C1", "reminder")]["due"] == "2026-12-04T18:00:00+00:00"  # 18:00 in UTC
    assert steps[("C1", "invitation")]["wall"] == "2026-11-28 10:00"  # 7 days before
    assert (steps[("C1", "invitation")]["people"], steps[("C2", "reminder")]["people"]) == (2, 1)
    assert report["queued"] == 0


def test_import_again_and_edited(client, auth, donors, store):
    first = imported(client, auth)
    assert (first["created"], first["queued"]) == (True, 6)  # 3 donors x 2 steps
    assert first["changes"]["added"] == ["C1", "C2"]
    again = imported(client, auth)
    assert (again["created"], again["queued"]) == (False, 0)  # never twice
    assert again["changes"]["unchanged"] == ["C1", "C2"]
    bare = post(client, auth, campaign="collectes", invitation=None, reminder=None,
                correction=None, area_field=None)  # fmt: skip
    assert bare.status_code == 200, bare.get_data(as_text=True)
    assert bare.get_json()["queued"] == 0

    told = claim(store, T0.replace(day=28, hour=10))  # an invitation for C1 leaves
    store.mark_sent(told.id, [7], 1, None, T0, "2026-11-28", "2026-11")
    edited = FILE.replace("C1;Salle A;05/12/2026;14h", "C1;Salle A;05/12/2026;15h")
    edited = "\n".join(line for line in edited.splitlines() if not line.startswith("C2"))
    report = imported(client, auth, edited)
    assert report["changes"]["time_changed"] == ["C1"] and report["changes"]["removed"] == ["C2"]
    assert (report["corrected"], report["cancelled"], report["queued"]) == (1, 2, 0)
    corrections = [m for m in store.messages(limit=100) if m.text.startswith("Changement")]
    assert [m.recipient for m in corrections] == [told.recipient]
    assert "à 15:00" in corrections[0].text


def test_bad_rows_write_nothing_unless_partial(client, auth, donors, store):
    bad = FILE + "C3;Gymnase;31/02/2026;10h;12h;Lyon\n"
    body = assert_error(post(client, auth, bad), 422)
    assert "line 4" in body["error"] and "partial" in body["error"]
    assert store.campaign("collectes") is None
    report = imported(client, auth, bad, partial="true")
    assert report["events"] == 2 and len(report["errors"]) == 1 and report["queued"] == 6


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"campaign": None}, 422, "campaign"),
        ({"campaign": "  "}, 422, "campaign"),
        ({"invitation": None, "reminder": None}, 422, "invitation"),
        ({"invitation": "Bonjour {first_name"}, 422, "invitation"),
        ({"reminder": "{event.salle}"}, 422, "reminder"),  # missing for every event
        ({"invitation_days": "x"}, 400, "invitation_days"),
        ({"invitation_days": "400"}, 422, "invitation_days"),
        ({"reminder_at": "soir"}, 422, "reminder_at"),
        ({"dry_run": "yes"}, 400, "dry_run"),
        ({"tag": ""}, 422, "tag"),
        ({"area_field": "a\x00"}, 422, "area_field"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_bad_options_are_named(client, auth, donors, store, query, status, field):
    assert_error(post(client, auth, **query), status, field)
    assert store.campaign("collectes") is None


def test_the_file_must_be_a_csv_body_that_reads_as_events(client, auth, donors):
    assert_error(post(client, auth, content_type="application/json"), 415)
    assert_error(post(client, auth, ""), 422)
    assert_error(post(client, auth, "Nom;Prénom\nA;B\n"), 422)  # no date column
    assert_error(post(client, auth, "a\x00b".encode("utf-16")), 422)


def test_an_ended_or_plain_campaign_is_refused(client, auth, donors):
    imported(client, auth)
    client.post("/api/v1/campaigns/collectes/cancel", headers=auth)
    assert_error(post(client, auth), 409)
    client.post("/api/v1/campaigns", json={"name": "plain", "text": "x"}, headers=auth)
    assert_error(post(client, auth, campaign="plain"), 422, "campaign")
