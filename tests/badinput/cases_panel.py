"""Bad forms posted to the panel by a logged-in admin, each with the CSRF token of its page."""

from __future__ import annotations

from tests.badinput.catalogue import Case, Seen

TO = "+33612345678"
COMPOSE = {"to": TO, "text": "hi", "when": "now", "send_at": "", "priority": "normal"}
CONTACT = {"number": TO, "first_name": "Ann", "last_name": "", "language": "", "tags": "",
           "proof": "paper form 2026-11-30"}  # fmt: skip
USER = {"name": "bob", "password": "bob-password-1", "confirm": "bob-password-1",
        "role": "volunteer"}  # fmt: skip


def _compose(**changes: str):
    return lambda rig: rig.post_form("/compose", {**COMPOSE, **changes})


def _contact(**changes: str):
    return lambda rig: rig.post_form("/contacts/new", {**CONTACT, **changes})


def _user(**changes: str):
    return lambda rig: rig.post_form("/admin", {**USER, **changes}, action="/admin/users")


def _raw(page: str, body: bytes):
    return lambda rig: rig.post_form(page, body)


PANEL_CASES = [
    Case("panel", "compose-nul", "Compose: a text holding NUL",
         _compose(text="a\x00b"), Seen('HTTP 400', "The field 'text' holds a NUL character (character 2).")),
    Case("panel", "compose-blank", "Compose: a text of spaces",
         _compose(text="   \r\n "), Seen('HTTP 400', 'is blank (only spaces or line breaks)')),
    Case("panel", "compose-one-bad-number", "Compose: two numbers, the second `+33 6 12`",
         _compose(to=f"{TO}\n+33 6 12"), Seen('HTTP 400', 'cannot send to +33 6 12; nothing was queued')),
    Case("panel", "compose-overlong", "Compose: a text of 5,000 characters",
         _compose(text="x" * 5000), Seen('HTTP 400', 'needs 33 SMS parts (5000 gsm7 units); at most 10 are allowed')),
    Case("panel", "compose-over-1mb", "Compose: a 2 MB text (the body limit is 1 MB)",
         _compose(text="x" * 2_000_000), Seen('HTTP 413', 'The form is over 1 MB: nothing was saved.')),
    Case("panel", "compose-invalid-utf8", "Compose: the text `%FF%FE` (not UTF-8), posted by a script",
         _raw("/compose", b"to=%2B33612345678&text=%FF%FE&when=now&priority=normal"),
         Seen('HTTP 400', "The field 'text' is not UTF-8 text (byte 0)."), note="queued as U+FFFD before issue 14"),
    Case("panel", "compose-lone-surrogate", "Compose: the text `%ED%A0%80` (U+D800 as CESU-8)",
         _raw("/compose", b"to=%2B33612345678&text=caf%ED%A0%80&when=now&priority=normal"),
         Seen('HTTP 400', "The field 'text' is not UTF-8 text (byte 3)."), note="queued as U+FFFD before issue 14"),
    Case("panel", "compose-send-at-year-1", "Compose: later, at `0001-01-01T00:00`",
         _compose(when="later", send_at="0001-01-01T00:00"), Seen('HTTP 400', "'0001-01-01T00:00' is in the past")),
    Case("panel", "compose-no-csrf", "Compose without its CSRF token",
         lambda rig: _no_csrf(rig),
         Seen('HTTP 400', 'The form expired or came from elsewhere: reload the page and send it again.')),
    Case("panel", "contact-nul-name", "New contact: the first name `A\\0nn`",
         _contact(first_name="A\x00nn"), Seen('HTTP 400', "The field 'first_name' holds a NUL character (character 2)."), note="stored before issue 14"),
    Case("panel", "contact-bad-number", "New contact: the number `06 12 AB`",
         _contact(number="06 12 AB"), Seen('HTTP 400', "'06 12 AB' is not a valid number for FR: it contains letters; an SMS goes to digits only.")),
    Case("panel", "contact-long-name", "New contact: a first name of 500 characters",
         _contact(first_name="x" * 500), Seen('HTTP 400', 'Field cannot be longer than 128 characters.')),
    Case("panel", "contact-language", "New contact: the language `klingon`",
         _contact(language="klingon"), Seen('HTTP 400', 'Choose fr or en (or nothing).')),
    Case("panel", "contact-no-proof", "New contact: no proof of consent",
         _contact(proof=""), Seen('HTTP 400', "Say how the person agreed (e.g. 'paper form 2026-11-30').")),
    Case("panel", "user-blank-password", "Admin, new user: a password of eight spaces",
         _user(password=" " * 8, confirm=" " * 8), Seen('HTTP 400', 'Cannot add the user: the password must not be only spaces.')),
    Case("panel", "user-unknown-role", "Admin, new user: the role `god`",
         _user(role="god"), Seen('HTTP 400', 'Cannot add the user: role must be one of admin, volunteer.')),
    Case("panel", "webhook-ftp", "Webhooks: the URL `ftp://example.org/hook`",
         lambda rig: rig.post_form("/admin/webhooks", {"url": "ftp://example.org/hook",
                                                       "events": ["modem.up"]}),
         Seen('HTTP 400', 'only http:// and https:// URLs can receive webhooks')),
    Case("panel", "webhook-loopback", "Webhooks: the URL `http://2130706433:8080/` (127.0.0.1)",
         lambda rig: rig.post_form("/admin/webhooks", {"url": "http://2130706433:8080/",
                                                       "events": ["modem.up"]}),
         Seen('HTTP 400', '2130706433 (127.0.0.1) is a loopback address (this machine): webhooks go to public addresses only, unless its range is in [security] webhook_networks')),
]  # fmt: skip


def _no_csrf(rig):
    from tests.badinput.rig import page_errors

    response = rig.panel.post("/compose", data=COMPOSE)
    return Seen(f"HTTP {response.status_code}", page_errors(response.get_data(as_text=True)))
