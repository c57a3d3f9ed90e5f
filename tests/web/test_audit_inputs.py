"""Inputs an audit found turned into a 500 or were taken when they should not be (issue 14), on
the panel and the API. Each test here failed before its fix.
"""

from __future__ import annotations

import dataclasses

import pytest


@pytest.fixture
def config(config):
    return dataclasses.replace(config, timezone="Europe/Paris")


@pytest.fixture
def app_factory(shared_app_factory):
    return shared_app_factory


@pytest.fixture
def volunteer_client(signed_in):
    return signed_in("volunteer")


@pytest.mark.parametrize(
    ("field", "day"),
    [
        ("from", "0001-01-01"),
        ("until", "0001-01-01"),
        ("until", "9999-12-31"),
        ("from", "9999-12-31"),
    ],
)
def test_history_dates_out_of_range_are_a_400_naming_the_field(volunteer_client, field, day):
    response = volunteer_client.get("/history", query_string={field: day})
    assert response.status_code == 400
    assert f"{day!r} is out of range" in response.get_data(as_text=True).replace("&#39;", "'")


# --- the API refuses what the CLI refuses --------------------------------------------------------

NUMBER = "+33612345678"


@pytest.mark.parametrize(
    ("body", "field", "why"),
    [
        ({"to": NUMBER, "text": " \n "}, "text", "blank"),
        ({"to": "06 12 34", "text": "x"}, "to", "too short"),
        ({"to": NUMBER, "text": "x", "send_at": "4764-01-01T00:00"}, "send_at", "too far"),
        ({"to": NUMBER, "text": "x", "modem": "861234567890123"}, "modem", "was ever seen"),
    ],
)
def test_the_api_refuses_questionable_messages_naming_the_field(
    client, auth, store, body, field, why
):
    response = client.post("/api/v1/messages", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["field"] == field and why in error["error"], error
    assert sum(store.counts().values()) == 0


# --- webhooks to this machine --------------------------------------------------------------------


def test_the_panel_refuses_a_webhook_to_this_machine_naming_the_setting(signed_in, store):
    from appliance.webhooks import list_webhooks

    admin_client = signed_in("admin")
    response = admin_client.post(
        "/admin/webhooks", data={"url": "http://2130706433:8080/admin", "events": ["modem.up"]}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "loopback" in page and "[security] webhook_networks" in page
    assert list_webhooks(store) == []


def test_the_panel_takes_a_range_the_config_allows(signed_in, store, config, clock):
    from ipaddress import ip_network

    from appliance.config.security import SecurityConfig
    from web.services import Services

    admin_client = signed_in("admin")
    allowed = SecurityConfig(webhook_networks=(ip_network("127.0.0.0/8"),))
    admin_client.application.extensions["smsrelay"] = Services(
        config=dataclasses.replace(config, security=allowed), store=store, clock=clock
    )
    response = admin_client.post(
        "/admin/webhooks", data={"url": "http://127.0.0.1:9000/in", "events": ["modem.up"]}
    )
    assert response.status_code == 201
