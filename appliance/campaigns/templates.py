"""A campaign's message template: written by people, compiled once, rendered per contact.

People write single braces: "Bonjour {first_name}, collecte {event.date} à {event.place} de
{event.start} à {event.end}. Code {code}". The placeholders are:

- ``{first_name}``, ``{last_name}``, ``{code}`` (the recipient's unique code);
- ``{event.id}``, ``{event.place}``, ``{event.date}``, ``{event.start}``, ``{event.end}``,
  ``{event.area}`` (an events file's ``Event.as_dict()`` is such an event);
- ``{fields.NAME}``: a free field of the contact (a column of its contacts file), and
  ``{event.fields.NAME}``: a free field of the event. NAME is compared as the contacts import
  compares headers, ignoring case, accents, spaces and punctuation: ``{fields.ville}`` is the
  column "Ville", ``{fields.groupe_sanguin}`` the column "Groupe sanguin".

``{{`` and ``}}`` write a literal brace. Anything else between braces is refused when the
template is compiled, with its line and column: there are no Jinja blocks, comments,
expressions or filters to reach, so a text with "{%" or ``{ ''.__class__ }`` executes nothing.

Why Jinja underneath, when the scanner here already knows every placeholder: the text that
reaches Jinja is built from checked pieces only, and Jinja's ``SandboxedEnvironment`` with
``StrictUndefined`` is the second wall, should the scanner ever let something through. Its
delimiters are the single braces people write, so the compiled source reads as the template.

A missing value (a contact without a first name, an event without an end time, a free field
another contact has) is found by ``preview`` and ``check`` with the placeholder and the contact
named, so that it is fixed before a campaign starts, never discovered while sending. ``render``
raises ``MissingValue`` with the same words if it meets one anyway.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from . import local_dates

FIXED = (
    "first_name",
    "last_name",
    "code",
    "event.id",
    "event.place",
    "event.date",
    "event.start",
    "event.end",
    "event.area",
)
_EVENT_WORDS = {
    "id": "id",
    "place": "place",
    "date": "date",
    "start": "start time",
    "end": "end time",
    "area": "area",
}
_EVENT_KEYS = tuple(_EVENT_WORDS)
_FIELDS = re.compile(r"(event\.)?fields\.(\w+)")
_PATH = re.compile(r"\w+(?:\.\w+)*")
_HINT = "write {{ or }} for a literal brace"

_ENV = SandboxedEnvironment(
    variable_start_string="{",
    variable_end_string="}",
    # Unreachable: the source given to Jinja never holds a brace outside a checked placeholder.
    block_start_string="{%\x00",
    block_end_string="\x00%}",
    comment_start_string="{#\x00",
    comment_end_string="\x00#}",
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    cache_size=0,
)
# A text's placeholders never name a global (``_scan`` lets through checked paths only), and
# Jinja copies the globals' names into each rendering's context: with none, a campaign of
# 100,000 saves about a tenth of its rendering.
_ENV.globals.clear()


class TemplateError(ValueError):
    """A template that cannot be used as written; ``str()`` is the sentence to show."""


class TemplateSyntaxError(TemplateError):
    """The text itself is wrong: the message names the line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line, self.column = line, column


class MissingValue(TemplateError):
    """A placeholder with nothing to put in it for one contact (or its event)."""

    def __init__(self, message: str, placeholder: str, contact: str) -> None:
        super().__init__(message)
        self.placeholder, self.contact = placeholder, contact


@dataclass(frozen=True)
class Placeholder:
    path: str  # as written, e.g. "event.date" or "fields.ville"
    line: int
    column: int

    @property
    def field(self) -> str | None:
        """The folded free-field name for ``fields.X`` and ``event.fields.X``, else None."""
        match = _FIELDS.fullmatch(self.path)
        return fold(match.group(2)) if match else None


