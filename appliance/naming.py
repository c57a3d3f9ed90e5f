"""What a modem's or a SIM's name, and a SIM's typed number, may look like: the one check the
panel, the API and ``smsrelay modem name`` share, so that each says the same words.

A name is what a volunteer reads on a card and in the reasons ("SIM Orange 2 pauses 40 s"):
printable text of at most ``MAX_NAME`` characters once its spaces are tidied; an empty one
removes the name. A typed number is read as any recipient is (``numbers.normalise``, the
appliance's region) and kept in E.164.
"""

from __future__ import annotations

import unicodedata

from .numbers import InvalidRecipient, is_short_code, normalise

MAX_NAME = 64  # the columns' length (revision 0017)


class BadName(ValueError):
    """A name or number that cannot be kept; ``field`` says which, the message why."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


def checked_name(text: str | None, field: str = "name") -> str | None:
    """The name to keep (spaces tidied), or None to remove it; BadName otherwise."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise BadName(field, "must be text")
    name = " ".join(text.split())
    if not name:
        return None
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise BadName(field, "contains a control or invisible character")
    if len(name) > MAX_NAME:
        raise BadName(field, f"is {len(name)} characters long; at most {MAX_NAME}")
    return name


def checked_number(text: str | None, region: str, field: str = "sim_number") -> str | None:
    """The SIM's number as typed, in E.164, or None to remove it; BadName otherwise."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        raise BadName(field, "must be a phone number as text")
    try:
        number = normalise(text, region)
    except InvalidRecipient as exc:
        raise BadName(field, exc.why) from None
    if is_short_code(number):
        raise BadName(field, f"{text!r} is a short code, not a SIM's phone number")
    return number
