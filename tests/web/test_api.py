"""The JSON API as a script uses it: every route, every error, through Flask's test client.

The contract (DESIGN.md, "HTTP API"; web/api/openapi.py): a bearer token on everything but the
document; 201 with a Location for a queued message; errors always JSON naming the bad field;
400 for what is not JSON or has the wrong type, 422 for values that fail validation; keyset
pages; 404 (never 500) for any id that names no message.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import create_engine

from appliance.accounts import check_token, create_token, revoke_token
from appliance.store import Claim, Store
from appliance.store.schema import Status
from modem import pdu
from tests.web.conftest import T0

# Users are made with cheap hashes (conftest): these tests are about the API, not scrypt.
pytestmark = pytest.mark.usefixtures("fast_password_hashing")

NUMBER = "+33612345678"
MESSAGES = "/api/v1/messages"
IMEI = "356938035643809"


def post(client, auth, body, **kwargs):
    return client.post(MESSAGES, json=body, headers=auth, **kwargs)


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The error shape of the contract: JSON, ``error`` always, ``field`` when one is to blame."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ({"error"} if field is None else {"error", "field"})
    assert isinstance(body["error"], str) and body["error"]
    assert body.get("field") == field
    return body


def claim(store: Store, now, imei: str = IMEI):
    return store.claim(
        Claim(
            imei=imei,
            iccid="8933150319000000001",
            group=None,
            node="test-node",
            max_parts=100,
            quiet=False,
            avoid_own_retries=False,
        ),
        now,
    )


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/messages", "/api/v1/messages/1", "/api/v1/modems", "/api/v1/inbox"]
)
def test_every_route_but_the_document_needs_a_token(client, path):
    body = assert_error(client.get(path), 401)
    assert "Bearer" in body["error"]
    assert client.get(path).headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.delete("/api/v1/messages/1"), 401)
    assert_error(client.post(MESSAGES, json={"to": NUMBER, "text": "x"}), 401)


@pytest.mark.parametrize(
    "header",
    ["Bearer smr_not-a-token", "Bearer ", "Basic YWxpY2U6cGFzc3dvcmQ=", "smr_no-scheme", "Bearer"],
)
def test_a_wrong_token_is_401(client, header):
    assert_error(client.get("/api/v1/modems", headers={"Authorization": header}), 401)


def test_a_revoked_token_is_401(client, store, clock):
    row, secret = create_token(store, "old script", clock.now())
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/modems", headers=headers).status_code == 200
    revoke_token(store, row.id)
    assert_error(client.get("/api/v1/modems", headers=headers), 401)


def test_the_scheme_is_case_insensitive_and_use_is_recorded(client, store, token, clock):
    assert client.get("/api/v1/modems", headers={"Authorization": f"bearer {token}"}).status_code
    assert check_token(store, token, clock.now()).last_used_at == T0


def test_the_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def test_api_routes_answer_json_even_once_users_exist(client, admin, auth):
    """The panel's before_request sends anonymous visitors to /login: never an API client."""
    assert_error(client.get("/api/v1/modems"), 401)
    assert_error(client.put(MESSAGES, headers=auth), 405)
    assert_error(client.get("/api/v1/no-such-thing"), 404)
    assert client.get("/api/v1/modems", headers=auth).status_code == 200


# --- POST /api/v1/messages ---------------------------------------------------------------------


def test_queue_a_message(client, auth, store):
    response = post(client, auth, {"to": NUMBER, "text": "Collecte demain 8h-12h"})
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "status": "queued", "parts": 1, "encoding": "gsm7"}
    assert response.headers["Location"] == f"/api/v1/messages/{body['id']}"
    row = store.get(body["id"])
    assert (row.recipient, row.text, row.source, row.status) == (
        NUMBER,
        "Collecte demain 8h-12h",
        "api",
        Status.QUEUED,
    )
    followed = client.get(response.headers["Location"], headers=auth).get_json()
    assert followed["to"] == NUMBER
    assert followed["send_at"] == T0.isoformat()
    assert followed["created_at"] == T0.isoformat()


def test_a_national_number_is_normalised(client, auth):
    body = post(client, auth, {"to": "06 12 34 56 78", "text": "x"}).get_json()
    assert client.get(f"{MESSAGES}/{body['id']}", headers=auth).get_json()["to"] == NUMBER