@lru_cache(maxsize=4096)
def fold(name: str) -> str:
    """A free field's name as compared: no accents, case, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def contact_label(contact: Mapping) -> str:
    """How errors and warnings name a contact: its number, else its names."""
    names = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
    number = contact.get("number")
    if number and names:
        return f"{names} ({number})"
    return str(number or names or "a contact with no name or number")


class Template:
    """A template compiled once (``TemplateSyntaxError`` if it cannot be), then rendered for
    each contact with ``render``; about 30 µs a contact for a usual text."""

    def __init__(self, text: str) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.placeholders, source = _scan(self.text)
        self._compiled = _ENV.from_string(source)
        self._uses_event = any(p.path.startswith("event.") for p in self.placeholders)
        self._uses_fields = any(p.path.startswith("fields.") for p in self.placeholders)

    def render(
        self, contact: Mapping, event: Mapping | None = None, code: str | None = None
    ) -> str:
        """The text for one contact; ``MissingValue`` naming the placeholder and the contact
        when a value is missing, ``ValueError`` for a language no date can be written in."""
        language = contact.get("language") or None
        context = {
            "first_name": contact.get("first_name") or None,
            "last_name": contact.get("last_name") or None,
            "code": code or None,
        }
        if self._uses_fields:
            context["fields"] = _values(contact.get("fields"), language)
        if self._uses_event and event is not None:
            context["event"] = _event_values(event, language)
        try:
            return self._compiled.render({k: v for k, v in context.items() if v is not None})
        except UndefinedError as error:
            found = self.missing(contact, event, code)
            who = contact_label(contact)
            raise (found[0] if found else MissingValue(str(error), "", who)) from None

    def missing(
        self, contact: Mapping, event: Mapping | None = None, code: str | None = None
    ) -> list[MissingValue]:
        """Every placeholder that has no value for this contact, each as its error."""
        who = contact_label(contact)
        fields = {fold(k): v for k, v in (contact.get("fields") or {}).items() if _has(v)}
        event_fields = {fold(k): v for k, v in ((event or {}).get("fields") or {}).items()}
        event_fields = {k: v for k, v in event_fields.items() if _has(v)}
        problems: list[MissingValue] = []
        for placeholder in self.placeholders:
            path = placeholder.path
            if path.startswith("event.") and event is None:
                reason = "no event is given for this text"
            elif path.startswith("event.fields."):
                if placeholder.field in event_fields:
                    continue
                known = ", ".join(f"event.fields.{k}" for k in sorted(event_fields)) or "none"
                reason = f"no such field for event {event.get('id')!r}; known: {known}"
            elif path.startswith("fields."):
                if placeholder.field in fields:
                    continue
                known = ", ".join(f"fields.{k}" for k in sorted(fields)) or "none"
                reason = f"no such field for {who}; known: {known}"
            elif path.startswith("event."):
                if _has(event.get(path[6:])):
                    continue
                reason = f"event {event.get('id')!r} has no {_EVENT_WORDS[path[6:]]}"
            elif path == "code":
                if code:
                    continue
                reason = f"no code is given for {who}"
            elif _has(contact.get(path)):
                continue
            else:
                reason = f"{who} has no {path.replace('_', ' ')}"
            problems.append(MissingValue(f"{{{path}}}: {reason}", path, who))
        return problems


def _has(value: object) -> bool:
    return value is not None and value != ""


def _text(value: object, language: str | None) -> str:
    """A value as the contact reads it: dates and times in its language."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.date):
        return local_dates.date_text(value, language)
    if isinstance(value, datetime.time):
        return local_dates.time_text(value, language)
    if isinstance(value, float):
        return local_dates.number_text(value, language)
    return str(value)


def _values(fields: Mapping | None, language: str | None) -> dict[str, str]:
    return {fold(k): _text(v, language) for k, v in (fields or {}).items() if _has(v)}


def _event_values(event: Mapping, language: str | None) -> dict[str, object]:
    values: dict[str, object] = {
        key: _text(event[key], language) for key in _EVENT_KEYS if _has(event.get(key))
    }
    values["fields"] = _values(event.get("fields"), language)
    return values


def _scan(text: str) -> tuple[tuple[Placeholder, ...], str]:
    """The placeholders of ``text`` and the Jinja source made of checked pieces only."""
    placeholders: list[Placeholder] = []
    source: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char not in "{}":
            literal.append(char)
            i += 1
            continue
        if text.startswith(char * 2, i):
            _refuse_jinja_habit(text, i)
            literal.append('{ "{" }' if char == "{" else '{ "}" }')
            i += 2
            continue
        if char == "}":
            raise _error(text, i, f"a '}}' closes nothing; {_HINT}")
        end = text.find("}", i + 1)
        opened = text.find("{", i + 1)
        if end < 0 or 0 <= opened < end or "\n" in text[i:end]:
            raise _error(text, i, f"this '{{' is never closed; {_HINT}")
        placeholder = _placeholder(text, i, text[i + 1 : end])
        placeholders.append(placeholder)
        source.append("".join(literal))
        literal.clear()
        source.append("{ " + _jinja_expression(placeholder) + " }")
        i = end + 1
    source.append("".join(literal))
    return tuple(placeholders), "".join(source)


def _placeholder(text: str, at: int, inside: str) -> Placeholder:
    line, column = _position(text, at)
    path = inside.strip()
    written = "{" + inside + "}"
    if path[:1] in ("%", "#"):
        raise _error(text, at, f"{written!r}: templates have no Jinja blocks or comments; {_HINT}")
    if not _PATH.fullmatch(path):
        raise _error(
            text, at, f"{written!r} is not a placeholder; write one such as {{first_name}}, "
            f"or {_HINT}"
        )  # fmt: skip
    if any(part.startswith("_") for part in path.split(".")):
        raise _error(text, at, f"{written!r}: no name may start with '_'")
    if path not in FIXED and not _FIELDS.fullmatch(path):
        known = ", ".join(FIXED) + ", fields.NAME, event.fields.NAME"
        raise _error(text, at, f"{{{path}}}: no such field; known: {known}")
    return Placeholder(path, line, column)


def _jinja_expression(placeholder: Placeholder) -> str:
    """Subscripts only (``event["place"]``): Jinja tries an item before an attribute, and
    every key is a checked word, so no attribute of a Python object is ever looked up."""
    path = placeholder.path
    if placeholder.field is not None:
        prefix = 'event["fields"]' if path.startswith("event.") else "fields"
        return f'{prefix}["{placeholder.field}"]'
    if path.startswith("event."):
        return f'event["{path[6:]}"]'
    return path


def _refuse_jinja_habit(text: str, at: int) -> None:
    """``{{first_name}}`` is Jinja's way and would print the braces: say how to write it."""
    if text[at] != "{":
        return
    end = text.find("}}", at + 2)
    inside = text[at + 2 : end].strip() if end > 0 else ""
    if inside in FIXED or _FIELDS.fullmatch(inside):
        advice = f"write {{{inside}}} with one brace each side ({{{{ is a literal brace)"
        raise _error(text, at, advice)


def _position(text: str, at: int) -> tuple[int, int]:
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _error(text: str, at: int, message: str) -> TemplateSyntaxError:
    return TemplateSyntaxError(message, *_position(text, at))
