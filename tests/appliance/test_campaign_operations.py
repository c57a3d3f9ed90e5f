"""The moves on a campaign (``appliance.campaigning``), through the store on SQLite: windows,
codes, pause and resume as the dispatcher's claim sees them, a new text, corrections to exactly
those already told, follow-ups, reply rules, statistics and the export."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from appliance.campaigning import operations as ops
from appliance.campaigning import results
from appliance.campaigning.dated import plan_dated
from appliance.campaigning.replies import classify, record_reply
from appliance.config.consent import ConsentConfig
from appliance.store import Claim, ConsentRules
from appliance.store.contacts import ContactValues
from appliance.store.schema import Status

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris
PEOPLE = [f"+3361234560{n}" for n in range(5)]


@pytest.fixture
def cfg(config):
    return dataclasses.replace(config, consent=ConsentConfig(cap_messages=None))


@pytest.fixture
def base(store):
    rows = [
        ContactValues(number, f"P{n}", tags=("Donneurs",), fields={"Ville": "Lyon"}, line=n + 2)
        for n, number in enumerate(PEOPLE)
    ]
    store.upsert_contacts(rows, now=NOW - timedelta(days=60), source="import",
                          proof_of=lambda row: f"line {row.line}")  # fmt: skip
    return store


def _sent(store, campaign_id, now):
    """The dispatcher's work, short: claim each due message and mark it sent."""
    claim = Claim("imei1", "iccid1", None, "n", 10, False, False, ConsentRules(cap_messages=None))
    done = []
    while (message := store.claim(claim, now)) is not None:
        store.mark_sent(message.id, [1], message.parts, "iccid1", now, "2026-12-02", "2026-12")
        done.append(message)
    return done


def _messages(store, campaign_id):
    found = (store.get(i) for i in range(1, 200))
    return [m for m in found if m is not None and m.campaign_id == campaign_id]


def test_a_window_spreads_the_audience_over_its_days(base, cfg):
    made = ops.create(base, cfg, NOW, name="w", text="Bonjour {first_name}", tags=["donneurs"],
                      window="18:00-20:00", window_days=3)  # fmt: skip
    assert ops.start(base, cfg, made, NOW).queued == 5
    dues = sorted(m.due_at for m in _messages(base, made.id))
    local = [d.astimezone(cfg.zone) for d in dues]
    assert {d.date().day for d in local} == {2, 3, 4}  # three days
    assert all(18 <= d.hour < 20 for d in local)
    with pytest.raises(ops.CampaignInputError, match="window"):
        ops.create(base, cfg, NOW, name="bad", text="x", window="20:00-18:00")


def test_pause_holds_and_resume_releases_what_is_queued(base, cfg):
    made = ops.create(base, cfg, NOW, name="p", text="Bonjour", tags=["donneurs"])
    ops.start(base, cfg, made, NOW)
    assert ops.pause(base, base.campaign(made.id), NOW) == 5
    assert _sent(base, made.id, NOW) == []  # the claim never takes a paused message
    with pytest.raises(ops.CampaignStateError):
        ops.pause(base, base.campaign(made.id), NOW)
    assert ops.resume(base, base.campaign(made.id), NOW) == 5
    assert len(_sent(base, made.id, NOW)) == 5


def test_codes_are_unique_and_redeemed_once(base, cfg):
    made = ops.create(base, cfg, NOW, name="c", text="Code {code}", tags=["donneurs"])
    ops.start(base, cfg, made, NOW)
    texts = [m.text for m in _messages(base, made.id)]
    codes = {t.removeprefix("Code ") for t in texts}
    assert len(codes) == 5 and all(len(c) == 8 for c in codes)
    code = sorted(codes)[0]
    assert results.lookup_code(base, code.lower())["redeemed"] is False
    assert results.redeem_code(base, code, NOW)["redeemed"] is True
    with pytest.raises(ops.CampaignStateError, match="already"):
        results.redeem_code(base, code, NOW)
    with pytest.raises(ops.CampaignNotFound):
        results.lookup_code(base, "NOPE")
    stats = results.stats(base, base.campaign(made.id))
    assert stats["codes"] == 5 and stats["redeemed"] == 1 and stats["redemption_rate"] == 0.2


def test_edit_rewrites_only_what_is_still_queued(base, cfg):
    made = ops.create(base, cfg, NOW, name="e", text="Avant", tags=["donneurs"])
    ops.start(base, cfg, made, NOW)
    first = base.claim(Claim("i", "c", None, "n", 10, False, False), NOW)
    assert ops.edit(base, cfg, base.campaign(made.id), "Après {first_name}", NOW) == 4
    texts = sorted(m.text for m in _messages(base, made.id))
    assert texts.count("Avant") == 1 and first.text == "Avant"
    assert base.campaign(made.id).template == "Après {first_name}"


