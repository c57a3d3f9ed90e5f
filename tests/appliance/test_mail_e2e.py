"""Email to SMS and SMS to email end to end, in a running daemon on simulated modems: a real
local SMTP server (the mailbox) receives the forwarded SMS, and the daemon's own SMTP listener
takes the reply and sends it as an SMS through a simulated modem."""

from __future__ import annotations

import dataclasses
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest

from appliance.clock import SystemClock
from appliance.config.alerts import AlertsConfig, ImapConfig, MailConfig
from tests.appliance.conftest import enqueue
from tests.appliance.test_alerts_e2e import TUNING, smtp_for
from tests.mailbox import ImapServer, Mailbox, free_port
from tests.waiting import wait_until

PERSON = "+33698765432"
QUIET_ALERTS = AlertsConfig(
    modem_down_after=None, cap_percent=None, queue_stuck_after=None, low_credit=False,
    disk_percent=None,
)  # fmt: skip


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


def mailing(config, mailbox: Mailbox, forward: str = "all"):
    return dataclasses.replace(
        config,
        smtp=smtp_for(mailbox),
        alerts=QUIET_ALERTS,
        mail=MailConfig(
            to=("volunteers@example.org",),
            forward=forward,
            allowed_senders=("benevole@example.org", "@asso.example"),
            listen=("127.0.0.1", free_port()),
        ),
    )


def reply(subject: str, body: str, sender: str = "benevole@example.org") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Bénévole <{sender}>"
    mail["To"] = "smsrelay@example.org"
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


def send_to_listener(cfg, mail: EmailMessage) -> None:
    host, port = cfg.mail.listen
    with smtplib.SMTP(host, port, timeout=10) as client:
        client.send_message(mail)


def to_person(store) -> list:
    return [m for m in store.messages(limit=50) if m.recipient == PERSON]


def test_an_sms_goes_to_the_mailbox_and_the_reply_comes_back_as_an_sms(
    daemon_factory, store, config, mailbox
):
    cfg = mailing(config, mailbox)
    daemon = daemon_factory(1, cfg=cfg, tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    daemon.simulators[0].call(lambda m, at: m.deliver_sms(PERSON, "Je serai là à 8h", at))
    mail = wait_until(lambda: mailbox.got(PERSON), 30, "the forwarded SMS")[0]
    assert mail["Subject"] == f"SMS from {PERSON}" and mail["To"] == "volunteers@example.org"
    assert mail.get_content().startswith("Je serai là à 8h")

    send_to_listener(cfg, reply(
        "RE: SMS from +33 6 98 76 54 32",
        "Merci, à demain !\n\n-- \nMarie, accueil\n\nLe 3 déc. 2026 à 10:00, smsrelay a écrit :\n"
        "> Je serai là à 8h\n",
    ))  # fmt: skip
    sms = wait_until(
        lambda: [m for m in to_person(store) if m.status in ("sent", "delivered")], 30,
        "the reply sent as an SMS",
    )[0]  # fmt: skip
    assert sms.text == "Merci, à demain !" and sms.source == "email"


def test_mail_from_a_stranger_or_to_no_number_is_bounced_and_no_sms_is_sent(
    daemon_factory, store, config, mailbox
):
    cfg = mailing(config, mailbox)
    daemon_factory(1, cfg=cfg, tuning=TUNING)
    with pytest.raises(smtplib.SMTPDataError) as stranger:
        send_to_listener(cfg, reply(f"Re: SMS from {PERSON}", "Coucou", "spam@evil.example"))
    assert stranger.value.smtp_code == 550 and b"may not send SMS" in stranger.value.smtp_error
    with pytest.raises(smtplib.SMTPDataError) as nobody:
        send_to_listener(cfg, reply("Re: collecte de demain", "Coucou"))
    assert b"names no phone number" in nobody.value.smtp_error
    with pytest.raises(smtplib.SMTPDataError) as empty:
        send_to_listener(cfg, reply(f"Re: SMS from {PERSON}", "> only the quote\n"))
    assert b"no text of its own" in empty.value.smtp_error
    assert to_person(store) == []


def test_a_number_that_said_stop_is_refused_with_the_reason(daemon_factory, store, config, mailbox):
    cfg = mailing(config, mailbox)
    daemon_factory(1, cfg=cfg, tuning=TUNING)
    store.opt_out(PERSON, now=SystemClock().now(), how="phone call")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send_to_listener(cfg, reply(f"Re: SMS from {PERSON}", "Merci"))
    assert refused.value.smtp_code == 550 and b"opted out" in refused.value.smtp_error
    assert to_person(store) == []


def test_only_replies_are_forwarded_when_asked(daemon_factory, store, config, mailbox):
    cfg = mailing(config, mailbox, forward="replies")
    daemon = daemon_factory(1, cfg=cfg, tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    simulator = daemon.simulators[0]
    simulator.call(lambda m, at: m.deliver_sms("+33612121212", "Publicité", at))
    enqueue(store, cfg, PERSON, "Collecte demain 8h-12h")
    wait_until(lambda: to_person(store)[0].status in ("sent", "delivered"), 30, "the sent SMS")
    simulator.call(lambda m, at: m.deliver_sms(PERSON, "OUI", at))
    wait_until(lambda: mailbox.got(PERSON), 30, "the reply forwarded")
    assert mailbox.got("+33612121212") == []


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    server = ImapServer()
    yield server
    server.close()


def test_replies_read_from_an_imap_mailbox_become_sms_and_refusals_are_explained(
    daemon_factory, store, config, mailbox, imap_server
):
    cfg = dataclasses.replace(
        mailing(config, mailbox),
        imap=ImapConfig(
            host="127.0.0.1", port=imap_server.port, ssl=False, user=ImapServer.USER,
            password=ImapServer.PASSWORD, every=timedelta(seconds=0.2),
        ),
    )  # fmt: skip
    store.opt_out("+33611223344", now=SystemClock().now(), how="STOP by SMS")
    imap_server.append(reply(f"Re: SMS from {PERSON}", "D'accord !\n\nOn Mon, X wrote:\n> 8h ?"))
    imap_server.append(reply(f"Re: SMS from {PERSON}", "Spam", "spam@evil.example"))
    imap_server.append(reply("Re: SMS from +33611223344", "Merci"))
    daemon = daemon_factory(1, cfg=cfg, tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    sms = wait_until(
        lambda: [m for m in to_person(store) if m.status in ("sent", "delivered")], 30,
        "the reply sent as an SMS",
    )  # fmt: skip
    assert [m.text for m in sms] == ["D'accord !"]
    told = wait_until(lambda: mailbox.got("Not sent"), 30, "the opted-out refusal explained")
    assert "opted out" in told[0].get_content() and told[0]["To"] == "benevole@example.org"
    wait_until(lambda: imap_server.unseen() == 0, 10, "every mail read")
    assert len(mailbox.got("Not sent")) == 1  # the stranger is told nothing
    assert [m.recipient for m in store.messages(limit=10)] == [PERSON]
