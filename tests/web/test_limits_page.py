"""The admin's page of destinations and quotas (/admin/limits, issue 16): each user's and token's
countries, a token's quota and today's use, changed through one form a row; bad input answered
on the form naming the field with nothing written; admins only, CSRF as every form; and a limit
set here is the one the API's admission enforces."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from appliance.accounts import create_token, revoke_token
from appliance.store.schema import User
from tests.appliance.test_limits import many_countries

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture
def admin_client(signed_in) -> FlaskClient:
    return signed_in("admin")


@pytest.fixture
def script(store, clock):
    """A token named "school-script": its row and its secret."""
    return create_token(store, "school-script", clock.now())


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def token_form(token_id: int, **fields: str) -> dict[str, str]:
    return {f"token{token_id}-{name}": value for name, value in fields.items()}


def stored(store, token_id: int) -> tuple:
    row = store.token_named("school-script")
    assert row.id == token_id
    return row.countries, row.daily_messages, row.daily_parts


def test_the_page_shows_each_sender_in_the_readers_language(
    admin_client, store, script, volunteer, client, clock
) -> None:
    row, secret = script
    store.set_token_limits(row.id, countries="32,33", daily_messages=5)
    store.set_user_countries(volunteer.id, "41")
    sent = client.post(
        "/api/v1/messages",
        json={"to": "+32470123456", "text": "x" * 200},  # two parts
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert sent.status_code == 201, sent.json
    page = text(admin_client.get("/admin/limits"))
    assert "+32 Belgium" in page and "+33 France" in page and "+41 Switzerland" in page
    assert "5 messages a day" in page and "no quota of SMS parts" in page
    assert "1 message, 2 SMS parts" in page  # today's use
    assert "Premium-rate numbers</dt>\n    <dd>Refused for every user and token." in page
    assert 'value="+32, +33"' in page  # the form holds the token's own list as typed
    french = text(admin_client.get("/admin/limits", headers=FRENCH))
    assert "+32 Belgique" in french and "+41 Suisse" in french
    assert "Destinations et quotas" in french
    assert 'href="/admin/limits"' in text(admin_client.get("/admin"))  # linked from /admin


def test_an_admin_changes_a_tokens_limits(admin_client, store, script) -> None:
    row, _ = script
    form = token_form(row.id, countries="FR, be", daily_messages="20", daily_parts="",
                      no_part_quota="y")  # fmt: skip
    answer = admin_client.post(f"/admin/limits/tokens/{row.id}", data=form)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/admin/limits")
    assert stored(store, row.id) == ("32,33", 20, -1)
    page = text(admin_client.get("/admin/limits"))
    assert "The limits of token school-script are saved." in page
    assert "20 messages a day" in page and "no quota of SMS parts" in page
    # empty fields: back to the appliance's defaults
    admin_client.post(f"/admin/limits/tokens/{row.id}", data=token_form(row.id, countries=""))
    assert stored(store, row.id) == (None, None, None)


def test_an_admin_changes_a_users_countries(admin_client, store, volunteer) -> None:
    answer = admin_client.post(
        f"/admin/limits/users/{volunteer.id}", data={f"user{volunteer.id}-countries": "*"}
    )
    assert answer.status_code == 303
    assert _user(store, volunteer.id).countries == "*"
    page = text(admin_client.get("/admin/limits"))
    assert "The countries of victor are saved." in page and "any country" in page
    admin_client.post(
        f"/admin/limits/users/{volunteer.id}", data={f"user{volunteer.id}-countries": ""}
    )
    assert _user(store, volunteer.id).countries is None


def _user(store, user_id: int) -> User:
    from appliance.accounts import get_user

    return get_user(store, user_id)


@pytest.mark.parametrize(
    ("fields", "label", "words"),
    [
        ({"countries": "FR, Narnia"}, "Countries", "'Narnia' is neither a country calling code"),
        ({"countries": "999"}, "Countries", "'999' is neither a country calling code"),
        ({"countries": ", ,"}, "Countries", "Give at least one country"),
        ({"daily_messages": "-5"}, "Messages a day", "'-5' is not a whole number of 0 or more"),
        ({"daily_messages": "2.5"}, "Messages a day", "'2.5' is not a whole number"),
        ({"daily_parts": "ten"}, "SMS parts a day", "'ten' is not a whole number"),
        ({"daily_parts": "9999999999"}, "SMS parts a day", "is not a whole number"),
        ({"daily_messages": "3", "no_message_quota": "y"}, "Messages a day",
         "Give a number or tick “no quota”, not both."),
        ({"countries": "3" * 300}, "Countries", "255"),
        ({"countries": many_countries(65)}, "Countries", "more countries than can be kept"),
    ],
)  # fmt: skip
def test_bad_input_is_named_on_the_form_and_nothing_is_written(
    admin_client, store, script, fields, label, words
) -> None:
    row, _ = script
    store.set_token_limits(row.id, countries="33", daily_messages=7)
    typed = {"countries": "BE", "daily_messages": "9", "daily_parts": "4", **fields}
    answer = admin_client.post(f"/admin/limits/tokens/{row.id}", data=token_form(row.id, **typed))
    assert answer.status_code == 400
    page = text(answer)
    assert "Nothing was saved for school-script: " + label in page
    error = re.search(rf'id="error-token{row.id}-(\w+)">([^<]*)<', page)
    assert error is not None and words in error.group(2)
    assert '<details class="user-actions" open>' in page  # the row's form stays open, as typed
    assert stored(store, row.id) == ("33", 7, None)  # the good fields were not written either


def test_bad_input_in_french(admin_client, store, volunteer) -> None:
    answer = admin_client.post(
        f"/admin/limits/users/{volunteer.id}",
        data={f"user{volunteer.id}-countries": "Narnia"},
        headers=FRENCH,
    )
    assert answer.status_code == 400
    page = text(answer)
    assert "Rien n’a été enregistré pour victor : Pays : " in page
    assert _user(store, volunteer.id).countries is None


def test_unknown_and_revoked_tokens_and_users_are_404(admin_client, store, script) -> None:
    row, _ = script
    assert admin_client.post("/admin/limits/tokens/999", data={}).status_code == 404
    assert admin_client.post("/admin/limits/users/999", data={}).status_code == 404
    revoke_token(store, row.id)
    assert admin_client.post(f"/admin/limits/tokens/{row.id}", data={}).status_code == 404
    assert "school-script" not in text(admin_client.get("/admin/limits"))


def test_volunteers_and_strangers_are_refused(signed_in, app_factory, store, script, volunteer):
    row, _ = script
    client = signed_in("volunteer")
    assert client.get("/admin/limits").status_code == 403
    data = token_form(row.id, countries="*")
    assert client.post(f"/admin/limits/tokens/{row.id}", data=data).status_code == 403
    assert (
        client.post(
            f"/admin/limits/users/{volunteer.id}", data={f"user{volunteer.id}-countries": "*"}
        ).status_code
        == 403
    )
    stranger = app_factory(WTF_CSRF_ENABLED=False).test_client()
    answer = stranger.post(f"/admin/limits/tokens/{row.id}", data=data)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert stored(store, row.id) == (None, None, None)


def test_csrf_is_required(signed_in, store, script) -> None:
    row, _ = script
    client = signed_in("admin", WTF_CSRF_ENABLED=True)
    data = token_form(row.id, countries="*", daily_messages="3")
    assert client.post(f"/admin/limits/tokens/{row.id}", data=data).status_code == 400
    assert stored(store, row.id) == (None, None, None)
    page = text(client.get("/admin/limits"))
    csrf = re.search(rf'name="token{row.id}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert csrf is not None
    data[f"token{row.id}-csrf_token"] = csrf.group(1)
    assert client.post(f"/admin/limits/tokens/{row.id}", data=data).status_code == 303
    assert stored(store, row.id) == ("*", 3, None)


def test_a_limit_set_on_the_page_is_the_one_admission_enforces(
    admin_client, client, store, script
) -> None:
    row, secret = script
    headers = {"Authorization": f"Bearer {secret}"}
    home = {"to": "+33612345678", "text": "Bonjour"}
    abroad = {"to": "+32470123456", "text": "Bonjour"}
    # at first the appliance's default: France only, no quota
    assert client.post("/api/v1/messages", json=abroad, headers=headers).status_code == 422
    form = token_form(row.id, countries="33, BE", daily_messages="2")
    assert admin_client.post(f"/admin/limits/tokens/{row.id}", data=form).status_code == 303
    assert client.post("/api/v1/messages", json=abroad, headers=headers).status_code == 201
    assert client.post("/api/v1/messages", json=home, headers=headers).status_code == 201
    over = client.post("/api/v1/messages", json=home, headers=headers)
    assert (
        over.status_code == 429
        and "daily quota of token 'school-script' is 2" in (over.json["error"])
    )
    assert "2 messages, 2 SMS parts" in text(admin_client.get("/admin/limits"))
    form = token_form(row.id, countries="FR", daily_messages="", no_message_quota="y")
    assert admin_client.post(f"/admin/limits/tokens/{row.id}", data=form).status_code == 303
    assert client.post("/api/v1/messages", json=home, headers=headers).status_code == 201
    refused = client.post("/api/v1/messages", json=abroad, headers=headers)
    assert refused.status_code == 422 and "+32 (BE), not allowed" in refused.json["error"]
