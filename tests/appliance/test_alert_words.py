"""The alerts' and mail's words in ``[appliance] language`` (issue 16): the appliance's catalogue
is complete (Babel's own extraction, as ``make translations`` runs it, against the committed
French), every detail the conditions write is said again in French (no English left), and a
French alert SMS stays in one GSM 7-bit part wherever the English does."""

from __future__ import annotations

import dataclasses
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from appliance import language as language_module
from appliance.alerts import wording
from appliance.alerts.conditions import (
    DISK_FULL,
    LOW_CREDIT,
    MODEM_DOWN,
    QUEUE_STUCK,
    SIM_CAP,
    judge,
)
from appliance.config import load_config
from appliance.config.alerts import AlertsConfig
from appliance.config.model import LANGUAGES
from appliance.language import Language, sms_safe, speaking
from appliance.status import DOING
from appliance.store.alerts import Facts, SimFacts
from appliance.store.schema import Modem
from modem.pdu import count, is_gsm7

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "appliance/translations/fr/LC_MESSAGES/appliance.po"
KEYWORDS = {"N_": (1,), "N_plural": (1, 2)}  # as the Makefile's `-k N_ -k N_plural:1,2`
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
FRENCH = speaking("fr", "Europe/Paris")


def extracted() -> dict[str, str]:
    """msgid -> where it was found."""
    with (ROOT / "babel-appliance.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def french_catalogue():
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="fr", domain="appliance")


def test_extraction_finds_the_alerts_and_the_mail() -> None:
    found = extracted()
    assert "Alert: %(detail)s" in found and "SMS from %(number)s" in found
    assert "%(num)s minute" in found and "waiting for a SIM card" in found
    assert "Your mail was not sent as an SMS: %(why)s." in found
    assert not any(where.startswith("web") for where in found.values())


def test_every_msgid_has_its_french() -> None:
    catalogue = french_catalogue()
    missing = []
    for msgid, where in sorted(extracted().items(), key=lambda item: item[1]):
        message = catalogue.get(msgid)
        strings = message.string if message else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run `make translations`, then translate):\n" + "\n".join(
        missing
    )


def test_every_configurable_language_has_its_catalogue() -> None:
    for code in LANGUAGES:
        po = ROOT / f"appliance/translations/{code}/LC_MESSAGES/appliance.po"
        assert code == language_module.SOURCE or po.exists(), code


def test_the_doing_words_are_the_status_ones_and_the_titles_each_condition() -> None:
    assert set(wording.DOING) == set(DOING.values())
    assert set(wording.TITLES) == {MODEM_DOWN, SIM_CAP, QUEUE_STUCK, LOW_CREDIT, DISK_FULL}


def test_the_language_is_english_by_default_and_french_when_set(tmp_path) -> None:
    environ = {"HOME": str(tmp_path)}
    assert load_config(environ=environ).language == "en"
    path = tmp_path / "smsrelay.toml"
    path.write_text('[appliance]\nlanguage = "fr"\n', encoding="utf-8")
    assert load_config(path, environ=environ).language == "fr"


# --- every detail the conditions write, said again ------------------------------------------


def modem(imei: str, state: str, seen_at: datetime = NOW, **more) -> Modem:
    return Modem(imei=imei, state=state, seen_at=seen_at, **more)


def details() -> dict[str, tuple[str, str]]:
    """A detail of each shape, written by the real ``judge``: name -> (condition, detail)."""
    from appliance.config import Config

    config = Config(
        path=None, database="sqlite://", data_dir=Path("/var/lib/smsrelay"), node="pi",
        timezone="Europe/Paris",
        alerts=AlertsConfig(
            modem_down_after=timedelta(0), cap_percent=80, queue_stuck_after=timedelta(minutes=15),
            low_credit=True, disk_percent=90,
        ),
    )  # fmt: skip
    modems = [
        modem("356938035643801", "failed", operator="Orange F", reason="no answer after a reset"),
        modem("356938035643802", "no-sim"),
        modem("356938035643803", "ready", NOW - timedelta(hours=1), operator="SFR"),  # silent
    ]
    day = NOW.astimezone(config.zone).date().isoformat()
    sims = [
        SimFacts("89331503190000123451", None, day, 1234, 1500, False, None, None),
        SimFacts("89331503190000123452", None, day, 0, None, True, 1.5, "EUR"),
        SimFacts("89331503190000123453", None, day, 0, None, True, 12.0, None),
        SimFacts("89331503190000123454", None, day, 0, None, True, None, None),
    ]
    facts = Facts(modems, sims, NOW - timedelta(hours=2), 1042, NOW - timedelta(hours=3))
    seen = judge(facts, config, NOW, 93.4)
    one_minute = dataclasses.replace(
        config, alerts=dataclasses.replace(config.alerts, queue_stuck_after=timedelta(minutes=1))
    )
    seen[("queue_stuck", "1")] = judge(facts, one_minute, NOW, None)[(QUEUE_STUCK, "")]
    return {f"{c}:{s}": (c, found.detail) for (c, s), found in seen.items()}


