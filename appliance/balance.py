"""Reading the amount in an operator's answer to a balance query (issue 13), as people get them:

    "Votre solde est de 12,50 EUR."          12.5 EUR
    "Balance: 3.20 GBP"                      3.2 GBP
    "Your balance is £3.20. Top up at..."    3.2 GBP
    "Solde: 10.5€ valable jusqu'au 31/12"    10.5 EUR (the date is no amount)
    "Il vous reste 2,5 Go et 12,00 €"        12.0 EUR (money before data)
    "Credit principal 1 234,56 FCFA"         1234.56 FCFA
    "Ihr Guthaben beträgt 4,99 EUR"          4.99 EUR
    "Solde 7,20 jusqu'au 01/01/2027"         7.2 (no currency given)

Operators word them as they like, in every language, so this reads no sentence: it finds the
numbers (not the ones of dates, times, percentages or codes like ``*123#``), reads each in
either convention (``1 234,56``, ``1,234.56``, ``12,50``, ``3.20``: the last separator is the
decimal one when both are there; one separator before exactly three digits groups thousands,
except in a currency with three decimals, ``12,500 TND``), and takes the one a currency stands
next to (a symbol, an ISO 4217 code in capitals as Babel lists them, or a word such as "euros"
or "FCFA"), the first after a word that says balance (solde, crédit, balance, saldo...) when
there are several. With no currency anywhere, the first number after such a word that no unit
follows (2 Go, 45 SMS, 120 min) is the amount. Otherwise there is none, and the answer is
shown as it came: a wrong amount would be worse than none, since it decides the low-credit
alarm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

# Symbols and words that name a currency, folded (lower case, no accents); None keeps the
# symbol as written ("$" is the dollar of several countries).
_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₦": "NGN",
    "₺": "TRY",
    "₽": "RUB",
    "₴": "UAH",
    "₱": "PHP",
    "₩": "KRW",
    "₪": "ILS",
    "₫": "VND",
    "₵": "GHS",
    "$": None,
}
_WORDS = {
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "fcfa": "FCFA",
    "cfa": "FCFA",
    "dh": "MAD",
    "dhs": "MAD",
    "dirham": "MAD",
    "dirhams": "MAD",
    "da": "DZD",
    "dinar": "DZD",
    "dinars": "DZD",
    "dollar": None,
    "dollars": None,
    "pounds": "GBP",
    "chf": "CHF",
    "fr": None,
    "ar": "MGA",
    "ariary": "MGA",
    "leva": "BGN",
    "lei": "RON",
    "zl": "PLN",
    "kc": "CZK",
    "kr": None,
    "rs": "INR",
    "ksh": "KES",
    "tsh": "TZS",
}
# Words that say "your balance", folded.
_BALANCE_WORDS = ("solde", "credit", "balance", "bal", "saldo", "guthaben", "restant", "reste",
                  "remaining", "compte", "account", "main", "principal")  # fmt: skip
# Units that make a number something other than money, folded.
_UNITS = frozenset({"sms", "mms", "min", "mn", "mins", "minutes", "minute", "h", "s", "sec",
                    "go", "mo", "ko", "gb", "mb", "kb", "to", "tb", "jours", "jour", "days",
                    "day", "j", "pts", "points", "appels", "calls", "%"})  # fmt: skip

_SPACE = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"(?<![\d.,#*+_])"
    r"(?P<sign>[-\u2212]\s?)?"
    rf"(?P<body>\d{{1,3}}(?:[{_SPACE}'\u2019]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Balance:
    """An amount read in a balance answer; ``currency`` is an ISO 4217 code where it is sure,
    the word or symbol as written otherwise ("FCFA", "$"), or None when the answer names none."""

    amount: float
    currency: str | None


@dataclass(frozen=True)
class _Found:
    start: int
    body: str
    negative: bool
    currency: str | None
    unit: bool  # a unit follows it (2 Go, 45 SMS)


def read_balance(answer: str | None) -> Balance | None:
    """The amount in an operator's balance answer, or None when none can be told for sure."""
    if not answer:
        return None
    text = unicodedata.normalize("NFKC", answer).replace("\u2212", "-")
    found = list(_numbers(text))
    if not found:
        return None
    keyword_at = _balance_word_end(text)
    money = [item for item in found if item.currency is not None]
    after = [item for item in money if keyword_at is not None and item.start >= keyword_at]
    if money:
        chosen = (after or money)[0]
    else:
        if keyword_at is None:
            return None
        plain = [item for item in found if item.start >= keyword_at and not item.unit]
        if not plain:
            return None
        chosen = plain[0]
    amount = _value(chosen.body, chosen.currency)
    if amount is None:
        return None
    return Balance(-amount if chosen.negative else amount, _shown(chosen.currency))