def test_a_correction_goes_to_exactly_those_already_told(base, cfg):
    made = ops.create(base, cfg, NOW, name="k", text="Collecte à 14h", tags=["donneurs"])
    ops.start(base, cfg, made, NOW)
    claim = Claim("i", "c", None, "n", 10, False, False)
    told = []
    for _ in range(3):  # three leave, two are still queued
        message = base.claim(claim, NOW)
        base.mark_sent(message.id, [1], 1, "c", NOW, "2026-12-02", "2026-12")
        told.append(message.recipient)
    base.opt_out(told[0], now=NOW, how="sms STOP")  # told, then STOP: never corrected
    done = ops.correct(base, cfg, base.campaign(made.id), "Pardon : 15h", NOW)
    corrections = [m for m in _messages(base, made.id) if m.kind == "correction"]
    assert done.queued == 2 and {m.recipient for m in corrections} == set(told[1:])
    assert ops.correct(base, cfg, base.campaign(made.id), "Encore", NOW).queued == 2  # step 2


def test_replies_are_read_by_the_campaign_rules_and_counted(base, cfg):
    made = ops.create(base, cfg, NOW, name="r", text="Venez ? OUI/NON", tags=["donneurs"],
                      replies={"confirm_reply": "Merci !"})  # fmt: skip
    ops.start(base, cfg, made, NOW)
    _sent(base, made.id, NOW)
    campaign = base.campaign(made.id)
    assert [classify(t, campaign) for t in ("Oui !", "oui merci", "1", "Non.", "quand ?")] == [
        "confirmed", "confirmed", "confirmed", "declined", "text"]  # fmt: skip
    assert record_reply(base, made.id, 1, PEOPLE[0], "OUI", NOW) == ("confirmed", "Merci !")
    assert record_reply(base, made.id, 2, PEOPLE[1], "non", NOW) == ("declined", None)
    assert record_reply(base, made.id, 3, PEOPLE[0], "à quelle heure ?", NOW)[0] == "text"
    assert record_reply(base, made.id, 4, "+33699999999", "OUI", NOW) is None  # a stranger
    assert "confirmed" in base.contact(PEOPLE[0]).tags
    stats = results.stats(base, campaign)
    assert (stats["replied"], stats["confirmed"], stats["declined"]) == (2, 1, 1)
    assert stats["response_rate"] == 0.4
    assert [f["stage"] for f in stats["funnel"]][:3] == ["targeted", "queued", "sent"]
    lines = list(results.export_csv(base, campaign))
    assert lines[0].startswith("step,number") and len(lines) == 6


def test_a_follow_up_goes_to_who_did_not_answer(base, cfg):
    made = ops.create(base, cfg, NOW, name="f", text="Venez ?", tags=["donneurs"])
    ops.start(base, cfg, made, NOW)
    _sent(base, made.id, NOW)
    record_reply(base, made.id, 1, PEOPLE[0], "OUI", NOW)
    later = NOW + timedelta(days=3)
    follow, done = ops.follow_up(base, cfg, base.campaign(made.id), "Relance", later, days=2)
    assert done.queued == 4 and follow.parent_id == made.id
    assert PEOPLE[0] not in {m.recipient for m in _messages(base, follow.id)}
    _, none = ops.follow_up(base, cfg, base.campaign(made.id), "Trop tôt", NOW, days=2,
                            name="early")  # fmt: skip
    assert none.queued == 0


def test_a_campaign_on_a_date_field_plans_each_person_once(store, cfg):
    rows = [
        ContactValues(
            PEOPLE[0], "A", tags=("d",), fields={"Dernier don": date(2026, 10, 8)}, line=2
        ),
        ContactValues(
            PEOPLE[1], "B", tags=("d",), fields={"Dernier don": date(2026, 11, 30)}, line=3
        ),
    ]
    store.upsert_contacts(rows, now=NOW - timedelta(days=60), source="import",
                          proof_of=lambda row: "file")  # fmt: skip
    made = ops.create(
        store,
        cfg,
        NOW,
        name="again",
        text="Vous pouvez redonner",
        tags=["d"],
        extra={"date_field": "dernier don", "date_days": 56, "date_at": "10:00"},
    )
    done = ops.start(store, cfg, made, NOW)
    assert done.queued == 1  # A: 8 weeks after 8 Oct is 3 Dec; B is weeks away
    (message,) = _messages(store, made.id)
    assert message.recipient == PEOPLE[0]
    assert message.due_at.astimezone(cfg.zone).strftime("%m-%d %H:%M") == "12-03 10:00"
    assert plan_dated(store, cfg, store.campaign(made.id), NOW).queued == 0  # never twice


def test_bad_input_names_the_field(base, cfg):
    for kwargs, field in (
        ({"name": "", "text": "x"}, "name"),
        ({"name": "a", "text": " "}, "text"),
        ({"name": "a", "text": "{nope}"}, "text"),
        ({"name": "a", "text": "x", "field": "Ville"}, "field"),
        ({"name": "a", "text": "x", "send_at": "hier"}, "send_at"),
        ({"name": "a", "text": "x", "replies": {"confirm_words": " , "}}, "confirm_words"),
    ):
        with pytest.raises(ops.CampaignInputError) as caught:
            ops.create(base, cfg, NOW, **kwargs)
        assert caught.value.field == field
    ops.create(base, cfg, NOW, name="a", text="x")
    with pytest.raises(ops.CampaignInputError, match="name"):
        ops.create(base, cfg, NOW, name="a", text="x")
    with pytest.raises(ops.CampaignNotFound):
        ops.find(base, "absent")
    assert ops.find(base, "1").name == "a"
    assert base.get(1) is None or base.get(1).status == Status.QUEUED
