"""encode_deliver (the simulator's inbound messages) and SMS-DELIVER decoding details."""

import datetime

import pytest

from modem.errors import InvalidNumber, PduError
from modem.pdu import Concat, Deliver, decode, encode_deliver

PARIS_SUMMER = datetime.timezone(datetime.timedelta(hours=2))
WHEN = datetime.datetime(2024, 6, 3, 18, 45, 12, tzinfo=PARIS_SUMMER)


def test_single_part_deliver():
    (pdu,) = encode_deliver("+33612345678", "OUI", timestamp=WHEN)
    assert pdu.startswith("07913306091093F0" + "04" + "0B913316325476F8" + "0000")
    assert decode(pdu) == Deliver(
        smsc="+33609001390",
        sender="+33612345678",
        sender_type="international",
        text="OUI",
        timestamp=WHEN,
        concat=None,
        encoding="gsm7",
        message_class=None,
        status_report_indication=False,
        pid=0,
        dcs=0,
    )


def test_alphanumeric_sender():
    (pdu,) = encode_deliver("MyBank", "Code 1234", timestamp=WHEN, smsc=None)
    assert pdu.startswith("00" + "04" + "0BD0")
    decoded = decode(pdu)
    assert (decoded.sender, decoded.sender_type, decoded.smsc) == ("MyBank", "alphanumeric", None)


def test_short_code_sender_is_a_number():
    (pdu,) = encode_deliver("36179", "STOP reçu", timestamp=WHEN)
    decoded = decode(pdu)
    assert (decoded.sender, decoded.sender_type, decoded.encoding) == ("36179", "unknown", "ucs2")


@pytest.mark.parametrize("sender", ["", "A name far too long", "Hôtel😀"])
def test_bad_sender(sender):
    with pytest.raises(InvalidNumber):
        encode_deliver(sender, "hi", timestamp=WHEN)


def test_multipart_deliver_and_status_report_indication():
    pdus = encode_deliver(
        "+33612345678", "ж" * 100, timestamp=WHEN, reference=9, status_report_indication=True
    )
    decoded = [decode(pdu) for pdu in pdus]
    assert [part.concat for part in decoded] == [Concat(9, 2, 1, 8), Concat(9, 2, 2, 8)]
    assert all(part.status_report_indication for part in decoded)
    assert "".join(part.text for part in decoded) == "ж" * 100


@pytest.mark.parametrize(
    ("offset_minutes", "octet"),
    [(0, "00"), (120, "80"), (-300, "0A"), (345, "32"), (-570, "8B"), (14 * 60, "65")],
)
def test_time_zone_octet(offset_minutes, octet):
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=zone)
    (pdu,) = encode_deliver("+33612345678", "x", timestamp=moment)
    tpdu = bytes.fromhex(pdu)[8:]
    scts = tpdu[1 + 8 + 2 : 1 + 8 + 2 + 7]
    assert scts.hex().upper() == "42" + "10" + "20" + "30" + "40" + "50" + octet
    assert decode(pdu).timestamp == moment
    assert decode(pdu).timestamp.utcoffset() == datetime.timedelta(minutes=offset_minutes)


def test_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        encode_deliver("+33612345678", "x", timestamp=datetime.datetime(2024, 1, 1))


def test_16bit_reference_keeps_the_first_character():
    # Build the UDH by hand: 06 08 04 <ref hi> <ref lo> <total> <seq>, 7 octets = 8 septets
    # exactly, so no fill bits. python-gsmmodem-new shifts by one and loses "B".
    from modem.pdu import gsm7

    septets = gsm7.encode("Bonjour")
    user_data = bytes([6, 8, 4, 0x12, 0x34, 2, 1]) + gsm7.pack(septets)
    tpdu = (
        bytes.fromhex("40" + "0B913316325476F8" + "0000" + "42103040506080")
        + bytes([8 + len(septets)])
        + user_data
    )
    decoded = decode(tpdu, smsc=False)
    assert decoded.text == "Bonjour"
    assert decoded.concat == Concat(0x1234, 2, 1, 16)


@pytest.mark.parametrize(
    ("iei_data", "concat"),
    [
        ("0003 2A 00 01", None),  # total 0: ignore the element (TS 23.040 §9.2.3.24.1)
        ("0003 2A 02 00", None),  # sequence 0
        ("0003 2A 02 03", None),  # sequence beyond the total
        ("0003 2A 02 01" + "0003 2B 02 02", Concat(0x2B, 2, 2, 8)),  # the last one counts
        ("0A02 0000" + "0003 2A 02 01", Concat(0x2A, 2, 1, 8)),  # other elements are skipped
    ],
)
def test_concatenation_element_rules(iei_data, concat):
    header = bytes.fromhex(iei_data.replace(" ", ""))
    body = "ok".encode("utf-16-be")
    user_data = bytes([len(header)]) + header + body
    tpdu = (
        bytes.fromhex("40" + "0B913316325476F8" + "0008" + "42103040506080")
        + bytes([len(user_data)])
        + user_data
    )
    decoded = decode(tpdu, smsc=False)
    assert decoded.concat == concat
    assert decoded.text == "ok"