@pytest.mark.parametrize(
    "text",
    ["Rendez-vous à 8h, répondez OUI", "Merci 🙏", "x" * 161, "€" * 80, "Привет " * 30],
)
def test_parts_and_encoding_come_from_the_shared_counter(client, auth, text):
    count = pdu.count(text)
    body = post(client, auth, {"to": NUMBER, "text": text}).get_json()
    assert (body["parts"], body["encoding"]) == (count.parts, count.encoding)


def test_optional_fields(client, auth, store):
    store.upsert_modem(IMEI, state="ready")  # a modem never seen is refused (422 modem)
    body = post(
        client,
        auth,
        {
            "to": NUMBER,
            "text": "x",
            "send_at": "2026-12-01T08:00:00+01:00",
            "priority": "high",
            "modem": IMEI,
        },
    ).get_json()
    row = store.get(body["id"])
    assert row.due_at.isoformat() == "2026-12-01T07:00:00+00:00"
    assert (row.priority, row.want_modem) == ("high", IMEI)


@pytest.mark.parametrize(
    ("send_at", "due"),
    [("+2h", T0 + timedelta(hours=2)), ("2026-11-24T09:30", T0.replace(day=24, hour=9, minute=30))],
)
def test_send_at_takes_delays_and_local_times(client, auth, store, send_at, due):
    body = post(client, auth, {"to": NUMBER, "text": "x", "send_at": send_at}).get_json()
    assert store.get(body["id"]).due_at == due


def test_null_optional_fields_mean_the_defaults(client, auth, store):
    response = post(
        client, auth, {"to": NUMBER, "text": "x", "send_at": None, "priority": None, "modem": None}
    )
    assert response.status_code == 201
    row = store.get(response.get_json()["id"])
    assert (row.priority, row.due_at, row.want_modem) == ("normal", T0, None)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"{", "not valid JSON"),
        (b"", "empty"),
        (b"   ", "empty"),
        (b'{"to": "+33612345678", "text": NaN}', "NaN"),
        (b'{"to": "+33612345678",, }', "not valid JSON"),
        (b'{"to": "\xff\xfe"}', "not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
        (b'["+33612345678", "hello"]', "JSON object"),
        (b'"hello"', "JSON object"),
        (b"null", "JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, auth, data, why):
    response = client.post(MESSAGES, data=data, content_type="application/json", headers=auth)
    assert why in assert_error(response, 400)["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": 33612345678, "text": "x"}, "to"),
        ({"to": NUMBER, "text": ["x"]}, "text"),
        ({"to": None, "text": "x"}, "to"),
        ({"to": NUMBER, "text": "x", "priority": 1}, "priority"),
        ({"to": NUMBER, "text": "x", "send_at": 1764000000}, "send_at"),
        ({"to": NUMBER, "text": "x", "modem": 356938035643809}, "modem"),
    ],
)
def test_a_field_of_the_wrong_type_is_400_naming_it(client, auth, body, field):
    assert_error(post(client, auth, body), 400, field)


@pytest.mark.parametrize(
    ("body", "field", "why"),
    [
        ({"to": NUMBER, "text": "x", "from": "me"}, "from", "unknown field"),
        ({"text": "x"}, "to", "required"),
        ({"to": NUMBER}, "text", "required"),
        ({"to": "12", "text": "x"}, "to", "too short"),
        ({"to": "+33 6 12 34 56 78 99", "text": "x"}, "to", "too long"),
        ({"to": "call me", "text": "x"}, "to", "letters"),
        ({"to": "", "text": "x"}, "to", "empty"),
        ({"to": NUMBER, "text": ""}, "text", "empty"),
        ({"to": NUMBER, "text": "x" * (10 * 153 + 1)}, "text", "11 SMS parts"),
        ({"to": NUMBER, "text": "a\x00b"}, "text", "U+0000"),
        ({"to": NUMBER, "text": "x", "send_at": "2026-11-22T10:00:00Z"}, "send_at", "past"),
        ({"to": NUMBER, "text": "x", "send_at": "tomorrow"}, "send_at", "not a time"),
        ({"to": NUMBER, "text": "x", "send_at": "+99999999999d"}, "send_at", "too far"),
        ({"to": NUMBER, "text": "x", "send_at": "9999-12-31T23:00-10:00"}, "send_at", "too far"),
        ({"to": NUMBER, "text": "x", "send_at": "+" + "9" * 5000 + "d"}, "send_at", "too far"),
        ({"to": NUMBER, "text": "x", "priority": "urgent"}, "priority", "high, normal, low"),
        ({"to": NUMBER, "text": "x", "modem": "/dev/ttyUSB0"}, "modem", "IMEI"),
        ({"to": NUMBER, "text": "x", "modem": "３５６９３８０３５６４３８０９"}, "modem", "IMEI"),
    ],
)
def test_a_value_that_fails_validation_is_422_naming_it(client, auth, store, body, field, why):
    assert why in assert_error(post(client, auth, body), 422, field)["error"]
    assert store.messages() == []


