"""The panel's pages through Flask's test client, on a throwaway SQLite database.

Who sees what (anonymous, volunteer, admin), what each page shows from the store, the queue's
cancel and retry, history search and keyset pagination (also checked against a naive filter by
hypothesis), the compose form's validation and counter, the admin page, CSRF, and escaping of
everything a modem or a sender can put on a page. Times are shown in Europe/Paris.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from appliance.accounts import check_token
from appliance.outbox import prepare, wakeup_path
from appliance.store import Store, history
from appliance.store import charts as stored_charts
from appliance.store.engine import create_engine_for, migrate
from appliance.store.history import MessageFilter
from appliance.store.schema import ApiToken, Message, Status, User
from appliance.wakeup import Wakeup
from modem import pdu
from tests.browser import CHROMIUM, launch_chromium
from web import charts

from .conftest import T0

NUMBER = "+33612345678"
IMEI = "861234567890123"
OTHER_IMEI = "861234567890131"
ICCID = "89330123456789012345"
XSS = "<script>alert(1)</script>"

VOLUNTEER_PAGES = ["/", "/fragments/modems", "/queue", "/history", "/inbox", "/compose"]
VOLUNTEER_POSTS = ["/messages/1/cancel", "/messages/1/retry", "/compose", "/count"]
ADMIN_PAGES = ["/admin"]
ADMIN_POSTS = ["/admin/users", "/admin/tokens", "/admin/tokens/1/revoke"]


@pytest.fixture
def config(config):
    return dataclasses.replace(config, timezone="Europe/Paris")


@pytest.fixture
def app_factory(shared_app_factory):
    """One app per Flask configuration for the module (building one per test costs more CPU
    than the tests themselves)."""
    return shared_app_factory


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    """Every test here makes users: hash their passwords quickly."""


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory) -> Path:
    """A database migrated once for the module; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("migrated") / "smsrelay.db"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def store(config, migrated_file) -> Iterator[Store]:
    """The conftest's store, from a copy of a migrated file (a copy: 1 ms; alembic: 60 ms)."""
    target = Path(make_url(config.database).database)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_file, target)
    engine = create_engine_for(config.database)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def volunteer_client(signed_in):
    return signed_in("volunteer")


@pytest.fixture
def admin_client(signed_in):
    return signed_in("admin")


def queue_message(store, config, to=NUMBER, text="Collecte demain 8h-12h", *, now=T0, **options):
    new = prepare(config, to=to, text=text, now=now, source="panel", **options)
    return store.enqueue(new, now)


def set_status(store, message_id, status, **values):
    with store.session() as session:
        message = session.get(Message, message_id)
        message.status = status
        for key, value in values.items():
            setattr(message, key, value)
        session.add(message)
        session.commit()


def body(response) -> str:
    return response.get_data(as_text=True)


# --- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", VOLUNTEER_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_go_to_setup_while_nobody_can_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"


