"""The phone number an email is about, read from its subject.

A forwarded SMS is mailed as "SMS from +33612345678"; the reply comes back as "Re: SMS from
+33612345678", "RE: TR: SMS from +33 6 12 34 56 78" or a subject someone typed ("SMS
0612345678"). ``phonenumbers``' matcher finds the numbers in the text as people write them
(spaces, dots, brackets, national form in the configured region); the subject must name exactly
one valid number, since guessing between two would text the wrong person.
"""

from __future__ import annotations

import phonenumbers

from appliance.language import N_, Language

NONE = N_("the subject %(subject)s names no phone number")
SEVERAL = N_("the subject %(subject)s names several numbers: %(numbers)s")


class NoNumber(ValueError):
    """A subject naming no number, or several; the message says which (``said``: in a
    language, for the person told by email)."""

    def __init__(self, msgid: str, **values: str) -> None:
        super().__init__(msgid % values)
        self.msgid = msgid
        self.values = values

    def said(self, language: Language) -> str:
        return language.gettext(self.msgid) % self.values


def number_in(subject: str, region: str) -> str:
    """The one valid number of ``subject``, in E.164; NoNumber otherwise."""
    found = {
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(
            subject, region, leniency=phonenumbers.Leniency.VALID
        )
    }
    if not found:
        raise NoNumber(NONE, subject=repr(subject))
    if len(found) > 1:
        raise NoNumber(SEVERAL, subject=repr(subject), numbers=", ".join(sorted(found)))
    return found.pop()
