"""No English left on a French page (issue 16): every panel page, rendered for a French browser
with content in it, has its visible text (and its title, aria-label, placeholder attributes)
checked word by word against the English of the catalogue.

An English word is a word of some msgid that no French translation uses (so "SMS", "modem" or
"Date", the same in both languages, pass), plus common English words. The fixture's own data
(names, numbers, texts typed by people) is removed first: it is not the panel's to translate.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from appliance import webhooks
from appliance.accounts import add_user, create_token
from appliance.campaigning import operations
from appliance.store.alerts import Seen, record_told, settle_alerts
from appliance.store.contacts import ContactValues
from tests.web.test_i18n_catalogue import CATALOGUE
from tests.web.test_panel import IMEI, a_modem, queue_message, set_status

from .conftest import T0

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
COMMON_ENGLISH = set(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "are",
        "was",
        "not",
        "no",
        "yet",
        "none",
        "with",
        "from",
        "for",
        "this",
        "that",
        "it",
        "its",
        "by",
        "at",
        "on",
        "in",
        "sent",
        "queued",
        "failed",
        "delivered",
        "unknown",
        "cancelled",
        "sending",
        "ready",
        "waiting",
        "message",
        "messages",
        "send",
        "when",
        "why",
        "what",
        "who",
        "new",
        "all",
        "back",
        "next",
        "older",
        "newer",
        "first",
        "last",
        "today",
    ]
)
FIXTURE_TEXT = ("Collecte demain 8h-12h", "OUI, je viendrai", "victor", "alice", "SIMCOM_Ltd",
                "/var/lib/smsrelay", "timed out", "SIMCOM_SIM800", "Orange F", "/dev/gsm/sim800-1",
                "Bonjour {first_name}", "Bonjour Alice", "https://example.org/hook",
                "collecte")  # fmt: skip
ALICE = "+33611111111"
VOLUNTEER = ["/", "/queue", "/history", "/inbox", "/inbox/calls", "/compose", "/messages/1",
             "/messages/2", "/conversation/+33612345678", f"/conversation/{ALICE}", "/contacts",
             f"/contacts/{ALICE}", "/campaigns", "/campaigns/1", "/campaigns/code"]  # fmt: skip
ADMIN = ["/admin", "/admin/limits", "/admin/webhooks", "/admin/webhooks/1", "/contacts/new",
         f"/contacts/{ALICE}/erase", "/contacts/import", "/campaigns/new",
         "/campaigns/events"]  # fmt: skip
# Pages that still show English: strict, so a page fixed without updating this list fails too.
LEFT: set[str] = set()


def pages(paths: list[str]) -> list:
    left = pytest.mark.xfail(reason="English left on this page (issue 16, to finish)", strict=True)
    return [pytest.param(p, marks=left) if p in LEFT else p for p in paths]


def english_words() -> set[str]:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    english, french = set(), set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= set(words(re.sub(r"%\(\w+\)\w", " ", text)))
        for text in strings:
            french |= set(words(text))
    return (english - french) | (COMMON_ENGLISH - french)


def words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ']{2,}", text)]


class Visible(HTMLParser):
    """The text a reader sees or hears: text nodes and a few attributes; no script or style, no
    ``<code>`` or ``<kbd>`` (what is typed or read literally: event names, headers, commands,
    the keywords a person answers with), and nothing
    marked in another language (``lang="en"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden: list[str] = []  # the open elements whose text is not checked

    def handle_starttag(self, tag, attrs):
        # an element in another language on purpose: the language menu's "English"
        other_language = any(n == "lang" and v and not v.startswith("fr") for n, v in attrs)
        if tag in ("script", "style", "code", "kbd") or (other_language and tag != "html"):
            self._hidden.append(tag)
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def english_left(html: str, vocabulary: set[str]) -> list[str]:
    parser = Visible()
    parser.feed(html)
    left = []
    for text in parser.texts:
        for known in FIXTURE_TEXT:
            text = text.replace(known, " ")
        found = [w for w in words(text) if w in vocabulary]
        if found:
            left.append(f"{' '.join(found)!r} in {text.strip()[:90]!r}")
    return left


@pytest.fixture
def content(store, config, clock) -> None:
    a_modem(store)
    a_modem(store, imei="861234567890131", state="searching", reason=(
        "searching for a network (registration takes seconds; longer with poor coverage)"),
        seen_at=T0 - timedelta(minutes=10))  # fmt: skip
    sent = queue_message(store, config)
    set_status(store, sent.id, "sent", sent_at=T0, modem_imei=IMEI)
    failed = queue_message(store, config)
    set_status(store, failed.id, "failed", reason="gave up after 3 attempts: timeout")
    refused = queue_message(store, config)
    set_status(store, refused.id, "queued", reason=(
        "the number is not allocated to anybody (+CMS ERROR 1); retrying at once on another "
        "modem"))  # fmt: skip
    values = ContactValues(ALICE, "Alice", None, "fr", ("Don du sang",), {"Ville": "Lyon"})
    store.add_contact(values, now=T0 - timedelta(days=30), source="panel", proof="t")
    campaign = operations.create(store, config, T0, name="collecte", text="Bonjour {first_name}",
                                 tags=["Don du sang"])  # fmt: skip
    operations.start(store, config, campaign, T0)
    store.add_inbound_part(imei=IMEI, iccid=None, sender=ALICE, text="OUI, je viendrai",
                           sent_at=T0, now=T0, concat=None)  # fmt: skip
    store.add_missed_call(caller=ALICE, imei=IMEI, iccid=None, rang_at=T0, hung_up=True)
    webhooks.create_webhook(store, url="https://example.org/hook", events=["message.sent"],
                            now=clock.now())  # fmt: skip
    script, _ = create_token(store, "collecte", T0)  # its limits on /admin/limits
    store.set_token_limits(script.id, countries="32,33,41", daily_messages=200, daily_parts=-1)
    # alerts in the appliance's words, as its judge writes them: open and resolved
    seen = {("modem_down", IMEI): Seen("Modem 861234567890123 (Orange F) is looking for a "
                                       "network: the SIM says SIM PIN.", timedelta(0)),
            ("disk_full", ""): Seen("The disk of /var/lib/smsrelay is 93 % full.", timedelta(0)),
            ("queue_stuck", ""): Seen("4 message(s) wait and none was sent for 12 minutes.",
                                      timedelta(0))}  # fmt: skip
    fired, _ = settle_alerts(store, seen, T0 - timedelta(hours=1))
    for alert in fired:
        record_told(
            store, alert.id, "sms #9 queued; email not sent: timed out; webhook event logged"
        )
    settle_alerts(store, {k: v for k, v in seen.items() if k[0] != "disk_full"}, T0)


@pytest.mark.parametrize("path", pages(VOLUNTEER))
def test_volunteer_pages_are_all_french(signed_in, volunteer, content, path) -> None:
    page = signed_in("volunteer").get(path, headers=FRENCH)
    assert page.status_code == 200, path
    assert '<html lang="fr">' in page.text
    left = english_left(page.text, english_words())
    assert not left, "English on " + path + ":\n" + "\n".join(left)


@pytest.mark.parametrize("path", pages(ADMIN))
def test_admin_pages_are_all_french(signed_in, admin, content, path) -> None:
    page = signed_in("admin").get(path, headers=FRENCH)
    assert page.status_code == 200, path
    left = english_left(page.text, english_words())
    assert not left, "English on " + path + ":\n" + "\n".join(left)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [("volunteer", "/nothing-here", 404), ("volunteer", "/admin", 403),
     ("admin", "/messages/999999", 404), ("volunteer", "/campaigns/code?code=NOPE", 404)],
)  # fmt: skip
def test_error_pages_are_french(signed_in, admin, volunteer, role, path, status) -> None:
    page = signed_in(role).get(path, headers=FRENCH)
    assert page.status_code == status
    assert english_left(page.text, english_words()) == []


