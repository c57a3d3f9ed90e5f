"""The new text of a reply email: what the person wrote, without the quoted message below it,
the signature, or the phone's "Sent from my iPhone".

Mail clients quote in a few known ways, in the languages our users write: lines starting with
">", a header line before the quote ("On Mon, 3 Dec 2026, Alice wrote:", "Le 3 déc. 2026 à
10:00, Alice a écrit :"), an Outlook block ("-----Original Message-----", "De : ... Envoyé :"),
a forwarded block. Everything from the first such marker on is cut, as is a signature after
"-- ". (``email-reply-parser``, the known library, knows only English and has not moved since
2020.) An HTML-only mail is read as its text.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

_QUOTE_HEADERS = [
    re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.*\ba\s+écrit\s*:\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Message d'origine|Forwarded message|Message "
        r"transféré)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(From|De)\s*:\s.*$", re.IGNORECASE),  # Outlook's header block
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above the quote
]
_SENT_FROM = re.compile(
    r"^\s*(Sent from my|Envoyé de mon|Envoyé depuis mon|Get Outlook for)\b", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^--\s?$")


def new_text(body: str) -> str:
    """The lines a person wrote above the quote and the signature, stripped."""
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith(">") or _SIGNATURE.match(line) or _SENT_FROM.match(line):
            break
        if any(pattern.match(line) for pattern in _QUOTE_HEADERS):
            break
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("style", "script", "blockquote"):
            self._skip += 1
        if tag in ("br", "p", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "blockquote") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def body_text(mail: EmailMessage) -> str:
    """The mail's plain text (its HTML as text when it has no plain part)."""
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    return content
