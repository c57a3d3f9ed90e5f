"""What each contact of a campaign will receive, and what it will cost, before anything is sent.

A preview renders a ``Template`` for one contact and counts the text with the modem driver's
own counter (``modem.pdu.count``), so the encoding, units and parts shown are the ones the
modem will send. ``check`` does it for a sample (or the whole audience) and gathers every
problem (a syntax error once, a missing value per contact) and a warning per contact whose
text runs over one part or turns UCS-2, naming the character that did it: one "Ê" or one
emoji in a name or a place turns the whole text UCS-2 (70 characters a part instead of 160).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from modem.pdu import MAX_PARTS_DEFAULT, count, is_gsm7

from .templates import Template, TemplateError, TemplateSyntaxError, contact_label


@dataclass(frozen=True)
class Preview:
    """One contact's text as it will be sent, counted by the modem driver's own counter."""

    contact: str  # as ``contact_label`` names it
    text: str
    encoding: str  # "gsm7" or "ucs2"
    parts: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    left: int  # units still free in the last part
    ucs2_because: str | None  # the first character with no GSM-7 form, described

    @property
    def warning(self) -> str | None:
        """Why this text costs more than one plain SMS, or None."""
        reasons = []
        if self.ucs2_because:
            reasons.append(f"UCS-2 because of {self.ucs2_because}")
        if self.parts > 1:
            reasons.append(f"{self.parts} parts ({self.units} {_UNIT[self.encoding]})")
        return f"{self.contact}: " + ", ".join(reasons) if reasons else None


@dataclass(frozen=True)
class Problem:
    """Why a text cannot be made, for one contact or for every one (a syntax error)."""

    message: str
    contact: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class Check:
    """A template tried on sample contacts: the previews, the problems, the costly texts."""

    previews: tuple[Preview, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per contact whose text runs over one part or turns UCS-2."""
        return tuple(p.warning for p in self.previews if p.warning)


_UNIT = {"gsm7": "septets", "ucs2": "UTF-16 units"}


def ucs2_because(text: str) -> str | None:
    """The first character of ``text`` with no GSM-7 form, described, or None."""
    for index, char in enumerate(text):
        if not is_gsm7(char):
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return f"{char!r} ({name}) at character {index + 1}"
    return None


def preview(
    template: Template | str,
    contact: Mapping,
    event: Mapping | None = None,
    code: str | None = None,
) -> Preview | list[Problem]:
    """The text for one contact with its exact cost, or every problem that stops it."""
    try:
        compiled = template if isinstance(template, Template) else Template(template)
    except TemplateSyntaxError as error:
        return [Problem(str(error))]
    missing = compiled.missing(contact, event, code)
    if missing:
        return [Problem(str(m), m.contact, m.placeholder) for m in missing]
    who = contact_label(contact)
    try:
        text = compiled.render(contact, event, code)
    except TemplateError as error:
        return [Problem(str(error), who)]
    except ValueError as error:  # a language Babel cannot write in
        return [Problem(f"{who}: {error}", who)]
    counted = count(text)
    if counted.parts == 0:
        return [Problem(f"{who}: the text is empty", who)]
    if counted.parts > MAX_PARTS_DEFAULT:
        limit = f"more than the {MAX_PARTS_DEFAULT} parts a message may have"
        return [Problem(f"{who}: the text takes {counted.parts} parts, {limit}", who)]
    because = ucs2_because(text) if counted.encoding == "ucs2" else None
    return Preview(who, text, counted.encoding, counted.parts, counted.units, counted.left, because)


def check(
    template: Template | str,
    contexts: Iterable[tuple[Mapping, Mapping | None, str | None]],
) -> Check:
    """``preview`` for each (contact, event, code) of a sample: all problems, all costs."""
    try:
        compiled = template if isinstance(template, Template) else Template(template)
    except TemplateSyntaxError as error:
        return Check((), (Problem(str(error)),))
    previews: list[Preview] = []
    problems: list[Problem] = []
    for contact, event, code in contexts:
        result = preview(compiled, contact, event, code)
        if isinstance(result, Preview):
            previews.append(result)
        else:
            problems.extend(result)
    return Check(tuple(previews), tuple(problems))


def renderer(template: Template, event: Mapping | None = None):
    """``render`` for a campaign's expansion: a contact's text (about ``event`` if given, with
    the code the store gave the person as ``contact["code"]``), or ``ValueError`` naming why it
    cannot be made (a missing value, a language Babel cannot write in); the store skips that
    person with the reason, and counts the text's parts itself (one count a person)."""

    def render(contact: Mapping) -> str:
        return template.render(contact, event, contact.get("code"))

    return render
