"""Every reason the daemon, the store and the driver can put before a volunteer, in French
(issue 16).

The appliance keeps its reasons in English (the API's and the CLI's contract); the panel says
them again by their shape (web.reasons, web.modem_reasons, web.refusals, web.alert_words). This
is the table of every shape, one real sample each: made by the code that makes it where that is
a call away, else the literal it formats. Under a French reader each must come out translated:
no English word left (tests/web/test_i18n_pages.py's vocabulary) once its values are taken out,
and every value (a number, a name, a port, a code, the database driver's own words) kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from appliance.breaker import SimBreaker, sim_label
from appliance.outbox import _check_costly
from appliance.senders import appliance_rules, token_rules
from appliance.store.admission import ConsentRules, NotOptedIn, OptedOut, held_reason
from appliance.store.destinations import (
    OverQuota,
    RefusedDestination,
    SenderRules,
    check_country,
    check_quota,
)
from appliance.store.node_registry import DEAD_NODE
from appliance.store.outage import POSTGRES_REFUSALS, SQLITE_REFUSALS
from appliance.views import _node_gone
from appliance.worker.health import NO_SIM_WORDS, searching_words, stalled_words
from modem.at.parsers.network import Registration
from modem.codes import cme_error, cms_error
from modem.device.records import ModemStatus
from modem.errors import CmeError, CommandError, CommandTimeout, TextTooLong
from modem.pdu.status import reason as report_reason
from tests.web.test_i18n_pages import words
from web.reasons import code_words, delivery_words, reason_words

T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
PORT = "/dev/ttyUSB0"
DRIVER = "database or disk is full"  # SQLite's own words, kept
CMGS = "'AT+CMGS=23'"


def _status(radio: int | None, stat: int, status: str) -> ModemStatus:
    registration = Registration(stat, status, None, None, None, False, False)
    return ModemStatus(
        "861234567890123", None, "8933", "SIMCOM", "SIM800", None, "READY", None, registration,
        None, None, radio,
    )  # fmt: skip


def _pause(kinds: list[str], name: str | None, seconds: float) -> str:
    breaker = SimBreaker(streak=len(kinds), kinds=kinds)
    return breaker.words(sim_label("89330123456789011234", "Orange F", name), seconds)


def _raised(check, *args) -> str:
    with pytest.raises((RefusedDestination, OverQuota)) as refused:
        check(*args)
    return str(refused.value.args[-1])


def _costly(number: str) -> str:
    security = SimpleNamespace(allows_short_code=lambda _: False, premium_rate=False)
    with pytest.raises(Exception) as refused:
        _check_costly(SimpleNamespace(security=security), number, number)
    return refused.value.why  # type: ignore[attr-defined]


def _config() -> SimpleNamespace:
    security = SimpleNamespace(countries=frozenset({33}), token_daily_messages=None,
                               token_daily_parts=None)  # fmt: skip
    return SimpleNamespace(security=security, timezone="Europe/Paris")


TOKEN = SimpleNamespace(name="school-script", id=4, countries=None, daily_messages=100,
                        daily_parts=None)  # fmt: skip
NEWS = [SimpleNamespace(recipient="+33612345678", parts=1)] * 3
PAUSE = _pause(["network"] * 3, "Orange 2", 40)
CMS_1 = cms_error("1")
GONE = SimpleNamespace(name="pi-2", lease_until=T0 - timedelta(minutes=1), stopped_at=None,
                       seen_at=T0 - timedelta(minutes=3))  # fmt: skip
STOPPED = SimpleNamespace(name="pi-2", lease_until=T0 - timedelta(minutes=1), stopped_at=T0,
                          seen_at=T0)  # fmt: skip
DISK_FULL = f"{SQLITE_REFUSALS[13]} ({DRIVER})"


# (the reason as the appliance writes it, the values that must come out as they went in)
SHAPES: list[tuple[str, tuple[str, ...]]] = [
    # a modem's card: the bring-up (appliance.worker.connecting)
    ("opening the port and initialising the modem", ()),
    (f"the port is held by another program: {PORT} is in use by another program "
     "(ModemManager?): [Errno 11] Resource temporarily unavailable",
     (PORT, "[Errno 11] Resource temporarily unavailable")),
    (f"{PORT} is not there (unplugged?)", (PORT,)),
    (f"{PORT} vanished while initialising", (PORT,)),
    ("the SIM needs its PIN: set pin for this modem", ()),
    ("the SIM refused the configured PIN; it is not retried (3 wrong PINs block the SIM): "
     "correct it in the config", ("3",)),
    ("the SIM is blocked (PUK needed): unblock it in a phone with the PUK from the operator", ()),
    ("no SIM in the modem, or it cannot read it", ()),
    (f"the modem does not answer: {CommandTimeout('AT', 5)}; trying again in 60 s",
     ("'AT'", "5", "60")),
    (f"initialisation failed: {CommandError('AT+CNMI=2,1,0,2,0')}", ("'AT+CNMI=2,1,0,2,0'",)),
    ("modem 861234567890123 is already driven on another port", ("861234567890123",)),
    ("the SIM already refused this PIN; it is not sent again", ()),
    ("the configured PIN must be 4 to 8 digits; it was not sent", ("4", "8")),
    ("the SIM asks for PH-SIM PIN", ("PH-SIM PIN",)),
    (f"the SIM stayed busy: AT+CPMS? answered {cme_error('14')}", ("AT+CPMS?", "14")),
    ("the modem's radio is off (+CFUN: 4) and it refused to switch it on (AT+CFUN=1: 'AT+CFUN=1' "
     "answered ERROR): it cannot register on a network; trying again in 60 s",
     ("4", "'AT+CFUN=1'", "60")),
    # the health checks (appliance.worker.health), the SIM's own state
    (NO_SIM_WORDS, ("10",)),
    ("the SIM says SIM PUK", ("SIM PUK",)),
    (searching_words(_status(4, 0, "not-registered")), ("4",)),
    (searching_words(_status(1, 0, "not-registered")), ()),
    (searching_words(_status(1, 2, "searching")), ()),
    (searching_words(_status(1, 3, "denied")), ()),
    (searching_words(_status(1, 4, "unknown")), ()),
    (stalled_words(_status(4, 0, "not-registered"), 120), ("4", "120")),
    (stalled_words(_status(1, 0, "not-registered"), 120), ("120",)),
    ("ready", ()),
    ("not opened yet", ()),
    ("smsrelay stopped", ()),
    ("sending message 12", ("12",)),
    # the reset ladder (appliance.worker.healing)
    (f"the modem stopped answering ({CommandTimeout('AT+CSQ', 5)}); resetting", ("'AT+CSQ'",)),
    (f"the modem does not answer even after a reset and a power cycle "
     f"({CommandTimeout('AT', 5)}); trying again in 60 s", ("'AT'", "60")),
    (f"the port vanished (unplugged?): {PORT}: [Errno 5] Input/output error",
     (f"{PORT}: [Errno 5] Input/output error",)),
    ("internal error, retrying: division by zero", ("division by zero",)),
    # a SIM's pause (appliance.breaker), named, by its ICCID, or nameless
    (PAUSE, ("Orange 2", "40 s", "3")),
    (_pause(["SIM"] * 4, None, 150), ("…1234 (Orange F)", "2 min", "4")),
    (_pause(["modem"] * 3, None, 5), ("5.0 s",)),
    (_pause(["network", "modem", "network"], "Orange 2", 12), ("12 s",)),
    (SimBreaker(streak=3, kinds=["SIM"] * 3).words(sim_label(None, None), 40), ("40 s",)),
    # a node gone (appliance.views), a claim lost (appliance.store.node_registry)
    (_node_gone(GONE, T0), ("pi-2", "2025-03-14 09:27:00")),  # type: ignore[arg-type]
    (_node_gone(STOPPED, T0), ("pi-2", "2025-03-14 09:30")),  # type: ignore[arg-type]
    (DEAD_NODE.format(node="pi-2"), ("pi-2",)),
    # the database in trouble (appliance.store.outage, worker.recording, worker.modem_worker)
    *[(f"{words_} ({DRIVER})", (DRIVER,)) for words_ in SQLITE_REFUSALS.values()],
    *[(f"{words_} (ERROR: could not extend file)", ("could not extend file",))
      for words_ in POSTGRES_REFUSALS.values()],
    ("the database cannot be reached (connection refused)", ("connection refused",)),
    (f"{DISK_FULL}; waiting for it", (DRIVER,)),
    (f"{DISK_FULL}: the outcome of message 12 is kept until it can be recorded", (DRIVER, "12")),
    (f"{DISK_FULL}: the outcome of message 12 (sent) is kept until it can be recorded",
     (DRIVER, "12")),
    (f"{DISK_FULL}: the outcome of message 12 (refused) is kept until it can be recorded",
     (DRIVER, "12")),
    (f"{DISK_FULL}: the hand-over of message 12 is kept until it can be recorded",
     (DRIVER, "12")),
    (f"{DISK_FULL}: the return of message 12 is kept until it can be recorded", (DRIVER, "12")),
    # a credit query (appliance.worker.credit)
    ("the modem is not ready", ()),
    ("no credit_code is set for this modem", ("credit_code",)),
    ("the network did not answer *100# in time", ("*100#",)),
    ("the modem refused *100#: " + str(CommandError('AT+CUSD=1,"*100#",15')), ("*100#",)),
    ("the network does not answer *100#", ("*100#",)),
    # the driver's errors as a modem's last error (modem.errors, modem.codes)
    (str(CommandTimeout("AT+CMGS=23", 60)), (CMGS, "60")),
    (str(CommandError("AT+CMGS=23")), (CMGS,)),
    (str(CmeError(100, "unknown")), ("+CME ERROR 100",)),
    (str(TextTooLong(12, 10)), ("12", "10")),
    (f"{PORT} is closed", (PORT,)),
    ("AT+CMGS answered OK without a +CMGS reference", ("AT+CMGS", "+CMGS")),
    ("AT+CSQ answered OK without a +CSQ line", ("AT+CSQ", "+CSQ")),
    (f"{cms_error('515').reason} (+CMS ERROR 515)", ("515",)),
    (f"{cms_error('300').reason} (+CMS ERROR 300)", ("300",)),
    (str(cms_error("")), ()),
    # a message's reason: its retries (appliance.worker.sending)
    (f"{CMS_1.reason} (+CMS ERROR 1); retrying at once on another modem ({PAUSE})",
     ("+CMS ERROR 1", "Orange 2", "40 s")),
    (f"{CMS_1.reason} (+CMS ERROR 1); retrying on this modem in 40 s ({PAUSE})", ("40",)),
    (f"{CMS_1.reason} (+CMS ERROR 1); retrying on this modem ({PAUSE})", ("Orange 2",)),
    (f"{CMS_1.reason} (+CMS ERROR 1); retrying at once on another modem", ()),
    (f"{CMS_1.reason} (+CMS ERROR 1); retrying on this modem in 8 s", ("8",)),
    (f"{CMS_1.reason} (+CMS ERROR 1); the destination's side: retrying in 30 s", ("30",)),
    (f"gave up after 3 attempts: {CommandError('AT+CMGS=23')}", ("3", CMGS)),
    (f"SIM problem: {cme_error('10')}", ()),
    (f"SIM problem: {cme_error('12')}", ()),
    (f"may or may not have left: {CommandTimeout('AT+CMGS=23', 60)}", (CMGS,)),
    (f"may have left ({CommandTimeout('AT+CMGS=23', 60)}); sent again as resend_unknown = true",
     (CMGS, "resend_unknown = true")),
    ("modem 861234567890123 was resetting; queued again", ("861234567890123",)),
    ("the modem was not ready; queued again", ()),
    ("the daemon stopped during the send: it may or may not have left", ()),
    ("the validity period passed before a modem could send it", ()),
    (f"retry requested (was {CMS_1.reason} (+CMS ERROR 1))", ()),
    ("retry requested (was no reason)", ()),
    # cancelled, held, expired, not delivered (the store, campaigns, reports)
    ("cancelled", ()),
    ("campaign cancelled", ()),
    ("cancelled: number erased", ()),
    ("cancelled: opted out (sms STOP)", ("sms STOP",)),
    (held_reason("+33612345678", T0, ConsentRules(timezone="Europe/Paris")),
     ("+33612345678", "2", "30", "2025-03-14 10:30 CET")),
    ("event E-17 removed from the file", ("E-17",)),
    (f"not delivered: {report_reason(0x43)}", ()),
    (f"not delivered: {report_reason(0x90)}", ("0x90",)),
    (f"not delivered: {report_reason(0x5a)}", ("0x5a",)),
    (f"not delivered: {report_reason(0x4f)}", ("0x4f",)),
    # refusals of the forms and the API (appliance.outbox, store.admission, store.destinations)
    (_costly("38200"), ("'38200'", '"38200"', "[security] short_codes")),
    (_costly("+33899123456"), ("'+33899123456'", "[security] premium_rate = true")),
    (_raised(check_country, appliance_rules(_config()), "+447700900123"),  # type: ignore[arg-type]
     ("+447700900123", "+44 (GB)", "+33 (FR)")),
    (_raised(check_country, token_rules(_config(), TOKEN), "+447700900123"),  # type: ignore[arg-type]
     ("'school-script'", "smsrelay token limit 4 ...")),
    (_raised(check_quota, token_rules(_config(), TOKEN), (99, 99), NEWS),  # type: ignore[arg-type]
     ("'school-script'", "100", "99", "3", "Europe/Paris", "smsrelay token limit 4 ...")),
    (_raised(check_quota, SenderRules("token 'x'", None, 1, None, 10), (9, 9), NEWS),
     ("'x'", "10", "9", "3", "UTC")),
    ("no modem 861234567890999 was ever seen here; smsrelay status lists them",
     ("861234567890999", "smsrelay status")),
    (str(NotOptedIn("+33612345678", "campaign")), ("+33612345678",)),
    (str(OptedOut("+33612345678", T0, "sms STOP")), ("+33612345678", "2025-03-14", "sms STOP")),
    (str(OptedOut("+33612345678", T0, None)), ("2025-03-14",)),
    (str(OptedOut("+33612345678", None, "panel")), ("panel",)),
    (str(OptedOut("+33612345678", None, None)), ("+33612345678",)),
    # a campaign's moves and form (appliance.campaigning)
    ("campaign 'collecte' is cancelled", ("'collecte'",)),
    ("campaign 'collecte' is draft, not running", ("'collecte'",)),
    ("campaign 'collecte' is running, not paused", ("'collecte'",)),
    ("campaign 'collecte' is done already", ("'collecte'",)),
    ("campaign 'collecte' runs from its events file: `smsrelay events import`",
     ("'collecte'", "`smsrelay events import`")),
    ("campaign 'collecte' has not started: edit its text", ("'collecte'",)),
    ("'collecte' is not an events campaign", ("'collecte'",)),
    ("code K7Q2 was redeemed already, at 2025-03-14 09:30 UTC", ("K7Q2", "2025-03-14 09:30")),
    ("'18h-20h' is not HH:MM-HH:MM (18:00-20:00)", ("'18h-20h'", "HH:MM-HH:MM (18:00-20:00)")),
    ("'20:00-18:00' ends before it starts", ("'20:00-18:00'",)),
    ("40 is not between 1 and 31", ("40", "1", "31")),
    ("it is longer than 200 characters", ("200",)),
    ("'newsletter' is not campaign or reminder", ("'newsletter'",)),
    ("'  ' is empty once spaces and accents are folded", ("'  '",)),
    ("'Ville' is not NAME=VALUE", ("'Ville'", "NAME=VALUE")),
    ("'2040-01-01 10:00' is more than ten years away", ("'2040-01-01 10:00'",)),
    ("give at least one word", ()),
    ("an automatic reply must fit in one SMS", ()),
    ("it takes 4 parts for +33612345678", ("4", "+33612345678")),
    # an alert's channel (appliance.alerts.channels)
    (f"sms refused: {NotOptedIn('+33612345678', 'reminder')}", ("+33612345678",)),
]  # fmt: skip


def english_in(said: str, values: tuple[str, ...], vocabulary: set[str]) -> list[str]:
    for value in sorted(values, key=len, reverse=True):  # "+33 6" before "6"
        said = said.replace(value, " ")
    return [word for word in words(said) if word in vocabulary]


def assert_said_in_french(stored: str, values: tuple[str, ...], vocabulary: set[str]) -> None:
    """``stored`` (the appliance's English) said again in French: a pattern knows it, its
    ``values`` are kept, and no English word is left. Every catalogue test checks this."""
    assert stored, "the sample was not made"
    said = reason_words(stored)
    assert said != stored, f"no pattern knows {stored!r}"
    for value in values:
        assert value in said, f"{value!r} lost in {said!r}"
    left = english_in(said, values, vocabulary)
    assert not left, f"English {left} in {said!r}"


@pytest.mark.parametrize(("stored", "values"), SHAPES, ids=[s[:60] for s, _ in SHAPES])
def test_every_reason_comes_out_in_french(french, vocabulary, stored, values) -> None:
    assert_said_in_french(stored, values, vocabulary)


def test_an_attempts_code_and_a_reports_status_in_french(french) -> None:
    # message.html shows an attempt's reason with its code, a report's with its TP-ST
    assert code_words(515, cms_error("515").reason) == "erreur propre au fabricant 515"
    assert code_words(1, CMS_1.reason) == "le numéro n'est attribué à personne"
    assert delivery_words(0x90, report_reason(0x90)).startswith("abandon")
    assert "0x90" in delivery_words(0x90, report_reason(0x90))


def test_a_reason_no_shape_knows_is_shown_as_it_came(french) -> None:
    assert reason_words("AT+CSQ: rssi 120 out of range in '+CSQ: 120,0'") == (
        "AT+CSQ: rssi 120 out of range in '+CSQ: 120,0'"
    )


def test_english_readers_get_the_words_as_stored(app_factory) -> None:
    with app_factory().test_request_context("/", headers={"Accept-Language": "en"}):
        for stored, _values in SHAPES:
            assert reason_words(stored) == stored
