"""Recipients as people type them, turned into the one form the store and the modem use: E.164.

``06 12 34 56 78`` (region FR), ``0033 6 12 34 56 78``, ``+33 (0)6.12.34.56.78`` and
``+33612345678`` are one recipient; storing them all as ``+33612345678`` is what lets caps,
opt-outs and replies find the same contact whichever way the number was typed.

Why ``is_possible_number`` and not ``is_valid_number``: validity depends on the number ranges
in the ``phonenumbers`` metadata, and a range opened by an operator last month would be refused
until the package is updated on the appliance. "Possible" checks only the lengths a country uses,
which catches typos (a digit missing or doubled) without rejecting real new numbers. One typo
slips through lengths alone: ``06 12 34 56 7`` has a digit missing, so ``phonenumbers`` cannot
strip the trunk prefix ``0`` and keeps ``061234567``, whose nine digits are a possible length for
France. A number that still begins with its country's trunk prefix is therefore also checked
against the country's general number shape (for France: nine digits, the first not 0), which is
broad enough not to depend on which ranges are open.

Short codes (3 to 6 digits, no ``+``: "36180" for an operator's service, "38200" for a
keyword reply) are not phone numbers of any country; they are returned as their digits and the
network routes them. A national number of 3 to 6 digits is therefore taken as a short code: in
the few countries whose own numbers are that short (Ascension, Niue, the Faroe Islands...), write
them with ``+`` and the country code. But digits that begin with the region's trunk prefix
(``06 12 34`` in France) are a number cut short, refused as too short: a short code never begins
with it. Whether a message may go to a short code or a premium-rate number at all is the send
path's rule (``outbox``, ``[security]`` in the config), not this module's.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat, ValidationResult

SHORT_CODE_DIGITS = range(3, 7)
E164_MAX_DIGITS = 15
_SEPARATORS = frozenset(".-()/")


class InvalidRecipient(ValueError):
    """A recipient that is not a number an SMS can be sent to; ``why`` says it in plain words."""

    def __init__(self, number: str, why: str) -> None:
        super().__init__(f"cannot send to {number!r}: {why}")
        self.number = number
        self.why = why


# The ASCII characters ``_compact`` drops: spaces of every kind and the separators.
_ASCII_DROPPED = {c: None for c in range(128) if chr(c).isspace() or chr(c) in _SEPARATORS}
_ASCII_COMPACT = re.compile(r"\+?[0-9]*")


def _compact(number: str) -> str:
    """Digits with an optional leading ``+``; separators dropped, anything else refused.

    Unicode digits (full-width, Arabic-Indic) become ASCII and any Unicode space is a separator:
    numbers pasted from a spreadsheet carry non-breaking spaces.

    Most numbers are ASCII digits and separators: for them one ``translate`` gives what the
    character loop below gives (a large import calls this once a row); anything else, or
    anything the loop would refuse, goes through the loop, which says what is wrong.
    """
    stripped = number.strip()
    if stripped.isascii():
        plain = stripped.translate(_ASCII_DROPPED)
        if _ASCII_COMPACT.fullmatch(plain):
            return plain
    return _compact_each(number)


def _compact_each(number: str) -> str:
    """``_compact`` one character at a time."""
    out: list[str] = []
    for char in number.strip():
        if char.isdecimal():
            out.append(str(int(char)))
        elif char.isspace() or char in _SEPARATORS:
            continue
        elif char == "+" and not out:
            out.append("+")
        elif char == "+":
            raise InvalidRecipient(number, "a '+' may only stand at the start")
        elif char.isalpha():
            raise InvalidRecipient(number, "it contains letters; an SMS goes to digits only")
        else:
            raise InvalidRecipient(number, f"it contains {char!r}, which is not part of a number")
    return "".join(out)


def _country(code: int) -> str:
    region = phonenumbers.region_code_for_country_code(code)
    return f"+{code}" if region in ("ZZ", "001") else f"+{code} ({region})"


def _kept_trunk_prefix(parsed: phonenumbers.PhoneNumber) -> bool:
    """True when the number begins with its country's trunk prefix yet is not shaped like one of
    its numbers: the prefix was left in because what follows it had the wrong length."""
    region = phonenumbers.region_code_for_country_code(parsed.country_code)
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or not metadata.national_prefix:
        return False
    significant = phonenumbers.national_significant_number(parsed)
    shape = metadata.general_desc.national_number_pattern
    return significant.startswith(metadata.national_prefix) and not re.fullmatch(shape, significant)


def _begins_with_trunk_prefix(digits: str, region: str) -> bool:
    """Whether ``digits`` begin with the region's trunk prefix ("0" in France): then they are the
    start of a national number cut short (``06 12 34``), never a short code, which does not
    begin with it."""
    metadata = PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata is not None else None
    return bool(prefix) and digits.startswith(prefix)


_LENGTH_PROBLEMS = {
    ValidationResult.TOO_SHORT: "it is too short for a number of {where}",
    ValidationResult.TOO_LONG: "it is too long for a number of {where}",
    ValidationResult.INVALID_LENGTH: "it does not have the length of a number of {where}",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "it is too short for a number of {where}: is the area code missing?"
    ),
    ValidationResult.INVALID_COUNTRY_CODE: "{where} is not a country code",
}

_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: "the country code after '+' does not exist",
    NumberParseException.NOT_A_NUMBER: "it is not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short",
    NumberParseException.TOO_SHORT_NSN: "it is too short",
    NumberParseException.TOO_LONG: "it is too long",
}


def normalise(number: str, region: str) -> str:
    """Return ``number`` in E.164 (``+33612345678``), or a short code as its digits.

    ``region`` (ISO 3166 alpha-2, e.g. "FR") says which country a number without ``+`` or
    ``00`` belongs to. A leading ``00`` is read as the international prefix whatever the region,
    because that is how people in Europe write foreign numbers. Raises ``InvalidRecipient``.
    """
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {region!r}: expected an ISO 3166 code such as 'FR'")
    compact = _compact(number)
    if not compact or compact == "+":
        raise InvalidRecipient(number, "it is empty" if not compact else "it has no digits")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif (
        not compact.startswith("+")
        and len(compact) in SHORT_CODE_DIGITS
        and not _begins_with_trunk_prefix(compact, region)
    ):
        return compact
    if len(compact.lstrip("+")) > E164_MAX_DIGITS + 2:  # room for a trunk prefix like (0)
        raise InvalidRecipient(number, f"it is too long (at most {E164_MAX_DIGITS} digits)")
    try:
        parsed = phonenumbers.parse(compact, region)
    except NumberParseException as error:
        raise InvalidRecipient(number, _PARSE_PROBLEMS.get(error.error_type, str(error))) from None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != ValidationResult.IS_POSSIBLE:
        where = _country(parsed.country_code)
        raise InvalidRecipient(number, _LENGTH_PROBLEMS[reason].format(where=where))
    if _kept_trunk_prefix(parsed):
        where = _country(parsed.country_code)
        raise InvalidRecipient(
            number, f"it does not have the length of a number of {where} (a digit missing?)"
        )
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def is_short_code(recipient: str) -> bool:
    """Whether a normalised recipient is a short code (digits without ``+``)."""
    return not recipient.startswith("+")


def is_premium_rate(recipient: str) -> bool:
    """Whether a normalised E.164 number is premium-rate (``+33 8 99…``) by the metadata of
    ``phonenumbers``: a paid line a message should not reach by a typo."""
    if is_short_code(recipient):
        return False
    parsed = phonenumbers.parse(recipient)
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.PREMIUM_RATE
