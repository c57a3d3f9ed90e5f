"""Published PDU vectors: what each decodes to, and the exact octets our encoders produce.

The decode vectors and their sources live in ``pdu_vectors.json`` beside this file.
"""

import dataclasses
import datetime
import json
from pathlib import Path

import pytest

from modem.errors import PduError
from modem.pdu import Deliver, StatusReport, Submit, decode, encode_submit
from modem.pdu.address import (
    encode_alphanumeric,
    encode_number,
    encode_smsc,
    read_address,
    read_smsc,
)
from modem.pdu.reader import OctetReader
from modem.pdu.validity import decode_relative, encode_relative

VECTORS = json.loads(Path(__file__).with_name("pdu_vectors.json").read_text("utf-8"))


def _check(decoded, expect):
    for key, want in expect.items():
        if key == "text_hex":
            assert decoded.text.encode("latin-1").hex().upper() == want
        elif key == "validity_seconds":
            assert decoded.validity.total_seconds() == want
        elif key == "concat":
            got = dataclasses.asdict(decoded.concat) if decoded.concat else None
            assert got == want
        else:
            got = getattr(decoded, key)
            if isinstance(got, datetime.datetime):
                got = got.isoformat()
            assert got == want, key


def _ids(vectors):
    return [vector["name"] for vector in vectors]


@pytest.mark.parametrize("vector", VECTORS["deliver"], ids=_ids(VECTORS["deliver"]))
def test_deliver_vectors(vector):
    decoded = decode(vector["hex"])
    assert isinstance(decoded, Deliver)
    _check(decoded, vector["expect"])
    assert decoded.timestamp.utcoffset() is not None


@pytest.mark.parametrize("vector", VECTORS["submit"], ids=_ids(VECTORS["submit"]))
def test_submit_vectors(vector):
    decoded = decode(vector["hex"], direction="submit")
    assert isinstance(decoded, Submit)
    _check(decoded, vector["expect"])


@pytest.mark.parametrize("vector", VECTORS["status_report"], ids=_ids(VECTORS["status_report"]))
def test_status_report_vectors(vector):
    decoded = decode(vector["hex"])
    assert isinstance(decoded, StatusReport)
    _check(decoded, vector["expect"])


@pytest.mark.parametrize("vector", VECTORS["malformed"], ids=_ids(VECTORS["malformed"]))
def test_malformed_vectors_name_the_field(vector):
    with pytest.raises(PduError, match=vector["field"]):
        decode(vector["hex"], direction=vector["direction"])


def test_hello_world_time_zone_is_minus_zero_not_plus_two():
    # Octet 0x08: low nibble 8 = sign bit set, tens 0; high nibble 0 = units 0.
    stamp = decode(VECTORS["deliver"][0]["hex"]).timestamp
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert stamp == datetime.datetime(2002, 8, 26, 19, 37, 41, tzinfo=datetime.UTC)


def test_input_forms_agree():
    hex_pdu = VECTORS["deliver"][3]["hex"]
    reference = decode(hex_pdu)
    assert decode(hex_pdu.lower()) == reference
    assert decode(f"  {hex_pdu}\r\n") == reference
    assert decode(bytes.fromhex(hex_pdu)) == reference
    assert decode(bytearray.fromhex(hex_pdu)) == reference


def test_without_smsc_part():
    hex_pdu = VECTORS["deliver"][3]["hex"]
    tpdu = hex_pdu[16:]  # 07 91 + 6 octets of SMSC
    decoded = decode(tpdu, smsc=False)
    assert decoded.smsc is None
    assert decoded.text == "hellohello"


# --- encoders: exact octets -------------------------------------------------------------------

