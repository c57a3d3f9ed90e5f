"""``smsrelay contacts`` as a volunteer or a script uses it (issue 11, "CLI" and "CSV import").

Each test writes a real TOML file and runs the command in-process with click's ``CliRunner``,
then reads the database the CLI wrote with a ``Store`` of its own, as the daemon would. The
files are the issue's messy export: cp1252 or UTF-8 with a BOM, ``;``, spaces inside numbers,
one person under +33 and 06 (merged), a bad row, an empty line.

Exit codes are the contract: 0 ok, 1 failed (or not found), 2 bad input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from appliance.cli import main
from appliance.config import load_config
from appliance.store import Store
from appliance.store.engine import create_engine_for, migrate
from tests.appliance.test_cli import run, write_config

ELISE, JEAN = "+33612345678", "+33698765432"

# The messy file (as in tests/unit/test_contacts_csv.py): line 4 is a bad number, line 5
# is empty, line 6 is Élise again under her 06 form.
MESSY_TEXT = (
    "Nom;Prénom;Téléphone;Thème;Ville;Adhésion;Cotisation\r\n"
    "Dupont;Élise;+33 6 12 34 56 78;Sport, Culture;Paris;12/12/2026;12,5\r\n"
    "Martin;Jean;06 98 76 54 32;sport;Lyon;;3\r\n"
    "Leroy;Zoé;12345;Théâtre;Nantes;;\r\n"
    "\r\n"
    "Dupont;;06 12 34 56 78;théâtre | SPORT;;2026-12-13;\r\n"
)
MESSY = {
    "cp1252": MESSY_TEXT.encode("cp1252"),
    "utf-8-sig": b"\xef\xbb\xbf" + MESSY_TEXT.encode("utf-8"),
}
LINE_4 = (
    "line 4, Téléphone: '12345' is not a valid number for FR: it is a short code, "
    "not a person's number"
)
CONTACT_KEYS = {
    "id", "number", "first_name", "last_name", "language", "tags", "fields", "consent",
    "opted_in_at", "opt_in_source", "opt_in_proof", "opted_out_at", "opt_out_how",
    "created_at", "updated_at",
}  # fmt: skip
PLAN_KEYS = {
    "file", "encoding", "delimiter", "columns", "rows", "empty_lines", "duplicates_merged",
    "invalid", "new", "updated", "unchanged", "errors", "preview", "imported", "report",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMSRELAY_CONFIG", raising=False)


@pytest.fixture
def config_path(tmp_path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def store(config_path) -> Iterator[Store]:
    """The database the CLI writes, opened as the daemon would."""
    engine = create_engine_for(load_config(config_path).database)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def messy(folder: Path, encoding: str = "cp1252", name: str = "messy.csv") -> Path:
    path = folder / name
    path.write_bytes(MESSY[encoding])
    return path


def contacts(command: str, *args: str, config: Path, input: str | None = None) -> Result:
    """``smsrelay contacts COMMAND --config FILE ARGS...`` in-process; a crash fails the test."""
    argv = ["contacts", command, "--config", str(config), *args]
    result = CliRunner().invoke(main, argv, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def numbers(store: Store) -> list[str]:
    return [c.number for c in store.find_contacts()]


def imported(config_path: Path, *args: str) -> dict:
    result = contacts("import", *args, "--yes", "--json", config=config_path)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- import: the messy file, previewed, then all or nothing --------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_the_messy_file_is_previewed_and_refused_whole_by_a_dry_run(
    tmp_path, config_path, store, encoding
):
    file = messy(tmp_path, encoding)
    result = contacts("import", str(file), "--dry-run", "--json", config=config_path)
    assert result.exit_code == 2  # it would be refused: a dry run is a script's check
    plan = json.loads(result.stdout)
    assert set(plan) == PLAN_KEYS
    assert (plan["encoding"], plan["delimiter"]) == (encoding, ";")
    assert plan["columns"]["Téléphone"] == "number" and plan["columns"]["Ville"] is None
    counts = {k: plan[k] for k in ("rows", "new", "updated", "unchanged")}
    assert counts == {"rows": 4, "new": 2, "updated": 0, "unchanged": 0}
    assert (plan["duplicates_merged"], plan["empty_lines"], plan["invalid"]) == (1, 1, 1)
    assert [e["text"] for e in plan["errors"]] == [LINE_4]
    assert plan["errors"][0] | {"text": None} == {
        "line": 4,
        "column": "Téléphone",
        "message": LINE_4.split(": ", 1)[1],
        "text": None,
    }
    assert plan["preview"][0] == {
        "number": ELISE,
        "first_name": "Élise",
        "last_name": "Dupont",
        "language": None,
        "tags": ["Sport", "Culture", "théâtre"],
        "fields": {"Ville": "Paris", "Adhésion": "2026-12-13", "Cotisation": 12.5},
    }
    assert plan["imported"] is None and plan["report"] is None
    assert numbers(store) == []


def test_the_preview_in_words(tmp_path, config_path, store):
    result = contacts("import", str(messy(tmp_path)), "--dry-run", config=config_path)
    assert result.exit_code == 2
    out = result.stdout.splitlines()
    assert out[0] == "messy.csv: cp1252, ';' between cells"
    assert out[1].startswith("columns: Nom → last_name, Prénom → first_name, Téléphone → number")
    assert "Ville → free field" in out[1]
    assert out[2] == "first rows as they will be stored:"
    assert out[3].split() == ["number", "first_name", "last_name", "language", "tags", "fields"]
    assert out[4].split()[:3] == [ELISE, "Élise", "Dupont"]
    assert out[5].split()[:3] == [JEAN, "Jean", "Martin"]
    assert out[6] == (
        "4 row(s): 2 new, 0 updated, 0 unchanged; 1 duplicate(s) merged, 1 empty line(s), 1 invalid"
    )
    assert out[7] == f"  {LINE_4}"
    assert "nothing imported" in result.stderr and "Traceback" not in result.output


def test_a_dry_run_of_a_good_file_exits_0_and_writes_nothing(tmp_path, config_path, store):
    file = tmp_path / "good.csv"
    file.write_text("Téléphone,Prénom\n0612345678,Élise\n", encoding="utf-8")
    result = contacts("import", str(file), "--dry-run", config=config_path)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.stdout
    assert numbers(store) == []


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_one_bad_row_and_nothing_is_written(tmp_path, config_path, store, encoding):
    result = contacts("import", str(messy(tmp_path, encoding)), "--yes", config=config_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: 1 row(s) refused, nothing imported: ")
    assert LINE_4 in result.stderr and "--partial" in result.stderr
    assert numbers(store) == []
    assert not (tmp_path / "messy.errors.csv").exists()


def test_partial_keeps_the_good_rows_and_reports_the_others(tmp_path, config_path, store):
    file = messy(tmp_path)
    result = contacts("import", str(file), "--partial", "--yes", config=config_path)
    assert result.exit_code == 0, result.output
    report = tmp_path / "messy.errors.csv"
    assert result.stdout.splitlines()[-2:] == [
        "imported 2 contact(s): 2 new, 0 updated, 0 unchanged",
        f"1 bad row(s) left out, listed in {report}",
    ]
    assert report.read_bytes().decode("utf-8-sig") == (
        "line,column,reason\n"
        "4,Téléphone,\"'12345' is not a valid number for FR: it is a short code, "
        "not a person's number\"\n"
    )
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel then shows "Téléphone"
    assert numbers(store) == [ELISE, JEAN]
    elise = store.contact(ELISE)  # both lines merged: the newer non-empty values won
    assert (elise.first_name, elise.last_name) == ("Élise", "Dupont")
    assert set(elise.tags) == {"Sport", "Culture", "théâtre"}
    assert elise.fields == {"Ville": "Paris", "Adhésion": date(2026, 12, 13), "Cotisation": 12.5}
    assert elise.opt_in_source == "import" and elise.opt_in_proof == "import messy.csv line 2"


def test_partial_with_a_report_path_and_json(tmp_path, config_path, store):
    report = tmp_path / "refused.csv"
    done = imported(config_path, str(messy(tmp_path)), "--partial", "--report", str(report))
    assert done["imported"] == {"new": 2, "updated": 0, "unchanged": 0}
    assert done["report"] == str(report)
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("4,Téléphone,")
    again = imported(config_path, str(messy(tmp_path)), "--partial", "--report", str(report))
    assert again["imported"] == {"new": 0, "updated": 0, "unchanged": 2}


def test_the_report_cannot_overwrite_the_imported_file(tmp_path, config_path, store):
    file = messy(tmp_path)
    result = contacts(
        "import", str(file), "--partial", "--report", str(file), "--yes", config=config_path
    )
    assert result.exit_code == 2 and "is the file being imported" in result.stderr
    assert file.read_bytes() == MESSY["cp1252"] and numbers(store) == []


def test_partial_with_no_good_row_is_refused(tmp_path, config_path, store):
    file = tmp_path / "bad.csv"
    file.write_text("Téléphone\n12345\n06 12\n", encoding="utf-8")
    result = contacts("import", str(file), "--partial", "--yes", config=config_path)
    assert result.exit_code == 2
    assert "no row of the file can be imported (2 bad)" in result.stderr
    assert numbers(store) == []


def test_report_goes_with_partial(tmp_path, config_path, store):
    result = contacts(
        "import", str(messy(tmp_path)), "--report", "x.csv", "--yes", config=config_path
    )
    assert result.exit_code == 2 and "--report goes with --partial" in result.stderr


def test_map_names_the_number_column(tmp_path, config_path, store):
    file = tmp_path / "odd.csv"
    file.write_text("GSM perso;Prénom usuel\n06 12 34 56 78;Élise\n", encoding="utf-8")
    refused = contacts("import", str(file), "--yes", config=config_path)
    assert refused.exit_code == 2
    assert "no column holds the phone number" in refused.stderr
    assert "--map 'GSM perso=number'" in refused.stderr and "Traceback" not in refused.output
    done = imported(
        config_path, str(file), "--map", "GSM perso=number", "--map", "Prénom usuel=first_name"
    )
    assert done["columns"] == {"GSM perso": "number", "Prénom usuel": "first_name"}
    assert store.contact(ELISE).first_name == "Élise"


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["--map", "GSM perso"], "--map 'GSM perso': write it as 'Column header=field'"),
        (["--map", "GSM=phone"], "cannot map a column to 'phone'"),
    ],
)
def test_a_bad_map_is_exit_2(tmp_path, config_path, store, args, why):
    result = contacts("import", str(messy(tmp_path)), *args, "--yes", config=config_path)
    assert result.exit_code == 2 and why in result.stderr


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "no such file"),
        (b"", "the file is empty: it has no header line"),
        (b"\r\n\r\n", "the file is empty: it has no header line"),
        (b"Nom;Ville\nDupont;Paris\n", "no column holds the phone number"),
        (b"Tel;Tel\n0612345678;0698765432\n", "the column 'Tel' appears twice"),
    ],
)
def test_a_file_that_cannot_be_read_is_exit_2_without_traceback(
    tmp_path, config_path, store, content, why
):
    file = tmp_path / "contacts.csv"
    if content is not None:
        file.write_bytes(content)
    result = contacts("import", str(file), "--yes", config=config_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {file}: ") and why in result.stderr
    assert "Traceback" not in result.output


def test_a_file_of_headers_only_imports_nothing(tmp_path, config_path, store):
    file = tmp_path / "empty.csv"
    file.write_text("Téléphone;Nom\n", encoding="utf-8")
    result = contacts("import", str(file), "--yes", config=config_path)
    assert result.exit_code == 0
    assert "nothing to import" in result.stdout


# --- confirmation: asked at a terminal, required as --yes from a script --------------------------


def test_a_script_without_yes_is_exit_2_and_nothing_is_written(tmp_path, config_path, store):
    result = contacts("import", str(messy(tmp_path)), "--partial", config=config_path)
    assert result.exit_code == 2
    assert "stdin is not a terminal" in result.stderr and "--yes" in result.stderr
    assert numbers(store) == []


@pytest.mark.parametrize(("answer", "code", "written"), [("y\n", 0, 2), ("n\n", 1, 0)])
def test_at_a_terminal_the_import_is_confirmed(
    tmp_path, config_path, store, monkeypatch, answer, code, written
):
    monkeypatch.setattr("appliance.cli.common.stdin_is_a_terminal", lambda: True)
    result = contacts("import", str(messy(tmp_path)), "--partial", config=config_path, input=answer)
    assert result.exit_code == code, result.output
    assert "Import 2 contact(s) (2 new, 0 updated), leaving out 1 bad row(s)?" in result.stderr
    assert len(numbers(store)) == written


def test_a_long_file_shows_a_progress_bar_on_stderr(tmp_path, config_path, store):
    file = tmp_path / "long.csv"
    rows = "".join(f"06 10 {i // 100:02d} {i % 100:02d} 00;Nom{i}\n" for i in range(2500))
    file.write_text("Portable;Nom\n" + rows, encoding="utf-8")
    result = contacts("import", str(file), "--yes", config=config_path)
    assert result.exit_code == 0, result.output
    assert "importing" in result.stderr and "importing" not in result.stdout
    assert "imported 2500 contact(s): 2500 new" in result.stdout
    assert len(store.find_contacts(limit=5000)) == 2500


# --- export: the columns import reads ------------------------------------------------------------


def test_export_then_import_round_trips(tmp_path, config_path, store):
    imported(config_path, str(messy(tmp_path)), "--partial")
    assert contacts("tag", "Bénévole", JEAN, config=config_path).exit_code == 0
    out = tmp_path / "export.csv"
    result = contacts("export", str(out), config=config_path)
    assert result.exit_code == 0 and "2 contact(s) exported to" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "number,first_name,last_name,language,tags,Adhésion,Cotisation,Ville"
    assert lines[1] == f'{ELISE},Élise,Dupont,,"Culture, Sport, théâtre",2026-12-13,12.5,Paris'
    assert lines[2] == f'{JEAN},Jean,Martin,,"Bénévole, sport",,3,Lyon'  # 3, not 3.0

    again = imported(config_path, str(out))  # the same base: nothing to change
    assert again["imported"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert again["errors"] == []

    (tmp_path / "other").mkdir()
    elsewhere = write_config(tmp_path / "other")  # a fresh base gets the same contacts
    fresh = imported(elsewhere, str(out))
    assert fresh["imported"] == {"new": 2, "updated": 0, "unchanged": 0}
    listed = json.loads(contacts("list", "--json", config=elsewhere).stdout)
    before = json.loads(contacts("list", "--json", config=config_path).stdout)
    keep = ("number", "first_name", "last_name", "language", "tags", "fields")
    assert [{k: c[k] for k in keep} for c in listed] == [{k: c[k] for k in keep} for c in before]


def test_export_to_standard_output_by_tag(tmp_path, config_path, store):
    imported(config_path, str(messy(tmp_path)), "--partial")
    result = contacts("export", "--tag", "CULTURE", config=config_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        f'{ELISE},Élise,Dupont,,"Culture, Sport, théâtre",2026-12-13,12.5,Paris'
    ]
    assert contacts("export", "-", config=config_path).stdout.count("\n") == 3


def test_export_leaves_out_who_opted_out(tmp_path, config_path, store):
    imported(config_path, str(messy(tmp_path)), "--partial")
    assert contacts("optout", JEAN, config=config_path).exit_code == 0
    result = contacts("export", "-", config=config_path)
    assert JEAN not in result.stdout and ELISE in result.stdout
    assert "1 contact(s) exported" not in result.stderr  # stdout: no count line to mix in


# --- list, show, tag, optout, erase --------------------------------------------------------------


@pytest.fixture
def base(tmp_path, config_path, store) -> Store:
    imported(config_path, str(messy(tmp_path)), "--partial")
    return store


def test_list_searches_and_filters_by_tag(config_path, base):
    listed = json.loads(contacts("list", "--json", config=config_path).stdout)
    assert [c["number"] for c in listed] == [ELISE, JEAN]
    assert all(set(c) == CONTACT_KEYS for c in listed)
    assert listed[1]["fields"] == {"Ville": "Lyon", "Cotisation": 3}
    assert listed[1]["consent"] == "opted-in"
    by_name = json.loads(
        contacts("list", "--search", "MARTIN", "--json", config=config_path).stdout
    )
    assert [c["number"] for c in by_name] == [JEAN]
    by_tag = json.loads(contacts("list", "--tag", "theatre", "--json", config=config_path).stdout)
    assert [c["number"] for c in by_tag] == [ELISE]
    assert contacts("list", "--limit", "1", "--json", config=config_path).stdout.count('"id"') == 1
    for typed in ("06 98 76 54 32", "98 76", "+33698"):  # a number as typed, or a piece of it
        words = contacts("list", "--search", typed, config=config_path)
        assert words.stdout.split() == [JEAN, "Jean", "Martin", "opted-in", "sport"], typed
    assert contacts("list", "--tag", "nobody", config=config_path).stdout == "no contacts\n"


def test_show_has_every_field_and_the_consent(config_path, base):
    result = contacts("show", "06 12 34 56 78", "--json", config=config_path)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert set(shown) == CONTACT_KEYS
    assert shown["number"] == ELISE and shown["consent"] == "opted-in"
    assert shown["fields"] == {"Adhésion": "2026-12-13", "Cotisation": 12.5, "Ville": "Paris"}
    assert (shown["opt_in_source"], shown["opt_in_proof"]) == ("import", "import messy.csv line 2")
    assert shown["opted_out_at"] is None and shown["opted_in_at"].startswith("20")
    words = contacts("show", ELISE, config=config_path).stdout
    assert words.splitlines()[0] == f"{ELISE}  Élise Dupont"
    assert "  fields:     Adhésion: 2026-12-13" in words and "Ville: Paris" in words
    assert ", import (import messy.csv line 2)" in words and "  opted out:  no" in words


@pytest.mark.parametrize("command", ["show", "optout", "erase", "tag"])
@pytest.mark.parametrize(("typed", "why"), [("06 1x", "letters"), ("06 12", "too short")])
def test_a_malformed_number_is_exit_2(config_path, base, command, typed, why):
    args = {"tag": ["Sport", ELISE, typed], "erase": [typed, "--yes"]}.get(command, [typed])
    result = contacts(command, *args, config=config_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: number: ") and why in result.stderr
    assert numbers(base) == [ELISE, JEAN]  # nothing done, not even for the good number


def test_show_an_unknown_number_is_exit_1(config_path, base):
    result = contacts("show", "+33611111111", config=config_path)
    assert result.exit_code == 1 and "+33611111111 is not a contact" in result.stderr


def test_tag_puts_a_tag_on_contacts_and_says_which_numbers_are_unknown(config_path, base):
    result = contacts("tag", "Bénévole", ELISE, "06 98 76 54 32", config=config_path)
    assert (result.exit_code, result.stdout) == (0, "2 contact(s) tagged 'Bénévole'\n")
    result = contacts("tag", "benevole", JEAN, "+33611111111", config=config_path)
    assert result.exit_code == 1
    assert result.stdout == "0 contact(s) tagged 'benevole' (1 already had it)\n"
    assert "+33611111111: not a contact" in result.stderr
    assert base.contact("+33611111111") is None  # tagging creates no contact
    assert "Bénévole" in base.contact(JEAN).tags
    assert contacts("tag", " ", ELISE, config=config_path).exit_code == 2


def test_optout_is_recorded_once(config_path, base):
    result = contacts("optout", "0698765432", config=config_path)
    assert (result.exit_code, result.stdout) == (0, f"{JEAN} opted out (cli)\n")
    jean = base.contact(JEAN)
    assert jean.opted_out and jean.opt_out_how == "cli"
    again = contacts("optout", JEAN, "--how", "phone call", config=config_path)
    assert again.exit_code == 0 and again.stdout.startswith(f"{JEAN} had already opted out (")
    assert again.stdout.endswith(", cli)\n") and base.contact(JEAN).opt_out_how == "cli"
    shown = json.loads(contacts("show", JEAN, "--json", config=config_path).stdout)
    assert shown["consent"] == "opted-out" and shown["opt_out_how"] == "cli"
    assert "  opted out:  20" in contacts("show", JEAN, config=config_path).stdout


def test_optout_cancels_what_is_queued_and_refuses_later_sends(config_path, base):
    queued = run(config_path, "send", JEAN, "Collecte demain")
    assert queued.exit_code == 0, queued.output
    assert contacts("optout", JEAN, config=config_path).exit_code == 0
    [message] = base.messages(recipient=JEAN)
    assert message.status == "cancelled" and "opted out (cli)" in message.reason
    refused = run(config_path, "send", JEAN, "Encore")
    assert refused.exit_code == 2 and "opted out" in refused.stderr


def test_optout_of_a_stranger_is_kept_and_no_import_opts_them_in(tmp_path, config_path, base):
    stranger = "+33655555555"
    result = contacts("optout", stranger, "--how", "phone call", config=config_path)
    assert result.stdout == f"{stranger} opted out (phone call); not a contact: kept as opted out\n"
    file = tmp_path / "later.csv"
    file.write_text(f"Téléphone;Prénom\n{stranger};Paul\n", encoding="utf-8")
    imported(config_path, str(file))
    paul = base.contact(stranger)
    assert paul.first_name == "Paul" and paul.opted_out and paul.opted_in_at is None


def test_erase_says_what_it_erased(config_path, base):
    result = contacts("erase", "06 12 34 56 78", "--yes", config=config_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # what the store reports, whatever it grows to hold
    assert lines[0] == f"erased {ELISE}:" and {"  tags: 3", "  fields: 3"} <= set(lines)
    assert base.contact(ELISE) is None
    assert contacts("show", ELISE, config=config_path).exit_code == 1
    gone = contacts("erase", ELISE, "--yes", config=config_path)
    assert gone.exit_code == 1 and f"nothing is held on {ELISE}" in gone.stderr


def test_erase_json(config_path, base):
    result = contacts("erase", JEAN, "--yes", "--json", config=config_path)
    assert json.loads(result.stdout).items() >= {"number": JEAN, "tags": 1, "fields": 2}.items()


def test_erase_asks_first(config_path, base, monkeypatch):
    refused = contacts("erase", ELISE, config=config_path)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert base.contact(ELISE) is not None
    monkeypatch.setattr("appliance.cli.common.stdin_is_a_terminal", lambda: True)
    kept = contacts("erase", ELISE, config=config_path, input="n\n")
    assert kept.exit_code == 1 and base.contact(ELISE) is not None
    assert f"Erase everything held on {ELISE} (Élise Dupont, 3 tag(s), 3 field(s))?" in kept.stderr
    erased = contacts("erase", ELISE, config=config_path, input="y\n")
    assert erased.exit_code == 0 and base.contact(ELISE) is None
