"""encode_submit: the SMS-SUBMIT octets the driver writes after AT+CMGS's prompt."""

import datetime

import pytest

from modem.errors import EmptyText, InvalidMessage, InvalidNumber, TextTooLong
from modem.pdu import MAX_PARTS_DEFAULT, Submit, decode, encode_submit
from modem.pdu.validity import decode_relative, encode_relative

NUMBER = "+33612345678"


def _tpdu(pdu):
    octets = bytes.fromhex(pdu.hex)
    return octets[1 + octets[0] :]


def test_single_part_layout():
    (pdu,) = encode_submit(NUMBER, "Collecte demain 8h-12h")
    tpdu = _tpdu(pdu)
    assert pdu.hex.startswith("00")  # use the SIM's SMSC
    assert tpdu[0] == 0x01  # SMS-SUBMIT, no VP, no SRR, no UDH
    assert tpdu[1] == 0x00  # TP-MR: the modem assigns it
    assert tpdu[2:10].hex().upper() == "0B913316325476F8"  # TP-DA, 11 digits
    assert tpdu[10:12] == b"\x00\x00"  # TP-PID, TP-DCS GSM-7
    assert tpdu[12] == 22  # TP-UDL in septets
    assert pdu.tpdu_length == len(tpdu)
    assert pdu.hex == pdu.hex.upper()


def test_national_number_has_type_0x81_and_separators_are_stripped():
    (pdu,) = encode_submit("06 12-34.56 (78)", "ok")
    assert _tpdu(pdu)[2:4] == b"\x0a\x81"
    assert decode(pdu.hex, direction="submit").recipient == "0612345678"


def test_international_number_with_spaces():
    (pdu,) = encode_submit("+33 6 12 34 56 78", "ok")
    assert decode(pdu.hex, direction="submit").recipient == NUMBER


def test_first_octet_flags():
    (pdu,) = encode_submit(NUMBER, "ok", request_report=True, validity=datetime.timedelta(days=1))
    tpdu = _tpdu(pdu)
    assert tpdu[0] == 0x01 | 0x10 | 0x20
    decoded = decode(pdu.hex, direction="submit")
    assert decoded.request_report is True
    assert decoded.validity == datetime.timedelta(days=1)


def test_multipart_layout_with_reference():
    pdus = encode_submit(NUMBER, "x" * 200, reference=0xA7)
    assert [(pdu.part, pdu.total) for pdu in pdus] == [(1, 2), (2, 2)]
    for seq, pdu in enumerate(pdus, start=1):
        tpdu = _tpdu(pdu)
        assert tpdu[0] == 0x41  # UDHI
        udl_at = 12
        assert tpdu[udl_at + 1 : udl_at + 7] == bytes([5, 0, 3, 0xA7, 2, seq])
        decoded = decode(pdu.hex, direction="submit")
        assert (decoded.concat.reference, decoded.concat.total, decoded.concat.seq) == (
            0xA7,
            2,
            seq,
        )
        assert decoded.concat.bits == 8
    assert _tpdu(pdus[0])[12] == 160  # 7 septets of header + fill, 153 of text
    assert len(_tpdu(pdus[0])) - 13 == 140


def test_ucs2_multipart_fills_140_octets():
    pdus = encode_submit(NUMBER, "ж" * 100)
    first = _tpdu(pdus[0])
    assert first[11] == 0x08
    assert first[12] == 140 == len(first) - 13


def test_smsc_given():
    (pdu,) = encode_submit(NUMBER, "ok", smsc="+33609001390")
    assert pdu.hex.startswith("07913306091093F0")
    assert decode(pdu.hex, direction="submit").smsc == "+33609001390"
    assert pdu.tpdu_length == len(pdu.hex) // 2 - 8


def test_emoji_goes_as_a_surrogate_pair():
    (pdu,) = encode_submit(NUMBER, "😀")
    assert pdu.hex.endswith("0804D83DDE00")


@pytest.mark.parametrize("number", ["", "+", "abc", "+33 6 12 34 56 78x", "++336", "1" * 21, "٣٣"])
def test_invalid_numbers(number):
    with pytest.raises(InvalidNumber) as caught:
        encode_submit(number, "hello")
    assert repr(number) in str(caught.value)