FIVE_MINUTES = datetime.timedelta(minutes=5)
SUBMIT_VECTORS = [
    # ModemManager src/tests/test-sms-part-3gpp.c, test_create_pdu_ucs2_with_smsc
    (
        "+15555551234",
        "Да здравствует король, детка!",
        FIVE_MINUTES,
        "+19037029920",
        "07919130079229F011000B915155551532F40008003A041404300020043704340440043004320441"
        "044204320443043504420020043A043E0440043E043B044C002C0020043404350442043A04300021",
    ),
    # ModemManager, test_create_pdu_ucs2_no_smsc
    (
        "+15555551234",
        "Да здравствует король, детка!",
        FIVE_MINUTES,
        None,
        "0011000B915155551532F40008003A041404300020043704340440043004320441"
        "044204320443043504420020043A043E0440043E043B044C002C0020043404350442043A04300021",
    ),
    # ModemManager, test_create_pdu_gsm_with_smsc
    (
        "+15555551234",
        "Hi there...Tue 17th Jan 2012 05:30.18 pm (GMT+1) ΔΔΔΔΔ",
        FIVE_MINUTES,
        "+19037029920",
        "07919130079229F011000B915155551532F400000036C834888E2ECBCB2E978B5A2F8362373A1AA4"
        "0CBB4132584C0682D57433982B8603C1DB20D4B1495DC552200804028100",
    ),
    # ModemManager, test_create_pdu_gsm_3: 25 septets, the last alone in its octet
    (
        "+15556661234",
        "This is really cool ΔΔΔΔΔ",
        FIVE_MINUTES,
        None,
        "0011000B915155661632F40000001954747A0E4ACF41F27298CDCE83C6EF371B0481402010",
    ),
    # ModemManager, test_create_pdu_gsm_no_validity
    (
        "+15556661234",
        "This is really cool ΔΔΔΔΔ",
        None,
        None,
        "0001000B915155661632F400001954747A0E4ACF41F27298CDCE83C6EF371B0481402010",
    ),
    # faucamp/python-gsmmodem test/test_pdu.py, TestSmsPdu.test_encodeSmsSubmit
    (
        "+27820001111",
        "Hello World!",
        None,
        None,
        "0001000B917228001011F100000CC8329BFD065DDF72363904",
    ),
    (
        "+123456789",
        "世界您好！",
        datetime.timedelta(weeks=52),
        "+44000000000",
        "07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01",
    ),
]


@pytest.mark.parametrize(("number", "text", "validity", "smsc", "expected"), SUBMIT_VECTORS)
def test_encode_submit_matches_published_octets(number, text, validity, smsc, expected):
    (pdu,) = encode_submit(number, text, validity=validity, smsc=smsc)
    assert pdu.hex == expected
    smsc_octets = 1 + int(expected[:2], 16)
    assert pdu.tpdu_length == len(expected) // 2 - smsc_octets
    assert (pdu.part, pdu.total) == (1, 1)


# ModemManager, test_address_encode_*
@pytest.mark.parametrize(
    ("encoder", "number", "expected"),
    [
        (encode_smsc, "+19037029920", "07919130079229F0"),
        (encode_smsc, "9037029920", "068109732099 02"),
        (encode_number, "+19037029920", "0B919130079229F0"),
        (encode_number, "9037029920", "0A810973209902"),
    ],
)
def test_address_encoding(encoder, number, expected):
    assert encoder(number).hex().upper() == expected.replace(" ", "")


# faucamp/python-gsmmodem test/test_pdu.py, TestSmsPduAddressFields: alphanumeric addresses
@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("abc", "06D061F118"),
        ("FRANCOIS", "0ED04669D0397C26A7"),
        ("a[]{}€", "14D0E10D6FE3DBA036A94D19"),
    ],
)
def test_alphanumeric_address(name, encoded):
    assert encode_alphanumeric(name).hex().upper() == encoded
    address = read_address(OctetReader(bytes.fromhex(encoded)), "TP-OA")
    assert (address.text, address.kind) == (name, "alphanumeric")


# faucamp/python-gsmmodem test/test_pdu.py, TestSmsPduSmscFields
@pytest.mark.parametrize(
    ("encoded", "number"),
    [("06918967452301", "+9876543210"), ("069189674523F1", "+987654321"), ("00", None)],
)
def test_smsc_address_decoding(encoded, number):
    assert read_smsc(OctetReader(bytes.fromhex(encoded))) == number


# faucamp/python-gsmmodem test/test_pdu.py, TestRelativeValidityPeriod
@pytest.mark.parametrize(
    ("period", "octet"),
    [
        (datetime.timedelta(minutes=30), 5),
        (datetime.timedelta(hours=16), 151),
        (datetime.timedelta(days=3), 169),
        (datetime.timedelta(weeks=5), 197),
    ],
)
def test_relative_validity_vectors(period, octet):
    assert encode_relative(period) == octet
    assert decode_relative(octet) == period
