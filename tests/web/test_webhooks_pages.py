"""The admin's webhook pages through the Flask client: roles, CSRF, the secret shown once,
escaping, bad ids, and the delivery log's pages.

CSRF protection is on (as in production): every POST carries the token read from a page.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from appliance import webhooks
from appliance.store.schema import Webhook, WebhookDelivery
from tests.web.conftest import sign_in

SCRIPT = "<script>alert(1)</script>"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(client, user) -> None:
    sign_in(client, user)


def csrf(client, path: str = "/admin/webhooks") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return CSRF.search(page.get_data(as_text=True)).group(1)


def secret_of(store, webhook_id: int) -> str:
    with store.session() as session:
        return session.get(Webhook, webhook_id).secret


def all_hooks(store) -> list[Webhook]:
    with store.session() as session:
        return list(session.exec(select(Webhook)).all())


@pytest.fixture
def admin_client(client, admin):
    log_in(client, admin)
    return client


@pytest.fixture
def hook(store, clock):
    summary, _ = webhooks.create_webhook(
        store, url="https://example.org/hook", events=["message.sent"], now=clock.now()
    )
    return summary


# --- who may see what ----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, admin, hook):
    for path in ("/admin/webhooks", f"/admin/webhooks/{hook.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/admin/webhooks/{hook.id}/delete")
    assert response.status_code in (302, 400)  # to the login page, or refused for its CSRF
    assert len(all_hooks(client.application.extensions["smsrelay"].store)) == 1


def test_volunteers_get_403_and_no_link(client, volunteer, hook, store):
    log_in(client, volunteer)
    token = csrf(client, "/")
    assert "/admin/webhooks" not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/webhooks").status_code == 403
    assert client.get(f"/admin/webhooks/{hook.id}").status_code == 403
    for action in ("delete", "test", "active"):
        response = client.post(f"/admin/webhooks/{hook.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    response = client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": "https://evil.example/", "events": ["modem.up"]},
    )
    assert response.status_code == 403
    assert [h.url for h in all_hooks(store)] == ["https://example.org/hook"]


def test_admins_see_the_list_and_a_nav_link(admin_client, hook):
    page = admin_client.get("/admin/webhooks")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/admin/webhooks"' in text and 'aria-current="page">Webhooks' in text
    assert "https://example.org/hook" in text and "message.sent" in text
    assert page.headers["X-Content-Type-Options"] == "nosniff"


# --- creating: the secret is shown once ----------------------------------------------------------


def test_a_generated_secret_is_shown_once_and_never_again(admin_client, store):
    response = admin_client.post(
        "/admin/webhooks",
        data={
            "csrf_token": csrf(admin_client),
            "url": " https://receiver.example/smsrelay ",
            "events": ["message.received", "modem.down"],
            "secret": "",
        },
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    (row,) = all_hooks(store)
    assert row.url == "https://receiver.example/smsrelay"
    assert row.events == "message.received,modem.down" and row.active
    assert row.secret.startswith("whsec_") and row.secret in response.get_data(as_text=True)
    for path in ("/admin/webhooks", f"/admin/webhooks/{row.id}"):
        assert row.secret not in admin_client.get(path).get_data(as_text=True)


def test_a_typed_secret_is_kept(admin_client, store):
    typed = "correct horse battery staple"
    response = admin_client.post(
        "/admin/webhooks",
        data={
            "csrf_token": csrf(admin_client),
            "url": "https://receiver.invalid/in",
            "events": ["message.sent"],
            "secret": typed,
        },
    )
    assert response.status_code == 201
    assert secret_of(store, all_hooks(store)[0].id) == typed


def test_a_post_without_the_csrf_token_is_refused(admin_client, store):
    response = admin_client.post(
        "/admin/webhooks", data={"url": "https://example.org/", "events": ["modem.up"]}
    )
    assert response.status_code == 400
    assert all_hooks(store) == []


@pytest.mark.parametrize(
    ("form", "why"),
    [
        ({"url": "javascript:alert(1)", "events": ["modem.up"]}, "only http"),
        ({"url": "ftp://example.org/", "events": ["modem.up"]}, "only http"),
        ({"url": "https://example.org/", "events": []}, "at least one"),
        ({"url": "https://example.org/", "events": ["modem.exploded"]}, "unknown event"),
        (
            {"url": "https://example.org/", "events": ["modem.up"], "secret": "sh0rt-s3cret"},
            "16 to 128",
        ),
    ],
)
def test_a_bad_form_is_shown_again_with_the_reason(admin_client, store, form, why):
    response = admin_client.post("/admin/webhooks", data={"csrf_token": csrf(admin_client), **form})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and why in text
    assert "sh0rt-s3cret" not in text  # a typed secret is not echoed back
    assert all_hooks(store) == []


def test_a_hostile_url_is_refused_and_shown_escaped(admin_client, store):
    url = f'http://example.org/"{SCRIPT}'
    response = admin_client.post(
        "/admin/webhooks",
        data={"csrf_token": csrf(admin_client), "url": url, "events": ["modem.up"]},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "characters" in text
    assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert all_hooks(store) == []


# --- one webhook: its log and its buttons ---------------------------------------------------------


def test_the_delivery_log_shows_a_receivers_answer_escaped(admin_client, store, hook, clock):
    with store.session() as session:
        session.add(
            WebhookDelivery(
                webhook_id=hook.id,
                event="message.sent",
                payload="{}",
                status="pending",
                attempts=2,
                last_status=500,
                last_error=f"HTTP 500 Internal Server Error: {SCRIPT}",
                created_at=clock.now(),
                due_at=clock.now() + timedelta(seconds=90),
            )
        )
        session.commit()
    text = admin_client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "HTTP 500" in text and "next try 2026-11-23 10:01:30" in text  # UTC here
    assert secret_of(store, hook.id) not in text


def test_pause_enable_change_events_test_and_delete(admin_client, store, hook):
    path = f"/admin/webhooks/{hook.id}"
    token = csrf(admin_client, path)

    response = admin_client.post(f"{path}/active", data={"csrf_token": token, "active": "0"})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert webhooks.get_webhook(store, hook.id).active is False
    assert "paused" in admin_client.get(path).get_data(as_text=True)
    admin_client.post(f"{path}/active", data={"csrf_token": token, "active": "1"})
    assert webhooks.get_webhook(store, hook.id).active is True

    admin_client.post(
        f"{path}/events", data={"csrf_token": token, "events": ["modem.up", "modem.down"]}
    )
    assert webhooks.get_webhook(store, hook.id).events == ("modem.down", "modem.up")
    response = admin_client.post(
        f"{path}/events", data={"csrf_token": token}, follow_redirects=True
    )
    assert "choose at least one event" in response.get_data(as_text=True)
    assert webhooks.get_webhook(store, hook.id).events == ("modem.down", "modem.up")

    response = admin_client.post(f"{path}/test", data={"csrf_token": token}, follow_redirects=True)
    assert "Test event queued" in response.get_data(as_text=True)
    (delivery,) = webhooks.deliveries(store, hook.id)
    assert (delivery.event, delivery.status) == ("webhook.test", "pending")
    assert "webhook.test" in response.get_data(as_text=True)

    response = admin_client.post(f"{path}/delete", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/webhooks"
    assert admin_client.get(path).status_code == 404
    assert webhooks.deliveries(store, hook.id) == []


def test_an_unknown_or_absurd_id_is_404(admin_client, hook):
    token = csrf(admin_client)
    for webhook_id in (hook.id + 1, 2**63, 10**30):
        assert admin_client.get(f"/admin/webhooks/{webhook_id}").status_code == 404
        for action in ("test", "delete", "active", "events"):
            path = f"/admin/webhooks/{webhook_id}/{action}"
            assert admin_client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert admin_client.get("/admin/webhooks/-1").status_code == 404
    assert admin_client.get("/admin/webhooks/abc").status_code == 404


def test_the_delivery_log_pages_by_id(admin_client, store, hook, clock):
    with store.session() as session:
        for i in range(60):
            session.add(
                WebhookDelivery(
                    webhook_id=hook.id,
                    event="message.sent",
                    payload="{}",
                    status="delivered",
                    attempts=1,
                    last_status=200,
                    created_at=clock.now() + timedelta(seconds=i),
                    due_at=clock.now(),
                    delivered_at=clock.now(),
                )
            )
        session.commit()
    ids = [d.id for d in webhooks.deliveries(store, hook.id, limit=100)]
    first = admin_client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"<td>(\d+)</td>\s*<td><code>", first)]
    assert shown == ids[:50]
    older = re.search(r'href="([^"]+before=\d+)">Older', first).group(1)
    second = admin_client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>\s*<td><code>", second)] == ids[50:]
    assert "Older" not in second and "Newest" in second
    assert admin_client.get(f"/admin/webhooks/{hook.id}?before=abc").status_code == 200
