"""Huawei's own codes, on lines captured from real dongles, and the Huawei entry of the vendor
table. Sources as in test_at_parsers.py: MM = ModemManager's plugins/huawei/tests, GARRONEJ =
garronej/at-messages-parser src/test/ (captures of Huawei dongles).
"""

from __future__ import annotations

import pytest

from modem import events
from modem.at import Signal, Urc, signal_bars
from modem.device.unsolicited import event_for
from modem.errors import RemoteProtocolError
from modem.vendors import GENERIC, vendor_for
from modem.vendors.huawei import (
    parse_huawei_boot,
    parse_huawei_hcsq,
    parse_huawei_mode,
    parse_huawei_rssi,
)


@pytest.mark.parametrize(
    ("line", "signal"),
    [
        ("^RSSI:18", Signal(18, None, -77, 5)),
        ("^RSSI:99", Signal(None, None, None, 0)),  # GARRONEJ
        ("^RSSI: 9", Signal(9, None, -95, 3)),
    ],
)
def test_parse_huawei_rssi(line: str, signal: Signal) -> None:
    assert parse_huawei_rssi(line) == signal


@pytest.mark.parametrize(
    ("line", "dbm"),
    [
        ('^HCSQ:"LTE",30,19,66,0', -91),  # MM huawei tests
        ('^HCSQ: "WCDMA",30,30,58', -91),  # MM huawei tests
        ('^HCSQ: "GSM",36,255', -85),  # MM huawei tests
        ('^HCSQ: "NOSERVICE"', None),
    ],
)
def test_parse_huawei_hcsq(line: str, dbm: int | None) -> None:
    assert parse_huawei_hcsq(line) == Signal(None, None, dbm, signal_bars(dbm))


def test_huawei_noise() -> None:
    assert parse_huawei_boot("^BOOT:20952548,0,0,0,72") == (20952548, 0, 0, 0, 72)  # GARRONEJ
    assert parse_huawei_mode("^MODE:5,4") == (5, 4)
    assert parse_huawei_mode("^MODE: 3,4") == (3, 4)  # GARRONEJ
    assert parse_huawei_mode("^MODE:0") == (0, None)
    with pytest.raises(RemoteProtocolError):
        parse_huawei_mode("^MODE:")


def test_the_vendor_table() -> None:
    huawei = vendor_for("huawei")
    assert huawei.after_identify == ("AT^CURC=0",)
    assert huawei.iccid_commands[0] == ("AT^ICCID?", "^ICCID:")
    assert huawei.ussd_request("*100#") == "AA180C3602"  # packed GSM 7-bit, as Huawei takes it
    assert vendor_for("Quectel").iccid_commands[0] == ("AT+QCCID", "+QCCID:")
    simcom = vendor_for("SIMCOM_Ltd").iccid_commands  # AT+CICCID added for the SIM7600
    assert [c for c in simcom if c[0] != "AT+CICCID"] == list(GENERIC.iccid_commands)
    assert vendor_for("smsrelay") is GENERIC
    assert GENERIC.after_identify == ()
    assert GENERIC.ussd_request("*100#") == "*100#"


def test_rssi_is_a_signal_change_whoever_sends_it() -> None:
    event = event_for(Urc("^RSSI", "^RSSI:18"))
    assert event == events.SignalChanged(Signal(18, None, -77, 5))
    broken = event_for(Urc("^RSSI", "^RSSI:x"))
    assert isinstance(broken, events.Unrecognised) and broken.problem
