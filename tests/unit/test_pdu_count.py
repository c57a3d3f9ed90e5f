"""The length counter, and that it always agrees with the encoder."""

import pytest

from modem.pdu import Count, count, decode, encode_submit


def _parts(text):
    return encode_submit("+33612345678", text, max_parts=255)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a" * 160, Count("gsm7", 1, 160, 0, 160), id="160 gsm7"),
        pytest.param("a" * 161, Count("gsm7", 2, 161, 145, 153), id="161 gsm7 = 153 + 8"),
        pytest.param("a" * 306, Count("gsm7", 2, 306, 0, 153), id="306 gsm7"),
        pytest.param("a" * 307, Count("gsm7", 3, 307, 152, 153), id="307 gsm7"),
        pytest.param("é" * 70, Count("gsm7", 1, 70, 90, 160), id="é is gsm7"),
        pytest.param("ж" * 70, Count("ucs2", 1, 70, 0, 70), id="70 ucs2"),
        pytest.param("ж" * 71, Count("ucs2", 2, 71, 63, 67), id="71 ucs2 = 67 + 4"),
        pytest.param("€", Count("gsm7", 1, 2, 158, 160), id="euro counts 2"),
        pytest.param("€" * 80, Count("gsm7", 1, 160, 0, 160), id="80 euros"),
        # 76 euros per part (152 septets): the 77th would straddle, so 81 = 76 + 5.
        pytest.param("€" * 81, Count("gsm7", 2, 162, 143, 153), id="81 euros"),
        pytest.param("😀", Count("ucs2", 1, 2, 68, 70), id="emoji counts 2"),
        pytest.param("😀" * 35, Count("ucs2", 1, 70, 0, 70), id="35 emoji"),
        # 33 pairs (66 units) per part: the 34th would straddle, so 36 = 33 + 3.
        pytest.param("😀" * 36, Count("ucs2", 2, 72, 61, 67), id="36 emoji"),
        pytest.param("", Count("gsm7", 0, 0, 160, 160), id="empty"),
    ],
)
def test_counter_table(text, expected):
    assert count(text) == expected


def test_one_non_gsm7_character_switches_the_whole_text_to_ucs2():
    assert count("a" * 100).encoding == "gsm7"
    assert count("a" * 100 + "ê") == Count("ucs2", 2, 101, 33, 67)


@pytest.mark.parametrize("prefix", [152, 66])
def test_a_two_unit_character_never_straddles_two_parts(prefix):
    # 152 septets + "€" (2 septets) would straddle the 153-septet boundary; likewise a
    # surrogate pair after 66 UCS-2 units. The character opens the next part instead.
    wide = "€" if prefix == 152 else "😀"
    filler = "a" if prefix == 152 else "ж"
    text = filler * prefix + wide + filler * 100
    texts = [decode(pdu.hex, direction="submit").text for pdu in _parts(text)]
    assert texts[0] == filler * prefix
    assert texts[1].startswith(wide)
    assert "".join(texts) == text
    assert len(texts) == count(text).parts


@pytest.mark.parametrize("length", [1, 159, 160, 161, 305, 306, 307, 1530, 1531])
def test_parts_agree_with_encoder(length):
    text = ("Collecte demain 8h-12h {salle B} " * 60)[:length]
    assert count(text).parts == len(_parts(text))
