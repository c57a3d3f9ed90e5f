"""An events file into an events campaign (``campaigning.events_import``), on SQLite: the
schedule at local wall times across the end of summer time, the audience by area (accents
folded), a re-import that cancels, moves and corrects without a duplicate, and bad input that
writes nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from appliance.campaigning import operations as ops
from appliance.campaigning.events_import import import_events
from appliance.config.consent import ConsentConfig
from appliance.store import Claim, ConsentRules
from appliance.store.contacts import ContactValues
from appliance.store.schema import MessageKind, Status

NOW = datetime(2027, 10, 20, 8, 0, tzinfo=UTC)
TOWNS = ("Lyon", "Paris", "Évry")
FILE = (
    "Identifiant;Lieu;Date;Début;Fin;Ville\n"
    "C1;Salle A;30/10/2027;14h;19h;Lyon\n"
    "C2;Mairie;01/11/2027;8h;12h;Paris\n"
    "C3;Gymnase;25/11/2027;10:00;13:00;EVRY\n"
)
TEXTS = {
    "campaign": "collectes",
    "invitation": "Bonjour {first_name}, collecte le {event.date} à {event.place}, "
    "{event.start}-{event.end}. Venez ? OUI/NON",
    "reminder": "Rappel : demain {event.start}, {event.place}",
    "correction": "Changement : {event.place} le {event.date} à {event.start}",
    "area_field": "Ville",
}


@pytest.fixture
def cfg(config):
    return dataclasses.replace(config, consent=ConsentConfig(cap_messages=None))


@pytest.fixture
def donors(store):
    rows = [
        ContactValues(f"+3361234{n:04d}", f"D{n}", fields={"Ville": TOWNS[n % 3]}, line=n + 2)
        for n in range(12)
    ]
    store.upsert_contacts(rows, now=NOW - timedelta(days=60), source="import",
                          proof_of=lambda row: "form")  # fmt: skip
    return store


def _messages(store, campaign_id):
    found = (store.get(i) for i in range(1, 400))
    return [m for m in found if m is not None and m.campaign_id == campaign_id]


def _send_due(store, now):
    claim = Claim("i", "c", None, "n", 10, False, False, ConsentRules(cap_messages=None))
    sent = []
    while (message := store.claim(claim, now)) is not None:
        store.mark_sent(message.id, [1], message.parts, "c", now, "d", "m")
        sent.append(message)
    return sent


def test_a_dry_run_shows_the_schedule_in_local_time_and_writes_nothing(donors, cfg):
    report = import_events(donors, cfg, NOW, FILE.encode("cp1252"), dry_run=True, **TEXTS)
    assert donors.campaign("collectes") is None
    steps = {(row["event"], row["step"]): row for row in report.schedule}
    assert steps[("C1", "reminder")]["due"] == "2027-10-29T16:00:00+00:00"  # 18:00 CEST
    assert steps[("C2", "reminder")]["due"] == "2027-10-31T17:00:00+00:00"  # 18:00 CET
    assert steps[("C3", "invitation")]["people"] == 4  # "EVRY" is the donors' "Évry"


def test_import_queues_each_step_once_and_a_reimport_moves_cancels_and_corrects(donors, cfg):
    first = import_events(donors, cfg, NOW, FILE.encode(), **TEXTS)
    assert first.queued == 24  # 3 events x 4 donors x (invitation + reminder)
    assert import_events(donors, cfg, NOW, FILE.encode(), **TEXTS).queued == 0  # never twice
    campaign = donors.campaign("collectes")
    told = _send_due(donors, datetime(2027, 10, 23, 9, 0, tzinfo=UTC))  # C1 invited
    told += _send_due(donors, datetime(2027, 10, 25, 9, 0, tzinfo=UTC))  # C2 invited
    assert {m.text.split(",")[0] for m in told} >= {"Bonjour D0", "Bonjour D1"}
    assert all(m.kind == MessageKind.CAMPAIGN for m in told) and len(told) == 8
    edited = FILE.replace("01/11/2027;8h", "01/11/2027;9h").replace("25/11/2027", "26/11/2027")
    edited = edited.replace("C1;Salle A;30/10/2027;14h;19h;Lyon\n", "")
    later = datetime(2027, 10, 25, 10, 0, tzinfo=UTC)
    again = import_events(donors, cfg, later, edited.encode(), **TEXTS)
    assert again.changes["removed"] == ["C1"] and again.changes["time_changed"] == ["C2"]
    assert again.changes["moved"] == ["C3"] and again.queued == 0
    assert again.corrected == 4  # the four Paris donors already invited to C2, nobody else
    messages = _messages(donors, campaign.id)
    corrections = [m for m in messages if m.kind == MessageKind.CORRECTION]
    assert {m.recipient for m in corrections} == {m.recipient for m in told if "Mairie" in m.text}
    assert all("09:00" in m.text or "9:00" in m.text for m in corrections)
    c1_reminders = [m for m in messages if "Salle A" in m.text and m.kind == "reminder"]
    assert {m.status for m in c1_reminders} == {Status.CANCELLED}
    c3 = [m for m in messages if "Gymnase" in m.text and m.status == Status.QUEUED]
    assert len(c3) == 8 and all("26" in m.text for m in c3 if m.kind == "campaign")
    assert {m.due_at.date().day for m in c3 if m.kind == "reminder"} == {25}


def test_bad_rows_or_a_missing_value_write_nothing(donors, cfg):
    broken = FILE + "C4;Salle B;31/02/2027;10h;12h;Lyon\n"
    with pytest.raises(ops.CampaignInputError, match="line 5"):
        import_events(donors, cfg, NOW, broken.encode(), **TEXTS)
    assert donors.campaign("collectes") is None
    no_end = FILE.replace("14h;19h", "14h;")
    with pytest.raises(ops.CampaignInputError, match="C1"):
        import_events(donors, cfg, NOW, no_end.encode(), **TEXTS)
    assert donors.campaign("collectes") is None
    partial = import_events(donors, cfg, NOW, broken.encode(), partial=True, **TEXTS)
    assert partial.events == 3 and partial.errors and partial.queued == 24
    with pytest.raises(ops.CampaignInputError, match="file"):
        import_events(donors, cfg, NOW, b"", **TEXTS)


def test_who_joins_after_the_import_is_invited_by_the_hourly_pass_and_a_pause_holds(donors, cfg):
    from appliance.campaigning.dated import run_dated_campaigns

    import_events(donors, cfg, NOW, FILE.encode(), **TEXTS)
    campaign = donors.campaign("collectes")
    late = "+33612349999"
    donors.opt_in(late, now=NOW, source="sms", proof="inbound message 3: INSCRIPTION")
    donors.upsert_contacts([ContactValues(late, "Tardif", fields={"Ville": "Lyon"}, line=2)],
                           now=NOW, source="import", proof_of=lambda row: "form")  # fmt: skip
    ops.pause(donors, campaign, NOW)
    assert run_dated_campaigns(donors, cfg, NOW + timedelta(hours=1)) == 2  # C1: both steps
    assert run_dated_campaigns(donors, cfg, NOW + timedelta(hours=2)) == 0  # never twice
    theirs = [m for m in _messages(donors, campaign.id) if m.recipient == late]
    assert len(theirs) == 2 and {m.rank for m in theirs} == {9}  # paused with the rest
    import_events(donors, cfg, NOW + timedelta(hours=3), FILE.encode(), **TEXTS)
    assert donors.campaign("collectes").status == "paused"
    assert _send_due(donors, datetime(2027, 10, 23, 9, 0, tzinfo=UTC)) == []
