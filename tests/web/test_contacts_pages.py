"""The contact pages of the panel (issue 11) through Flask's test client, on a throwaway SQLite
database: the import of a messy CSV file in two steps (preview, then all or nothing or only the
good rows with a report), a contact added, edited, tagged, opted out and erased, the list's
search, the tags page, a number's conversation, who may do what, and bad input that never ends
in a 500. One test opens the pages in headless Chromium."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from appliance.accounts import add_user
from appliance.store import NewMessage
from appliance.store.contacts import ContactValues
from tests.browser import chromium, needs_chromium, serving, watch
from web.pages import imports
from web.pages.kept_uploads import KEEP, KeptUploads, clean_filename

from .conftest import ADMIN_NAME, ADMIN_PASSWORD, T0, sign_in

MESSY = (
    "Prénom;Nom;Téléphone;Thème;Ville\r\n"
    "Élodie;Durand;06 12 34 56 78;Bénévole;Lyon\r\n"
    "Marc;Petit;+33 6 98 76 54 32;Donateur, Bénévole;Paris\r\n"
    "\r\n"
    "Zoé;Bad;12345;;Nice\r\n"
    "Élodie;;0612345678;Soirée;\r\n"
).encode("cp1252")
BAD_LINE = (
    "line 5, Téléphone: '12345' is not a valid number for FR: it is a short code, "
    "not a person's number"
)
ELODIE, MARC = "+33612345678", "+33698765432"


@pytest.fixture
def app_factory(shared_app_factory):
    """One app per Flask configuration for the module."""
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """The tests make users: hash their passwords quickly."""


@pytest.fixture
def admin_client(signed_in):
    return signed_in("admin")


@pytest.fixture
def volunteer_client(signed_in):
    return signed_in("volunteer")


def text_of_html(markup: str) -> str:
    """Text as a person reads it: no tags nor scripts, entities decoded, spaces folded."""
    markup = re.sub(r"<script\b.*?</script>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def text_of(response) -> str:
    return text_of_html(response.get_data(as_text=True))


def upload(client, data: bytes, name: str = "adhérents.csv"):
    """POST ``data`` as the file field of a multipart form, encoded here in memory (the test
    client spools a large body to a temporary file it leaves open when a 413 comes first)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.post(
        "/contacts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def token_of(response) -> str:
    return re.search(r'/contacts/import/([A-Za-z0-9_-]{32})"', response.get_data(as_text=True))[1]


def add(store, number=ELODIE, first="Élodie", tags=("Bénévole",), last="Durand", **fields):
    values = ContactValues(number, first, last, "fr", tags, fields)
    assert store.add_contact(values, now=T0, source="panel", proof="paper form 2026-11-20")


# --- import --------------------------------------------------------------------------------------


def test_a_messy_file_is_previewed_with_its_counts_rows_and_errors_and_nothing_written(
    admin_client, store
):
    response = upload(admin_client, MESSY)
    assert response.status_code == 200
    page = text_of(response)
    assert "Encoding Windows-1252 (Excel in France)" in page
    assert "Delimiter semicolon (;)" in page
    assert "Rows read 4 (1 empty line(s) skipped)" in page
    assert "New 2 Updated 0 Unchanged 0 Duplicates merged 1 Invalid 1" in page
    assert "+33612345678 Élodie Durand Bénévole, Soirée Ville: Lyon" in page  # merged, as stored
    assert BAD_LINE in page
    body = response.get_data(as_text=True)
    assert '<option value="number" selected>' in body  # Téléphone's select
    assert store.find_contacts() == []


def test_all_or_nothing_refuses_a_file_with_a_bad_row_and_shows_why(admin_client, store):
    token = token_of(upload(admin_client, MESSY))
    response = admin_client.post(f"/contacts/import/{token}", data={"action": "import"})
    assert response.status_code == 400
    page = text_of(response)
    assert "1 row(s) refused, nothing imported" in page and BAD_LINE in page
    assert store.find_contacts() == []


def test_keeping_the_good_rows_imports_them_and_offers_the_refused_ones_as_csv(admin_client, store):
    token = token_of(upload(admin_client, MESSY))
    response = admin_client.post(
        f"/contacts/import/{token}", data={"action": "import", "partial": "y"}
    )
    assert response.status_code == 200
    assert "New 2 Updated 0 Unchanged 0 Left out 1" in text_of(response)
    elodie = store.contact(ELODIE)
    assert elodie.tags == ("Bénévole", "Soirée") and elodie.fields == {"Ville": "Lyon"}
    assert elodie.opt_in_source == "import"
    assert elodie.opt_in_proof == "import adhérents.csv line 2"
    assert {c.number for c in store.find_contacts()} == {ELODIE, MARC}

    report = admin_client.get(f"/contacts/import/{token}/refused.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert "attachment" in report.headers["Content-Disposition"]
    assert list(csv.reader(io.StringIO(report.data.decode("utf-8-sig")))) == [
        ["line", "column", "reason"],
        ["5", "Téléphone", BAD_LINE.removeprefix("line 5, Téléphone: ")],
    ]
    again = admin_client.post(f"/contacts/import/{token}", data={"action": "import"})
    assert again.status_code == 410 and "choose the file again" in text_of(again)


def test_a_clean_file_imports_whole_and_a_second_time_changes_nothing(admin_client, store):
    clean = "Phone,First name,Tags\n+33612345678,Élodie,a\n0698765432,Marc,b\n".encode()
    token = token_of(upload(admin_client, clean, "clean.csv"))
    done = admin_client.post(f"/contacts/import/{token}", data={"action": "import"})
    assert done.status_code == 200 and "New 2 Updated 0 Unchanged 0 Left out 0" in text_of(done)
    preview = upload(admin_client, clean, "clean.csv")
    assert "New 0 Updated 0 Unchanged 2" in text_of(preview)


def test_the_columns_can_be_chosen_when_the_number_column_is_not_recognised(admin_client, store):
    data = "GSM perso;Prénom\n06 12 34 56 78;Élodie\n".encode()
    response = upload(admin_client, data, "gsm.csv")
    assert response.status_code == 400
    assert "no column holds the phone number" in text_of(response)
    token = token_of(response)
    form = {"column-0": "GSM perso", "field-0": "number", "column-1": "Prénom",
            "field-1": "first_name"}  # fmt: skip
    preview = admin_client.post(f"/contacts/import/{token}", data={**form, "action": "preview"})
    assert preview.status_code == 200 and "New 1" in text_of(preview)
    twice = {**form, "field-1": "number", "action": "preview"}
    refused = admin_client.post(f"/contacts/import/{token}", data=twice)
    assert refused.status_code == 400
    assert "'GSM perso' and 'Prénom' cannot both be the number" in text_of(refused)
    done = admin_client.post(f"/contacts/import/{token}", data={**form, "action": "import"})
    assert done.status_code == 200 and store.contact(ELODIE).first_name == "Élodie"


@pytest.mark.parametrize(
    ("data", "name", "status", "says"),
    [
        (None, None, 400, "Choose a CSV file to import."),
        (b"", "empty.csv", 400, "empty.csv is empty."),
        (b"\n\n \n", "blank.csv", 400, "blank.csv is empty."),
        (b"\x00\x01\x02\xff\xfe", "garbage.bin", 400, "garbage.bin cannot be imported as it is"),
        (b"Nom;Nom\nA;B\n", "twice.csv", 400, "the column 'Nom' appears twice"),
    ],
)
def test_bad_files_are_refused_next_to_the_file_field(
    admin_client, store, data, name, status, says
):
    if data is None:
        response = admin_client.post(
            "/contacts/import", data={}, content_type="multipart/form-data"
        )
    else:
        response = upload(admin_client, data, name)
    assert response.status_code == status
    assert says in text_of(response)
    assert 'class="field-error" id="error-file"' in response.get_data(as_text=True)


def test_a_file_over_20_mb_is_refused_with_a_clear_message(admin_client):
    big = b"Phone\n" + b"+33612345678\n" * (imports.MAX_FILE // 13 + 1)
    assert imports.MAX_FILE < len(big) < imports.MAX_BODY
    response = upload(admin_client, big, "big.csv")
    assert response.status_code == 413 and "The file is over 20 MB" in text_of(response)
    bigger = big + b"+33612345678\n" * (1024 * 1024 // 13 + 1)
    response = upload(admin_client, bigger, "bigger.csv")  # refused before it is read
    assert response.status_code == 413 and "The file is over 20 MB" in text_of(response)


def test_other_forms_keep_their_one_megabyte_limit(admin_client):
    response = admin_client.post("/contacts/new", data={"proof": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413


def test_an_upload_is_its_uploaders_only_and_tokens_are_checked(signed_in, store):
    token = token_of(upload(signed_in("admin"), MESSY))
    second = signed_in("admin")
    sign_in(second, add_user(store, "bruno", "bruno-password-1", "admin", T0))
    assert second.post(f"/contacts/import/{token}", data={"action": "import"}).status_code == 410
    assert second.get(f"/contacts/import/{token}/refused.csv").status_code == 410
    assert second.post("/contacts/import/" + "A" * 32, data={}).status_code == 410
    assert second.post("/contacts/import/../../etc/passwd", data={}).status_code == 404
    assert second.post("/contacts/import/" + "." * 32, data={}).status_code == 410
    assert store.find_contacts() == []


def test_uploads_are_kept_private_and_swept_after_an_hour(tmp_path):
    kept = KeptUploads(tmp_path)
    token = kept.keep(b"Phone\n", "C:\\Users\\élodie\\liste.csv", user_id=1)
    assert (tmp_path / "uploads").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "uploads" / f"{token}.csv").stat().st_mode & 0o777 == 0o600
    assert kept.load(token, 1).filename == "liste.csv" and kept.load(token, 2) is None
    kept.sweep(now=time.time() + KEEP - 60)
    assert kept.load(token, 1).data == b"Phone\n"
    kept.sweep(now=time.time() + KEEP + 60)
    assert kept.load(token, 1) is None and list((tmp_path / "uploads").iterdir()) == []
    assert clean_filename("../../etc/passwd") == "passwd" and clean_filename("") == "upload.csv"
    assert clean_filename("a\x00b\nc.csv") == "abc.csv"


def test_the_upload_carries_a_csrf_token_like_every_form(app_factory, admin):
    client = app_factory(WTF_CSRF_ENABLED=True).test_client()
    sign_in(client, admin)
    assert upload(client, MESSY).status_code == 400  # no token
    page = client.get("/contacts/import").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post(
        "/contacts/import",
        data={"csrf_token": csrf, "file": (io.BytesIO(MESSY), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "Duplicates merged 1" in text_of(response)


# --- one contact ---------------------------------------------------------------------------------


def test_a_contact_is_added_by_hand_with_its_proof_and_a_typed_number(admin_client, store):
    form = {"number": "06 12 34 56 78", "first_name": "Élodie", "last_name": "", "language": "fr",
            "tags": "Bénévole, soirée", "proof": "paper form 2026-11-30"}  # fmt: skip
    response = admin_client.post("/contacts/new", data=form)
    assert response.status_code == 303 and response.location.endswith("/contacts/+33612345678")
    elodie = store.contact(ELODIE)
    assert (elodie.first_name, elodie.last_name, elodie.language) == ("Élodie", None, "fr")
    assert (elodie.opt_in_source, elodie.opt_in_proof) == ("panel", "paper form 2026-11-30")
    assert elodie.opted_in_at == T0 and elodie.tags == ("Bénévole", "soirée")

    again = admin_client.post("/contacts/new", data=form)
    assert again.status_code == 400
    assert "+33612345678 is already a contact" in text_of(again)


@pytest.mark.parametrize(
    ("number", "proof", "says"),
    [
        ("12345", "form", "'12345' is a short code, not a person's number."),
        ("06 12 34 56 7", "form", "'06 12 34 56 7' is not a valid number for FR: it does not"),
        ("06 AB", "form", "it contains letters"),
        ("", "form", "Type the number"),
        ("0612345678", "", "Say how the person agreed"),
    ],
)
def test_a_bad_number_or_no_proof_is_shown_next_to_its_field(
    admin_client, store, number, proof, says
):
    response = admin_client.post("/contacts/new", data={"number": number, "proof": proof})
    assert response.status_code == 400
    assert says in text_of(response)
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert store.find_contacts() == []


def test_names_and_language_are_edited_and_a_bad_language_refused(admin_client, store):
    add(store)
    form = {"first_name": " Élo ", "last_name": "", "language": "en"}
    response = admin_client.post(f"/contacts/{ELODIE}/edit", data=form)
    assert response.status_code == 303
    elodie = store.contact(ELODIE)
    assert (elodie.first_name, elodie.last_name, elodie.language) == ("Élo", None, "en")
    bad = admin_client.post(f"/contacts/{ELODIE}/edit", data={**form, "language": "de"})
    assert bad.status_code == 400 and "Choose fr or en (or nothing)." in text_of(bad)
    long = admin_client.post(f"/contacts/{ELODIE}/edit", data={**form, "first_name": "x" * 129})
    assert long.status_code == 400 and store.contact(ELODIE).first_name == "Élo"
    assert admin_client.post("/contacts/+33699999999/edit", data=form).status_code == 404


def test_tags_are_added_and_removed_and_counted_on_the_tags_page(admin_client, store):
    add(store)
    add(store, MARC, "Marc", tags=("benevole",))
    response = admin_client.post(f"/contacts/{ELODIE}/tags", data={"tag": "Quartier; Soirée"})
    assert response.status_code == 303
    assert store.contact(ELODIE).tags == ("Bénévole", "Quartier", "Soirée")
    assert admin_client.post(f"/contacts/{ELODIE}/tags", data={"tag": " , "}).status_code == 400
    long = admin_client.post(f"/contacts/{ELODIE}/tags", data={"tag": "x" * 65})
    assert long.status_code == 400 and "longer than 64" in text_of(long)

    tags = admin_client.get("/contacts/tags")
    assert "Bénévole 2 Quartier 1 Soirée 1" in text_of(tags)
    assert 'href="/contacts?tag=B%C3%A9n%C3%A9vole"' in tags.get_data(as_text=True)

    assert (
        admin_client.post(f"/contacts/{ELODIE}/untag", data={"tag": "BENEVOLE"}).status_code == 303
    )
    assert store.contact(ELODIE).tags == ("Quartier", "Soirée")
    assert "Tag BENEVOLE removed. Tags Tag Contacts benevole 1 Quartier 1" in text_of(
        admin_client.get("/contacts/tags")
    )


def test_a_contact_page_shows_its_fields_typed_and_its_consent(volunteer_client, store):
    from datetime import date

    add(store, **{"Adhésion": date(2025, 1, 4), "Cotisation": 12, "Zone": "Nord"})
    page = text_of(volunteer_client.get(f"/contacts/{ELODIE}"))
    assert "Adhésion 2025-01-04 (date)" in page
    assert "Cotisation 12 (number)" in page and "Zone Nord (text)" in page
    assert "opted in" in page and "paper form 2026-11-20" in page
    assert "Record an opt-out" in page
    assert "Erase this contact" not in page and "Save" not in page  # a volunteer's view
    assert volunteer_client.get("/contacts/+33699999999").status_code == 404


def test_anyone_records_an_opt_out_and_the_first_is_kept(volunteer_client, store, clock):
    add(store)
    assert volunteer_client.post(f"/contacts/{ELODIE}/opt-out").status_code == 303
    elodie = store.contact(ELODIE)
    assert elodie.opted_out_at == T0 and elodie.opt_out_how == "panel"
    assert store.is_opted_out(ELODIE)
    clock.advance(timedelta(hours=1))
    response = volunteer_client.post(f"/contacts/{ELODIE}/opt-out", follow_redirects=True)
    assert "had already opted out" in text_of(response)
    assert store.contact(ELODIE).opted_out_at == T0
    listed = text_of(volunteer_client.get("/contacts"))
    assert "opted out" in listed and "Record an opt-out" not in text_of(
        volunteer_client.get(f"/contacts/{ELODIE}")
    )


def test_a_stranger_who_asks_is_kept_as_opted_out_and_a_queued_message_cancelled(
    volunteer_client, store
):
    queued = store.enqueue(NewMessage(MARC, "Rappel", 1, "gsm7"), T0)
    assert "Record an opt-out" in text_of(volunteer_client.get(f"/conversation/{MARC}"))
    response = volunteer_client.post(f"/contacts/{MARC}/opt-out", follow_redirects=True)
    assert response.status_code == 200 and "its queued messages are cancelled" in text_of(response)
    assert store.is_opted_out(MARC) and store.contact(MARC).opt_out_how == "panel"
    assert store.get(queued.id).status == "cancelled"
    assert "Record an opt-out" not in text_of(volunteer_client.get(f"/conversation/{MARC}"))
    for bad in ("ORANGE", "36180", "+33612"):
        assert volunteer_client.post(f"/contacts/{bad}/opt-out").status_code == 404
        assert store.contact(bad) is None


def test_erasing_asks_first_then_forgets_the_contact(admin_client, store):
    add(store)
    store.opt_out(ELODIE, now=T0, how="sms STOP")
    confirm = admin_client.get(f"/contacts/{ELODIE}/erase")
    assert confirm.status_code == 200
    assert "Erasing forgets that too" in text_of(confirm) and store.contact(ELODIE) is not None
    assert admin_client.post(f"/contacts/{ELODIE}/erase", data={}).status_code == 400
    done = admin_client.post(f"/contacts/{ELODIE}/erase", data={"confirm": ELODIE})
    assert done.status_code == 303 and store.contact(ELODIE) is None
    assert (
        admin_client.post(f"/contacts/{ELODIE}/erase", data={"confirm": ELODIE}).status_code == 404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/contacts/new"),
        ("post", "/contacts/new"),
        ("get", "/contacts/import"),
        ("post", "/contacts/import"),
        ("post", f"/contacts/{ELODIE}/edit"),
        ("post", f"/contacts/{ELODIE}/tags"),
        ("post", f"/contacts/{ELODIE}/untag"),
        ("get", f"/contacts/{ELODIE}/erase"),
        ("post", f"/contacts/{ELODIE}/erase"),
    ],
)
def test_changing_the_base_is_for_admins(volunteer_client, store, method, path):
    add(store)
    assert getattr(volunteer_client, method)(path).status_code == 403
    assert store.contact(ELODIE).first_name == "Élodie"


def test_the_pages_want_a_login(client, admin):
    for path in ("/contacts", "/contacts/tags", f"/contacts/{ELODIE}", f"/conversation/{ELODIE}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


# --- the list ------------------------------------------------------------------------------------


def test_the_list_searches_by_name_number_and_tag_and_pages(volunteer_client, store):
    add(store)
    add(store, MARC, "Marc", tags=("Donateur",))
    for number in ("+33611111111", "+33622222222", "+33633333333"):
        add(store, number, "Zed", tags=(), last="Zorro")

    def numbers(query: str) -> list[str]:
        body = volunteer_client.get("/contacts" + query).get_data(as_text=True)
        return re.findall(r'<a href="/contacts/(\+\d+)">', body)

    assert numbers("?q=%C3%89LODIE") == [ELODIE]  # ÉLODIE
    assert numbers("?q=DURAND") == [ELODIE, MARC]
    assert numbers("?q=06+12+34+56+78") == [ELODIE]  # a whole number typed any way
    assert numbers("?q=0698") == [MARC]  # a piece of one, the national 0 dropped
    assert numbers("?tag=donateur") == [MARC]
    assert numbers("?q=Marc&tag=B%C3%A9n%C3%A9vole") == []
    assert numbers("?q=%3Cscript%3E") == []

    page = volunteer_client.get("/contacts")
    assert "Next" not in text_of(page)
    from web.pages import contacts

    contacts.PAGE_SIZE, kept = 2, contacts.PAGE_SIZE
    try:
        first = volunteer_client.get("/contacts?q=%2B336").get_data(as_text=True)
        after = re.search(r'href="/contacts\?after=(\d+)&amp;q=%2B336" rel="next"', first)[1]
        assert len(re.findall(r'<a href="/contacts/(\+\d+)">', first)) == 2
        rest = numbers(f"?after={after}&q=%2B336")
        assert rest == ["+33611111111", "+33622222222"]
        assert (
            numbers("?after=x") == []
            and volunteer_client.get("/contacts?after=x").status_code == 404
        )
    finally:
        contacts.PAGE_SIZE = kept


def test_names_a_file_put_on_the_pages_are_escaped(admin_client, store):
    add(store, first="<script>alert(1)</script>", tags=("<b>x</b>",))
    for path in ("/contacts", f"/contacts/{ELODIE}", f"/conversation/{ELODIE}", "/contacts/tags"):
        body = admin_client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<b>x</b>" not in body


# --- the conversation ----------------------------------------------------------------------------


def test_the_conversation_shows_what_was_sent_received_and_the_opt_out(volunteer_client, store):
    add(store)
    sent = store.enqueue(NewMessage(ELODIE, "Collecte demain 8h", 1, "gsm7"), T0 + timedelta(1))
    store.mark_sent(
        sent.id, [3], 1, None, T0 + timedelta(days=1, minutes=1), "2026-11-24", "2026-11"
    )
    store.add_inbound_part(imei="861234567890123", iccid=None, sender=ELODIE, text="STOP",
                           sent_at=None, now=T0 + timedelta(days=2), concat=None)  # fmt: skip
    store.opt_out(ELODIE, now=T0 + timedelta(days=2), how="sms STOP")
    response = volunteer_client.get(f"/conversation/{ELODIE}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Conversation with +33612345678" in page and "Élodie Durand" in page
    body = response.get_data(as_text=True)
    timeline = text_of_html(body[body.index('<ol class="timeline">') : body.index("</ol>")])
    assert timeline == (
        " opted in 10:00, by the panel: paper form 2026-11-20"
        " 24 Nov 10:00 · sent #1 (by the CLI) Collecte demain 8h sent sent 24 Nov 10:01"
        " 25 Nov 10:00 · received #1 STOP"
        " opted out 25 Nov 10:00, sms STOP "
    )

    history = volunteer_client.get("/history").get_data(as_text=True)
    inbox = volunteer_client.get("/inbox").get_data(as_text=True)
    contact = volunteer_client.get(f"/contacts/{ELODIE}").get_data(as_text=True)
    listed = volunteer_client.get("/contacts").get_data(as_text=True)
    for body in (history, inbox, contact, listed):
        assert 'href="/conversation/+33612345678"' in body


def test_a_stranger_has_a_conversation_too_and_bad_cursors_are_404(admin_client, store):
    store.add_inbound_part(imei="861234567890123", iccid=None, sender="ORANGE", text="Forfait",
                           sent_at=None, now=T0, concat=None)  # fmt: skip
    page = text_of(admin_client.get("/conversation/ORANGE"))
    assert "ORANGE is not a contact" in page and "Forfait" in page
    assert "Add it as a contact" in page
    assert admin_client.get("/conversation/ORANGE?before=nope").status_code == 404
    assert admin_client.get("/conversation/" + "9" * 40).status_code == 404


# --- in a browser --------------------------------------------------------------------------------


@needs_chromium
def test_in_chromium_an_import_previews_and_the_contact_pages_render(
    app_factory, admin, store, tmp_path
):
    from playwright.sync_api import expect

    app = app_factory()
    source = tmp_path / "adhérents.csv"
    source.write_bytes(MESSY)
    problems: list[str] = []
    with serving(app) as base, chromium() as browser:
        page = watch(browser.new_page(), problems)
        page.goto(base + "/login")
        page.fill("input[name=name]", ADMIN_NAME)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.click("nav >> text=Contacts")
        page.click("text=Import a CSV file")
        page.set_input_files("input[type=file]", str(source))
        page.click("button:text('Preview')")
        expect(page.locator(".count-new")).to_have_text("2")
        expect(page.locator("ul.import-errors")).to_contain_text("line 5, Téléphone")
        page.check("input[name=partial]")
        page.click("button[value=import]")
        expect(page.locator(".count-skipped")).to_have_text("1")
        page.click("text=The contacts")
        page.click(f"text={ELODIE}")
        expect(page.locator("h1")).to_contain_text("Élodie")
        page.click("text=Record an opt-out")
        expect(page.locator(".flash.ok")).to_contain_text("opted out")
        page.click("text=Conversation")
        expect(page.locator("ol.timeline")).to_contain_text("opted out")
    assert problems == []
