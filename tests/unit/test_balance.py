"""Reading the amount in operators' balance answers (appliance.balance): the wordings of the
issue, French, English and German operators' styles, both decimal conventions, and the answers
that hold no amount one can be sure of."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.balance import Balance, read_balance


@pytest.mark.parametrize(
    ("answer", "amount", "currency"),
    [
        ("Votre solde est de 12,50 EUR", 12.5, "EUR"),
        ("Balance: 3.20 GBP", 3.2, "GBP"),
        ("Votre credit est de 5,00 EUR.", 5.0, "EUR"),  # the simulator's *100#
        ("Your balance is £3.20. Top up at shop.example", 3.2, "GBP"),
        ("Solde: 10.5€ valable jusqu'au 31/12/2026", 10.5, "EUR"),
        ("Il vous reste 2,5 Go et 12,00 € jusqu'au 12/05", 12.0, "EUR"),
        ("Credit principal 1 234,56 FCFA", 1234.56, "FCFA"),
        ("Ihr Guthaben beträgt 4,99 EUR", 4.99, "EUR"),
        ("Your account balance is KES 1,234.56", 1234.56, "KES"),
        ("Bal: 45 SMS, 120 min, USD 3.50", 3.5, "USD"),
        ("Saldo: $ 7.45", 7.45, "$"),
        ("Saldo 15,00 euros", 15.0, "EUR"),
        ("Solde: -1,20 EUR", -1.2, "EUR"),
        ("Balance 0.00EUR", 0.0, "EUR"),
        ("Votre solde est de 1.234,56 EUR", 1234.56, "EUR"),
        ("Your balance: 1,234 GBP", 1234.0, "GBP"),  # one separator, three digits: thousands
        ("Rassidkoum 12,500 TND", 12.5, "TND"),  # three decimals in dinars
        ("Offre 4G: solde 8,20 EUR au 2026-12-08 10:30", 8.2, "EUR"),
        ("Solde 7,20 jusqu'au 01/01/2027", 7.2, None),  # no currency: the number after "solde"
        ("Solde: 2 Go, 30 SMS et 4,10 restant", 4.1, None),
    ],
)
def test_the_amount_is_read(answer: str, amount: float, currency: str | None) -> None:
    assert read_balance(answer) == Balance(amount, currency)


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "",
        "Service indisponible, réessayez plus tard.",
        "Votre forfait: 2h de communication et 5 Go",  # no money in it
        "Appelez le 0800 123 456 pour recharger",  # numbers, but no balance word nor currency
        "Solde: 2 Go valable jusqu'au 31/12",  # a balance word, but only data and a date
    ],
)
def test_no_amount_is_invented(answer: str | None) -> None:
    assert read_balance(answer) is None


@given(st.text(max_size=200))
def test_any_answer_is_read_without_an_error(answer: str) -> None:
    found = read_balance(answer)
    assert found is None or isinstance(found.amount, float)
