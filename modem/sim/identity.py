"""Identities a simulated modem and its SIM carry: IMEI, ICCID, IMSI.

They are made like real ones so a driver's checks hold: an IMEI is a model's TAC, a 6-digit
serial and a Luhn check digit (3GPP TS 23.003 §6.2.1); an ICCID is ITU-T E.118 (89 = telecom,
33 = France, 01 = the issuer) ending with a Luhn digit; an IMSI starts with the MCC and MNC of the
home network (208 01 = Orange France). SIM files store BCD digits nibble-swapped
(3GPP TS 31.102 §4.2.5 for EF_ICCID), which is what AT+CRSM and Huawei's ^ICCID show.
"""

from __future__ import annotations

import random


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: every second digit from the right, check digit excluded
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True when the last digit of ``number`` is its Luhn check digit."""
    return number.isdigit() and len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def make_imei(tac: str, rng: random.Random) -> str:
    """A 15-digit IMEI of the model whose TAC is ``tac``."""
    body = tac + _digits(rng, 6)
    return body + luhn_digit(body)


def make_iccid(rng: random.Random, issuer: str = "893301") -> str:
    """A 20-digit ICCID (19 digits and the Luhn digit) of a SIM from ``issuer``."""
    body = issuer + _digits(rng, 19 - len(issuer))
    return body + luhn_digit(body)


def make_imsi(rng: random.Random, home: str = "20801") -> str:
    """A 15-digit IMSI of a subscriber of the network ``home`` (MCC + MNC)."""
    return home + _digits(rng, 15 - len(home))


def swap_nibbles(digits: str) -> str:
    """BCD digits as a SIM file stores them: each pair swapped, an odd count padded with F."""
    if len(digits) % 2:
        digits += "F"
    return "".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2))
