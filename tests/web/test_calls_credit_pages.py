"""Calls and credit in the panel, the API, /metrics and the webhooks page (issue 13), on the
Flask client over a real store (the daemon's side is tests/appliance/test_calls_credit_e2e.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web.conftest import T0
from tests.web.test_metrics import scrape, value

IMEI, ICCID = "356938035643809", "8933150319000000001"
CALLER = "+33612345678"


def text(response) -> str:
    return response.get_data(as_text=True)


def missed(store, count: int, caller: str | None = CALLER) -> list[int]:
    return [
        store.add_missed_call(
            caller=caller, imei=IMEI, iccid=ICCID, rang_at=T0 + timedelta(minutes=n), hung_up=True
        )
        for n in range(count)
    ]


@pytest.fixture
def modem(store):
    store.upsert_modem(IMEI, state="ready", iccid=ICCID, port="/dev/gsm/orange", node="test-node")
    store.upsert_sim(ICCID, modem_imei=IMEI)


@pytest.fixture
def panel(signed_in):
    return signed_in("volunteer")


# --- the inbox ---------------------------------------------------------------------------------


def test_the_inbox_shows_the_newest_missed_calls_and_links_to_them_all(panel, store):
    ids = missed(store, 6)
    store.mark_call_handled(ids[-1], "reply")
    missed(store, 1, caller=None)
    page = text(panel.get("/inbox"))
    assert "Missed calls" in page and "withheld number" in page
    assert "hung up, answered by SMS" in page
    assert page.count(f'title="The conversation with {CALLER}"') == 4  # 5 shown, 1 withheld
    assert 'href="/inbox/calls"' in page
    assert "Missed calls" not in text(panel.get("/inbox?before=1"))  # only on the first page
    first = text(panel.get("/inbox/calls"))
    assert first.count("<tr>") == 1 + 7  # the header and every call
    assert panel.get("/inbox/calls?before=abc").status_code == 404


def test_an_inbox_with_no_call_shows_no_calls_section(panel):
    assert "Missed calls" not in text(panel.get("/inbox"))
    assert "No missed call" in text(panel.get("/inbox/calls"))


# --- the modem card ------------------------------------------------------------------------------


def test_the_card_shows_the_credit_and_marks_a_low_one(panel, store, modem):
    assert "not asked yet" in text(panel.get("/fragments/modems"))
    store.record_credit(ICCID, T0, imei=IMEI, answer="Solde: 3,20 EUR", amount=3.2,
                        currency="EUR", low=True)  # fmt: skip
    card = text(panel.get("/fragments/modems"))
    assert "3.20 EUR, low (" in card and 'class="credit-flag"' in card
    assert 'class="credit low"' in card


def test_check_credit_writes_the_request_and_says_so(panel, store, modem):
    answer = panel.post(f"/modems/{IMEI}/credit", data={"next": "/"}, follow_redirects=True)
    assert f"Credit of SIM {ICCID} asked for" in text(answer)
    assert store.credit_requests() == [ICCID]
    assert "waiting for the modem" in text(panel.get("/fragments/modems"))
    unknown = panel.post("/modems/867584030000000/credit", follow_redirects=True)
    assert "has no SIM the appliance knows" in text(unknown)
    assert panel.post("/modems/not-an-imei/credit").status_code == 404


def test_check_credit_needs_a_login_and_a_csrf_token(client, signed_in, store, modem):
    assert client.post(f"/modems/{IMEI}/credit").status_code in (302, 400)  # login, or CSRF
    guarded = signed_in("volunteer", WTF_CSRF_ENABLED=True)
    assert guarded.post(f"/modems/{IMEI}/credit").status_code == 400
    assert store.credit_requests() == []


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_missed_calls_by_page(client, auth, store):
    ids = missed(store, 3)
    page = client.get("/api/v1/calls?limit=2", headers=auth).get_json()
    assert [c["id"] for c in page["calls"]] == [ids[2], ids[1]]
    assert page["calls"][0] == {
        "id": ids[2], "from": CALLER, "modem": IMEI, "sim": ICCID,
        "rang_at": (T0 + timedelta(minutes=2)).isoformat(), "hung_up": True, "handled": None,
    }  # fmt: skip
    rest = client.get(f"/api/v1/calls?limit=2&cursor={page['next_cursor']}", headers=auth)
    assert [c["id"] for c in rest.get_json()["calls"]] == [ids[0]]
    assert client.get("/api/v1/calls").status_code == 401
    assert client.get("/api/v1/calls?limit=0", headers=auth).status_code == 422


def test_the_api_asks_for_the_credit_and_lists_it_with_the_modem(client, auth, store, modem):
    asked = client.post(f"/api/v1/modems/{IMEI}/credit", headers=auth)
    assert asked.status_code == 202
    assert asked.get_json() == {"imei": IMEI, "iccid": ICCID, "asked_at": T0.isoformat()}
    [listed] = client.get("/api/v1/modems", headers=auth).get_json()["modems"]
    assert listed["credit"]["asked_at"] == T0.isoformat() and listed["credit"]["amount"] is None
    assert client.post("/api/v1/modems/123/credit", headers=auth).status_code == 404
    assert client.post("/api/v1/modems/867584030000000/credit", headers=auth).status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/calls" in paths and "/api/v1/modems/{imei}/credit" in paths


# --- /metrics and the webhooks page ------------------------------------------------------------


def test_metrics_give_the_credit_and_the_low_mark(client, store, modem):
    families = scrape(client)
    assert families["smsrelay_sim_credit"]["samples"] == []  # never queried: absent
    store.record_credit(ICCID, T0, imei=IMEI, answer="Balance: 3.20 GBP", amount=3.2,
                        currency="GBP", low=True)  # fmt: skip
    families = scrape(client)
    assert value(families, "smsrelay_sim_credit", imei=IMEI, currency="GBP") == 3.2
    assert value(families, "smsrelay_sim_credit_low", imei=IMEI) == 1


def test_the_webhooks_page_offers_the_new_events(signed_in):
    page = text(signed_in("admin").get("/admin/webhooks"))
    assert "call.missed" in page and "sim.low_credit" in page
    assert "kept as a missed call" in page