def test_a_bad_request_and_a_form_sent_from_elsewhere_are_french(signed_in, volunteer) -> None:
    wrong = signed_in("volunteer").post("/language", data={"language": "de"}, headers=FRENCH)
    assert wrong.status_code == 400 and "doit valoir en, fr ou être vide" in wrong.text
    expired = signed_in("volunteer", WTF_CSRF_ENABLED=True).post("/language", headers=FRENCH)
    assert expired.status_code == 400 and "Le formulaire a expiré" in expired.text
    for page in (wrong, expired):
        assert english_left(page.text, english_words()) == []


def test_a_refused_compose_says_why_in_french(signed_in, volunteer) -> None:
    page = signed_in("volunteer").post(
        "/compose", data={"to": "06 12\n+33abc", "text": " "}, headers=FRENCH
    )
    assert page.status_code in (400, 422)
    assert "il contient des lettres" in page.text or "il est trop court" in page.text
    assert english_left(page.text, english_words()) == []


def test_the_admins_refusals_are_french(signed_in, admin) -> None:
    client = signed_in("admin")
    short = client.post("/admin/users", data={"name": "zoé", "role": "volunteer",
                        "password": "court", "confirm": "court"}, headers=FRENCH)  # fmt: skip
    assert short.status_code == 400
    assert "le mot de passe doit avoir au moins 8 caractères" in short.text
    hook = client.post("/admin/webhooks", data={"url": "ftp://example.org/x",
                       "events": ["message.sent"]}, headers=FRENCH)  # fmt: skip
    assert hook.status_code == 400 and "seules les URL http:// et https://" in hook.text
    for page in (short, hook):
        assert english_left(page.text, english_words()) == []


def test_the_api_keeps_its_english_json(client, auth) -> None:
    answer = client.get("/api/v1/messages/999999", headers={**auth, **FRENCH})
    assert answer.status_code == 404 and answer.is_json


def test_login_setup_and_too_many_attempts_are_french(app_factory, store) -> None:
    client = app_factory(WTF_CSRF_ENABLED=False).test_client()
    setup = client.get("/setup", headers=FRENCH)
    assert setup.status_code == 200 and "Aucun utilisateur" in setup.text
    assert english_left(setup.text, english_words()) == []
    add_user(store, "alice", "alice-password-1", "admin", T0)
    login = client.get("/login", headers=FRENCH)
    assert english_left(login.text, english_words()) == []
    for _ in range(6):
        refused = client.post("/login", data={"name": "alice", "password": "wrong"}, headers=FRENCH)
    assert refused.status_code == 429 and "Réessayez dans" in refused.text
    assert english_left(refused.text, english_words()) == []


def test_the_check_finds_english() -> None:
    vocabulary = english_words()
    assert english_left("<p>Why it does not send:</p>", vocabulary)
    assert english_left('<span title="Check credit">x</span>', vocabulary)
    assert not english_left("<p>Pourquoi il n'envoie pas : 3 SMS</p>", vocabulary)
