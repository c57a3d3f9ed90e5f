"""What stops a campaign's text, in the reader's language (issue 16).

``appliance.campaigns.templates`` and ``.previews`` say in English what is wrong with a text
("{fields.ville}: no such field for Alice Martin (+33612345678); known: fields.groupe"), and
``appliance.campaigning`` passes those words on inside its refusals: the API's and the CLI's
words, kept as they are. The panel shows them on the campaign pages (the preview's problems
and warnings, a form's refusal) and says each again here by its shape, as ``web.reasons`` does
the daemon's reasons: a pattern with named values, its msgid, the values kept (a placeholder, a
contact's name and number, a count). A value that is itself the appliance's words (a contact
with no name, "none", "start time") is said in the reader's language by ``value_words``.
``web.events_file_words`` does the same for an events file and its schedule.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import get_locale
from flask_babel import gettext as _

from appliance.status import N_

# appliance.campaigns.templates.contact_label, when a contact has neither number nor name
NO_NAME = N_("a contact with no name or number")
# what a contact or an event lacks (templates._EVENT_WORDS and a fixed placeholder's name)
MISSING = {
    "id": N_("id"),
    "place": N_("place"),
    "date": N_("date"),
    "start time": N_("start time"),
    "end time": N_("end time"),
    "area": N_("area"),
    "first name": N_("first name"),
    "last name": N_("last name"),
}
UNITS = {"septets": N_("septets"), "UTF-16 units": N_("UTF-16 units")}  # previews._UNIT
HINT = r"write \{\{ or \}\} for a literal brace"
PATH = r"\{(?P<path>[\w.]+)\}"
CONTACT = r"(?P<contact>.+)"
NAMED_CHAR = re.compile(r"(?P<char>'.+') \((?P<name>[A-Z0-9 -]+)\)\Z")  # previews.ucs2_because

CAMPAIGN_PROBLEMS: tuple[tuple[str, str], ...] = (
    # a text that cannot be compiled (templates.TemplateSyntaxError): its line and column
    (r"line (?P<line>\d+), column (?P<column>\d+): (?P<why>.*)",
     N_("line %(line)s, column %(column)s: %(why)s")),
    (r"a '\}' closes nothing; " + HINT,
     N_("a '}' closes nothing; write {{ or }} for a literal brace")),
    (r"this '\{' is never closed; " + HINT,
     N_("this '{' is never closed; write {{ or }} for a literal brace")),
    (r"(?P<written>.+): templates have no Jinja blocks or comments; " + HINT,
     N_("%(written)s: templates have no Jinja blocks or comments; write {{ or }} for a "
        "literal brace")),
    (r"(?P<written>.+) is not a placeholder; write one such as \{first_name\}, or " + HINT,
     N_("%(written)s is not a placeholder; write one such as {first_name}, or write {{ or }} "
        "for a literal brace")),
    (r"(?P<written>.+): no name may start with '_'", N_("%(written)s: no name may start with '_'")),
    (PATH + r": no such field; known: (?P<known>.*)",
     N_("{%(path)s}: no such field; known: %(known)s")),
    (r"write " + PATH + r" with one brace each side \(\{\{ is a literal brace\)",
     N_("write {%(path)s} with one brace each side ({{ is a literal brace)")),
    # a value missing for one contact or its event (templates.Template.missing)
    (PATH + r": no event is given for this text",
     N_("{%(path)s}: no event is given for this text")),
    (PATH + r": no such field for event (?P<event>.+); known: (?P<known>.*)",
     N_("{%(path)s}: no such field for event %(event)s; known: %(known)s")),
    (PATH + r": no such field for " + CONTACT + r"; known: (?P<known>.*)",
     N_("{%(path)s}: no such field for %(contact)s; known: %(known)s")),
    (PATH + r": event (?P<event>.+) has no (?P<missing>id|place|date|start time|end time|area)",
     N_("{%(path)s}: event %(event)s has no %(missing)s")),
    (PATH + r": no code is given for " + CONTACT,
     N_("{%(path)s}: no code is given for %(contact)s")),
    (PATH + r": " + CONTACT + r" has no (?P<missing>first name|last name)",
     N_("{%(path)s}: %(contact)s has no %(missing)s")),
    # a text that cannot be sent as it is made (previews.preview)
    (CONTACT + r": the text is empty", N_("%(contact)s: the text is empty")),
    (CONTACT + r": the text takes (?P<parts>\d+) parts, more than the (?P<max>\d+) parts a "
     r"message may have",
     N_("%(contact)s: the text takes %(parts)s parts, more than the %(max)s parts a message "
        "may have")),
    (CONTACT + r": (?P<language>'[^']*') is not a language we can write dates in",
     N_("%(contact)s: %(language)s is not a language we can write dates in")),
    (r"(?P<language>'[^']*') is not a language we can write dates in",
     N_("%(language)s is not a language we can write dates in")),
    # a text that costs more than one plain SMS (previews.Preview.warning)
    (CONTACT + r": UCS-2 because of (?P<char>.+) at character (?P<at>\d+), (?P<parts>\d+) parts "
     r"\((?P<units>\d+) (?P<unit>septets|UTF-16 units)\)",
     N_("%(contact)s: UCS-2 because of %(char)s at character %(at)s, %(parts)s parts "
        "(%(units)s %(unit)s)")),
    (CONTACT + r": UCS-2 because of (?P<char>.+) at character (?P<at>\d+)",
     N_("%(contact)s: UCS-2 because of %(char)s at character %(at)s")),
    (CONTACT + r": (?P<parts>\d+) parts \((?P<units>\d+) (?P<unit>septets|UTF-16 units)\)",
     N_("%(contact)s: %(parts)s parts (%(units)s %(unit)s)")),
    # a campaign's moves and forms past web.refusals' (appliance.campaigning, appliance.store)
    (r"campaign (?P<name>'.*') runs from an events file: import it with new texts",
     N_("campaign %(name)s runs from an events file: import it with new texts")),
    (r"a campaign named (?P<name>'.*') exists already",
     N_("a campaign named %(name)s exists already")),
    (r"a new events campaign needs an invitation or a reminder text",
     N_("a new events campaign needs an invitation or a reminder text")),
    (r"(?P<text>'.*') is not a time \(18:00\)", N_("%(text)s is not a time (18:00)")),
    (r"event (?P<event>.+) \(line (?P<line>\d+)\): (?P<why>.*)",
     N_("event %(event)s (line %(line)s): %(why)s")),
)  # fmt: skip


def value_words(name: str, value: str, again=None) -> str | None:
    """A value of these shapes that is the appliance's own words, in the reader's language;
    None for a value of another name (``web.reasons`` says it). ``again``: unused here, the
    hooks' common signature (``web.reasons.VALUE_HOOKS``)."""
    if name == "contact":
        return _(NO_NAME) if value == NO_NAME else value
    if name == "known":
        return _("none") if value == "none" else value
    if name == "missing":
        return _(MISSING[value]) if value in MISSING else value
    if name == "unit":
        return _(UNITS[value]) if value in UNITS else value
    if name == "char":
        return char_words(value)
    return None


def char_words(value: str) -> str:
    """``'🙂' (SLIGHTLY SMILING FACE)``: Unicode's names are English only, so another reader gets
    the character's code point instead (``'🙂' (U+1F642)``), which names it as exactly."""
    found = NAMED_CHAR.match(value)
    locale = get_locale()
    if found is None or locale is None or locale.language == "en":
        return value
    try:
        char = unicodedata.lookup(found["name"])
    except KeyError:
        return value
    return f"{found['char']} (U+{ord(char):04X})"