def _numbers(text: str):
    """Every number of ``text`` that may be an amount, with what stands next to it."""
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before, after = text[max(start - 2, 0) : start], text[end : end + 2]
        if _joins_digits(before[::-1]) or _joins_digits(after):
            continue  # a date (31/12, 2026-12-31), a time (10:30)
        currency = _currency_after(text, end) or _currency_before(text, start)
        glued = after[:1].isalpha() or before[-1:].isalpha()  # 4G, B12: a name, not a number
        if glued and currency is None:
            continue
        unit = currency is None and _unit_after(text, end)
        yield _Found(start, match["body"], bool(match["sign"]), currency, unit)


def _joins_digits(pair: str) -> bool:
    """``pair`` starts with a / : or - and goes on with a digit."""
    return len(pair) == 2 and pair[0] in "/:-" and pair[1].isdigit()


def _currency_after(text: str, end: int) -> str | None:
    rest = text[end:].lstrip(_SPACE)
    if rest[:1] in _SYMBOLS:
        return rest[:1]
    if rest[:5].upper().replace(" ", "") == "FCFA" or rest[:5].upper() == "F CFA":
        return "FCFA"
    word = _WORD.match(rest)
    return _currency_word(word.group()) if word else None


def _currency_before(text: str, start: int) -> str | None:
    head = text[:start].rstrip(_SPACE)
    if head[-1:] in _SYMBOLS:
        return head[-1:]
    words = _WORD.findall(head[-12:])
    if not words or not head.endswith(words[-1]):
        return None
    return _currency_word(words[-1])


def _currency_word(word: str) -> str | None:
    """A word that names a currency: an ISO code in capitals, or one of ``_WORDS``."""
    if len(word) == 3 and word.isupper() and word in _iso_codes():
        return word
    folded = _fold(word)
    return folded if folded in _WORDS else None


def _unit_after(text: str, end: int) -> bool:
    rest = text[end:].lstrip(_SPACE)
    if rest[:1] == "%":
        return True
    word = _WORD.match(rest)
    return bool(word) and _fold(word.group()) in _UNITS


def _balance_word_end(text: str) -> int | None:
    """Where the first word saying "balance" ends, or None."""
    for word in _WORD.finditer(text):
        if _fold(word.group()) in _BALANCE_WORDS:
            return word.end()
    return None


def _value(body: str, currency: str | None) -> float | None:
    digits = "".join(c for c in body if c not in _SPACE + "'\u2019")
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        digits = digits.replace(grouping, "")
    elif dots + commas > 1:
        separator = "." if dots else ","
        groups = digits.split(separator)
        if any(len(group) != 3 for group in groups[1:]):
            return None  # 1.2.3: no number anyone writes
        digits = "".join(groups)
        decimal = None
    elif dots + commas == 1:
        decimal = "." if dots else ","
        whole, _, fraction = digits.partition(decimal)
        three_decimals = _precision(currency) == 3
        if len(fraction) == 3 and whole.lstrip("0") and not three_decimals:
            digits, decimal = whole + fraction, None  # 1,234: thousands
    else:
        decimal = None
    if decimal == ",":
        digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def _precision(currency: str | None) -> int | None:
    code = _shown(currency)
    if code is None or code not in _iso_codes():
        return None
    return get_currency_precision(code)


def _shown(currency: str | None) -> str | None:
    """The currency as stored: the ISO code when one is sure, else as written."""
    if currency is None:
        return None
    if currency in _SYMBOLS:
        return _SYMBOLS[currency] or currency
    if currency in _WORDS:
        return _WORDS[currency] or currency.upper()
    return currency


@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))
