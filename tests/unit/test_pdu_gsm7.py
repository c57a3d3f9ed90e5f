"""The GSM 7-bit default alphabet and septet packing (3GPP TS 23.038 §6.1.2.1, §6.2.1)."""

import pytest

from modem.pdu import gsm7, is_gsm7

# Septet packing vectors from faucamp/python-gsmmodem test/test_pdu.py (TestGsm7), plus the
# well-known "hellohello" of ModemManager's src/tests/test-sms-part-3gpp.c (test_pdu3).
PACKED = [
    ("hellohello", "E8329BFD4697D9EC37"),
    ("Hello World!", "C8329BFD065DDF72363904"),
    ("123", "31D90C"),
    ("12345678", "31D98C56B3DD70"),
    ("123456789", "31D98C56B3DD7039"),
    ("[{abc}]~", bytes([27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3]).hex()),
    ("{åΦΓΛΩΠΨΣΘ€}", bytes([27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83, 222, 164, 0]).hex()),
    ("a[]{}€", bytes([225, 13, 111, 227, 219, 160, 54, 169, 77, 25]).hex()),
]


@pytest.mark.parametrize(("text", "packed"), PACKED)
def test_pack_and_unpack_published_vectors(text, packed):
    septets = gsm7.encode(text)
    assert gsm7.pack(septets).hex().upper() == packed.upper()
    assert gsm7.decode(gsm7.unpack(bytes.fromhex(packed), len(septets))) == text


def test_table_has_128_codes_and_the_spec_characters_at_the_spec_places():
    assert len(gsm7.BASIC) == 128
    assert gsm7.BASIC[0x00] == "@"
    assert gsm7.BASIC[0x02] == "$"
    assert gsm7.BASIC[0x09] == "Ç"
    assert gsm7.BASIC[0x10] == "Δ"
    assert gsm7.BASIC[0x24] == "¤"
    assert gsm7.BASIC[0x40] == "¡"
    assert gsm7.BASIC[0x5F] == "§"  # python-gsmmodem-new has a backtick here
    assert gsm7.BASIC[0x60] == "¿"
    assert gsm7.BASIC[0x7F] == "à"


def test_every_character_round_trips_through_septets():
    for char in gsm7.CHARACTERS:
        assert gsm7.decode(gsm7.encode(char)) == char


def test_extension_characters_take_two_septets():
    assert gsm7.encode("€") == [0x1B, 0x65]
    assert [gsm7.septet_count(char) for char in "^{}\\[~]|€\f"] == [2] * 10
    assert gsm7.septet_count("a") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Collecte demain 8h-12h, salle des fêtes", False),  # ê is not GSM-7
        ("Collecte demain 8h-12h, salle des fetes", True),
        ("à bientôt", False),
        ("à bient@t {ok} €5", True),
        ("ça", False),  # only the capital Ç is in the table
        ("`", False),
        ("\x1b", False),  # ESC is a switch, not a character
        ("😀", False),
        ("", True),
    ],
)
def test_is_gsm7(text, expected):
    assert is_gsm7(text) is expected


def test_unknown_extension_code_shows_the_base_character():
    # ESC + 0x41 is not in the extension table: TS 23.038 §6.2.1.1 says show 'A'.
    assert gsm7.decode([0x1B, 0x41, 0x62]) == "Ab"


def test_escape_escape_shows_a_space():
    assert gsm7.decode([0x61, 0x1B, 0x1B, 0x62]) == "a b"


def test_dangling_escape_at_the_end_shows_nothing():
    assert gsm7.decode([0x61, 0x1B]) == "a"


def test_fill_bits_shift_the_septets():
    septets = gsm7.encode("hellohello")
    for fill_bits in range(7):
        packed = gsm7.pack(septets, fill_bits)
        assert packed[0] & ((1 << fill_bits) - 1) == 0
        assert gsm7.unpack(packed, len(septets), fill_bits) == septets
