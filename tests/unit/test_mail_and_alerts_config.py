"""``[smtp]``, ``[alerts]`` and ``[mail]`` read and refused in words (issue 16), and the pure
parts of email to SMS: the number in a subject, the new text of a reply."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from appliance.config import ConfigError, load_config
from appliance.mail.reply_text import body_text, new_text
from appliance.mail.subject import NoNumber, number_in

SMTP = '[smtp]\nhost = "smtp.example.org"\nfrom = "smsrelay@example.org"\n'


def load(tmp_path, text: str):
    path = tmp_path / "smsrelay.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ={"XDG_DATA_HOME": str(tmp_path)})


def test_the_tables_are_read(tmp_path):
    config = load(
        tmp_path,
        SMTP + '[alerts]\nsms_to = "06 11 22 33 44"\nemail_to = ["admin@example.org"]\n'
        'modem_down_after = "5m"\ncap_percent = 90\ndisk_percent = false\n'
        '[mail]\nto = ["benevoles@example.org"]\nforward = "replies"\n'
        'allowed_senders = ["Admin@Example.org", "@asso.example"]\nlisten = "127.0.0.1:2525"\n',
    )
    assert config.smtp.port == 587 and config.smtp.starttls and config.smtp.sender
    assert config.alerts.sms_to == "+33611223344"
    assert config.alerts.modem_down_after == timedelta(minutes=5)
    assert config.alerts.cap_percent == 90 and config.alerts.disk_percent is None
    assert config.mail.listen == ("127.0.0.1", 2525) and config.mail.forward == "replies"
    assert config.mail.allows("admin@example.org") and config.mail.allows("x@asso.example")
    assert not config.mail.allows("x@example.org")


def test_an_imap_mailbox_is_read(tmp_path):
    config = load(
        tmp_path,
        '[mail]\nallowed_senders = ["@asso.example"]\n[imap]\nhost = "imap.example.org"\n'
        'user = "sms@asso.example"\npassword = "p"\nssl = false\nstarttls = true\nevery = "5m"\n',
    )
    assert config.imap.port == 143 and config.imap.starttls and config.imap.folder == "INBOX"
    assert config.imap.every == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("text", "key", "why"),
    [
        ('[smtp]\nhost = "h"\n', "smtp.from", "is missing"),
        (SMTP + 'user = "u"\n', "smtp.password", "both user and password"),
        (SMTP + "ssl = true\nstarttls = true\n", "smtp.starttls", "cannot be true"),
        ('[alerts]\nemail_to = ["a@example.org"]\n', "alerts.email_to", "[smtp] host"),
        ('[alerts]\nsms_to = "12"\n', "alerts.sms_to", "not a valid phone number"),
        ("[alerts]\ncap_percent = 120\n", "alerts.cap_percent", "from 1 to 100"),
        ('[alerts]\nmodem_down_after = "10s"\n', "alerts.modem_down_after", ""),
        ('[alerts]\nqueue_stuck = "10m"\n', "alerts.queue_stuck", "queue_stuck_after"),
        (SMTP + '[mail]\nto = ["not an address"]\n', "mail.to", "not an email address"),
        ('[mail]\nforward = "some"\n', "mail.forward", '"all", "replies" or false'),
        ('[mail]\nlisten = "127.0.0.1:2525"\n', "mail.allowed_senders", "is empty"),
        ('[mail]\nallowed_senders = ["example.org"]\n', "mail.allowed_senders", "neither"),
        ('[imap]\nhost = "imap.example.org"\n', "imap.host", "allowed_senders"),
        (
            '[mail]\nallowed_senders = ["@a.org"]\n[imap]\nhost = "h"\nuser = "u"\n',
            "imap.password",
            "is missing",
        ),
        (
            '[mail]\nallowed_senders = ["@a.org"]\n[imap]\nhost = "h"\nuser = "u"\npassword = "p"\n'
            "starttls = true\n",
            "imap.starttls",
            "cannot be true",
        ),
    ],
)
def test_mistakes_are_refused_naming_file_and_key(tmp_path, text, key, why):
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)
    assert refused.value.key == key and why in refused.value.why
    assert refused.value.file.endswith("smsrelay.toml")


@pytest.mark.parametrize(
    "subject",
    [
        "Re: SMS from +33698765432",
        "RE: TR: SMS from +33 6 98 76 54 32",
        "Réponse SMS 06.98.76.54.32",
        "=?utf-8?q?Re=3A_SMS?= (06 98 76 54 32)",
    ],
)
def test_the_number_is_read_from_the_subject(subject):
    assert number_in(subject, "FR") == "+33698765432"


@pytest.mark.parametrize(
    ("subject", "why"),
    [("Re: collecte", "names no phone number"), ("+33698765432 et 0611223344", "several")],
)
def test_a_subject_with_no_number_or_two_is_refused(subject, why):
    with pytest.raises(NoNumber, match=why):
        number_in(subject, "FR")


@pytest.mark.parametrize(
    "body",
    [
        "Merci !\n\nOn Mon, 3 Dec 2026 at 10:00, smsrelay <s@example.org> wrote:\n> Bonjour\n",
        "Merci !\nLe 3 déc. 2026 à 10:00, smsrelay a écrit :\n> Bonjour",
        "Merci !\r\n\r\n-- \r\nMarie\r\n",
        "Merci !\n\nEnvoyé de mon iPhone\n",
        "Merci !\n-----Original Message-----\nFrom: smsrelay\n",
        "Merci !\n\nDe : smsrelay <s@example.org>\nEnvoyé : lundi\n",
        "Merci !\n> Bonjour\n",
    ],
)
def test_the_reply_keeps_only_what_the_person_wrote(body):
    assert new_text(body) == "Merci !"


def test_an_html_only_reply_is_read_as_text():
    mail = EmailMessage()
    mail.set_content("<p>Merci&nbsp;!</p><blockquote>Bonjour</blockquote>", subtype="html")
    assert new_text(body_text(mail)) == "Merci\xa0!"
