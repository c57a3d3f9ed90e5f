"""Identities the simulator makes: valid like real ones."""

from __future__ import annotations

import random

from modem.sim.identity import (
    luhn_digit,
    luhn_valid,
    make_iccid,
    make_imei,
    make_imsi,
    swap_nibbles,
)


def test_luhn_on_published_numbers() -> None:
    assert luhn_valid("490154203237518")  # the IMEI example of 3GPP TS 23.003 Annex B
    assert luhn_valid("79927398713")  # the classic Luhn example
    assert not luhn_valid("490154203237519")
    assert luhn_digit("7992739871") == "3"


def test_made_identities_are_valid_and_reproducible() -> None:
    imei = make_imei("86436903", random.Random(1))
    assert len(imei) == 15 and imei.startswith("86436903") and luhn_valid(imei)
    assert make_imei("86436903", random.Random(1)) == imei
    iccid = make_iccid(random.Random(2))
    assert len(iccid) == 20 and iccid.startswith("893301") and luhn_valid(iccid)
    imsi = make_imsi(random.Random(3))
    assert len(imsi) == 15 and imsi.startswith("20801")


def test_sim_files_store_bcd_nibble_swapped() -> None:
    assert swap_nibbles("8933011234") == "9833102143"
    assert swap_nibbles("123") == "21F3"