def test_a_lone_surrogate_is_refused_not_stored(client, auth, store):
    raw = b'{"to": "+33612345678", "text": "half an emoji \\ud83d"}'
    response = client.post(MESSAGES, data=raw, content_type="application/json", headers=auth)
    assert_error(response, 422, "text")
    assert store.messages() == []


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", None],
)
def test_a_body_that_is_not_json_is_415(client, auth, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post(MESSAGES, data=b'{"to": "x", "text": "y"}', headers=auth, **kwargs)
    assert_error(response, 415)


def test_a_json_suffix_media_type_is_json(client, auth):
    response = client.post(
        MESSAGES,
        data=b'{"to": "+33612345678", "text": "y"}',
        content_type="application/vnd.smsrelay+json; charset=utf-8",
        headers=auth,
    )
    assert response.status_code == 201


def test_a_body_over_one_megabyte_is_413(client, auth, store):
    text = "x" * (1024 * 1024)
    response = post(client, auth, {"to": NUMBER, "text": text})
    assert "1 MB" in assert_error(response, 413)["error"]
    assert store.messages() == []


def test_text_is_returned_as_data_never_as_markup(client, auth):
    text = '<script>alert("x")</script>'
    body = post(client, auth, {"to": NUMBER, "text": text}).get_json()
    response = client.get(f"{MESSAGES}/{body['id']}", headers=auth)
    assert response.mimetype == "application/json"
    assert response.get_json()["text"] == text


# --- GET /api/v1/messages/{id} and DELETE --------------------------------------------------------


@pytest.mark.parametrize(
    "message_id", ["999", "0", str(2**31), str(2**63), "9" * 30, "9" * 5000, "-1", "abc", "1.0"]
)
def test_an_id_that_names_no_message_is_404(client, auth, message_id):
    assert_error(client.get(f"{MESSAGES}/{message_id}", headers=auth), 404)
    assert_error(client.delete(f"{MESSAGES}/{message_id}", headers=auth), 404)


def test_get_a_message(client, auth, store, clock):
    body = post(client, auth, {"to": NUMBER, "text": "x"}).get_json()
    claim(store, clock.now())
    message = client.get(f"{MESSAGES}/{body['id']}", headers=auth).get_json()
    assert message["status"] == "sending"
    assert message["modem"] == IMEI
    assert message["attempts"] == 1
    assert set(message) >= {
        "id",
        "to",
        "text",
        "status",
        "parts",
        "modem",
        "created_at",
        "sent_at",
        "reason",
    }


def test_cancel_a_queued_message(client, auth, store):
    body = post(client, auth, {"to": NUMBER, "text": "x"}).get_json()
    response = client.delete(f"{MESSAGES}/{body['id']}", headers=auth)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert store.get(body["id"]).status == Status.CANCELLED
    assert (
        "cancelled"
        in assert_error(client.delete(f"{MESSAGES}/{body['id']}", headers=auth), 409)["error"]
    )


def test_too_late_to_cancel_is_409(client, auth, store, clock):
    sending = post(client, auth, {"to": NUMBER, "text": "x"}).get_json()["id"]
    claim(store, clock.now())
    sent = post(client, auth, {"to": NUMBER, "text": "y"}).get_json()["id"]
    claim(store, clock.now())
    store.mark_sent(sent, [7], 1, "8933150319000000001", clock.now(), "2026-11-23", "2026-11")
    for message_id, status in ((sending, "sending"), (sent, "sent")):
        body = assert_error(client.delete(f"{MESSAGES}/{message_id}", headers=auth), 409)
        assert status in body["error"]
        assert store.get(message_id).status == status


# --- GET /api/v1/messages ----------------------------------------------------------------------


def queue(client, auth, n: int, to: str = NUMBER) -> list[int]:
    return [post(client, auth, {"to": to, "text": f"m{i}"}).get_json()["id"] for i in range(n)]


def test_list_pages_newest_first_with_an_opaque_cursor(client, auth):
    ids = queue(client, auth, 5)
    pages, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(MESSAGES, query_string=query, headers=auth).get_json()
        pages.append([m["id"] for m in page["messages"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]


def test_a_full_last_page_has_no_next_cursor(client, auth):
    queue(client, auth, 2)
    page = client.get(MESSAGES, query_string={"limit": 2}, headers=auth).get_json()
    assert (len(page["messages"]), page["next_cursor"]) == (2, None)


def test_new_messages_do_not_shift_the_pages(client, auth):
    ids = queue(client, auth, 3)
    first = client.get(MESSAGES, query_string={"limit": 2}, headers=auth).get_json()
    queue(client, auth, 2)
    second = client.get(
        MESSAGES, query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=auth
    ).get_json()
    assert [m["id"] for m in second["messages"]] == [ids[0]]


def test_list_filters_by_status_and_number(client, auth, store):
    to_a = queue(client, auth, 2)
    to_b = queue(client, auth, 1, to="+33699887766")
    client.delete(f"{MESSAGES}/{to_a[0]}", headers=auth)

    def ids(**query):
        page = client.get(MESSAGES, query_string=query, headers=auth).get_json()
        return [m["id"] for m in page["messages"]]

    assert ids() == [to_b[0], to_a[1], to_a[0]]
    assert ids(status="cancelled") == [to_a[0]]
    assert ids(status="queued") == [to_b[0], to_a[1]]
    assert ids(to="06 99 88 77 66") == to_b
    unencoded = client.get(f"{MESSAGES}?to=+33699887766", headers=auth).get_json()
    assert [m["id"] for m in unencoded["messages"]] == to_b  # the "+" arrives as a space
    assert ids(to=NUMBER, status="queued") == [to_a[1]]
    assert ids(status="sent") == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"status": "lost"}, 422, "status"),
        ({"status": ""}, 422, "status"),
        ({"to": "not a number"}, 422, "to"),
        ({"to": ""}, 422, "to"),
        ({"limit": "ten"}, 400, "limit"),
        ({"limit": "2.5"}, 400, "limit"),
        ({"limit": ""}, 400, "limit"),
        ({"limit": "0"}, 422, "limit"),
        ({"limit": "-3"}, 422, "limit"),
        ({"limit": "501"}, 422, "limit"),
        ({"limit": "9" * 5000}, 422, "limit"),
        ({"cursor": "abc"}, 422, "cursor"),
        ({"cursor": "-1"}, 422, "cursor"),
        ({"cursor": "9" * 11}, 422, "cursor"),
    ],
)
def test_bad_list_parameters_name_themselves(client, auth, query, status, field):
    assert_error(client.get(MESSAGES, query_string=query, headers=auth), status, field)
    if field in ("limit", "cursor"):
        assert_error(client.get("/api/v1/inbox", query_string=query, headers=auth), status, field)