@pytest.mark.parametrize(
    ("dcs", "encoding", "message_class"),
    [
        (0x00, "gsm7", None),
        (0x08, "ucs2", None),
        (0x04, "8bit", None),
        (0x10, "gsm7", 0),
        (0x11, "gsm7", 1),
        (0x18, "ucs2", 0),
        (0x0C, "gsm7", None),  # reserved alphabet: taken as GSM-7
        (0x24, "8bit", None),  # compressed: handed over as 8-bit data
        (0x48, "ucs2", None),  # automatic deletion group
        (0x80, "gsm7", None),  # reserved coding group
        (0xC0, "gsm7", None),  # message waiting, discard
        (0xE0, "ucs2", None),  # message waiting, UCS-2
        (0xF0, "gsm7", 0),
        (0xF6, "8bit", 2),
    ],
)
def test_data_coding_schemes(dcs, encoding, message_class):
    from modem.pdu.dcs import interpret

    assert (interpret(dcs).encoding, interpret(dcs).message_class) == (encoding, message_class)


@pytest.mark.parametrize(
    ("tpdu", "field"),
    [
        ("04", "TP-OA"),
        ("04 0B91 3316", "TP-OA"),
        ("04 1591 33163254767833163254767833", "TP-OA"),  # 21 digits
        ("04 0B91 3316325476F8 00", "TP-DCS"),
        ("04 0B91 3316325476F8 0000 421030405060", "TP-SCTS"),
        ("04 0B91 3316325476F8 0000 4A1030405060 80 00", "TP-SCTS"),  # BCD digit A
        ("04 0B91 3316325476F8 0000 42313040506080 00", "TP-SCTS"),  # month 13
        ("04 0B91 3316325476F8 0000 42103040506080", "TP-UDL"),
        ("04 0B91 3316325476F8 0000 42103040506080 05 E8329B", "TP-UDL"),
        ("04 0B91 3316325476F8 0000 42103040506080 01 E8 00", "TP-UD"),  # octet left over
        ("44 0B91 3316325476F8 0008 42103040506080 00", "TP-UDH"),  # UDHI, empty UD
        ("44 0B91 3316325476F8 0008 42103040506080 03 05 0003", "TP-UDH"),  # UDH > UD
        ("44 0B91 3316325476F8 0000 42103040506080 06 05000301 0201", "TP-UDH"),  # 7 > 6 septets
        ("44 0B91 3316325476F8 0008 42103040506080 04 03 000201", "TP-UDH"),  # IE length 2
        ("44 0B91 3316325476F8 0008 42103040506080 04 03 0005 01", "TP-UDH"),  # IE overruns
        ("44 0B91 3316325476F8 0008 42103040506080 02 01 00", "TP-UDH"),  # IE cut
    ],
)
def test_malformed_deliver_names_the_field_and_offset(tpdu, field):
    with pytest.raises(PduError, match=rf"^{field} at octet \d+: "):
        decode(tpdu.replace(" ", ""), smsc=False)


@pytest.mark.parametrize(
    ("pdu", "direction", "match"),
    [
        ("", "deliver", "SMSC address at octet 0: the PDU ends here"),
        ("00", "deliver", "first octet at octet 1: the PDU ends here"),
        ("0", "deliver", "odd number of hex digits"),
        ("07zz", "deliver", "'z' is not a hexadecimal digit"),
        ("0C91", "deliver", "SMSC address at octet 0: length 12"),
        ("0001", "deliver", "SMS-SUBMIT-REPORT"),
        ("0003", "deliver", "reserved"),
        ("0000", "submit", "SMS-DELIVER-REPORT"),
        ("0002", "submit", "SMS-COMMAND"),
    ],
)
def test_malformed_envelope(pdu, direction, match):
    with pytest.raises(PduError, match=match):
        decode(pdu, direction=direction)


def test_bad_direction_is_a_programming_error():
    with pytest.raises(ValueError, match="direction"):
        decode("00", direction="sideways")


def test_ucs2_odd_octet_and_lone_surrogate_become_replacement_characters():
    tpdu = bytes.fromhex("04" + "0B913316325476F8" + "0008" + "42103040506080" + "05D800004100")
    assert decode(tpdu, smsc=False).text == "\ufffdA\ufffd"
