"""SMS-STATUS-REPORT: encoding for the simulator, decoding and the meaning of TP-ST."""

import datetime

import pytest

from modem.errors import InvalidNumber
from modem.pdu import StatusReport, decode, encode_status_report

UTC1 = datetime.timezone(datetime.timedelta(hours=1))
SENT = datetime.datetime(2024, 11, 28, 9, 0, 0, tzinfo=UTC1)
DELIVERED = datetime.datetime(2024, 11, 28, 9, 0, 7, tzinfo=UTC1)


def test_encode_and_decode():
    pdu = encode_status_report(
        0x2A, "+33612345678", sc_timestamp=SENT, discharge_time=DELIVERED, status=0
    )
    assert pdu == "".join(
        [
            "07913306091093F0",  # SMSC +33609001390
            "06",  # SMS-STATUS-REPORT, no more messages
            "2A",  # TP-MR
            "0B913316325476F8",  # TP-RA +33612345678
            "42118290000040",  # TP-SCTS 24-11-28 09:00:00 +01:00
            "42118290007040",  # TP-DT 24-11-28 09:00:07 +01:00
            "00",  # TP-ST: delivered
        ]
    )
    report = decode(pdu)
    assert report == StatusReport(
        smsc="+33609001390",
        message_reference=0x2A,
        recipient="+33612345678",
        sc_timestamp=SENT,
        discharge_time=DELIVERED,
        status=0,
    )
    assert (report.delivered, report.final) == (True, True)
    assert report.reason == "delivered to the recipient's phone"


def test_optional_trailing_parameters_are_tolerated():
    pdu = encode_status_report(1, "0612345678", sc_timestamp=SENT, discharge_time=SENT, smsc=None)
    report = decode(pdu + "03" + "00" + "00")  # TP-PI (PID, DCS present), TP-PID, TP-DCS
    assert report.recipient == "0612345678"


@pytest.mark.parametrize(
    ("status", "delivered", "final", "reason"),
    [
        (0x00, True, True, "delivered to the recipient's phone"),
        (0x01, True, True, "cannot confirm delivery"),
        (0x05, True, True, "delivered (status 0x05, reserved)"),
        (0x1F, True, True, "delivered (status 0x1f, specific to the service centre)"),
        (0x20, False, False, "still trying: network congestion"),
        (0x30, False, False, "still trying (status 0x30, specific to the service centre)"),
        (0x3F, False, False, "still trying"),
        (0x43, False, True, "failed: the number cannot be reached"),
        (0x46, False, True, "validity period expired"),
        (0x4A, False, True, "failed (status 0x4a, reserved)"),
        (0x62, False, True, "gave up: no response"),
        (0x7F, False, True, "gave up (status 0x7f, specific to the service centre)"),
        (0x80, False, True, "gave up: service rejected (reserved status 0x80)"),
        (0xFF, False, True, "service rejected"),
    ],
)
def test_status_meaning(status, delivered, final, reason):
    report = decode(
        encode_status_report(
            7, "+33612345678", sc_timestamp=SENT, discharge_time=SENT, status=status
        )
    )
    assert (report.delivered, report.final) == (delivered, final)
    assert reason in report.reason


def test_bad_arguments():
    with pytest.raises(InvalidNumber):
        encode_status_report(1, "MyBank", sc_timestamp=SENT, discharge_time=SENT)
    with pytest.raises(ValueError, match="message reference"):
        encode_status_report(256, "+336", sc_timestamp=SENT, discharge_time=SENT)
    with pytest.raises(ValueError, match="status"):
        encode_status_report(1, "+336", sc_timestamp=SENT, discharge_time=SENT, status=-1)