@pytest.mark.parametrize("path", VOLUNTEER_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_go_to_login_once_a_user_exists(client, admin, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", VOLUNTEER_POSTS + ADMIN_POSTS)
def test_anonymous_posts_change_nothing(app_factory, admin, store, config, path):
    queue_message(store, config)
    client = app_factory(WTF_CSRF_ENABLED=False).test_client()
    response = client.post(path, data={"text": "x", "to": NUMBER, "name": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert store.get(1).status == Status.QUEUED


@pytest.mark.parametrize("path", VOLUNTEER_PAGES)
def test_volunteers_see_the_working_pages(volunteer_client, path):
    assert volunteer_client.get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_volunteers_are_refused_the_admin_page(volunteer_client, path):
    assert volunteer_client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_volunteers_cannot_add_users_or_tokens(volunteer_client, store, path):
    response = volunteer_client.post(
        path, data={"name": "mallory", "password": "p" * 12, "confirm": "p" * 12, "role": "admin"}
    )
    assert response.status_code == 403
    with store.session() as session:
        assert session.exec(select(User).where(User.name == "mallory")).first() is None
        assert session.exec(select(ApiToken)).first() is None


def test_volunteers_do_not_see_the_admin_link(volunteer_client, admin_client):
    assert 'href="/admin"' not in body(volunteer_client.get("/"))
    assert 'href="/admin"' in body(admin_client.get("/"))


@pytest.mark.parametrize("path", VOLUNTEER_PAGES + ADMIN_PAGES)
def test_admins_see_every_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# --- modems --------------------------------------------------------------------------------------


def a_modem(store, imei=IMEI, **values):
    defaults = dict(
        node="test-node",
        port="/dev/gsm/sim800-1",
        manufacturer="SIMCOM_Ltd",
        model="SIMCOM_SIM800",
        state="ready",
        reason="ready",
        iccid=ICCID,
        sim="READY",
        signal_dbm=-71,
        bars=4,
        registration="home",
        operator="Orange F",
        daily_limit=200,
        seen_at=T0 - timedelta(seconds=20),
        last_success_at=T0 - timedelta(minutes=3),
        last_error="+CMS ERROR: 331 (no network service)",
        last_error_at=T0 - timedelta(hours=2),
    )
    store.upsert_modem(imei, **{**defaults, **values})


def test_a_card_shows_everything_a_volunteer_needs(volunteer_client, store):
    a_modem(store)
    store.upsert_sim(ICCID, day="2026-11-23", sent_day=37)
    text = body(volunteer_client.get("/"))
    for fact in (
        "SIMCOM_Ltd SIMCOM_SIM800",
        "-71 dBm",
        'aria-label="4 of 5 bars"',
        "READY",
        "home · Orange F",
        "37 of 200 parts",
        IMEI,
        ICCID,
        "10:57",  # last success, 3 minutes before T0 (11:00 in Paris)
        "+CMS ERROR: 331 (no network service)",
        "Idle, ready to send",
    ):
        assert fact in text, fact
    assert "Why it does not send" not in text


def test_the_card_time_is_local(volunteer_client, store):
    a_modem(store, last_success_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    assert "10:30" in body(volunteer_client.get("/"))  # 09:30 UTC is 10:30 in Paris


@pytest.mark.parametrize(
    ("values", "why"),
    [
        (dict(state="sim-locked", reason="the SIM says SIM PIN"), "The SIM says SIM PIN"),
        (dict(state="searching", reason=None), "not registered on a network yet"),
        (dict(state="absent", reason=None), "unplugged or does not answer"),
        (dict(seen_at=T0 - timedelta(minutes=10)), "Not heard from since 10:50"),
    ],
)
def test_a_modem_that_cannot_send_says_why_prominently(volunteer_client, store, values, why):
    a_modem(store, **values)
    text = body(volunteer_client.get("/"))
    assert 'class="why"' in text and "Why it does not send" in text
    assert why in text


def test_a_send_only_modem_says_what_it_cannot_do_and_still_sends(volunteer_client, store):
    a_modem(store, receives=False)
    a_modem(store, imei=OTHER_IMEI)
    text = body(volunteer_client.get("/fragments/modems"))
    assert text.count("can send; cannot report received SMS") == 1
    card = text[text.index(f'id="modem-{IMEI}"') : text.index(f'id="modem-{OTHER_IMEI}"')]
    assert 'class="send-only"' in card and "Why it does not send" not in card


def test_a_reached_daily_cap_is_a_reason(volunteer_client, store):
    a_modem(store, daily_limit=50)
    store.upsert_sim(ICCID, day="2026-11-23", sent_day=50)
    assert "daily cap is reached (50 of 50 parts today)" in body(volunteer_client.get("/"))


def test_yesterdays_count_is_not_today(volunteer_client, store):
    a_modem(store)
    store.upsert_sim(ICCID, day="2026-11-22", sent_day=199)
    assert "0 of 200 parts" in body(volunteer_client.get("/"))


def test_the_card_says_what_the_modem_is_sending(volunteer_client, store, config):
    a_modem(store, state="busy")
    message = queue_message(store, config, text="x" * 200)
    set_status(store, message.id, Status.SENDING, modem_imei=IMEI)
    assert f"Sending message #{message.id} to {NUMBER}, 2 parts" in body(volunteer_client.get("/"))


def test_without_modems_the_page_says_what_to_check(volunteer_client, store, config):
    queue_message(store, config)
    text = body(volunteer_client.get("/"))
    assert "No modem seen yet" in text and "1 message waits." in text


def test_waiting_messages_and_no_ready_modem_is_explained(volunteer_client, store, config):
    a_modem(store, state="sim-locked", reason="the SIM says SIM PUK")
    queue_message(store, config)
    text = body(volunteer_client.get("/"))
    assert "1 message waits and no modem can send now" in text


def test_signal_and_hourly_charts_are_drawn_from_the_store(volunteer_client, store, config):
    a_modem(store)
    for minutes, dbm in [(300, -95), (295, -93), (290, -91), (30, -75), (25, -74), (20, -73)]:
        store.add_signal(IMEI, T0 - timedelta(minutes=minutes), dbm, 2)
    for hours_ago in (0.1, 0.2, 3.5):
        message = queue_message(store, config)
        at = T0 - timedelta(hours=hours_ago)
        set_status(store, message.id, Status.SENT, modem_imei=IMEI, sent_at=at)
    text = body(volunteer_client.get("/"))
    assert text.count("<polyline") == 2  # a gap of 4 h breaks the line in two
    assert "between -95 and -73 dBm, latest -73 dBm" in text
    assert "3 sent in the last 24 hours, at most 2 in one hour" in text
    assert text.count('class="bar"') == 2


def test_the_fragment_is_the_cards_alone(volunteer_client, store):
    a_modem(store, operator="SFR")
    response = volunteer_client.get("/fragments/modems")
    text = body(response)
    assert "SFR" in text and "<html" not in text and "<nav" not in text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_loads_the_refresh_script_that_fetches_the_fragment(volunteer_client, app):
    text = body(volunteer_client.get("/"))
    assert 'data-refresh="/fragments/modems"' in text and 'data-every="5000"' in text
    assert '<script src="/static/live.js" defer>' in text
    script = app.test_client().get("/static/live.js")
    assert script.status_code == 200 and b"data-refresh" in script.data
    script.close()


def test_modem_supplied_text_is_escaped(volunteer_client, store):
    a_modem(store, operator=XSS, state="failed", reason=XSS, last_error=XSS, model="<b>bold</b>")
    text = body(volunteer_client.get("/"))
    assert "<script>" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- queue, cancel, retry ------------------------------------------------------------------------


def test_the_queue_lists_pending_messages_by_status(volunteer_client, store, config):
    queued = queue_message(store, config, text="still waiting")
    sending = queue_message(store, config, text="on its way")
    set_status(store, sending.id, Status.SENDING, modem_imei=IMEI)
    unknown = queue_message(store, config, text="maybe left")
    set_status(store, unknown.id, Status.UNKNOWN, reason="the port vanished during the send")
    failed = queue_message(store, config, text="bounced")
    set_status(store, failed.id, Status.FAILED, reason="+CMS ERROR: 21 (rejected)")
    text = body(volunteer_client.get("/queue"))
    assert "1 queued, 1 sending, 1 unknown" in text
    for row in ("still waiting", "on its way", "maybe left", "the port vanished", "bounced"):
        assert row in text
    assert f"/messages/{queued.id}/cancel" in text and f"/messages/{queued.id}/retry" not in text
    assert f"/messages/{sending.id}/cancel" not in text
    assert f"/messages/{unknown.id}/cancel" in text and f"/messages/{unknown.id}/retry" in text
    assert f"/messages/{failed.id}/retry" in text and f"/messages/{failed.id}/cancel" not in text


def test_cancel_changes_the_store_and_wakes_the_daemon(volunteer_client, store, config):
    message = queue_message(store, config)
    with Wakeup(wakeup_path(config)) as daemon:
        response = volunteer_client.post(f"/messages/{message.id}/cancel")
        assert daemon.wait(2.0)
    assert response.status_code == 303 and response.headers["Location"] == "/queue"
    assert store.get(message.id).status == Status.CANCELLED
    assert f"Message #{message.id}: cancelled." in body(volunteer_client.get("/queue"))


def test_retry_queues_a_failed_message_again_and_wakes_the_daemon(volunteer_client, store, config):
    message = queue_message(store, config)
    set_status(store, message.id, Status.FAILED, reason="+CMS ERROR: 38")
    with Wakeup(wakeup_path(config)) as daemon:
        volunteer_client.post(f"/messages/{message.id}/retry", data={"next": "/history?q=x"})
        assert daemon.wait(2.0)
    assert store.get(message.id).status == Status.QUEUED


def test_an_action_returns_to_the_page_it_came_from_but_never_elsewhere(
    volunteer_client, store, config
):
    message = queue_message(store, config)
    response = volunteer_client.post(
        f"/messages/{message.id}/cancel", data={"next": "/history?status=queued"}
    )
    assert response.headers["Location"] == "/history?status=queued"
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/x\r\nSet-Cookie: a=b"):
        message = queue_message(store, config)
        response = volunteer_client.post(f"/messages/{message.id}/cancel", data={"next": elsewhere})
        assert response.headers["Location"] == "/queue"


def test_too_late_to_cancel_is_said_and_nothing_changes(volunteer_client, store, config):
    message = queue_message(store, config)
    set_status(store, message.id, Status.SENT)
    volunteer_client.post(f"/messages/{message.id}/cancel")
    assert store.get(message.id).status == Status.SENT
    assert f"Cannot cancel message #{message.id}: message {message.id} is sent." in body(
        volunteer_client.get("/queue")
    )


@pytest.mark.parametrize("action", ["cancel", "retry"])
@pytest.mark.parametrize("message_id", ["999", "abc", "-1", str(2**63), "9" * 40])
def test_an_unknown_message_is_404(volunteer_client, action, message_id):
    assert volunteer_client.post(f"/messages/{message_id}/{action}").status_code == 404


# --- history -------------------------------------------------------------------------------------


def test_history_search_by_number_as_typed(volunteer_client, store, config):
    queue_message(store, config, to="+33612345678", text="for the first")
    queue_message(store, config, to="+33698765432", text="for the second")
    for typed in ("06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678"):
        text = body(volunteer_client.get("/history", query_string={"to": typed}))
        assert "for the first" in text and "for the second" not in text, typed


def test_history_search_by_text_status_and_dates(volunteer_client, store, config):
    old = queue_message(store, config, text="Rappel: collecte", now=T0 - timedelta(days=3))
    queue_message(store, config, text="Invitation", now=T0)
    late = queue_message(store, config, text="RAPPEL tardif", now=T0)
    set_status(store, late.id, Status.FAILED)

    def rows(**query):
        text = body(volunteer_client.get("/history", query_string=query))
        return set(re.findall(r"<td>(\d+)</td>\s*<td>", text))

    assert rows(q="rappel") == {str(old.id), str(late.id)}  # any case
    assert rows(q="rappel", status="failed") == {str(late.id)}
    assert rows(until="2026-11-20") == {str(old.id)}  # whole days, Paris time
    assert rows(**{"from": "2026-11-23"}) == {str(old.id + 1), str(late.id)}
    assert rows(q="%") == set() and rows(q="_") == set()  # no LIKE wildcards


def test_a_bad_search_says_which_field(volunteer_client):
    response = volunteer_client.get(
        "/history", query_string={"to": "06 12 ab", "status": "lost", "from": "yesterday"}
    )
    assert response.status_code == 400
    text = body(response)
    assert "letters" in text and "&#39;lost&#39; is not a message status" in text
    assert "&#39;yesterday&#39; is not a date (YYYY-MM-DD)" in text


def test_history_pages_by_id_both_ways(volunteer_client, store, config):
    ids = [queue_message(store, config, text=f"message {i}").id for i in range(120)]
    seen, path = [], "/history"
    while path:
        text = body(volunteer_client.get(path))
        seen += [int(i) for i in re.findall(r"<td>(\d+)</td>\s*<td>", text)]
        older = re.search(r'href="([^"]+)" rel="next"', text)
        path = older.group(1).replace("&amp;", "&") if older else None
    assert seen == sorted(ids, reverse=True)
    text = body(volunteer_client.get(f"/history?before={ids[20]}"))
    newer = re.search(r'href="([^"]+)" rel="prev"', text).group(1)
    text = body(volunteer_client.get(newer.replace("&amp;", "&")))
    shown = [int(i) for i in re.findall(r"<td>(\d+)</td>\s*<td>", text)]
    assert shown == sorted(ids[20:70], reverse=True)


def test_pages_keep_the_filters(volunteer_client, store, config):
    for i in range(60):
        queue_message(store, config, text=f"Rappel {i}")
    text = body(volunteer_client.get("/history", query_string={"q": "rappel"}))
    older = re.search(r'href="([^"]+)" rel="next"', text).group(1)
    assert "q=rappel" in older and "before=" in older


@pytest.mark.parametrize("cursor", ["abc", "-1", "1e9", "9" * 30, str(2**63), "١٢"])
def test_a_malformed_cursor_is_404(volunteer_client, cursor):
    assert volunteer_client.get("/history", query_string={"before": cursor}).status_code == 404
    assert volunteer_client.get("/inbox", query_string={"after": cursor}).status_code == 404


def test_history_shows_texts_as_text(volunteer_client, store, config):
    queue_message(store, config, text=XSS)
    text = body(volunteer_client.get("/history"))
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# keyset pagination against a naive filter, over random tables (small windows and slack, so
# every branch of the status walk runs on a few dozen rows)

ROW = st.tuples(
    st.sampled_from(list(Status)), st.integers(0, 3), st.sampled_from(["ab", "AB", "c"])
)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(ROW, max_size=40),
    status=st.one_of(st.none(), st.sampled_from(list(Status))),
    since=st.one_of(st.none(), st.integers(0, 40)),
    until=st.one_of(st.none(), st.integers(0, 40)),
    text=st.sampled_from([None, "a", "c"]),
    limit=st.integers(1, 7),
)
def test_keyset_pages_match_a_naive_filter(
    paging_store, monkeypatch_module, rows, status, since, until, text, limit
):
    store = paging_store
    with store.engine.begin() as connection:
        connection.execute(delete(Message))
        created = T0
        values = []
        for state, step, body_text in rows:
            created += timedelta(minutes=step)  # ids follow creation order
            values.append(
                dict(
                    recipient=NUMBER,
                    text=body_text,
                    status=state,
                    created_at=created,
                    due_at=created,
                )
            )
        if values:
            connection.execute(insert(Message), values)
    minute = timedelta(minutes=1)
    wanted = MessageFilter(
        status=status,
        text=text,
        since=None if since is None else T0 + since * minute,
        until=None if until is None else T0 + until * minute,
    )
    with store.session() as session:
        everything = session.exec(select(Message).order_by(col(Message.id).desc())).all()
    expected = [
        m.id
        for m in everything
        if (status is None or m.status == status)
        and (text is None or text in m.text.lower())
        and (wanted.since is None or m.created_at >= wanted.since)
        and (wanted.until is None or m.created_at < wanted.until)
    ]
    got, before = [], None
    for _ in range(50):
        page = history.search_messages(store, wanted, before=before, limit=limit)
        assert len(page.rows) <= limit
        got += [m.id for m in page.rows]
        if page.older is None:
            break
        before = page.older
    assert got == expected
    if expected:  # and back up from the oldest page, towards newer rows
        back, after = [], expected[-1] - 1
        for _ in range(50):
            page = history.search_messages(store, wanted, after=after, limit=limit)
            back = [m.id for m in page.rows] + back
            if page.newer is None:
                break
            after = page.newer
        assert back == expected


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(history, "STATUS_WINDOWS", (2, 3, 5))
        patch.setattr(history, "ID_SLACK", 1)
        yield patch


@pytest.fixture(scope="module")
def paging_store(migrated_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("paging") / "smsrelay.db"
    shutil.copyfile(migrated_file, path)
    engine = create_engine_for(f"sqlite:///{path}")
    yield Store(engine)
    engine.dispose()


# --- inbox ---------------------------------------------------------------------------------------


def receive(store, sender, text, at=T0):
    """Store an SMS as the worker does after decoding it from the modem's PDU."""
    hex_pdu = pdu.encode_deliver(sender, text, timestamp=at)[0]
    deliver = pdu.decode(bytes.fromhex(hex_pdu))
    return store.add_inbound_part(
        imei=IMEI,
        iccid=ICCID,
        sender=deliver.sender,
        text=deliver.text,
        sent_at=deliver.timestamp,
        now=at,
        concat=None,
    )


def test_the_inbox_shows_texts_and_senders_as_text(volunteer_client, store):
    receive(store, "+33612345678", XSS)
    receive(store, "<img src=x>", "from an alphanumeric sender")
    text = body(volunteer_client.get("/inbox"))
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert text.index("alphanumeric") < text.index("alert(1)")  # newest first


def test_the_inbox_pages_by_id_and_offers_a_reply(volunteer_client, store):
    for i in range(55):
        receive(store, "+33612345678", f"reply {i}", at=T0 + timedelta(seconds=i))
    text = body(volunteer_client.get("/inbox"))
    assert "reply 54<" in text and "reply 5<" in text and "reply 4<" not in text
    older = re.search(r'href="([^"]+)" rel="next"', text).group(1)
    text = body(volunteer_client.get(older))
    assert "reply 4<" in text and "reply 0<" in text and "reply 5<" not in text
    assert 'href="/compose?to=%2B33612345678"' in text


# --- compose -------------------------------------------------------------------------------------


def compose(client, **form):
    data = {"to": NUMBER, "text": "Collecte demain 8h-12h", "when": "now", "priority": "normal"}
    return client.post("/compose", data={**data, **form})


def queued(store):
    with store.session() as session:
        return list(session.exec(select(Message).order_by(col(Message.id))).all())


def test_compose_queues_one_message_per_number(volunteer_client, store, config):
    with Wakeup(wakeup_path(config)) as daemon:
        response = compose(volunteer_client, to="06 12 34 56 78,\n+33698765432 ; 0033612345678")
        assert daemon.wait(2.0)
    assert response.status_code == 303 and response.headers["Location"] == "/queue"
    messages = queued(store)
    assert [m.recipient for m in messages] == ["+33612345678", "+33698765432"]  # once each
    assert {m.source for m in messages} == {"panel"}
    assert "Queued 2 messages: #1, #2." in body(volunteer_client.get("/queue"))


def test_a_number_that_said_stop_queues_nothing_and_says_why(volunteer_client, store):
    store.opt_out("+33698765432", now=T0, how="sms STOP")
    response = compose(volunteer_client, to="0612345678\n+33698765432")
    assert response.status_code == 422
    assert "+33698765432 opted out on 2026-11-" in body(response) and "(sms STOP)" in body(response)
    assert queued(store) == []


def test_one_bad_number_queues_nothing_and_is_named(volunteer_client, store):
    response = compose(volunteer_client, to="0612345678\n06 12 34 56 7\n+33698765432")
    assert response.status_code == 400
    text = body(response)
    assert "<strong>06 12 34 56 7</strong>" in text and "a digit missing?" in text
    assert "cannot send to 06 12 34 56 7; nothing was queued" in text
    assert queued(store) == []
    assert "06 12 34 56 7\n+33698765432</textarea>" in text  # what was typed stays


@pytest.mark.parametrize(
    ("form", "field", "why"),
    [
        ({"to": " , "}, "to", "enter at least one number"),
        ({"text": ""}, "text", "is empty"),
        ({"text": "x" * 1600}, "text", "needs 11 SMS parts"),
        ({"when": "later", "send_at": ""}, "send_at", "choose when to send it"),
        ({"when": "later", "send_at": "2026-11-22T08:00"}, "send_at", "is in the past"),
        ({"when": "later", "send_at": "tomorrow"}, "send_at", "is not a time"),
        ({"priority": "urgent"}, "priority", "is not one of high, normal, low"),
        ({"to": ",".join(["0612345678"] * 501)}, "to", "at most 500 at once"),
    ],
)
def test_compose_errors_stand_next_to_their_field(volunteer_client, store, form, field, why):
    response = compose(volunteer_client, **form)
    assert response.status_code == 400
    text = body(response)
    error = re.search(rf'<span class="field-error" id="error-{field}">([^<]*)</span>', text)
    assert error and why in error.group(1).replace("&#39;", "'")
    assert queued(store) == []


def test_compose_later_uses_local_time(volunteer_client, store):
    compose(volunteer_client, when="later", send_at="2026-11-24T08:00", priority="high")
    [message] = queued(store)
    assert message.due_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert message.priority == "high"


def test_compose_now_ignores_a_leftover_time(volunteer_client, store):
    compose(volunteer_client, when="now", send_at="2020-01-01T08:00")
    assert queued(store)[0].due_at == T0


def test_compose_prefills_and_counts_the_initial_text(volunteer_client):
    text = body(volunteer_client.get("/compose", query_string={"to": NUMBER, "text": "é€" * 50}))
    assert f">{NUMBER}</textarea>" in text
    assert "1 SMS · 10 characters left · GSM-7" in text  # € is an escape: 2 septets
    assert "Empty" in body(volunteer_client.get("/compose"))


COUNTED = [
    "",
    "Collecte demain 8h-12h",
    "x" * 160,
    "x" * 161,
    "{[]}~" * 40,  # extension table: two septets each
    "Réponse à l'invitation: ça marche",
    "Привет",
    "Rendez-vous 💉 demain",
    "ç" * 70 + "Ω",
    "a" * 1530,
]


@pytest.mark.parametrize("text", COUNTED)
def test_the_counter_endpoint_is_the_drivers_count(volunteer_client, config, text):
    answer = volunteer_client.post("/count", json={"text": text}).get_json()
    expected = pdu.count(text)
    words = answer.pop("words")  # the counter's words (test_the_compose_script_and_the_page...)
    assert answer == {
        "encoding": expected.encoding,
        "parts": expected.parts,
        "units": expected.units,
        "left": expected.left,
        "per_part": expected.per_part,
        "max_parts": config.max_parts,
    }
    assert volunteer_client.post("/count", data={"text": text}).get_json() == {
        **answer,
        "words": words,
    }


@pytest.mark.parametrize("payload", [{"text": 3}, {"txt": "x"}, ["x"], {"text": "x" * 10_001}])
def test_the_counter_refuses_what_is_not_a_text(volunteer_client, payload):
    response = volunteer_client.post("/count", json=payload)
    assert response.status_code == 400
    assert response.get_json()["field"] == "text"


def test_the_compose_script_and_the_page_say_it_in_the_same_words(volunteer_client, app):
    script = app.test_client().get("/static/compose.js")
    source = script.get_data(as_text=True)
    script.close()
    assert "count.words" in source  # the script shows the server's words (_counter.html)
    page = body(volunteer_client.get("/compose?text=Hello"))
    counted = volunteer_client.post("/count", json={"text": "Hello"}).get_json()["words"]
    assert counted == "1 SMS · 155 characters left · GSM-7" and counted in page


# --- admin ---------------------------------------------------------------------------------------


def test_admins_add_users(admin_client, store):
    response = admin_client.post(
        "/admin/users",
        data={"name": "victor", "password": "p" * 10, "confirm": "p" * 10, "role": "volunteer"},
    )
    assert response.status_code == 303
    text = body(admin_client.get("/admin"))
    assert "User victor (volunteer) added." in text and "<td>victor</td><td>volunteer</td>" in text


@pytest.mark.parametrize(
    ("form", "why"),
    [
        ({"confirm": "q" * 10}, "The two passwords differ."),
        ({"password": "short", "confirm": "short"}, "at least 8 characters"),
        ({"name": "alice"}, "already a user named"),
        ({"role": "root"}, "role must be one of admin, volunteer"),
    ],
)
def test_bad_users_are_refused_with_the_reason(admin_client, form, why):
    data = {"name": "zoe", "password": "p" * 10, "confirm": "p" * 10, "role": "volunteer", **form}
    response = admin_client.post("/admin/users", data=data)
    assert response.status_code == 400
    assert why in body(response).replace("&#39;", "'")


def test_a_new_token_is_shown_once_and_works(admin_client, store, clock):
    response = admin_client.post("/admin/tokens", data={"name": "backup-script"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="token">([^<]+)</code>', body(response)).group(1)
    assert check_token(store, secret, clock.now()).name == "backup-script"
    again = body(admin_client.get("/admin"))
    assert "backup-script" in again and secret not in again
    with admin_client.session_transaction() as session:
        assert secret not in repr(dict(session))  # not kept in the (signed, readable) cookie


def test_revoking_a_token(admin_client, store, clock):
    admin_client.post("/admin/tokens", data={"name": "old"})
    with store.session() as session:
        [token] = session.exec(select(ApiToken)).all()
    assert admin_client.post(f"/admin/tokens/{token.id}/revoke").status_code == 303
    assert "revoked" in body(admin_client.get("/admin"))
    assert admin_client.post("/admin/tokens/999/revoke").status_code == 404
    assert admin_client.post(f"/admin/tokens/{2**64}/revoke").status_code == 404


def test_no_secret_is_ever_rendered(admin_client, store, admin, token, config):
    a_modem(store, rejected_pin="sha256:deadbeef")
    queue_message(store, config)
    with store.session() as session:
        hashes = [u.password_hash for u in session.exec(select(User)).all()]
        hashes += [t.token_hash for t in session.exec(select(ApiToken)).all()]
    pages = [body(admin_client.get(p)) for p in VOLUNTEER_PAGES + ADMIN_PAGES]
    for page in pages:
        for secret in [*hashes, token, "deadbeef", "pbkdf2:", "scrypt:"]:
            assert secret not in page


# --- CSRF ----------------------------------------------------------------------------------------


def csrf_token(client, path="/queue") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body(client.get(path))).group(1)


@pytest.mark.parametrize(
    "path", ["/messages/1/cancel", "/compose", "/count", "/admin/tokens", "/admin/users"]
)
def test_posts_without_a_csrf_token_are_refused(signed_in, store, config, path):
    client = signed_in("admin", WTF_CSRF_ENABLED=True)
    queue_message(store, config)
    response = client.post(path, data={"to": NUMBER, "text": "x", "name": "x"})
    assert response.status_code == 400
    assert store.get(1).status == Status.QUEUED
    assert len(queued(store)) == 1


def test_posts_with_the_csrf_token_go_through(signed_in, store, config):
    client = signed_in("volunteer", WTF_CSRF_ENABLED=True)
    message = queue_message(store, config)
    token = csrf_token(client)
    response = client.post(f"/messages/{message.id}/cancel", data={"csrf_token": token})
    assert response.status_code == 303
    assert store.get(message.id).status == Status.CANCELLED
    counted = client.post("/count", json={"text": "hi"}, headers={"X-CSRFToken": token})
    assert counted.status_code == 200 and counted.get_json()["parts"] == 1


# --- charts (pure) -------------------------------------------------------------------------------


def test_the_signal_chart_breaks_at_gaps_and_at_no_signal():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    samples = [
        (T0 - timedelta(hours=25), -60),  # before the window: ignored
        (T0 - timedelta(minutes=60), -100),
        (T0 - timedelta(minutes=55), -99),
        (T0 - timedelta(minutes=50), -98),
        (T0 - timedelta(minutes=45), None),  # no signal: a break
        (T0 - timedelta(minutes=40), -80),
        (T0 - timedelta(minutes=10), -70),  # 30 min later: a break
        (T0 - timedelta(minutes=5), -69),
    ]
    slots = stored_charts.thin_signal(samples)
    chart = charts.signal_chart(slots, end=T0, zone=paris, latest=-69)
    assert len(chart.runs) == 2 and len(chart.dots) == 1
    assert chart.summary.endswith("between -100 and -69 dBm, latest -69 dBm")
    xs = [float(p.split(",")[0]) for run in chart.runs for p in run.split()]
    assert all(charts.LEFT <= x <= charts.WIDTH for x in xs)
    assert [t.label for t in chart.ticks] == ["12:00", "18:00", "00:00", "06:00"]
    empty = charts.signal_chart([], end=T0, zone=paris)
    assert empty.empty and empty.summary == "No signal measured in the last 24 hours"


def test_a_day_of_signal_is_one_point_per_five_minutes_that_keeps_every_drop():
    """2 880 samples (one per 30 s) become 288 points; a single sample at -109 dBm among
    -70s shows as a point at -109 (the weakest of its slot, not a mean that would hide it)."""
    from zoneinfo import ZoneInfo

    samples = [(T0 - timedelta(seconds=30 * n), -70) for n in range(2880, 0, -1)]
    drop = T0 - timedelta(hours=6)
    samples = [(at, -109 if at == drop else dbm) for at, dbm in samples]
    slots = stored_charts.thin_signal(samples)
    assert len(slots) <= 289 and {s.weakest for s in slots} == {-70, -109}
    chart = charts.signal_chart(slots, end=T0, zone=ZoneInfo("Europe/Paris"), latest=-70)
    (line,) = chart.runs
    points = line.split()
    assert 287 <= len(points) <= 289
    lowest = charts._y(-109, charts.DBM_FLOOR, charts.DBM_CEILING)
    assert sum(float(p.split(",")[1]) == lowest for p in points) == 1
    assert "between -109 and -70 dBm, latest -70 dBm" in chart.summary


def test_the_database_thins_the_signal_as_the_reference_does(store):
    """``stored_charts.signal_slots`` (grouped by the database) equals ``thin_signal`` over
    the same samples, gaps and lost signal included; the latest measured dBm is the newest."""
    pattern = [-71, -75, None, -90, -109, -60, -113, -80]
    samples = []
    for n in range(600):  # five hours, one sample per 30 s, with a 40-minute gap
        if 200 <= n < 280:
            continue
        at = T0 - timedelta(seconds=30 * (600 - n)) + timedelta(milliseconds=n)
        samples.append((at, pattern[n % 7] if n % 11 else pattern[7]))
    for at, dbm in samples:
        store.add_signal(IMEI, at, dbm, 2)
    store.add_signal(OTHER_IMEI, T0 - timedelta(minutes=1), -50, 5)
    since = T0 - timedelta(hours=24)
    found = stored_charts.signal_slots(store, [IMEI, OTHER_IMEI, "no-samples"], since, T0)
    assert found[IMEI] == stored_charts.thin_signal(samples)
    assert found[OTHER_IMEI] == stored_charts.thin_signal([(T0 - timedelta(minutes=1), -50)])
    assert found["no-samples"] == []
    latest = next(dbm for _, dbm in reversed(samples) if dbm is not None)
    assert stored_charts.latest_signal(store, IMEI, since, T0) == latest


def test_kept_signal_slots_follow_the_table(store):
    """The page keeps the settled slots between requests (``SignalHistory``), yet shows
    what the table holds: samples that arrive as time goes on, one written late into the kept
    range, a modem that appears, and slots that leave the window."""
    window = timedelta(hours=24)
    kept = stored_charts.SignalHistory(store)
    samples = {IMEI: [], OTHER_IMEI: []}

    def add(imei, at, dbm):
        store.add_signal(imei, at, dbm, 2)
        samples[imei].append((at, dbm))

    def expected(imei, now):
        return stored_charts.thin_signal(sorted(s for s in samples[imei] if s[0] >= now - window))

    for n in range(200):
        add(IMEI, T0 - window - timedelta(minutes=30) + timedelta(seconds=30 * n), -70 - n % 9)
    for n in range(100):
        add(IMEI, T0 - timedelta(seconds=30 * n), -80 - n % 13)
    now = T0
    found = kept.slots([IMEI], now - window, now)
    first = expected(IMEI, now)
    assert found[IMEI][1:] == first[1:] and found[IMEI][0].start == first[0].start
    for minute in range(1, 40):  # the daemon goes on, the page refreshes
        now = T0 + timedelta(minutes=minute)
        add(IMEI, now - timedelta(seconds=30), -60 - minute % 7)
        add(IMEI, now, None if minute == 17 else -61)
        found = kept.slots([IMEI], now - window, now)
        assert found[IMEI][1:] == expected(IMEI, now)[1:], minute
    add(IMEI, now - timedelta(hours=3), -113)  # late, into the kept range
    assert kept.slots([IMEI], now - window, now)[IMEI][1:] == expected(IMEI, now)[1:]
    add(OTHER_IMEI, now - timedelta(hours=2), -90)  # a modem that was not asked for before
    both = kept.slots([IMEI, OTHER_IMEI], now - window, now)
    assert both[OTHER_IMEI] == expected(OTHER_IMEI, now)
    assert both[IMEI][1:] == expected(IMEI, now)[1:]


def test_the_database_counts_sent_messages_per_local_hour(store, config):
    """``stored_charts.sent_per_hour`` agrees with ``charts.count_per_hour`` over the same times, in
    a zone half an hour off UTC, and counts a message scheduled long before it was sent."""
    from zoneinfo import ZoneInfo

    india = ZoneInfo("Asia/Kolkata")
    end = T0 + timedelta(minutes=30)
    times = [end - timedelta(minutes=m) for m in (0, 1, 29, 31, 89, 90, 91, 60 * 23, 60 * 25)]
    for n, at in enumerate(times):
        queued_at = T0 - timedelta(days=9) if n == 0 else T0 - timedelta(days=1, hours=2)
        message = queue_message(store, config, now=queued_at)
        imei = IMEI if n % 3 else OTHER_IMEI
        set_status(store, message.id, Status.SENT, modem_imei=imei, sent_at=at)
    starts = charts.hour_starts(end, zone=india)
    counts = stored_charts.sent_per_hour(store, starts, end)
    for imei in (IMEI, OTHER_IMEI):
        mine = [at for n, at in enumerate(times) if (n % 3 != 0) == (imei == IMEI)]
        assert counts[imei] == charts.count_per_hour(mine, end=end, zone=india), imei
    assert sum(map(sum, counts.values())) == 8  # 25 hours ago is out of the chart


def test_the_chart_queries_run_on_postgresql(postgresql_store, config):
    """The slot and hour grouping (dialect-specific, parameters in GROUP BY) on PostgreSQL."""
    from zoneinfo import ZoneInfo

    store = postgresql_store
    samples = [
        (T0 - timedelta(seconds=30 * n) + timedelta(milliseconds=n), [-70, None, -99][n % 3])
        for n in range(400, 0, -1)
    ]
    for at, dbm in samples:
        store.add_signal(IMEI, at, dbm, 2)
    since = T0 - timedelta(hours=24)
    read = stored_charts.read_signal_slots(store, [IMEI], since, T0)[IMEI]
    assert [slot for slot, _ in read] == stored_charts.thin_signal(samples)
    assert sum(n for _, n in read) == len(samples)
    assert (
        stored_charts.signal_slots(store, [IMEI], since, T0)[IMEI][1:]
        == (stored_charts.thin_signal(samples)[1:])
    )
    assert stored_charts.latest_signal(store, IMEI, since, T0) == -99
    india = ZoneInfo("Asia/Kolkata")
    times = [T0 - timedelta(minutes=m) for m in (1, 29, 31, 95, 600)]
    for at in times:
        message = queue_message(store, config, now=T0 - timedelta(days=2))
        set_status(store, message.id, Status.SENT, modem_imei=IMEI, sent_at=at)
    counts = stored_charts.sent_per_hour(store, charts.hour_starts(T0, zone=india), T0)
    assert counts == {IMEI: charts.count_per_hour(times, end=T0, zone=india)}


def test_hourly_bars_follow_local_hours():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    end = T0 + timedelta(minutes=30)  # 11:30 in Paris
    times = [
        end,
        end - timedelta(minutes=29),
        end - timedelta(minutes=31),
        end - timedelta(hours=30),
    ]
    chart = charts.hourly_bars(
        charts.count_per_hour(times, end=end, zone=paris), end=end, zone=paris
    )
    assert len(chart.bars) == 24
    assert chart.bars[-1].title == "11:00: 2 sent" and chart.bars[-2].title == "10:00: 1 sent"
    assert chart.total == 3 and chart.peak == 2
    india = charts.hourly_bars([0] * 24, end=end, zone=ZoneInfo("Asia/Kolkata"))  # UTC+05:30
    assert india.bars[-1].title == "16:00: 0 sent" and india.summary.startswith("Nothing sent")


# --- in a real browser: the two scripts, under the page's Content-Security-Policy ---------------


@pytest.fixture
def served(app_factory) -> Iterator[str]:
    """The app (CSRF on, cards refreshed every 0.2 s) on a free local port, for a browser."""
    import threading

    from werkzeug.serving import make_server

    app = app_factory(PANEL_REFRESH_MS=200)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (see TESTING.md)")
def test_in_chromium_the_cards_refresh_and_the_counter_counts(served, store, admin, config):
    from playwright.sync_api import expect, sync_playwright

    a_modem(store, operator="Orange F")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(served + "/login")
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", "alice-password-1")
            page.click("button[type=submit]")
            expect(page.locator("#modems")).to_contain_text("Orange F")
            store.upsert_modem(IMEI, operator="Bouygues")  # the daemon saw a new operator
            expect(page.locator("#modems")).to_contain_text("Bouygues")
            page.goto(served + "/compose")
            page.fill("#text", "Rendez-vous 💉 demain")
            counted = pdu.count("Rendez-vous 💉 demain")
            expect(page.locator("#counter")).to_have_text(
                f"1 SMS · {counted.left} characters left · Unicode (UCS-2)"
            )
            assert problems == []
        finally:
            browser.close()
