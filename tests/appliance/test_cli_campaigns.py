"""``smsrelay campaign`` end to end (issue 12): contacts imported, a campaign created, previewed
(its problem named), started on a running daemon with a simulated modem, and its statistics read
exactly once every message is out. Exit codes are the contract: 0 ok, 1 not found, 2 bad input.
"""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from appliance.cli import main
from appliance.store.schema import Status
from tests.appliance.test_cli import config_path, daemon_for, on_air, store  # noqa: F401
from tests.waiting import wait_until

ALICE, BOB, CHLOE, DAVID = "+33611111111", "+33622222222", "+33633333333", "+33644444444"
CONTACTS = (
    "Prénom;Nom;Téléphone;Thème;Ville\n"
    "Alice;Martin;06 11 11 11 11;Sport;Lyon\n"
    "Bob;Durand;06 22 22 22 22;sport, culture;Paris\n"
    "Chloé;Petit;06 33 33 33 33;Sport;\n"  # no town: the template cannot be made for her
    "David;Moreau;06 44 44 44 44;SPORT;Lyon\n"  # says STOP before the campaign
    "Eve;Roux;06 55 55 55 55;Théâtre;Lyon\n"  # another tag
)
TEXT = "Bonjour {first_name}, collecte samedi à {fields.ville}"


def run(config_path, group: str, command: str, *args: str) -> Result:
    """``smsrelay GROUP COMMAND --config FILE ARGS...`` in-process; a crash fails the test."""
    argv = [group, command, "--config", str(config_path), *args]
    result = CliRunner().invoke(main, argv)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _campaign(config_path, *args: str) -> Result:
    return run(config_path, "campaign", *args)


def _imported(tmp_path, config_path, store):
    file = tmp_path / "adherents.csv"
    file.write_text(CONTACTS, encoding="utf-8")
    result = run(config_path, "contacts", "import", str(file), "--yes")
    assert result.exit_code == 0, result.output
    result = run(config_path, "contacts", "optout", DAVID, "--how", "phone call")
    assert result.exit_code == 0, result.output


def test_create_preview_start_and_exact_statistics(tmp_path, config_path, store, daemon_for):
    _imported(tmp_path, config_path, store)
    created = _campaign(config_path, "create", "collecte", "--text", TEXT, "--tag", "sport",
                        "--json")  # fmt: skip
    assert created.exit_code == 0, created.output
    view = json.loads(created.stdout)
    assert (view["name"], view["status"], view["tags"]) == ("collecte", "draft", ["sport"])

    preview = _campaign(config_path, "preview", "collecte", "--json")
    assert preview.exit_code == 2  # Chloé has no town: fixed before it starts, or skipped
    shown = json.loads(preview.stdout)
    assert [(p["contact"], p["text"], p["encoding"], p["parts"]) for p in shown["previews"]] == [
        (f"Alice Martin ({ALICE})", "Bonjour Alice, collecte samedi à Lyon", "gsm7", 1),
        (f"Bob Durand ({BOB})", "Bonjour Bob, collecte samedi à Paris", "gsm7", 1),
    ]  # David opted out and Eve has another tag: not in the audience
    assert shown["problems"] == [
        f"{{fields.ville}}: no such field for Chloé Petit ({CHLOE}); known: none"
    ]
    assert "problem: {fields.ville}: no such field for Chloé Petit" in (
        _campaign(config_path, "preview", "collecte").stdout
    )

    daemon = daemon_for()
    started = _campaign(config_path, "start", "collecte")
    assert started.exit_code == 0, started.output
    assert started.stdout.strip() == "collecte: 2 queued, skipped: 1 template, 1 optout"
    wait_until(lambda: len(on_air(daemon)) == 2, 10, "the campaign on the air")
    assert sorted(on_air(daemon)) == [
        "Bonjour Alice, collecte samedi à Lyon",
        "Bonjour Bob, collecte samedi à Paris",
    ]
    made = store.campaign("collecte")
    settled = (Status.SENT, Status.DELIVERED)
    out = lambda: store.campaign_stats(made.id).messages  # noqa: E731
    wait_until(lambda: out()["sent"] + out()["delivered"] == 2, 10, "both messages out")
    stats = json.loads(_campaign(config_path, "stats", "collecte", "--json").stdout)
    counts = stats["messages"]
    assert counts["sent"] + counts["delivered"] == 2 and all(
        n == 0 for status, n in counts.items() if status not in settled
    )
    assert (stats["campaign"], stats["status"], stats["targeted"]) == ("collecte", "running", 4)
    assert stats["skipped"] == {"cap": 0, "template": 1, "optout": 1, "consent": 0}

    again = _campaign(config_path, "start", "collecte")  # idempotent: nobody twice
    assert again.stdout.strip() == "collecte: 0 queued, skipped: none"
    listed = json.loads(_campaign(config_path, "list", "--json").stdout)
    assert [(c["name"], c["status"]) for c in listed] == [("collecte", "running")]


def test_cancel_cancels_what_is_queued_and_start_then_refuses(tmp_path, config_path, store):
    _imported(tmp_path, config_path, store)
    later = ["--text", "Bonjour {first_name}", "--tag", "sport", "--at", "+1d"]
    assert _campaign(config_path, "create", "plus-tard", *later).exit_code == 0
    assert _campaign(config_path, "start", "plus-tard").exit_code == 0  # no daemon: they wait
    cancelled = _campaign(config_path, "cancel", "plus-tard")
    assert cancelled.exit_code == 0
    assert cancelled.stdout.strip() == "plus-tard: cancelled, 3 queued message(s) cancelled"
    refused = _campaign(config_path, "start", "plus-tard")
    assert refused.exit_code == 1 and "is cancelled" in refused.stderr
    stats = json.loads(_campaign(config_path, "stats", "plus-tard", "--json").stdout)
    assert stats["messages"]["cancelled"] == 3 and stats["status"] == "cancelled"


def test_bad_input_exits_2_and_an_unknown_campaign_1(tmp_path, config_path, store):
    bad = _campaign(config_path, "create", "x", "--text", "Bonjour {% if x %}", "--tag", "a")
    assert bad.exit_code == 2 and "text: " in bad.stderr and "line 1, column 9" in bad.stderr
    at = _campaign(config_path, "create", "x", "--text", "Hi", "--tag", "a", "--at", "hier")
    assert at.exit_code == 2 and "at: 'hier' is not a time" in at.stderr
    field = _campaign(config_path, "create", "x", "--text", "Hi", "--tag", "a", "--field", "Lyon")
    assert field.exit_code == 2 and "field: 'Lyon' is not NAME=VALUE" in field.stderr
    assert _campaign(config_path, "create", "x", "--text", "Hi", "--tag", "a").exit_code == 0
    taken = _campaign(config_path, "create", "x", "--text", "Hi", "--tag", "a")
    assert taken.exit_code == 2 and "a campaign named 'x' exists already" in taken.stderr
    for command in ("preview", "start", "cancel", "stats"):
        missing = _campaign(config_path, command, "nope")
        assert missing.exit_code == 1 and "no campaign named 'nope'" in missing.stderr