def test_the_default_page_is_50(client, auth, store, config, clock):
    from appliance.outbox import prepare

    new = prepare(config, to=NUMBER, text="x", now=clock.now())
    for _ in range(51):
        store.enqueue(new, clock.now())
    page = client.get(MESSAGES, headers=auth).get_json()
    assert len(page["messages"]) == 50
    assert page["next_cursor"] is not None


# --- GET /api/v1/modems and /api/v1/inbox --------------------------------------------------------


def test_modems_are_those_of_status(client, auth, store, clock):
    store.upsert_modem(
        IMEI,
        node="test-node",
        port="/dev/gsm/sim800-1",
        state="ready",
        iccid="8933150319000000001",
        sim="READY",
        signal_dbm=-73,
        bars=3,
        registration="home",
        operator="Orange F",
        daily_limit=200,
        seen_at=clock.now(),
    )
    store.upsert_sim("8933150319000000001", day="2026-11-23", sent_day=12)
    store.upsert_modem(
        "867584030000000", node="test-node", state="sim-locked", reason="the SIM asks for its PIN"
    )
    modems = client.get("/api/v1/modems", headers=auth).get_json()["modems"]
    by_imei = {m["imei"]: m for m in modems}
    assert by_imei[IMEI] | {} == by_imei[IMEI]
    assert (by_imei[IMEI]["state"], by_imei[IMEI]["signal_dbm"]) == ("ready", -73)
    assert (by_imei[IMEI]["sent_today"], by_imei[IMEI]["daily_limit"]) == (12, 200)
    assert by_imei["867584030000000"]["reason"] == "the SIM asks for its PIN"
    assert by_imei[IMEI]["seen_at"] == T0.isoformat()
    # the panel's words (appliance.status): null when it can send
    assert by_imei[IMEI]["why"] is None
    assert by_imei["867584030000000"]["why"] == "The SIM asks for its PIN"
    assert by_imei[IMEI]["receives"] is True and by_imei[IMEI]["capability"] is None


