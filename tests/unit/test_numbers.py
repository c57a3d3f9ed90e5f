"""Recipients typed by people, normalised to E.164 (or kept as a short code), or refused."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from appliance import numbers
from appliance.numbers import InvalidRecipient, normalise

ACCEPTED = [
    # (typed, region, E.164)
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("06.12.34.56.78", "FR", "+33612345678"),
    ("06-12-34-56-78", "FR", "+33612345678"),
    ("0612345678", "FR", "+33612345678"),
    ("612345678", "FR", "+33612345678"),
    ("+33 6 12 34 56 78", "FR", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
    ("0033 6 12 34 56 78", "FR", "+33612345678"),
    ("0033612345678", "US", "+33612345678"),  # 00 is read as international everywhere
    ("  +33612345678\n", "BE", "+33612345678"),
    ("06\u00a012\u00a034\u00a056\u00a078", "FR", "+33612345678"),  # pasted from a spreadsheet
    ("\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "FR", "+33612345678"),
    ("01 42 68 53 00", "FR", "+33142685300"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("078 123 45 67", "CH", "+41781234567"),
    ("07700 900123", "GB", "+447700900123"),
    ("+44 (0)7700 900123", "FR", "+447700900123"),
    ("(650) 253-0000", "US", "+16502530000"),
    ("011 33 6 12 34 56 78", "US", "+33612345678"),  # the US international prefix
    ("0151 23456789", "DE", "+4915123456789"),
    ("+39 06 1234 5678", "FR", "+390612345678"),  # Italy keeps its leading 0
    ("8 800 123 45 67", "RU", "+78001234567"),
    ("800 123 45 67", "RU", "+78001234567"),  # begins with the trunk prefix 8, yet is whole
    ("+262 692 12 34 56", "FR", "+262692123456"),  # La Réunion
    ("06 12 34 56 78", "fr", "+33612345678"),
]


@pytest.mark.parametrize(("typed", "region", "e164"), ACCEPTED)
def test_accepted_forms(typed, region, e164):
    assert normalise(typed, region) == e164


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("36180", "36180"), ("112", "112"), ("38 200", "38200"), ("612345", "612345")],
)
def test_short_codes_are_kept_as_digits(typed, expected):
    assert normalise(typed, "FR") == expected


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("+", "no digits"),
    ("12", "too short"),
    ("1234567", "too short for a number of +33 (FR)"),
    ("06 12 34 56 7", "a digit missing"),  # the trunk prefix cannot be stripped
    ("+33 6 12 34 56 7", "too short for a number of +33 (FR)"),
    ("+33 06 12 34 56 7", "a digit missing"),
    ("06 12 34 56 78 9", "too long for a number of +33 (FR)"),
    ("+33 6 12 34 56 78 90 12 34", "too long"),
    ("+999 123 456 789", "country code"),
    ("+0612345678", "country code"),
    ("06 12 34 56 78 ext 12", "letters"),
    ("1-800-FLOWERS", "letters"),
    ("dupont@example.org", "letters"),
    ("0612345678#", "'#'"),
    ("*100#", "'*'"),
    ("06+12345678", "'+' may only stand at the start"),
    ("00", "not a phone number"),
    ("0" * 25, "too long"),
]


@pytest.mark.parametrize(("typed", "why"), REFUSED)
def test_refused_with_the_number_and_the_reason(typed, why):
    with pytest.raises(InvalidRecipient) as caught:
        normalise(typed, "FR")
    assert why in caught.value.why
    assert caught.value.number == typed
    assert repr(typed) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_local_number_without_its_area_code_is_refused_with_a_hint():
    with pytest.raises(InvalidRecipient, match="area code"):
        normalise("253 0000", "US")


def test_an_unknown_region_is_a_programming_error_not_a_bad_recipient():
    with pytest.raises(ValueError, match="unknown region") as caught:
        normalise("0612345678", "XX")
    assert not isinstance(caught.value, InvalidRecipient)


def _example(region: str) -> phonenumbers.PhoneNumber | None:
    return phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)


# The examples published in libphonenumber's metadata, one mobile number per region.
EXAMPLES = sorted(
    (region, number)
    for region in phonenumbers.SUPPORTED_REGIONS
    if (number := _example(region)) is not None
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(["national", "international", "00", "e164"]))
def test_every_region_s_example_mobile_in_every_written_form(example, form):
    region, number = example
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    typed = {
        "national": phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        "international": phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        "00": "00" + e164[1:],
        "e164": e164,
    }[form]
    digits = "".join(c for c in typed if c.isdigit())
    if form == "national" and 3 <= len(digits) <= 6:
        # Ascension (AC), Niue (NU), Tokelau (TK)...: national numbers of 4-6 digits cannot be
        # told from short codes, and are kept as dialled (documented in appliance.numbers).
        assert normalise(typed, region) == digits
    else:
        assert normalise(typed, region) == e164


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789+ .-()/#a\u00a0"), max_size=24))
def test_any_input_gives_a_number_or_invalid_recipient_and_output_is_stable(typed):
    try:
        result = normalise(typed, "FR")
    except InvalidRecipient:
        return
    assert result.startswith("+") or (result.isdigit() and 3 <= len(result) <= 6)
    assert normalise(result, "FR") == result
    assert normalise(result, "DE") == result  # the region no longer matters


# --- the fast path: ASCII numbers compacted by one translate, as the character loop does -----

BODIES = ["6 12 34 56 78", "1 42 68 53 00", "7700 900123", "470 12 34 56", "151 23456789",
          "650 253 0000", "6 12 34 56 7", "6 12 34 56 78 9", "800 123 45 67",
          "692 12 34 56"]  # fmt: skip
PREFIXES = ["", "0", "+33 ", "+33 (0)", "0033 ", "00 33 ", "+44 ", "0044 ", "+1 ", "011 33 ",
            "+262 ", "+39 0", "8 ", "+", "++", "0+", "(+33) "]  # fmt: skip
SEPARATORS = [" ", ".", "-", "", "/", "\u00a0", "\t", "\x1c", " - "]
NOISE = ["", " ", "\n", "x", "#", "ext 12", "\uff10", "\u0663", "*", "+"]
REGIONS = ["FR", "BE", "CH", "GB", "US", "DE", "RE", "IT", "RU"]


def _forms():
    """Numbers as typed: national and international forms, every separator, some noise."""
    for index, (prefix, body) in enumerate((p, b) for p in PREFIXES for b in BODIES):
        separator = SEPARATORS[index % len(SEPARATORS)]
        noise = NOISE[index % len(NOISE)]
        yield prefix + body.replace(" ", separator) + noise
        yield noise + prefix + body.replace(" ", separator)
    yield from (typed for typed, *_ in ACCEPTED)
    yield from (typed for typed, _ in REFUSED)


def _verdict(typed: str, region: str):
    try:
        return normalise(typed, region)
    except InvalidRecipient as error:
        return ("refused", error.why, str(error))


def test_the_fast_path_gives_the_character_loop_s_verdict_on_every_form(monkeypatch):
    forms = sorted(set(_forms()))
    assert len(forms) > 300
    fast = {(typed, region): _verdict(typed, region) for typed in forms for region in REGIONS}
    monkeypatch.setattr(numbers, "_compact", numbers._compact_each)
    slow = {(typed, region): _verdict(typed, region) for typed in forms for region in REGIONS}
    assert fast == slow
    assert sum(isinstance(v, str) for v in fast.values()) > 500  # many accepted...
    assert sum(isinstance(v, tuple) for v in fast.values()) > 500  # ...and many refused


def _compacted(function, typed: str):
    try:
        return function(typed)
    except InvalidRecipient as error:
        return ("refused", error.why)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789+ .-()/#a\t\n\x1c\u00a0\u0663\uff10"),
               max_size=20))  # fmt: skip
def test_compact_s_fast_path_equals_the_character_loop(typed):
    assert _compacted(numbers._compact, typed) == _compacted(numbers._compact_each, typed)