def test_the_conditions_write_their_details_as_before() -> None:
    written = {detail for _c, detail in details().values()}
    assert written == {
        "Modem 356938035643801 (Orange F) is out of service: no answer after a reset.",
        "Modem 356938035643802 is waiting for a SIM card.",
        "Modem 356938035643803 (SFR) has not been heard from since 2026-12-03 08:30 UTC.",
        "SIM 89331503190000123451 sent 1234 of its 1500 parts today (82 %).",
        "SIM 89331503190000123452 is low on credit (1.50 EUR).",
        "SIM 89331503190000123453 is low on credit (12.00).",
        "SIM 89331503190000123454 is low on credit.",
        "1042 message(s) wait and none was sent for 15 minutes.",
        "1042 message(s) wait and none was sent for 1 minute.",
        "The disk of /var/lib/smsrelay is 93 % full.",
    }


FRENCH_DETAILS = {
    "Modem 356938035643801 (Orange F) is out of service: no answer after a reset.":
        "Le modem 356938035643801 (Orange F) est hors service : no answer after a reset.",
    "Modem 356938035643802 is waiting for a SIM card.":
        "Le modem 356938035643802 est en attente d'une carte SIM.",
    "Modem 356938035643803 (SFR) has not been heard from since 2026-12-03 08:30 UTC.":
        "Le modem 356938035643803 (SFR) ne donne plus signe de vie depuis le 03/12/2026 09:30.",
    "SIM 89331503190000123451 sent 1234 of its 1500 parts today (82 %).":
        "La SIM 89331503190000123451 a envoyé 1\u202f234 de ses 1\u202f500 parties aujourd'hui "
        "(82\u00a0%).",
    "SIM 89331503190000123452 is low on credit (1.50 EUR).":
        "La SIM 89331503190000123452 a peu de crédit (1,50 EUR).",
    "SIM 89331503190000123453 is low on credit (12.00).":
        "La SIM 89331503190000123453 a peu de crédit (12,00).",
    "SIM 89331503190000123454 is low on credit.": "La SIM 89331503190000123454 a peu de crédit.",
    "1042 message(s) wait and none was sent for 15 minutes.":
        "1\u202f042 message(s) en attente et aucun envoyé depuis 15 minutes.",
    "1042 message(s) wait and none was sent for 1 minute.":
        "1\u202f042 message(s) en attente et aucun envoyé depuis 1 minute.",
    "The disk of /var/lib/smsrelay is 93 % full.":
        "Le disque de /var/lib/smsrelay est plein à 93\u00a0%.",
}  # fmt: skip


@pytest.mark.parametrize("english", sorted(FRENCH_DETAILS))
def test_each_detail_is_said_in_french_its_numbers_and_dates_the_locale_s(english) -> None:
    assert wording.said(english, FRENCH) == FRENCH_DETAILS[english]
    assert wording.said(english, speaking("en")) == english


def test_a_detail_of_no_known_shape_is_said_as_it_is_inside_french_words() -> None:
    subject, text = wording.words("modem_down", "Something new happened.", False, FRENCH)
    assert subject == "[smsrelay] alerte : modem hors service"
    assert text == "Alerte : Something new happened."
    # a doing word that is none of the modem's: not read as one
    odd = "Modem 1 is on fire."
    assert wording.said(odd, FRENCH) == odd


def test_english_subjects_and_texts_are_as_before() -> None:
    detail = "Modem 1 is out of service."
    english = speaking("en")
    assert wording.words(MODEM_DOWN, detail, False, english) == (
        "[smsrelay] alert: modem down", "Alert: Modem 1 is out of service."
    )  # fmt: skip
    assert wording.words(MODEM_DOWN, detail, True, english) == (
        "[smsrelay] resolved: modem down", "Resolved: Modem 1 is out of service."
    )  # fmt: skip


# --- one SMS ---------------------------------------------------------------------------------

SMS_MSGIDS = (
    *wording.DETAILS, *wording.DOING, wording.MINUTES[0], wording.TEXT, wording.TEXT_RESOLVED,
)  # fmt: skip


def test_every_french_word_an_alert_sms_holds_is_gsm7() -> None:
    catalogue = french_catalogue()
    for msgid in SMS_MSGIDS:
        message = catalogue.get(msgid)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert is_gsm7(string), f"{msgid!r} -> {string!r} is not GSM 7-bit"


@pytest.mark.parametrize("resolved", [False, True], ids=["fired", "resolved"])
def test_a_french_alert_sms_takes_one_gsm7_part_wherever_the_english_does(resolved) -> None:
    for condition, detail in details().values():
        english = wording.words(condition, detail, resolved, speaking("en"))[1]
        french = sms_safe(wording.words(condition, detail, resolved, FRENCH)[1])
        assert count(english).parts == 1 and count(english).encoding == "gsm7"
        assert count(french).encoding == "gsm7", french
        assert count(french).parts == 1, f"{len(french)} characters: {french}"


# --- the catalogue, compiled or not ----------------------------------------------------------


def test_a_missing_or_stale_mo_is_compiled_in_memory(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "appliance.po")
    monkeypatch.setattr(language_module, "TRANSLATIONS", tmp_path)
    assert Language("fr").gettext("modem down") == "modem hors service"
    assert not (folder / "appliance.mo").exists()  # nothing written
    (folder / "appliance.mo").write_bytes(b"")  # older than nothing: a stale, broken one
    stamp = (folder / "appliance.po").stat().st_mtime
    os.utime(folder / "appliance.mo", (stamp - 60, stamp - 60))
    assert Language("fr").gettext("low credit") == "crédit bas"