def test_a_send_only_modem_says_so_in_the_list(client, auth, store, clock):
    store.upsert_modem(IMEI, node="test-node", state="ready", receives=False, seen_at=clock.now())
    [modem] = client.get("/api/v1/modems", headers=auth).get_json()["modems"]
    assert modem["receives"] is False and modem["why"] is None  # it sends
    assert modem["capability"] == "can send; cannot report received SMS"


def test_no_modem_is_an_empty_list(client, auth):
    assert client.get("/api/v1/modems", headers=auth).get_json() == {"modems": []}


def receive(store: Store, clock, sender: str, text: str):
    return store.add_inbound_part(
        imei=IMEI,
        iccid=None,
        sender=sender,
        text=text,
        sent_at=clock.now(),
        now=clock.now(),
        concat=None,
    )


def test_inbox_pages_newest_first(client, auth, store, clock):
    ids = [receive(store, clock, NUMBER, f"OUI {i}").id for i in range(3)]
    first = client.get("/api/v1/inbox", query_string={"limit": 2}, headers=auth).get_json()
    assert [m["id"] for m in first["messages"]] == [ids[2], ids[1]]
    assert first["messages"][0] | {"id": 0} == {
        "id": 0,
        "from": NUMBER,
        "text": "OUI 2",
        "status": "received",
        "parts": 1,
        "modem": IMEI,
        "created_at": T0.isoformat(),
        "sent_at": T0.isoformat(),
        "reason": None,
    }
    second = client.get(
        "/api/v1/inbox", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=auth
    ).get_json()
    assert ([m["id"] for m in second["messages"]], second["next_cursor"]) == ([ids[0]], None)


# --- errors are JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", MESSAGES, {"GET", "POST"}),
        ("patch", f"{MESSAGES}/1", {"GET", "DELETE"}),
        ("post", "/api/v1/modems", {"GET"}),
        ("delete", "/api/v1/inbox", {"GET"}),
        ("post", "/api/v1/openapi.json", {"GET"}),
    ],
)
def test_a_wrong_method_is_405_with_allow(client, auth, method, path, allowed):
    response = getattr(client, method)(path, headers=auth)
    assert_error(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= allowed


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1", "/api/v2/messages", "/api/"])
def test_an_unknown_api_path_is_404_json(client, auth, path):
    assert_error(client.get(path, headers=auth), 404)


def test_a_database_that_does_not_answer_is_503(app, auth, token, store, monkeypatch):
    unreachable = Store(create_engine("sqlite:////nonexistent/directory/smsrelay.db"))
    services = app.extensions["smsrelay"]
    monkeypatch.setitem(
        app.extensions, "smsrelay", dataclasses.replace(services, store=unreachable)
    )
    response = app.test_client().get("/api/v1/modems", headers=auth)
    assert_error(response, 503)
    assert response.headers["Retry-After"] == "5"
    assert "nonexistent" not in response.get_data(as_text=True)


def test_an_unexpected_failure_is_a_json_500_without_details(app_factory, auth, store, monkeypatch):
    def broken():
        raise RuntimeError("secret internals at /var/lib/smsrelay")

    monkeypatch.setattr(store, "modems", broken)
    response = app_factory(TESTING=False).test_client().get("/api/v1/modems", headers=auth)
    assert_error(response, 500)
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"{MESSAGES}?stauts=failed", "stauts"),
        (f"{MESSAGES}/1?verbose=1", "verbose"),
        ("/api/v1/modems?node=pi", "node"),
        ("/api/v1/inbox?to=%2B33612345678", "to"),
    ],
)
def test_an_unknown_query_parameter_is_422_naming_it(client, auth, path, name):
    assert_error(client.get(path, headers=auth), 422, name)


def test_the_document_takes_any_query(client):
    assert client.get("/api/v1/openapi.json?v=1").status_code == 200
