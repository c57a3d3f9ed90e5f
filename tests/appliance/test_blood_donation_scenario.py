"""The blood-donation scenario of issue 12, end to end: 500 donors imported from a spreadsheet
(some rows bad, some people opted out), an events file of 5 collections in 3 towns, invitations
a week before, replies from the donors' phones (OUI, YES, STOP, free text), a time change
corrected to exactly the people already told, reminders the day before at 18:00 local across
the end of summer time, the cap of 2 messages in 30 days, and every statistic exact.

All through the public CLI (``smsrelay ... --config FILE`` under click's runner) and the HTTP
API (the corrected events file posted, the statistics and replies read, with a bearer token on
the panel's app), against a real daemon on simulated modems. One ``ManualClock`` is the
daemon's and the CLI's clock, so the weeks of the scenario pass in seconds; each step moves it,
rings the dispatcher and waits on the store for the outcome. What each statistic should be is
computed here from what the test set up, not read back from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result

from appliance.accounts import create_token
from appliance.cli import campaigns as cli_campaigns
from appliance.cli import contact_import as cli_contact_import
from appliance.cli import contacts as cli_contacts
from appliance.cli import events as cli_events
from appliance.cli import main
from appliance.clock import ManualClock
from appliance.config import load_config
from tests.appliance.test_cli import write_config
from tests.appliance.test_keywords_e2e import on_air, text_in
from tests.waiting import wait_until
from web import create_app

TOWNS = ("Lyon", "Grenoble", "Annecy")
DONORS = 500
BAD_ROWS = {7, 77, 177, 277, 377, 477}  # numbers no phone has
NO_CONSENT = {10, 11, 12, 13}  # said STOP before the file was imported: never opted in
OPT_OUT = {20, 21, 22, 23, 24}  # opted out after the import, before the campaign
START = datetime(2027, 10, 1, 8, 0, tzinfo=UTC)
CAMPAIGN = "collectes"
INVITATION = "Bonjour {first_name}, collecte le {event.date} à {event.place} de {event.start} à {event.end}. Répondez OUI"  # noqa: E501
REMINDER = "Rappel : demain {event.start} à {event.place}"
CORRECTION = "Changement : {event.place} le {event.date} dès {event.start}"
EXTRA = '\n[contacts]\ncap_messages = 2\ncap_period = "30d"\n'

# id;place;date;start;end;town. L1 and L2 are 13 days apart: Lyon's donors get L1's invitation
# and reminder, and L2's two are skipped by the cap. G1 and G2 are 49 days apart: both go.
# L1's reminder is on Saturday 30 October 18:00 CEST, G1's on Sunday 31 October 18:00 CET.
EVENTS = [
    ("L1", "Salle des fêtes", "31/10/2027", "08:30", "12:30", "Lyon"),
    ("G1", "Gymnase Jean Jaurès", "01/11/2027", "08:30", "13:00", "Grenoble"),
    ("L2", "Mairie", "13/11/2027", "14:00", "19:00", "Lyon"),
    ("N1", "Centre social", "06/11/2027", "09:00", "13:00", "Annecy"),
    ("G2", "Gymnase Jean Jaurès", "20/12/2027", "08:30", "13:00", "Grenoble"),
]
TOWN_OF = {e[0]: e[5] for e in EVENTS}


def number(i: int) -> str:
    return f"+336{10000000 + i:08d}"


def town(i: int) -> str:
    return TOWNS[i % 3]


def donors_file(path) -> None:
    """A spreadsheet's export: cp1252, ';', French headers, a "Ville" free field."""
    lines = ["Prénom;Nom;Téléphone;Ville"]
    for i in range(DONORS):
        phone = "12 34" if i in BAD_ROWS else "0" + number(i)[3:]
        lines.append(f"Donneur{i};Dupré;{phone};{town(i)}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def events_file(path, events) -> None:
    lines = ["Identifiant;Lieu;Date;Début;Fin;Ville"] + [";".join(e) for e in events]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def clock(monkeypatch) -> ManualClock:
    """One manual clock for the CLI's commands and the daemon."""
    manual = ManualClock(START)
    for module in (cli_campaigns, cli_contact_import, cli_contacts, cli_events):
        monkeypatch.setattr(module, "clock", lambda: manual)
    return manual


@pytest.fixture
def config_path(tmp_path, monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)
    return write_config(tmp_path, EXTRA)


def cli(config_path, *args: str) -> Result:
    """``smsrelay GROUP COMMAND --config FILE ARGS...``; a crash (not an exit) fails."""
    group, command, *rest = args
    result = CliRunner().invoke(main, [group, command, "--config", str(config_path), *rest])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def stats(config_path) -> dict:
    return json.loads(ok(cli(config_path, "campaign", "stats", CAMPAIGN, "--json")).stdout)


def export(config_path) -> list[dict[str, str]]:
    """The campaign's recipient rows, one per person and step, as ``campaign export`` writes."""
    text = ok(cli(config_path, "campaign", "export", CAMPAIGN)).stdout
    return list(csv.DictReader(io.StringIO(text)))


def step_of(row: dict[str, str]) -> tuple[str, str]:
    """("L1", "invitation") from "event:l1:invitation"."""
    _, event, kind = row["step"].split(":")
    return event.upper(), kind


def settle(store, clock, daemon, campaign_id: int, left: int) -> None:
    """Wait until ``left`` messages of the campaign have left, and none is on its way. The
    clock ticks a second a look: the modems' pacing (unlimited here, but measured on the
    daemon's clock) lets each modem send again only once its clock has moved."""

    def out() -> bool:
        clock.advance(1)
        daemon.dispatcher.wake()
        m = store.campaign_stats(campaign_id).messages
        return m["sent"] + m["delivered"] + m["failed"] >= left and m["sending"] == 0

    wait_until(out, 60, f"{left} campaign messages out")  # an event: generous under load
    m = store.campaign_stats(campaign_id).messages
    assert m["sent"] + m["delivered"] == left and m["failed"] == 0, m


def api_client(config, store, clock):
    """The panel's API on the daemon's database and clock, and a bearer token's headers: what
    a script of the blood service would call over HTTP."""
    app = create_app(config, store=store, clock=clock, test_config={"TESTING": True})
    _, secret = create_token(store, "collectes-script", clock.now())
    return app.test_client(), {"Authorization": f"Bearer {secret}"}


def at(clock, daemon, when: datetime) -> None:
    clock.set(when)
    daemon.dispatcher.wake()


def test_blood_donation_scenario(tmp_path, config_path, clock, daemon_factory):
    config = load_config(config_path)
    # --- 1. the donors: bad rows reported, opted-out people never opted in again -------------
    for i in sorted(NO_CONSENT):
        ok(cli(config_path, "contacts", "optout", number(i), "--how", "phone call"))
    donors = tmp_path / "donneurs.csv"
    donors_file(donors)
    refused = cli(config_path, "contacts", "import", str(donors), "--yes")
    assert refused.exit_code == 2  # all or nothing: nothing written
    report = tmp_path / "refusés.csv"
    imported = ok(cli(config_path, "contacts", "import", str(donors), "--partial", "--yes",
                      "--report", str(report), "--json"))  # fmt: skip
    bad = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert len(bad) == len(BAD_ROWS), report.read_text()
    for i in sorted(OPT_OUT):
        ok(cli(config_path, "contacts", "optout", number(i), "--how", "letter"))
    daemon = daemon_factory(2, clock=clock, cfg=config)
    wait_until(lambda: len(daemon.pool.available()) == 2, 10, "two ready modems")
    store = daemon.store
    reachable = {i for i in range(DONORS) if i not in BAD_ROWS | NO_CONSENT | OPT_OUT}
    for i in NO_CONSENT:
        contact = store.contact(number(i))
        assert contact.opted_out and contact.opted_in_at is None, imported.stdout
    assert all(store.contact(number(i)).opted_in_at is not None for i in reachable)
    by_town = {t: {i for i in reachable if town(i) == t} for t in TOWNS}

    # --- 2. the events file: a dry run first, then the import --------------------------------
    clock.advance(3600)  # an hour after the opt-outs: they are not the campaign's
    collectes = tmp_path / "collectes.csv"
    events_file(collectes, EVENTS)
    texts = ["--invitation", INVITATION, "--reminder", REMINDER, "--correction", CORRECTION,
             "--area-field", "Ville"]  # fmt: skip
    dry = ok(cli(config_path, "events", "import", str(collectes), "--campaign", CAMPAIGN,
                 *texts, "--dry-run", "--json"))  # fmt: skip
    assert store.campaign(CAMPAIGN) is None  # nothing written
    schedule = {(r["event"], r["step"]): r for r in json.loads(dry.stdout)["schedule"]}
    assert len(schedule) == 10 and all(r["skipped"] is None for r in schedule.values())
    assert {e: r["people"] for (e, step), r in schedule.items() if step == "invitation"} == {
        e: len(by_town[TOWN_OF[e]]) for e in TOWN_OF
    }
    due = {k: datetime.fromisoformat(r["due"]) for k, r in schedule.items()}
    # the day before at 18:00 in Paris, on either side of the end of summer time
    assert due["L1", "reminder"] == datetime(2027, 10, 30, 16, 0, tzinfo=UTC)  # CEST
    assert due["G1", "reminder"] == datetime(2027, 10, 31, 17, 0, tzinfo=UTC)  # CET
    assert due["L1", "invitation"] == datetime(2027, 10, 24, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert due["G1", "invitation"] == datetime(2027, 10, 25, 8, 0, tzinfo=UTC)
    assert due["N1", "invitation"] == datetime(2027, 10, 30, 8, 0, tzinfo=UTC)
    assert due["N1", "reminder"] == datetime(2027, 11, 5, 17, 0, tzinfo=UTC)  # 18:00 CET
    assert due["G2", "invitation"] == datetime(2027, 12, 13, 9, 0, tzinfo=UTC)
    assert (
        "dry run: nothing written"
        in ok(
            cli(
                config_path,
                "events",
                "import",
                str(collectes),
                "--campaign",
                CAMPAIGN,
                *texts,
                "--dry-run",
            )
        ).stdout
    )

    first = ok(cli(config_path, "events", "import", str(collectes), "--campaign", CAMPAIGN,
                   *texts, "--json"))  # fmt: skip
    lyon, grenoble, annecy = (len(by_town[t]) for t in TOWNS)
    queued_at_import = 2 * lyon + 4 * grenoble + 2 * annecy  # L2's two skipped by the cap
    made = json.loads(first.stdout)
    steps_in = {t: 2 * sum(TOWN_OF[e] == t for e in TOWN_OF) for t in TOWNS}
    # people who opted out are matched by their town, and skipped at every step, with why
    optout_steps = sum(steps_in[town(i)] for i in NO_CONSENT | OPT_OUT)
    assert made["queued"] == queued_at_import
    assert made["skipped"] == {"cap": 2 * lyon, "template": 0, "optout": optout_steps,
                               "consent": 0}  # fmt: skip
    campaign = store.campaign(CAMPAIGN)
    rows = export(config_path)
    capped = {(step_of(r), r["number"]) for r in rows if r["skipped"].startswith("cap:")}
    assert capped == {((e, k), number(i)) for i in by_town["Lyon"] for e in ("L2",)
                      for k in ("invitation", "reminder")}  # fmt: skip

    # --- 3. invitations a week before, at 10:00 -----------------------------------------------
    at(clock, daemon, datetime(2027, 10, 24, 8, 0, tzinfo=UTC))
    settle(store, clock, daemon, campaign.id, lyon)
    at(clock, daemon, datetime(2027, 10, 25, 8, 0, tzinfo=UTC))
    settle(store, clock, daemon, campaign.id, lyon + grenoble)
    received = Counter(to for to, _ in on_air(daemon))
    invited = {number(i) for t in ("Lyon", "Grenoble") for i in by_town[t]}
    assert set(received) == invited and set(received.values()) == {1}
    outsiders = {number(i) for i in NO_CONSENT | OPT_OUT}
    assert not outsiders & set(received)

    # --- 4. replies from the donors' phones --------------------------------------------------
    (oui, free), (yes, stop) = sorted(by_town["Lyon"])[:2], sorted(by_town["Grenoble"])[:2]
    clock.set(datetime(2027, 10, 25, 12, 0, tzinfo=UTC))
    for i, words in ((oui, "Oui !"), (free, "Je viendrai avec ma soeur"), (yes, "yes"),
                     (stop, "STOP")):  # fmt: skip
        text_in(daemon, "0" + number(i)[3:], words)
    wait_until(lambda: len([m for m in store.inbox() if m.handled]) == 4, 10, "four replies")
    assert "confirmed" in store.contact(number(oui)).tags
    assert "confirmed" in store.contact(number(yes)).tags
    assert "confirmed" not in store.contact(number(free)).tags
    assert store.contact(number(stop)).opted_out
    after_stop = {step_of(r): r["status"] for r in export(config_path)
                  if r["number"] == number(stop)}  # fmt: skip
    assert after_stop.pop(("G1", "invitation")) in ("sent", "delivered")
    assert after_stop == {
        ("G1", "reminder"): "cancelled",
        ("G2", "invitation"): "cancelled",
        ("G2", "reminder"): "cancelled",
    }

    # --- 5. G1 starts at 09:00, not 08:30: a correction to exactly those already told --------
    at(clock, daemon, datetime(2027, 10, 27, 10, 0, tzinfo=UTC))
    events_file(collectes, [e if e[0] != "G1" else (*e[:3], "09:00", *e[4:]) for e in EVENTS])
    # this time through the HTTP API, as the service's script does it: the file as the body
    client, auth = api_client(config, store, clock)
    answer = client.post(
        f"/api/v1/events/import?campaign={CAMPAIGN}",
        data=collectes.read_bytes(),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.get_json()
    again = answer.get_json()
    told = {number(i) for i in by_town["Grenoble"]} - {number(stop)}
    assert again["changes"]["time_changed"] == ["G1"]
    assert (again["corrected"], again["queued"], again["cancelled"]) == (len(told), 0, 0)
    assert again["rewritten"] == len(told)  # G1's reminders, still pending
    settle(store, clock, daemon, campaign.id, lyon + grenoble + len(told))
    corrections = [(to, text) for to, text in on_air(daemon) if text.startswith("Changement")]
    assert sorted(to for to, _ in corrections) == sorted(told)
    assert {text for _, text in corrections} == {
        "Changement : Gymnase Jean Jaurès le lundi 1er novembre dès 09:00"
    }

    # --- 6. the rest of the schedule: reminders the day before at 18:00, across the DST end --
    sent = lyon + grenoble + len(told)
    for when, more in (
        (datetime(2027, 10, 30, 8, 0, tzinfo=UTC), annecy),  # N1's invitations
        (datetime(2027, 10, 30, 16, 0, tzinfo=UTC), lyon),  # L1's reminders, 18:00 CEST
        (datetime(2027, 10, 31, 17, 0, tzinfo=UTC), len(told)),  # G1's, 18:00 CET
        (datetime(2027, 11, 5, 17, 0, tzinfo=UTC), annecy),  # N1's
        (datetime(2027, 12, 13, 9, 0, tzinfo=UTC), len(told)),  # G2's invitations
        (datetime(2027, 12, 19, 17, 0, tzinfo=UTC), len(told)),  # G2's reminders
    ):
        at(clock, daemon, when)
        sent += more
        settle(store, clock, daemon, campaign.id, sent)
    air = on_air(daemon)
    g1_reminders = {to for to, text in air if text == "Rappel : demain 09:00 à Gymnase Jean Jaurès"}
    assert g1_reminders == told  # with the new time
    old_time = [to for to, text in air if text == "Rappel : demain 08:30 à Gymnase Jean Jaurès"]
    assert sorted(old_time) == sorted(told)  # G2's, at its own time; none of G1's

    # --- 7. the cap: at most 2 capped messages a person in 30 days, the correction aside ----
    campaign_texts = [(to, text) for to, text in air if not text.startswith("Changement")
                      and text != config.consent.stop_reply]  # fmt: skip
    per_person = Counter(to for to, _ in campaign_texts)
    assert {n for i in by_town["Lyon"] for n in [per_person[number(i)]]} == {2}
    assert {per_person[number(i)] for i in by_town["Annecy"]} == {2}
    assert {per_person[n] for n in told} == {4}  # G1 and G2, 49 days apart
    assert not outsiders & set(per_person)

    # --- 8. every statistic exact ------------------------------------------------------------
    final = stats(config_path)
    answer = client.get(f"/api/v1/campaigns/{CAMPAIGN}/stats", headers=auth)
    assert answer.status_code == 200
    over_http = answer.get_json()

    def settled(stats: dict) -> dict:
        """The statistics with sent and delivered counted together: a delivery report may come
        back between the CLI's read and the API's, turning one "sent" into "delivered"."""
        messages = dict(stats["messages"])
        messages["sent"] += messages.pop("delivered")
        funnel = [s for s in stats["funnel"] if s["stage"] != "delivered"]
        return {**stats, "messages": messages, "funnel": funnel}

    assert settled({k: over_http[k] for k in final if k in over_http}) == settled(
        {k: final[k] for k in final if k in over_http}
    )  # the API says what the CLI says
    assert {"messages", "targeted", "skipped", "reached", "replied"} <= set(over_http)
    replies = client.get(f"/api/v1/campaigns/{CAMPAIGN}/replies", headers=auth).get_json()
    assert sorted((r["number"], r["answer"], r["text"]) for r in replies["replies"]) == sorted([
        (number(oui), "confirmed", "Oui !"), (number(yes), "confirmed", "yes"),
        (number(free), "text", "Je viendrai avec ma soeur"),
        (number(stop), None, "STOP"),  # an opt-out, not an answer: counted in opted_out
    ])  # fmt: skip
    m = final["messages"]
    assert m["sent"] + m["delivered"] == sent  # delivered: as far as the reports came back
    assert {k: v for k, v in m.items() if k not in ("sent", "delivered")} == {
        "queued": 0, "sending": 0, "failed": 0, "expired": 0, "unknown": 0,
        "cancelled": 3,  # the STOP's G1 reminder and G2's two
    }  # fmt: skip
    opted_out_before = NO_CONSENT | OPT_OUT
    assert final["targeted"] == len(reachable) + len(opted_out_before)
    assert final["skipped"] == {"cap": lyon, "template": 0, "consent": 0,
                                "optout": len(opted_out_before) + 1}  # fmt: skip
    assert final["reached"] == len(reachable)
    assert (final["replied"], final["confirmed"], final["declined"]) == (3, 2, 0)
    assert final["opted_out"] == 1  # the STOP; the others had opted out before it began
    assert final["response_rate"] == round(3 / len(reachable), 4)
