"""The contact base through the JSON API (issue 11), as a script uses it: every route, every
error, imports of a messy file, an export that imports back the same, and the ``contact.*``
webhooks posted to a real receiver.

The rules under test: no consent, no contact; an opt-out is never undone through the API; a
number is one contact whichever way it is written; 400 for a wrong type, 422 for a bad value,
each naming the field (``tags[0]``, ``opt_in.proof``); an import is all or nothing unless asked.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

import appliance.webhooks as webhooks
from appliance.clock import SystemClock
from appliance.webhooks.fanout import contact_data
from tests.appliance.test_webhooks import FAST, LOCAL, Receiver, receiver_verify
from tests.waiting import wait_until
from tests.web.conftest import T0
from tests.web.test_api import assert_error
from web.api import contact_files

CONTACTS = "/api/v1/contacts"
ALICE = "+33611111111"
BOB = "+33622222222"
CONSENT = {"source": "form", "proof": "signup form of 2026-11-20, ip 192.0.2.7"}


def create(client, auth, number=ALICE, **values):
    body = {"number": number, "opt_in": CONSENT, **values}
    return client.post(CONTACTS, json=body, headers=auth)


def contact(client, auth, number=ALICE) -> dict:
    response = client.get(f"{CONTACTS}/{number}", headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def import_csv(client, auth, data: bytes, **query):
    return client.post(
        f"{CONTACTS}/import", data=data, content_type="text/csv", headers=auth, query_string=query
    )


# --- authentication and routing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", CONTACTS),
        ("post", CONTACTS),
        ("put", CONTACTS),
        ("get", f"{CONTACTS}/{ALICE}"),
        ("delete", f"{CONTACTS}/{ALICE}"),
        ("post", f"{CONTACTS}/{ALICE}/tags"),
        ("delete", f"{CONTACTS}/{ALICE}/tags/x"),
        ("post", f"{CONTACTS}/{ALICE}/opt-out"),
        ("post", f"{CONTACTS}/import"),
        ("get", f"{CONTACTS}/export"),
    ],
)
def test_every_contacts_route_needs_a_token(client, method, path):
    assert_error(getattr(client, method)(path), 401)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", f"{CONTACTS}/import", {"POST"}),
        ("delete", f"{CONTACTS}/export", {"GET"}),
        ("patch", CONTACTS, {"GET", "POST", "PUT"}),
        ("put", f"{CONTACTS}/{ALICE}", {"GET", "DELETE"}),
    ],
)
def test_a_wrong_method_is_405_not_a_bad_number(client, auth, method, path, allowed):
    response = getattr(client, method)(path, headers=auth)
    assert_error(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= allowed


# --- create and update ---------------------------------------------------------------------------


def test_a_contact_is_created_with_its_consent(client, auth, store):
    response = create(
        client, auth, "06 11 11 11 11", first_name="Alice", last_name="Martin",
        language="Français", tags=["Bénévole", "donneur"], fields={"zone": "Nord"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{CONTACTS}/{ALICE}"
    body = response.get_json()
    assert body == contact(client, auth)
    assert body == {
        "id": body["id"],
        "number": ALICE,
        "first_name": "Alice",
        "last_name": "Martin",
        "language": "fr",
        "tags": ["Bénévole", "donneur"],
        "fields": {"zone": "Nord"},
        "consent": "opted-in",
        "opted_in_at": T0.isoformat(),
        "opt_in_source": "form",
        "opt_in_proof": CONSENT["proof"],
        "opted_out_at": None,
        "opt_out_how": None,
        "created_at": T0.isoformat(),
        "updated_at": T0.isoformat(),
    }
    assert store.contact(ALICE).opt_in_proof == CONSENT["proof"]


def test_no_consent_no_contact(client, auth, store):
    response = client.post(CONTACTS, json={"number": ALICE, "first_name": "A"}, headers=auth)
    assert "no consent, no contact" in assert_error(response, 422, "opt_in")["error"]
    assert store.contact(ALICE) is None


def test_an_update_merges_and_keeps_the_consent_first_recorded(client, auth, clock):
    create(client, auth, first_name="Alice", tags=["a"], fields={"zone": "Nord"})
    clock.advance(timedelta(hours=1))
    again = {"number": "0033 6 11 11 11 11", "last_name": "Martin", "first_name": "",
             "tags": ["A", "b"], "fields": {"points": 3},
             "opt_in": {"source": "paper", "proof": "another"}}  # fmt: skip
    for method in (client.put, client.post):
        response = method(CONTACTS, json=again, headers=auth)
        assert response.status_code == 200 and "Location" not in response.headers
    body = response.get_json()
    assert (body["first_name"], body["last_name"]) == ("Alice", "Martin")
    assert body["tags"] == ["a", "b"] and body["fields"] == {"points": 3, "zone": "Nord"}
    assert (body["opt_in_source"], body["opt_in_proof"]) == ("form", CONSENT["proof"])
    assert body["opted_in_at"] == T0.isoformat() != body["updated_at"]


def test_an_opt_out_is_never_undone_through_the_api(client, auth, store):
    create(client, auth, first_name="Alice")
    store.opt_out(ALICE, now=T0, how="sms STOP")
    response = create(client, auth, first_name="Alicia")
    assert "only the person" in assert_error(response, 422, "opt_in")["error"]
    assert contact(client, auth)["first_name"] == "Alice"
    response = client.put(CONTACTS, json={"number": ALICE, "first_name": "Alicia"}, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["first_name"], body["consent"], body["opt_out_how"]) == (
        "Alicia", "opted-out", "sms STOP",
    )  # fmt: skip
    assert store.is_opted_out(ALICE)


def test_free_fields_are_typed_as_an_import_types_them_and_read_back_the_same(client, auth):
    fields = {"joined": "2026-01-15", "born": "12/05/1990", "points": 3, "fee": "12,5",
              "ratio": 0.25, "postcode": "01000", "note": "31/02/2026", "zone": "Nord",
              "skipped": ""}  # fmt: skip
    body = create(client, auth, fields=fields).get_json()
    assert body["fields"] == {"joined": "2026-01-15", "born": "1990-05-12", "points": 3,
                              "fee": 12.5, "ratio": 0.25, "postcode": "01000",
                              "note": "31/02/2026", "zone": "Nord"}  # fmt: skip
    sent_back = {k: body[k] for k in ("number", "first_name", "last_name", "language", "tags",
                                      "fields")}  # fmt: skip
    response = client.put(CONTACTS, json=sent_back, headers=auth)
    assert response.status_code == 200 and response.get_json() == body  # nothing changed


def test_joined_is_kept_as_a_date(client, auth, store):
    create(client, auth, fields={"joined": "2026-01-15", "points": 3})
    assert store.contact(ALICE).fields == {"joined": date(2026, 1, 15), "points": 3.0}


# --- bad bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "why"),
    [(b"{", "not valid JSON"), (b"", "empty"), (b"[]", "JSON object"), (b"null", "JSON object")],
)
def test_a_body_that_is_not_a_json_object_is_400(client, auth, data, why):
    response = client.post(CONTACTS, data=data, content_type="application/json", headers=auth)
    assert why in assert_error(response, 400)["error"]


def test_a_body_that_is_not_json_is_415(client, auth):
    response = client.post(CONTACTS, data="number=1", content_type="text/plain", headers=auth)
    assert_error(response, 415)


@pytest.mark.parametrize(
    ("values", "field", "why"),
    [
        ({"number": 33611111111}, "number", "must be a string"),
        ({"first_name": 1}, "first_name", "must be a string or null"),
        ({"language": ["fr"]}, "language", "string"),
        ({"tags": "sport"}, "tags", "must be a list"),
        ({"tags": ["ok", 2]}, "tags[1]", "must be a string"),
        ({"fields": ["zone"]}, "fields", "must be an object"),
        ({"fields": {"zone": ["Nord"]}}, "fields.zone", "a string or a number"),
        ({"fields": {"member": True}}, "fields.member", "a string or a number"),
        ({"fields": {"zone": None}}, "fields.zone", "a string or a number"),
        ({"opt_in": "yes"}, "opt_in", "must be an object"),
        ({"opt_in": {"source": 1, "proof": "p"}}, "opt_in.source", "must be a string"),
    ],
)
def test_a_field_of_the_wrong_type_is_400_naming_it(client, auth, store, values, field, why):
    response = create(client, auth, **values)
    assert why in assert_error(response, 400, field)["error"]
    assert store.contact(ALICE) is None


@pytest.mark.parametrize(
    ("values", "field", "why"),
    [
        ({"phone": ALICE}, "phone", "unknown field"),
        ({"number": "call me"}, "number", "letters"),
        ({"number": "36180"}, "number", "short code"),
        ({"number": "+33 6 12"}, "number", "not a phone number"),
        ({"number": ""}, "number", "not a phone number"),
        ({"language": "klingon"}, "language", "fr or en"),
        ({"first_name": "x" * 129}, "first_name", "longer than 128"),
        ({"first_name": "a\x00b"}, "first_name", "U+0000"),
        ({"tags": ["ok", " "]}, "tags[1]", "empty"),
        ({"tags": ["x" * 65]}, "tags[0]", "longer than 64"),
        ({"tags": ["ß" * 40]}, "tags[0]", "once folded"),
        ({"fields": {"": "x"}}, "fields", "the name '' is empty"),
        ({"fields": {"x" * 65: 1}}, "fields", "longer than 64"),
        ({"opt_in": {"source": "form"}}, "opt_in.proof", "required"),
        ({"opt_in": {"source": "form", "proof": " "}}, "opt_in.proof", "empty"),
        ({"opt_in": {"source": "form", "proof": "p", "at": "x"}}, "opt_in.at", "unknown"),
        ({"opt_in": {"source": "x" * 17, "proof": "p"}}, "opt_in.source", "longer than 16"),
    ],
)
def test_a_value_that_fails_validation_is_422_naming_it(client, auth, store, values, field, why):
    if "phone" in values:
        body = {"phone": ALICE, "number": ALICE, "opt_in": CONSENT}
        response = client.post(CONTACTS, json=body, headers=auth)
    else:
        response = create(client, auth, **values)
    assert why in assert_error(response, 422, field)["error"]
    assert store.find_contacts() == []


def test_a_number_too_large_for_json_is_422(client, auth, store):
    raw = b'{"number": "+33611111111", "fields": {"big": 1e400}, "opt_in": {"source": "form", '
    raw += b'"proof": "p"}}'
    response = client.post(CONTACTS, data=raw, content_type="application/json", headers=auth)
    assert "too large" in assert_error(response, 422, "fields.big")["error"]
    assert store.contact(ALICE) is None


def test_a_missing_number_is_422(client, auth):
    response = client.post(CONTACTS, json={"opt_in": CONSENT}, headers=auth)
    assert "required" in assert_error(response, 422, "number")["error"]


# --- one contact ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", [ALICE, "%2B33611111111", "0611111111", "06%2011%2011%2011%2011"]
)
def test_a_number_in_the_path_is_found_whichever_way_it_is_written(client, auth, written):
    create(client, auth)
    assert contact(client, auth, written)["number"] == ALICE


def test_an_unknown_contact_is_404_and_a_malformed_number_422(client, auth):
    assert_error(client.get(f"{CONTACTS}/{BOB}", headers=auth), 404)
    assert_error(client.delete(f"{CONTACTS}/{BOB}", headers=auth), 404)
    assert_error(client.post(f"{CONTACTS}/{BOB}/tags", json={"tag": "x"}, headers=auth), 404)
    for malformed in ("abc", "12", "06%2012", "%2B33%206%2012"):
        assert_error(client.get(f"{CONTACTS}/{malformed}", headers=auth), 422, "number")


# --- lists ---------------------------------------------------------------------------------------


def test_list_finds_by_name_number_and_tag_and_pages_by_cursor(client, auth):
    create(client, auth, ALICE, first_name="Alice", tags=["Bénévole"])
    create(client, auth, BOB, first_name="Bob", last_name="Alizé", tags=["donneur"])
    create(client, auth, "+33633333333", first_name="Chloé", tags=["benevole"])

    def numbers(**query) -> list[str]:
        response = client.get(CONTACTS, query_string=query, headers=auth)
        assert response.status_code == 200
        return [c["number"] for c in response.get_json()["contacts"]]

    assert numbers() == [ALICE, BOB, "+33633333333"]
    assert numbers(search="ali") == [ALICE, BOB]
    assert numbers(search="3362222") == [BOB]
    assert numbers(tag="BENEVOLE") == [ALICE, "+33633333333"]
    assert numbers(tag="bénévole", search="chlo") == ["+33633333333"]
    first = client.get(CONTACTS, query_string={"limit": 2}, headers=auth).get_json()
    assert len(first["contacts"]) == 2 and first["next_cursor"]
    second = client.get(
        CONTACTS, query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=auth
    ).get_json()
    assert [c["number"] for c in second["contacts"]] == ["+33633333333"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("limit=ten", 400, "limit"),
        ("limit=0", 422, "limit"),
        ("cursor=abc", 422, "cursor"),
        ("search=", 422, "search"),
        ("tag=%20", 422, "tag"),
        ("name=alice", 422, "name"),
    ],
)
def test_bad_list_parameters_name_themselves(client, auth, query, status, field):
    assert_error(client.get(f"{CONTACTS}?{query}", headers=auth), status, field)


# --- tags ----------------------------------------------------------------------------------------


def test_tags_are_put_on_and_taken_off_by_their_key(client, auth):
    create(client, auth, tags=["Bénévole"])
    response = client.post(f"{CONTACTS}/0611111111/tags", json={"tag": "Sport"}, headers=auth)
    assert response.status_code == 200 and response.get_json()["tags"] == ["Bénévole", "Sport"]
    response = client.delete(f"{CONTACTS}/{ALICE}/tags/benevole", headers=auth)
    assert response.status_code == 200 and response.get_json()["tags"] == ["Sport"]
    response = client.delete(f"{CONTACTS}/{ALICE}/tags/b%C3%A9n%C3%A9vole", headers=auth)
    assert "no tag" in assert_error(response, 404, "tag")["error"]
    assert_error(client.delete(f"{CONTACTS}/{BOB}/tags/Sport", headers=auth), 404)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"tag": 1}, 400, "tag"),
        ({"tag": ""}, 422, "tag"),
        ({}, 422, "tag"),
        ({"tag": "x", "more": 1}, 422, "more"),
    ],
)
def test_a_bad_tag_names_itself(client, auth, body, status, field):
    create(client, auth)
    assert_error(client.post(f"{CONTACTS}/{ALICE}/tags", json=body, headers=auth), status, field)


# --- opt-out and erasure -------------------------------------------------------------------------


def test_an_opt_out_is_recorded_then_an_api_send_to_the_number_is_refused(client, auth, clock):
    create(client, auth)
    response = client.post(f"{CONTACTS}/{ALICE}/opt-out", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["consent"], body["opted_out_at"], body["opt_out_how"]) == (
        "opted-out", T0.isoformat(), "api",
    )  # fmt: skip
    clock.advance(timedelta(minutes=5))
    again = client.post(f"{CONTACTS}/{ALICE}/opt-out", json={"how": "phone call"}, headers=auth)
    assert again.get_json()["opted_out_at"] == T0.isoformat()  # the first one is kept
    sent = client.post("/api/v1/messages", json={"to": ALICE, "text": "Hi"}, headers=auth)
    assert "opted out" in assert_error(sent, 422, "to")["error"]


def test_a_stranger_opted_out_is_kept_so_that_no_import_opts_them_in(client, auth):
    response = client.post(
        f"{CONTACTS}/0622222222/opt-out", json={"how": "phone call"}, headers=auth
    )
    body = response.get_json()
    assert (body["number"], body["consent"], body["opt_out_how"]) == (BOB, "opted-out",
                                                                      "phone call")  # fmt: skip
    import_csv(client, auth, b"Phone,Name\n0622222222,Bob\n")
    assert contact(client, auth, BOB)["consent"] == "opted-out"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"how": 1}, 400, "how"), ({"how": "x" * 33}, 422, "how"), ({"why": "x"}, 422, "why")],
)
def test_a_bad_opt_out_body_names_itself(client, auth, store, body, status, field):
    response = client.post(f"{CONTACTS}/{ALICE}/opt-out", json=body, headers=auth)
    assert_error(response, status, field)
    assert not store.is_opted_out(ALICE)


def test_erase_answers_what_went(client, auth, store):
    create(client, auth, tags=["a", "b"], fields={"zone": "Nord"})
    response = client.delete(f"{CONTACTS}/0611111111", headers=auth)
    assert response.status_code == 200
    report = response.get_json()
    assert report["number"] == ALICE and (report["tags"], report["fields"]) == (2, 1)
    assert store.contact(ALICE) is None
    assert_error(client.delete(f"{CONTACTS}/{ALICE}", headers=auth), 404)


# --- import --------------------------------------------------------------------------------------

# The messy file: cp1252, ';', spaces inside numbers, +33 and 06 forms, a bad row
# (line 4), a duplicate (line 6 is Alice again), an empty line (line 5).
MESSY = (
    "Prénom;Nom;Téléphone;Thème;Date d'adhésion\r\n"
    "Alice;Martin;06 11 11 11 11;Bénévole;15/01/2026\r\n"
    "Bob;Dupré;+33 6 22 22 22 22;donneur;\r\n"
    "Zoé;Bad;12345;sport;\r\n"
    "\r\n"
    "Alice;;0611111111;Sport;\r\n"
).encode("cp1252")


def test_a_messy_file_is_refused_whole_with_every_error(client, auth, store):
    response = import_csv(client, auth, MESSY)
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"error", "errors"} and "nothing imported" in body["error"]
    assert "partial=true" in body["error"]
    assert body["errors"] == [
        {
            "line": 4,
            "column": "Téléphone",
            "message": "'12345' is not a valid number for FR: it is a short code, not a "
            "person's number",
            "text": "line 4, Téléphone: '12345' is not a valid number for FR: it is a short "
            "code, not a person's number",
        }
    ]
    assert store.find_contacts() == []


def test_a_dry_run_previews_and_writes_nothing(client, auth, store):
    response = import_csv(client, auth, MESSY, dry_run="true")
    assert response.status_code == 200
    plan = response.get_json()
    assert (plan["imported"], plan["encoding"], plan["delimiter"]) == (None, "cp1252", ";")
    assert (plan["rows"], plan["empty_lines"], plan["duplicates_merged"], plan["invalid"]) == (
        4, 1, 1, 1,
    )  # fmt: skip
    assert (plan["new"], plan["updated"], plan["unchanged"]) == (2, 0, 0)
    assert plan["columns"]["Téléphone"] == "number" and plan["columns"]["Date d'adhésion"] is None
    assert plan["preview"][0] == {
        "number": ALICE, "first_name": "Alice", "last_name": "Martin", "language": None,
        "tags": ["Bénévole", "Sport"], "fields": {"Date d'adhésion": "2026-01-15"},
    }  # fmt: skip
    assert [e["line"] for e in plan["errors"]] == [4]
    assert store.find_contacts() == []


def test_a_partial_import_keeps_the_good_rows_and_lists_the_skipped(client, auth, store):
    response = import_csv(client, auth, MESSY, partial="true", filename="adherents.csv")
    assert response.status_code == 200
    done = response.get_json()
    assert done["imported"] == {"new": 2, "updated": 0, "unchanged": 0}
    assert [(e["line"], e["column"]) for e in done["errors"]] == [(4, "Téléphone")]
    alice = contact(client, auth)
    assert alice["tags"] == ["Bénévole", "Sport"] and alice["last_name"] == "Martin"
    assert alice["fields"] == {"Date d'adhésion": "2026-01-15"}
    assert (alice["opt_in_source"], alice["opt_in_proof"]) == (
        "import", "import adherents.csv line 2",
    )  # fmt: skip
    assert contact(client, auth, BOB)["last_name"] == "Dupré"
    again = import_csv(client, auth, MESSY, partial="true").get_json()
    assert again["imported"] == {"new": 0, "updated": 0, "unchanged": 2}


def test_a_partial_import_with_no_good_row_is_refused(client, auth, store):
    response = import_csv(client, auth, b"Phone\n12345\nabc\n", partial="true")
    assert response.status_code == 422
    body = response.get_json()
    assert "no row of the file can be imported" in body["error"] and len(body["errors"]) == 2


def test_a_clean_file_with_a_bom_and_a_mapped_column_imports_whole(client, auth):
    data = "\ufeffGSM perso,Prénom,Langue\n+33611111111,Ann,anglais\n".encode()
    response = import_csv(client, auth, data, map="GSM perso=number")
    assert response.status_code == 200
    assert response.get_json()["encoding"] == "utf-8-sig"
    assert (contact(client, auth)["first_name"], contact(client, auth)["language"]) == ("Ann", "en")


@pytest.mark.parametrize(
    ("query", "data", "status", "field", "why"),
    [
        ({"dry_run": "yes"}, b"Phone\n", 400, "dry_run", "true or false"),
        ({"partial": "1"}, b"Phone\n", 400, "partial", "true or false"),
        ({"map": "GSM perso"}, b"Phone\n", 422, "map", "Column header=field"),
        ({"map": "GSM=phone"}, b"Phone\n", 422, "map", "the fields are"),
        ({"filename": ""}, b"Phone\n", 422, "filename", "empty"),
        ({"filename": "a\nb"}, b"Phone\n", 422, "filename", "printable"),
        ({"sep": ";"}, b"Phone\n", 422, "sep", "unknown query parameter"),
        ({}, b"Name,Town\nAnn,Lille\n", 422, None, "no column holds the phone number"),
        ({}, b"", 422, None, "empty"),
        ({}, "Phone\n0611111111\n".encode("utf-16-le"), 422, None, "UTF-16"),  # no BOM
        ({}, b"Phone,Note\n0611111111," + b"x" * 200_000 + b"\n", 422, None, "131,072 char"),
    ],
)
def test_a_bad_import_says_why_and_writes_nothing(client, auth, store, query, data, status,
                                                  field, why):  # fmt: skip
    response = import_csv(client, auth, data, **query)
    assert why in assert_error(response, status, field)["error"]
    assert store.find_contacts() == []


@pytest.mark.parametrize(
    ("data", "line", "column", "why"),
    [
        ("Phone,Prenom\n0611111111," + "x" * 129 + "\n", 2, "Prenom", "longer than 128"),
        ("Phone,Tags\n0611111111,ok;" + "ß" * 40 + "\n", 2, "Tags", "longer than 64"),
    ],
)  # fmt: skip
def test_what_the_database_cannot_hold_is_refused_by_line_and_column(
    client, auth, store, data, line, column, why
):
    """PostgreSQL refuses a value longer than its column where SQLite keeps it, and no database
    keeps it: the reader refuses the row first, by line and column, on every path."""
    response = import_csv(client, auth, data.encode())
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert (error["line"], error["column"]) == (line, column) and why in error["message"]
    assert store.find_contacts() == []


def test_a_free_field_name_the_database_cannot_hold_is_refused(client, auth, store):
    data = "Phone,Avez-vous donné votre accord pour recevoir des SMS de l'association ?\n"
    response = import_csv(client, auth, (data + "0611111111,oui\n").encode())
    assert "has a name over 64 characters" in assert_error(response, 422)["error"]
    assert store.find_contacts() == []


def test_a_cell_over_the_csv_limit_names_its_line(client, auth, store):
    data = "Phone,Nom\n0611111111,ok\n0622222222," + "x" * 200_000 + "\n"
    response = import_csv(client, auth, data.encode())
    assert "line 3: a cell is over 131,072 characters" in assert_error(response, 422)["error"]


def test_an_import_must_be_text_csv(client, auth):
    response = client.post(f"{CONTACTS}/import", data=MESSY, headers=auth,
                           content_type="multipart/form-data; boundary=x")  # fmt: skip
    assert "text/csv" in assert_error(response, 415)["error"]


def test_an_import_may_be_over_a_megabyte_up_to_its_own_limit(client, auth, monkeypatch):
    big = b"Phone,Note\n" + b"".join(
        f"06{n:08d},{'x' * 100_000}\n".encode() for n in range(11111111, 11111123)
    )
    assert len(big) > 1024 * 1024
    plan = import_csv(client, auth, big, dry_run="true").get_json()
    assert plan["new"] == 12
    monkeypatch.setattr(contact_files, "MAX_CSV_BYTES", 1024 * 1024)
    response = import_csv(client, auth, big, dry_run="true")
    assert "over 1 MB; split it" in assert_error(response, 413)["error"]


# --- export --------------------------------------------------------------------------------------


def test_an_export_imports_back_the_same_contacts(client, auth, store):
    create(client, auth, ALICE, first_name="Alice", last_name="Martin", language="fr",
           tags=["Bénévole", "sport"], fields={"joined": "2026-01-15", "points": 3,
                                               "zone": "Nord, côté gare"})  # fmt: skip
    create(client, auth, BOB, first_name="Bob", tags=["donneur"], fields={"fee": 12.5})
    create(client, auth, "+33633333333", first_name="Chloé")
    client.post(f"{CONTACTS}/+33633333333/opt-out", headers=auth)
    before = {n: contact(client, auth, n) for n in (ALICE, BOB)}

    response = client.get(f"{CONTACTS}/export", headers=auth)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["number"] for r in rows] == [ALICE, BOB]  # who opted out is not in the file
    assert rows[0]["tags"] == "Bénévole, sport" and rows[0]["joined"] == "2026-01-15"

    for number in (ALICE, BOB):
        client.delete(f"{CONTACTS}/{number}", headers=auth)
    done = import_csv(client, auth, response.get_data()).get_json()
    assert done["imported"] == {"new": 2, "updated": 0, "unchanged": 0}
    for number, was in before.items():
        now = contact(client, auth, number)
        for key in ("first_name", "last_name", "language", "tags", "fields"):
            assert now[key] == was[key], key

    tagged = client.get(f"{CONTACTS}/export", query_string={"tag": "DONNEUR"}, headers=auth)
    assert [r["number"] for r in csv.DictReader(io.StringIO(tagged.get_data(as_text=True)))] == [
        BOB
    ]


def test_an_empty_base_exports_the_header(client, auth):
    response = client.get(f"{CONTACTS}/export", headers=auth)
    assert response.get_data(as_text=True) == "number,first_name,last_name,language,tags\n"


# --- webhooks ------------------------------------------------------------------------------------


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_contact_events_are_posted_with_the_number_and_its_consent(client, auth, store, receiver):
    _, secret = webhooks.create_webhook(
        store, url=receiver.url(), events=["contact.created", "contact.updated",
        "contact.opted_in", "contact.opted_out"], now=SystemClock().now(), allowed=LOCAL,
    )  # fmt: skip
    webhooks.create_webhook(store, url=receiver.url("/messages-only"), events=["message.sent"],
                            now=SystemClock().now(), allowed=LOCAL)  # fmt: skip
    create(client, auth, first_name="Alice")
    client.put(CONTACTS, json={"number": ALICE, "last_name": "Martin"}, headers=auth)
    client.put(CONTACTS, json={"number": ALICE, "last_name": "Martin"}, headers=auth)  # no change
    client.post(f"{CONTACTS}/{ALICE}/opt-out", headers=auth)
    store.opt_in(BOB, now=T0, source="sms", proof="inbound message 12", tag="sport")  # a JOIN

    sender = webhooks.WebhookSender(store, SystemClock(), poll_interval=0.02, timeout=2.0,
                                    backoff=FAST, networks=LOCAL).start()  # fmt: skip
    try:
        posted = wait_until(lambda: len(receiver.got("/hook")) >= 5 and receiver.got("/hook"),
                            5, "five contact events")  # fmt: skip
    finally:
        sender.stop()
    verify = receiver_verify()
    events = [verify(secret, r.body, r.headers) for r in sorted(posted, key=lambda r: r.json["id"])]
    assert [e["event"] for e in events] == [
        "contact.created", "contact.opted_in", "contact.updated", "contact.opted_out",
        "contact.opted_in",
    ]  # fmt: skip
    now_alice = {"number": ALICE, "opted_in_at": T0.isoformat(), "opt_in_source": "form",
                 "opt_in_proof": CONSENT["proof"], "opted_out_at": T0.isoformat(),
                 "opt_out_how": "api"}  # fmt: skip
    assert [e["data"] for e in events[:4]] == [now_alice] * 4  # as the contact is when posted
    assert events[4]["data"] == {"number": BOB, "opted_in_at": T0.isoformat(),
                                 "opt_in_source": "sms", "opt_in_proof": "inbound message 12",
                                 "opted_out_at": None, "opt_out_how": None}  # fmt: skip
    assert receiver.got("/messages-only") == []
    assert len(receiver.got("/hook")) == 5


def test_contact_events_can_be_chosen_in_the_panel():
    assert {"contact.created", "contact.updated", "contact.opted_in", "contact.opted_out"} <= set(
        webhooks.EVENTS
    )
    assert webhooks.check_events(["contact.opted_out"]) == ("contact.opted_out",)


def test_the_event_of_a_contact_erased_since_says_only_its_number():
    assert contact_data(ALICE, None) == {
        "number": ALICE, "opted_in_at": None, "opt_in_source": None, "opt_in_proof": None,
        "opted_out_at": None, "opt_out_how": None,
    }  # fmt: skip


def test_the_contacts_api_on_postgresql(postgresql_store, config, clock):
    """The same answers where the columns' sizes are enforced: nothing too long reaches them."""
    from appliance.accounts import create_token
    from web import create_app

    app = create_app(config, store=postgresql_store, clock=clock, test_config={"TESTING": True})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {create_token(postgresql_store, 'pg', clock.now())[1]}"}
    assert create(client, auth, tags=["ß" * 32], fields={"x" * 64: 1}).status_code == 201
    assert create(client, auth, tags=["ß" * 33]).status_code == 422
    long_header = f"Phone,{'Q' * 65}\n0622222222,oui\n".encode()
    assert import_csv(client, auth, long_header).status_code == 422
    assert import_csv(client, auth, MESSY, partial="true").status_code == 200
    assert contact(client, auth, BOB)["last_name"] == "Dupré"
    assert client.delete(f"{CONTACTS}/{ALICE}/tags/{'SS' * 32}", headers=auth).status_code == 200
