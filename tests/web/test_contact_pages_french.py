"""The contacts import's and the contact forms' refusals on French panel pages (issue 16),
through Flask's test client: a file with bad rows previewed, then imported all or nothing; a
file that cannot be read; the new contact's, the tags' and the erasure's refusals. Each shows
its problem in French with its values kept (the line, the column and the cell as written) and no
English word is left on the page once those values are taken out; the API's JSON keeps its
English. The report of the refused rows (CSV) is in French too. The shapes themselves are
``test_contact_import_catalogue.py``'s.
"""

from __future__ import annotations

import csv
import html
import io

import pytest

from appliance.status import Status
from appliance.store.contacts import ContactValues
from tests.web.test_campaign_problems_pages import english_on
from tests.web.test_i18n_pages import FRENCH
from tests.web.test_panel import queue_message, set_status

from .conftest import T0
from .test_contacts_pages import text_of, token_of, upload

ALICE = "+33612345678"
BAD = (
    "Prénom;Nom;Téléphone;Langue;Thème;Adhésion\r\n"
    "Élodie;Durand;06 12 34 56 78;fr;Bénévole;12/12/2026\r\n"
    "Zoé;Martin;12345;fr;;\r\n"
    "Marc;Petit;06 98 76 54 32;Deutsch;;31/02/2026\r\n"
    "Léa;Roux;06 AB 34 56 78;;;\r\n"
    "Paul;Blanc\r\n"
    "Élodie;;0612345678;;Soirée;\r\n"
).encode("cp1252")
ROWS_FR = (
    "ligne 3, Téléphone : '12345' n'est pas un numéro valide pour FR : c'est un numéro court, "
    "pas le numéro d'une personne",
    "ligne 4, Langue : 'Deutsch' n'est pas une langue dans laquelle nous écrivons (fr ou en)",
    "ligne 5, Téléphone : '06 AB 34 56 78' n'est pas un numéro valide pour FR : il contient des "
    "lettres ; un SMS ne part que vers des chiffres",
    "ligne 6 : 2 cellules là où l'en-tête a 6 colonnes",
)
# what the page shows as the file holds it: its name, headers and cells, the free field
KEPT = ("adhérents.csv", "12/12/2026", "first_name", "last_name", "Ville")


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """The tests make users: hash their passwords quickly."""


