"""Property tests: whatever the text, what we encode decodes back to it, in parts that fit."""

import datetime

from hypothesis import event, given, settings
from hypothesis import strategies as st

from modem.pdu import count, decode, encode_deliver, encode_status_report, encode_submit, gsm7

NUMBERS = st.sampled_from(["+33612345678", "0612345678", "+1", "36179", "+" + "9" * 20])
SENDERS = st.one_of(NUMBERS, st.sampled_from(["MyBank", "EFS", "Don du sang", "a[]{}€", "@"]))

# GSM-7 texts on their own (with the extension characters), and any text at all (which then
# goes as UCS-2), with emoji mixed in so that surrogate pairs meet part boundaries. Hypothesis
# keeps texts short unless told otherwise, so each comes short and long (several parts).
GSM7_CHARS = st.one_of(st.sampled_from(sorted(gsm7.CHARACTERS)), st.sampled_from("^{}\\[~]|€"))
ANY_CHARS = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(["😀", "👍", "\U0001f3fd", "€", "{", "ж", "\x00"]),
)
GSM7_TEXT = st.text(GSM7_CHARS, min_size=1, max_size=40) | st.text(
    GSM7_CHARS, min_size=150, max_size=480
)
ANY_TEXT = st.text(ANY_CHARS, min_size=1, max_size=20) | st.text(
    ANY_CHARS, min_size=60, max_size=220
)
TEXTS = st.one_of(GSM7_TEXT, ANY_TEXT)

ZONES = st.integers(-48, 56).map(lambda q: datetime.timezone(datetime.timedelta(minutes=15 * q)))
MOMENTS = st.builds(
    lambda moment, zone: moment.replace(tzinfo=zone),
    st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2099, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    ZONES,
)


def _user_data(hex_pdu):
    """TP-UDL and TP-UD octets of one of our SMS-SUBMIT PDUs (no VP, SMSC part "00")."""
    tpdu = bytes.fromhex(hex_pdu)[1:]
    udl_at = 2 + 2 + (tpdu[2] + 1) // 2 + 2
    return tpdu[udl_at], tpdu[udl_at + 1 :]


@settings(max_examples=200, deadline=None)
@given(number=NUMBERS, text=TEXTS, reference=st.integers(0, 255))
def test_submit_round_trip(number, text, reference):
    pdus = encode_submit(number, text, reference=reference, max_parts=255)
    counted = count(text)
    event(f"{counted.encoding}, {'one part' if counted.parts == 1 else 'concatenated'}")
    assert len(pdus) == counted.parts
    decoded = [decode(pdu.hex, direction="submit") for pdu in pdus]
    assert "".join(part.text for part in decoded) == text
    for seq, (pdu, part) in enumerate(zip(pdus, decoded, strict=True), start=1):
        assert (pdu.part, pdu.total) == (seq, len(pdus))
        assert pdu.tpdu_length == len(pdu.hex) // 2 - 1
        assert part.encoding == counted.encoding
        assert part.recipient == number
        length, user_data = _user_data(pdu.hex)
        assert len(user_data) <= 140
        assert length <= (160 if part.encoding == "gsm7" else 140)
        if len(pdus) == 1:
            assert part.concat is None
        else:
            assert (part.concat.reference, part.concat.total, part.concat.seq) == (
                reference,
                len(pdus),
                seq,
            )


@settings(max_examples=100, deadline=None)
@given(sender=SENDERS, text=TEXTS, moment=MOMENTS, reference=st.integers(0, 255))
def test_deliver_round_trip(sender, text, moment, reference):
    pdus = encode_deliver(sender, text, timestamp=moment, reference=reference)
    decoded = [decode(hex_pdu) for hex_pdu in pdus]
    assert len(pdus) == count(text).parts
    assert "".join(part.text for part in decoded) == text
    assert all(part.sender == sender for part in decoded)
    assert all(part.timestamp == moment for part in decoded)
    assert all(part.timestamp.utcoffset() == moment.utcoffset() for part in decoded)


@settings(max_examples=100, deadline=None)
@given(
    reference=st.integers(0, 255),
    number=NUMBERS,
    sent=MOMENTS,
    done=MOMENTS,
    status=st.integers(0, 255),
)
def test_status_report_round_trip(reference, number, sent, done, status):
    report = decode(
        encode_status_report(
            reference, number, sc_timestamp=sent, discharge_time=done, status=status
        )
    )
    assert (report.message_reference, report.recipient, report.status) == (
        reference,
        number,
        status,
    )
    assert (report.sc_timestamp, report.discharge_time) == (sent, done)
    assert report.reason
    assert report.delivered == (status < 0x20)
