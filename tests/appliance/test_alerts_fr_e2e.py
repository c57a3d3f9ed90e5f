"""``[appliance] language = "fr"`` end to end (issue 16), through the real channels of a running
daemon on simulated modems: the alert and its "resolved" by SMS (sent by a simulated modem, one
GSM 7-bit part), email (a real local SMTP server) and webhook (a real HTTP receiver, its JSON
unchanged: English, for scripts); a received SMS forwarded to a mailbox in French, the reply
to that French subject sent back as an SMS, and a refused reply explained in French."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest

from appliance import webhooks
from appliance.config.alerts import ImapConfig
from appliance.store.alerts import recent_alerts
from modem.pdu import count
from tests.appliance.test_alerts_e2e import (  # noqa: F401 (fixtures)
    ADMIN,
    TUNING,
    admin_sms,
    alerting,
    mailbox,
    receiver,
    unplug,
)
from tests.appliance.test_mail_e2e import PERSON, mailing, reply, send_to_listener, to_person
from tests.appliance.test_webhooks import LOCAL, now, receiver_verify
from tests.mailbox import ImapServer
from tests.waiting import wait_until

SENT = ("sent", "delivered")


def in_french(config):
    return dataclasses.replace(config, language="fr", timezone="Europe/Paris")


def test_a_modem_down_is_told_in_french_by_sms_and_email_and_the_webhook_stays_english(
    daemon_factory, store, config, mailbox, receiver
):
    webhooks.create_webhook(
        store, url=receiver.url(), events=["alert.fired", "alert.resolved"], now=now(),
        allowed=LOCAL, secret="whsec_" + "f" * 32,
    )  # fmt: skip
    daemon = daemon_factory(2, cfg=in_french(alerting(config, mailbox)), tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 2, 10, "two ready modems")
    imei = unplug(store, daemon.simulators[0])

    mail = wait_until(lambda: mailbox.got("alerte : modem hors service"), 30, "the email")[0]
    assert mail["Subject"] == "[smsrelay] alerte : modem hors service"
    body = mail.get_content()
    assert body.startswith(f"Alerte : Le modem {imei}") and " est " in body
    # the French frame; the modem's reason after the colon is the daemon's (English) words
    frame = body.split(" : ")[1] if body.count(" : ") > 1 else body
    assert not any(word in frame for word in ("Modem ", "Alert:", " is ", " has not "))
    posted = wait_until(lambda: receiver.got(), 10, "the alert.fired POST")[0]
    event = receiver_verify()("whsec_" + "f" * 32, posted.body, posted.headers)
    assert event["event"] == "alert.fired" and event["data"]["condition"] == "modem_down"
    assert event["data"]["detail"].startswith(f"Modem {imei}")  # the stored English
    sms = wait_until(
        lambda: [m for m in admin_sms(store) if m.status in SENT], 30, "the SMS sent"
    )[0]  # fmt: skip
    assert sms.text.startswith(f"Alerte : Le modem {imei}") and sms.modem_imei != imei
    # as many GSM 7-bit parts as the English (the reason names the test's long device path)
    english = count("Alert: " + event["data"]["detail"])
    assert (sms.encoding, sms.parts) == ("gsm7", english.parts)

    daemon.simulators[0].replug()
    done = wait_until(lambda: mailbox.got("résolu : modem hors service"), 30, "the resolved")
    assert done[0].get_content().startswith(f"Résolu : Le modem {imei}")
    resolved = wait_until(lambda: receiver.got()[1:], 10, "the alert.resolved POST")[0].json
    assert resolved["event"] == "alert.resolved"
    assert resolved["data"]["detail"] == event["data"]["detail"]
    assert set(resolved["data"]) == {
        "id", "condition", "subject", "detail", "since", "fired_at", "resolved_at"
    }  # fmt: skip
    wait_until(lambda: len(admin_sms(store)) == 2, 10, "the resolved SMS")
    told = wait_until(
        lambda: [m for m in admin_sms(store) if m.text.startswith("Résolu") and m.status in SENT],
        30, "the resolved SMS sent",
    )[0]  # fmt: skip
    assert told.text.startswith(f"Résolu : Le modem {imei}") and told.recipient == ADMIN
    english = count("Resolved: " + resolved["data"]["detail"])
    assert (told.encoding, told.parts) == ("gsm7", english.parts)
    [alert] = recent_alerts(store)
    assert alert.detail.startswith(f"Modem {imei}")  # the API's and the panel's: English
    daemon.stop()


def test_a_received_sms_is_forwarded_in_french_and_the_reply_comes_back_as_an_sms(
    daemon_factory, store, config, mailbox
):
    cfg = in_french(mailing(config, mailbox))
    daemon = daemon_factory(1, cfg=cfg, tuning=TUNING)
    wait_until(lambda: len(daemon.pool.available()) == 1, 10, "a ready modem")
    daemon.simulators[0].call(lambda m, at: m.deliver_sms(PERSON, "Je serai là à 8h", at))
    mail = wait_until(lambda: mailbox.got(PERSON), 30, "the forwarded SMS")[0]
    assert mail["Subject"] == f"SMS de {PERSON}"
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == (
        "Je serai là à 8h\n\n-- \n"
        "Répondez à ce courriel pour répondre par SMS (gardez le numéro dans l'objet)."
    )

    send_to_listener(cfg, reply(
        f"RE: {mail['Subject']}",
        "Parfait, merci !\n\n-- \nMarie\n\nLe 3 déc. 2026 à 10:00, smsrelay a écrit :\n"
        "> Je serai là à 8h\n",
    ))  # fmt: skip
    sms = wait_until(
        lambda: [m for m in to_person(store) if m.status in SENT], 30, "the reply sent as an SMS"
    )[0]  # fmt: skip
    assert sms.text == "Parfait, merci !" and sms.source == "email"


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    server = ImapServer()
    yield server
    server.close()


def test_an_allowed_sender_s_refused_mail_is_explained_in_french(
    daemon_factory, store, config, mailbox, imap_server
):
    cfg = dataclasses.replace(
        in_french(mailing(config, mailbox)),
        imap=ImapConfig(
            host="127.0.0.1", port=imap_server.port, ssl=False, user=ImapServer.USER,
            password=ImapServer.PASSWORD, every=timedelta(seconds=0.2),
        ),
    )  # fmt: skip
    imap_server.append(reply("Re: la collecte", "Merci"))
    imap_server.append(reply(f"RE: SMS de {PERSON}", "> rien que la citation\n"))
    daemon_factory(1, cfg=cfg, tuning=TUNING)
    told = wait_until(lambda: len(mailbox.got("Non envoyé")) == 2 and mailbox.got(), 30, "told")
    texts = {m["Subject"]: m.get_content().strip() for m in told}
    assert texts == {
        "Non envoyé : Re: la collecte": "Votre courriel n'a pas été envoyé par SMS : l'objet "
        "'Re: la collecte' ne contient aucun numéro de téléphone.",
        f"Non envoyé : RE: SMS de {PERSON}": "Votre courriel n'a pas été envoyé par SMS : le "
        "courriel n'a pas de texte à lui au-dessus du message cité.",
    }
    assert to_person(store) == []
