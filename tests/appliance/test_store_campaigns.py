"""Campaigns in the store (issue 12), on SQLite and on a throwaway PostgreSQL: the audience
(tags, a field filter, consent), the expansion (one message per person and step, idempotent,
below transactional sends), every skip with its reason, cancelling, and the counts."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import pytest

from appliance.campaigns.previews import renderer
from appliance.campaigns.templates import Template
from appliance.store import MAIN_STEP, CampaignError, Claim, ConsentRules, NewMessage
from appliance.store.contacts import ContactValues
from appliance.store.schema import MessageKind, Status

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
RULES = ConsentRules(cap_messages=2, cap_period=timedelta(days=30))
ALICE, BOB, CHLOE, DAVID, EVE = (f"+336{n}{n}{n}{n}{n}{n}{n}{n}" for n in range(1, 6))


@pytest.fixture
def base(any_store):
    """Alice and Bob (sport, Lyon and Paris), Chloé (sport, opted out), David (culture), and Eve
    (sport, a bare contact: her STOP came before any consent)."""
    rows = [
        ContactValues(ALICE, "Alice", tags=("Sport",), fields={"Ville": "Lyon"}, line=2),
        ContactValues(BOB, "Bob", tags=("sport",), fields={"Ville": "Paris"}, line=3),
        ContactValues(CHLOE, "Chloé", tags=("SPORT",), line=4),
        ContactValues(DAVID, "David", tags=("Culture",), line=5),
    ]
    any_store.upsert_contacts(rows, now=NOW - timedelta(days=60), source="import",
                              proof_of=lambda row: f"line {row.line}")  # fmt: skip
    any_store.opt_out(CHLOE, now=NOW - timedelta(days=1), how="sms STOP")
    any_store.opt_out(EVE, now=NOW - timedelta(days=1), how="sms STOP")
    any_store.tag_contacts([EVE], "sport")
    return any_store


def _expand(store, campaign, now=NOW, step=MAIN_STEP):
    render = renderer(Template(campaign.template))
    return store.expand(campaign.id, step, now, render, RULES)


def _messages(store, campaign):
    from sqlalchemy import text

    with store.reader.connect() as connection:
        rows = connection.execute(
            text("SELECT id FROM message WHERE campaign_id = :c ORDER BY id"), {"c": campaign.id}
        )
        return [store.get(i) for i in rows.scalars()]


def test_one_low_priority_message_per_opted_in_contact_of_the_tags(base):
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["Sport"])
    done = _expand(base, made)
    # Chloé and Eve (sport) said STOP: never sent to, counted as skipped with the reason
    assert (done.queued, done.skipped) == (2, {"cap": 0, "template": 0, "optout": 2, "consent": 0})
    messages = _messages(base, made)
    assert [(m.recipient, m.text) for m in messages] == [
        (ALICE, "Bonjour Alice"),
        (BOB, "Bonjour Bob"),
    ]  # David has another tag: never targeted
    for m in messages:
        assert (m.kind, m.source, m.priority, m.rank) == ("campaign", "campaign", "low", 2)
        assert (m.status, m.parts, m.encoding, m.due_at) == ("queued", 1, "gsm7", NOW)
        assert m.contact_id == base.contact(m.recipient).id and m.campaign_id == made.id
    stats = base.campaign_stats(made.id)
    assert stats.targeted == 4 and stats.skipped == {
        "cap": 0, "template": 0, "optout": 2, "consent": 0}  # fmt: skip
    assert stats.messages["queued"] == 2 and sum(stats.messages.values()) == 2


def test_expanding_again_or_after_a_restart_queues_nobody_twice(base):
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["sport"])
    assert _expand(base, made).queued == 2
    assert _expand(base, made).queued == 0
    assert len(_messages(base, made)) == 2
    later = ContactValues("+33677777777", "Gaëlle", tags=("Sport",), line=9)
    base.upsert_contacts([later], now=NOW, source="import", proof_of=lambda row: "line 9")
    assert _expand(base, made, NOW + timedelta(hours=1)).queued == 1  # only who is new
    assert _expand(base, made, step="follow-up").queued == 3  # another step: its own messages
    stats = base.campaign_stats(made.id)  # people, not rows: 3 sent to, 2 STOPs, two steps
    assert stats.targeted == 5 and stats.messages["queued"] == 6 and stats.skipped["optout"] == 2


def test_a_person_at_the_cap_is_skipped_with_the_reason(base):
    earlier = base.create_campaign("earlier", "Hello", now=NOW, tags=["sport"])
    for days in (20, 10):
        base.enqueue(NewMessage(ALICE, "Avant", 1, "gsm7", kind=MessageKind.CAMPAIGN,
                                campaign_id=earlier.id),
                     NOW - timedelta(days=days), RULES)  # fmt: skip
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["sport"])
    assert _expand(base, made).skipped == {"cap": 1, "template": 0, "optout": 2, "consent": 0}
    assert [m.recipient for m in _messages(base, made)] == [BOB]
    stats = base.campaign_stats(made.id)
    assert (stats.targeted, stats.skipped["cap"], stats.messages["queued"]) == (4, 1, 1)
    reminder = base.create_campaign("dry", "Rappel", now=NOW, tags=["sport"], kind="reminder")
    assert _expand(base, reminder).skipped["cap"] == 1  # reminders count too


def test_a_missing_value_skips_that_person_naming_the_placeholder(base):
    made = base.create_campaign("ville", "Collecte à {fields.ville}", now=NOW,
                                tags=["sport", "culture"])  # fmt: skip
    assert _expand(base, made).skipped == {"cap": 0, "template": 1, "optout": 2, "consent": 0}
    texts = [(m.recipient, m.text) for m in _messages(base, made)]
    assert texts == [(ALICE, "Collecte à Lyon"), (BOB, "Collecte à Paris")]
    with base.reader.connect() as connection:
        from sqlalchemy import text

        [(number, reason)] = connection.execute(
            text("SELECT number, skipped FROM campaign_recipient WHERE skipped LIKE 'template:%'")
        ).all()
    assert number == DAVID
    assert reason == f"template: {{fields.ville}}: no such field for David ({DAVID}); known: none"
    nameless = base.create_campaign("noname", "Bonjour {last_name}", now=NOW, tags=["sport"])
    assert _expand(base, nameless).skipped["template"] == 2
    assert base.campaign_stats(nameless.id).messages["queued"] == 0


def test_the_field_filter_and_tags_compose(base):
    made = base.create_campaign("lyon", "Lyon !", now=NOW, tags=["sport", "culture"],
                                field_name="ville", field_value="Lyon")  # fmt: skip
    assert _expand(base, made).queued == 1
    assert [m.recipient for m in _messages(base, made)] == [ALICE]
    everyone = base.create_campaign("tous", "Bonjour", now=NOW, tags=["Sport", "Culture"])
    assert _expand(base, everyone).queued == 3  # any of the tags: Alice, Bob, David


def test_transactional_sends_go_before_the_campaign(base):
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["sport"])
    _expand(base, made)
    urgent = base.enqueue(NewMessage(DAVID, "Code 1234", 1, "gsm7"), NOW + timedelta(seconds=1))
    claim = Claim(imei="356938035643809", iccid=None, group=None, node="n", max_parts=10,
                  quiet=False, avoid_own_retries=False, consent=RULES)  # fmt: skip
    first = base.claim(claim, NOW + timedelta(seconds=2))
    assert first.id == urgent.id
    assert base.claim(claim, NOW + timedelta(seconds=2)).campaign_id == made.id


def test_cancel_cancels_what_is_still_queued(base):
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["sport"])
    _expand(base, made)
    assert base.cancel_campaign(made.id, NOW) == 2
    assert base.campaign(made.id).status == "cancelled"
    assert {m.status for m in _messages(base, made)} == {Status.CANCELLED}
    stats = base.campaign_stats(made.id)
    assert stats.messages["cancelled"] == 2 and stats.messages["queued"] == 0


def test_a_name_is_unique_and_a_campaign_is_found_by_name_or_id(base):
    made = base.create_campaign("rentree", "Bonjour", now=NOW, tags=["sport"])
    with pytest.raises(CampaignError, match="name: a campaign named 'rentree' exists already"):
        base.create_campaign("rentree", "Autre", now=NOW)
    assert base.campaign("rentree").id == made.id == base.campaign(made.id).id
    assert base.campaign("nope") is None and [c.name for c in base.campaigns()] == ["rentree"]
    base.set_campaign_status(made.id, "running", NOW)
    base.set_campaign_status(made.id, "running", NOW + timedelta(hours=1))
    assert base.campaign(made.id).started_at == NOW


def test_an_events_step_reaches_the_area_folded_and_a_correction_only_those_told(base):
    from appliance.store import Among, EventFilter, StepPlan

    made = base.create_campaign("collecte", "Bonjour {first_name}", now=NOW, tags=["sport"])
    area = StepPlan(event_filter=EventFilter((), " LYON ", "ville"))
    render = renderer(Template(made.template))
    assert base.expand(made.id, "event:c1:invitation", NOW, render, RULES, plan=area).queued == 1
    (alice,) = _messages(base, made)
    assert alice.recipient == ALICE
    fix = StepPlan(kind=MessageKind.CORRECTION, capped=False, among=Among(made.id, "event:c1:"))
    # nothing left yet: nobody was told, so nobody is corrected
    assert base.expand(made.id, "event:c1:correction:1", NOW, render, RULES, plan=fix).queued == 0


def test_someone_skipped_for_a_stop_who_joins_again_gets_the_step_once(base):
    made = base.create_campaign("rentree", "Bonjour {first_name}", now=NOW, tags=["sport"])
    assert _expand(base, made).skipped["optout"] == 2  # Chloé and Eve
    base.opt_in(CHLOE, now=NOW, source="sms", proof="inbound message 9: INSCRIPTION sport")
    again = _expand(base, made, NOW + timedelta(minutes=5))
    assert again.queued == 1 and again.skipped["optout"] == 0
    assert CHLOE in {m.recipient for m in _messages(base, made)}
    assert _expand(base, made, NOW + timedelta(minutes=9)).queued == 0
    assert base.campaign_stats(made.id).skipped["optout"] == 1  # Eve still


def _safety(connection) -> str:
    from sqlalchemy import text

    if connection.dialect.name == "sqlite":
        return {0: "off", 1: "normal", 2: "full", 3: "extra"}[
            connection.exec_driver_sql("PRAGMA synchronous").scalar()
        ]
    return connection.execute(text("SHOW synchronous_commit")).scalar()


@pytest.mark.parametrize("fails", [False, True], ids=["committed", "rolled back"])
def test_a_bulk_batch_commits_unsynced_and_its_connection_goes_back_durable(any_store, fails):
    """The expansion's batches commit without an fsync each (the job's last commit syncs them):
    inside, the session's safety is lowered; after, commit or rollback, the very connection the
    pool hands out again is durable, so no claim or outcome ever commits unsynced."""
    seen = []
    expected = pytest.raises(ZeroDivisionError) if fails else nullcontext()
    with expected, any_store._writing_in_bulk() as connection:
        seen.append(_safety(connection))
        seen.append(connection.connection.driver_connection)
        if fails:
            raise ZeroDivisionError
    assert seen[0] in ("normal", "off")
    with any_store._writing() as connection:
        assert _safety(connection) in ("full", "on")
        if any_store.engine.dialect.name == "sqlite":
            assert connection.connection.driver_connection is seen[1]  # the same, given back
