"""+CNUM, the SIM's own number (TS 27.007 §7.1), on answers real devices and projects printed."""

from __future__ import annotations

import pytest

from modem.at import OwnNumber, parse_cnum
from modem.errors import RemoteProtocolError


@pytest.mark.parametrize(
    ("lines", "numbers"),
    [
        # a Huawei stick's answer in garronej/at-messages-parser's tests (its "CNUM" case)
        (['+CNUM: "","+33671651906",145'], [OwnNumber("+33671651906", "", 145)]),
        # ModemManager's test-modem-helpers.c vectors: a label, none, unquoted, national type
        (['+CNUM: "something","1234567890",161'], [OwnNumber("1234567890", "something", 161)]),
        (['+CNUM: ,"1234567890",161'], [OwnNumber("1234567890", "", 161)]),
        (['+CNUM: something,"+34600000001",145'], [OwnNumber("+34600000001", "something", 145)]),
        # a Turkish router's answer quoted in an openwrt AT tool's tests
        (['+CNUM: "","+905350634756",145'], [OwnNumber("+905350634756", "", 145)]),
        # type 145 without the "+": the number is international all the same
        (['+CNUM: "Mon numero","33612345678",145'], [OwnNumber("+33612345678", "Mon numero", 145)]),
        # a Java SMS gateway's tests (Voice label, unquoted label, odd type)
        (['+CNUM: "Voice","8885551212",129'], [OwnNumber("8885551212", "Voice", 129)]),
        # several lines (voice, data, fax numbers): all kept, in order
        (
            ['+CNUM: something,"+34600000001",145', '+CNUM: ,"+34600000002",145'],
            [OwnNumber("+34600000001", "something", 145), OwnNumber("+34600000002", "", 145)],
        ),
    ],
)
def test_parse_cnum(lines: list[str], numbers: list[OwnNumber]) -> None:
    assert parse_cnum(lines) == numbers


@pytest.mark.parametrize(
    "lines",
    [
        [],  # OK alone: the SIM stores no number (most prepaid SIMs; python-gsmmodem issue #14)
        ['+CNUM: "","",129'],  # an empty EF_MSISDN record printed anyway
        ['+CNUM: "",,'],
        ['+CNUM: "","unknown",129'],
        ["+CSQ: 12,99"],  # not a +CNUM line
    ],
)
def test_parse_cnum_without_a_number(lines: list[str]) -> None:
    assert parse_cnum(lines) == []


def test_parse_cnum_refuses_a_line_without_fields() -> None:
    with pytest.raises(RemoteProtocolError, match="AT\\+CNUM"):
        parse_cnum(["+CNUM: 33612345678"])
    with pytest.raises(RemoteProtocolError, match="unterminated"):
        parse_cnum(['+CNUM: "","+3361'])
