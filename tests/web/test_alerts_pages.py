"""Alerts in the panel's admin page and ``GET /api/v1/alerts`` (issue 16), over a real store
(the daemon's side: tests/appliance/test_alerts_e2e.py)."""

from __future__ import annotations

from datetime import timedelta

from appliance.store.alerts import Seen, settle_alerts
from tests.web.conftest import T0

IMEI = "356938035643809"


def fire_and_resolve(store) -> None:
    down = {("modem_down", IMEI): Seen(f"Modem {IMEI} is not connected.", timedelta(0))}
    disk = {("disk_full", ""): Seen("The disk of /var/lib/smsrelay is 95 % full.", timedelta(0))}
    settle_alerts(store, {**down, **disk}, T0)
    settle_alerts(store, disk, T0 + timedelta(minutes=5))  # the modem came back


def test_the_api_lists_open_alerts_first_then_resolved(client, auth, store):
    fire_and_resolve(store)
    response = client.get("/api/v1/alerts", headers=auth)
    assert response.status_code == 200
    alerts = response.get_json()["alerts"]
    assert [(a["condition"], a["subject"]) for a in alerts] == [
        ("disk_full", None),
        ("modem_down", IMEI),
    ]
    assert alerts[0]["resolved_at"] is None
    assert alerts[1]["resolved_at"] == (T0 + timedelta(minutes=5)).isoformat()


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/alerts").status_code == 401


def test_the_admin_page_shows_the_alerts(signed_in, store):
    panel = signed_in("admin")
    page = panel.get("/admin").get_data(as_text=True)
    assert "No alert." in page
    fire_and_resolve(store)
    page = panel.get("/admin").get_data(as_text=True)
    assert "<strong>The disk of /var/lib/smsrelay is 95 % full.</strong>" in page
    assert f"Modem {IMEI} is not connected." in page and "open" in page