@pytest.fixture
def admin_client(signed_in):
    client = signed_in("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = FRENCH["Accept-Language"]
    return client


def english_left(response, vocabulary: set[str]) -> list[str]:
    page = response.get_data(as_text=True)
    for kept in KEPT:
        page = page.replace(kept, " ")
    return english_on(page, vocabulary)


def test_a_file_with_bad_rows_is_previewed_with_its_refused_rows_in_french(
    admin_client, store, vocabulary
):
    response = upload(admin_client, BAD)
    assert response.status_code == 200
    page = text_of(response)
    assert "Lignes refusées (4)" in page
    for row in ROWS_FR:
        assert row in page
    assert "is not a valid number" not in page and "cells where" not in page
    assert english_left(response, vocabulary) == []
    assert store.find_contacts() == []


def test_an_all_or_nothing_import_is_refused_in_french(admin_client, store, vocabulary):
    token = token_of(upload(admin_client, BAD))
    response = admin_client.post(f"/contacts/import/{token}", data={"action": "import"})
    assert response.status_code == 400
    page = text_of(response)
    refusal = (
        f"4 ligne(s) refusée(s), rien n'est importé : {ROWS_FR[0]}; {ROWS_FR[1]}; {ROWS_FR[2]} "
        "(et 1 de plus). Corrigez-les, ou n'importez que les bonnes lignes (« garder les bonnes "
        "lignes ») et recevez un rapport des autres"
    )
    assert refusal in page
    assert english_left(response, vocabulary) == []
    assert store.find_contacts() == []


def test_the_refused_rows_report_is_in_french(admin_client):
    token = token_of(upload(admin_client, BAD))
    report = admin_client.get(f"/contacts/import/{token}/refused.csv")
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert rows[0] == ["ligne", "colonne", "raison"]
    assert rows[1] == ["3", "Téléphone", ROWS_FR[0].removeprefix("ligne 3, Téléphone : ")]
    assert rows[4] == ["6", "", ROWS_FR[3].removeprefix("ligne 6 : ")]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04 a zip", "ceci est un classeur de tableur (.xlsx, .ods ou .xls), pas un "
                              "fichier CSV : ouvrez-le et enregistrez-le en CSV UTF-8"),
        ("Nom;Prénom;GSM perso\r\nMartin;Zoé;06 12 34 56 78\r\n".encode(),
         "aucune colonne ne contient le numéro de téléphone (en-têtes lus : 'Nom', 'Prénom', "
         "'GSM perso') ; nommez-la 'Téléphone' ou 'Phone'"),
        ('Téléphone;Nom\r\n06 12 34 56 78;"Martin\r\n06 98 76 54 32;Petit\r\n'.encode(),
         "ligne 2 : un guillemet (\") ouvre une cellule qui n'est jamais fermée"),
        ("Téléphone;Nom;Nom\r\n06 12 34 56 78;Martin;Petit\r\n".encode(),
         "la colonne 'Nom' figure deux fois dans la ligne d'en-tête"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_refused_in_french(admin_client, vocabulary, data, said):
    response = upload(admin_client, data)
    assert response.status_code == 400
    assert said in text_of(response)
    assert english_left(response, vocabulary) == []


def test_the_new_contact_forms_refusals_are_in_french(admin_client, store, vocabulary):
    form = {"number": "06 AB 34 56 78", "first_name": "É" * 130, "language": "de",
            "tags": "T" * 70, "proof": ""}  # fmt: skip
    response = admin_client.post("/contacts/new", data=form)
    assert response.status_code == 400
    page = text_of(response)
    assert ("'06 AB 34 56 78' n'est pas un numéro valide pour FR : il contient des lettres ; un "
            "SMS ne part que vers des chiffres.") in page  # fmt: skip
    assert "l'étiquette 'TTTTTTTTTTTTTTTTTTTT'… dépasse 64 caractères" in page
    assert "Le champ ne peut pas contenir plus de 128 caractères." in page  # WTForms' own French
    assert "Choisissez fr ou en (ou rien)." in page
    assert "Indiquez comment la personne a accepté" in page
    assert english_left(response, vocabulary) == []
    short = admin_client.post("/contacts/new", data={"number": "3615", "proof": "papier"})
    assert "'3615' est un numéro court, pas le numéro d'une personne." in text_of(short)
    assert english_left(short, vocabulary) == []
    assert store.find_contacts() == []


def test_a_contacts_tag_and_erasure_refusals_are_in_french(admin_client, store, config, vocabulary):
    values = ContactValues(ALICE, "Alice", "Martin", "fr", (), {})
    assert store.add_contact(values, now=T0, source="panel", proof="papier")
    tagged = admin_client.post(f"/contacts/{ALICE}/tags", data={"tag": "T" * 70})
    assert tagged.status_code == 400
    assert "dépasse 64 caractères" in text_of(tagged)
    assert english_left(tagged, vocabulary) == []

    message = queue_message(store, config, to=ALICE)
    set_status(store, message.id, Status.SENDING)
    erased = admin_client.post(f"/contacts/{ALICE}/erase", data={"confirm": ALICE})
    assert erased.status_code == 409
    said = (f"le message {message.id} à {ALICE} est en cours d'envoi ; rien n'a été effacé. "
            "Effacez à nouveau une fois son sort réglé (quelques secondes ; ")  # fmt: skip
    assert said in html.unescape(erased.get_data(as_text=True))
    assert english_left(erased, vocabulary) == []
    assert store.contact(ALICE) is not None


def test_the_api_keeps_its_english(client, auth, store):
    response = client.post(
        "/api/v1/contacts/import", data=BAD, content_type="text/csv",
        headers={**auth, **FRENCH}, query_string={"dry_run": "true"},
    )  # fmt: skip
    texts = [e["text"] for e in response.get_json()["errors"]]
    assert ("line 3, Téléphone: '12345' is not a valid number for FR: it is a short code, not a "
            "person's number") in texts  # fmt: skip