def test_invalid_number_says_why():
    with pytest.raises(InvalidNumber, match="'x' is not a digit"):
        encode_submit("+33 6 12 34 56 78x", "hello")
    with pytest.raises(InvalidNumber, match="empty"):
        encode_submit(" ", "hello")
    with pytest.raises(InvalidNumber, match="no digits after"):
        encode_submit("+", "hello")
    with pytest.raises(InvalidNumber, match="at most 20"):
        encode_submit("1" * 21, "hello")


def test_twenty_digits_is_the_maximum():
    (pdu,) = encode_submit("+" + "1" * 20, "ok")
    assert decode(pdu.hex, direction="submit").recipient == "+" + "1" * 20


def test_empty_text():
    with pytest.raises(EmptyText):
        encode_submit(NUMBER, "")


def test_too_many_parts():
    assert MAX_PARTS_DEFAULT == 10
    assert len(encode_submit(NUMBER, "a" * 1530)) == 10
    with pytest.raises(TextTooLong) as caught:
        encode_submit(NUMBER, "a" * 1531)
    assert (caught.value.parts, caught.value.max_parts) == (11, 10)
    with pytest.raises(TextTooLong):
        encode_submit(NUMBER, "a" * 161, max_parts=1)


def test_lone_surrogate_is_refused():
    with pytest.raises(InvalidMessage):
        encode_submit(NUMBER, "a\ud800b")


def test_reference_out_of_range():
    with pytest.raises(ValueError, match="reference"):
        encode_submit(NUMBER, "ok", reference=256)


@pytest.mark.parametrize(
    ("period", "octet"),
    [
        (datetime.timedelta(seconds=1), 0),  # rounds up to 5 minutes
        (datetime.timedelta(minutes=5), 0),
        (datetime.timedelta(minutes=5, seconds=1), 1),
        (datetime.timedelta(hours=12), 143),
        (datetime.timedelta(hours=12, minutes=1), 144),
        (datetime.timedelta(hours=24), 167),
        (datetime.timedelta(hours=24, minutes=1), 168),  # 2 days
        (datetime.timedelta(days=30), 196),
        (datetime.timedelta(days=30, seconds=1), 197),  # 5 weeks
        (datetime.timedelta(weeks=63), 255),
    ],
)
def test_validity_rounds_up(period, octet):
    assert encode_relative(period) == octet
    assert decode_relative(octet) >= period


def test_validity_never_shorter_than_asked():
    for minutes in range(1, 63 * 7 * 24 * 60, 997):
        period = datetime.timedelta(minutes=minutes)
        assert decode_relative(encode_relative(period)) >= period


@pytest.mark.parametrize(
    "period",
    [
        datetime.timedelta(0),
        datetime.timedelta(minutes=-5),
        datetime.timedelta(weeks=63, seconds=1),
    ],
)
def test_validity_out_of_range(period):
    with pytest.raises(InvalidMessage, match="validity"):
        encode_submit(NUMBER, "ok", validity=period)


def test_decoded_submit_type():
    (pdu,) = encode_submit(NUMBER, "ok")
    decoded = decode(pdu.hex, direction="submit")
    assert decoded == Submit(
        smsc=None,
        recipient=NUMBER,
        text="ok",
        concat=None,
        request_report=False,
        validity=None,
        message_reference=0,
        encoding="gsm7",
        dcs=0,
    )


@pytest.mark.parametrize(
    ("first_octet", "vp", "validity"),
    [
        ("01", "", None),
        ("11", "AA", datetime.timedelta(days=4)),  # relative
        ("19", "42103040506080", None),  # absolute: no period without knowing "now"
        ("09", "01AA0000000000", datetime.timedelta(days=4)),  # enhanced, relative octet
        ("09", "023C0000000000", datetime.timedelta(seconds=60)),  # enhanced, seconds
        ("09", "03214365000000", datetime.timedelta(hours=12, minutes=34, seconds=56)),
        ("09", "82003C00000000", datetime.timedelta(seconds=60)),  # indicator extended
        ("09", "00000000000000", None),  # enhanced, no validity period
    ],
)
def test_decoding_every_validity_format(first_octet, vp, validity):
    tpdu = first_octet + "00" + "0B913316325476F8" + "0000" + vp + "02" + "EF35"
    decoded = decode(tpdu, smsc=False, direction="submit")
    assert decoded.validity == validity
    assert decoded.text == "ok"
