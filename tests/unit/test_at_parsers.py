"""The parsers on real lines. Each table says where its lines come from.

MM = ModemManager src/tests/test-modem-helpers.c (and plugins/huawei/tests), replies captured
from the named devices. GARRONEJ = garronej/at-messages-parser src/test/, captures of Huawei
dongles. E3131 = Marcin Chwedczuk, "Fun with AT commands and an old modem" (2019).
"""

from __future__ import annotations

import pytest
from gsmmodem import pdu as oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from modem.at import (
    MemoryUsage,
    Operator,
    Signal,
    StoredPdu,
    Urc,
    Ussd,
    parse_ati,
    parse_cds,
    parse_cdsi,
    parse_cgmi,
    parse_cgmm,
    parse_cgmr,
    parse_cmgl,
    parse_cmgr,
    parse_cmgs,
    parse_cmt,
    parse_cmti,
    parse_cops,
    parse_cpin,
    parse_cpms,
    parse_creg,
    parse_csca,
    parse_csq,
    parse_cusd,
    parse_iccid,
    parse_imei,
    parse_imsi,
    signal_bars,
    urc_kind,
)
from modem.at.fields import split_fields
from modem.at.gsm7 import decode_septets, unpack_septets
from modem.errors import RemoteProtocolError
from modem.pdu.gsm7 import BASIC as DEFAULT_ALPHABET
from modem.vendors.huawei import (
    parse_huawei_boot,
    parse_huawei_hcsq,
    parse_huawei_mode,
    parse_huawei_rssi,
)

DELIVER = "07913306092011F0040B913336766883F5000061216212807140074A351A8D56AB01"  # GARRONEJ
HELLO = "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"  # dreamfabric
REPORT = "07914356060013F1065A098136395339F6219011700463802190117004638030"  # MM test_parse_cds

# --- signal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "signal"),
    [
        ("+CSQ: 23,99", Signal(23, None, -67, 5)),  # E3131
        ("+CSQ: 17,99", Signal(17, None, -79, 5)),  # Quectel EC25 log (Airtel)
        ("+CSQ: 18,0", Signal(18, 0, -77, 5)),  # SIM800L, Arduino forum
        ("+CSQ: 0,0", Signal(0, 0, -113, 0)),  # SIM800L without antenna, Arduino forum
        ("+CSQ: 99,99", Signal(None, None, None, 0)),  # TS 27.007: not known
        ("+CSQ: 12,99", Signal(12, None, -89, 4)),
        ("+CSQ: 8,99", Signal(8, None, -97, 3)),
        ("+CSQ: 4,99", Signal(4, None, -105, 2)),
        ("+CSQ: 1,99", Signal(1, None, -111, 1)),
        ("+CSQ: 31,7", Signal(31, 7, -51, 5)),
        ("+CSQ:23,99", Signal(23, None, -67, 5)),
        ("+CSQN: 20,0", Signal(20, 0, -73, 5)),  # SIMCom URC (AT+EXUNSOL="SQ",1)
        ("+CSQ: 100,99", Signal(100, None, -116, 0)),  # TS 27.007 TD-SCDMA range
        ("+CSQ: 191,99", Signal(191, None, -25, 5)),
    ],
)
def test_parse_csq(line: str, signal: Signal) -> None:
    assert parse_csq(line) == signal


@pytest.mark.parametrize(
    "line", ["+CSQ: 32,99", "+CSQ: ", "+CSQ: a,b", "+CSQ: 5", "+CREG: 1,5", "OK", "+CSQ: 1,2,3"]
)
def test_parse_csq_refuses_what_is_not_a_csq(line: str) -> None:
    with pytest.raises(RemoteProtocolError, match="AT\\+CSQ"):
        parse_csq(line)


@pytest.mark.parametrize(
    ("dbm", "bars"),
    [
        (None, 0),
        (-113, 0),
        (-112, 0),
        (-111, 1),
        (-106, 1),
        (-105, 2),
        (-98, 2),
        (-97, 3),
        (-90, 3),
        (-89, 4),
        (-80, 4),
        (-79, 5),
        (-51, 5),
    ],
)
def test_signal_bars(dbm: int | None, bars: int) -> None:
    assert signal_bars(dbm) == bars


# --- registration -------------------------------------------------------------------------------


# (line, solicited, stat, status, lac, ci, act); registered and roaming are checked apart.
CREG_LINES = [
    # MM: generic CREG=1, solicited and unsolicited
    ("+CREG: 1,3", True, 3, "denied", None, None, None),
    ("+CREG: 3", False, 3, "denied", None, None, None),
    # MM: Sierra USBConnect Mercury
    ("+CREG: 1,1,84CD,00D30173", True, 1, "home", "84CD", "00D30173", None),
    ("+CREG: 1,84CD,00D30156", False, 1, "home", "84CD", "00D30156", None),
    # MM: Sony Ericsson K850i, TM-506
    ('+CREG: 2,1,"CE00","01CEAD8F"', True, 1, "home", "CE00", "01CEAD8F", None),
    ('+CREG: 1,"CE00","00005449"', False, 1, "home", "CE00", "00005449", None),
    ('+CREG: 2,1,"8BE3","00002BAF"', True, 1, "home", "8BE3", "00002BAF", None),
    # MM: Huawei E160G
    ("+CREG: 2,0,00,0", True, 0, "not-registered", "00", "0", None),
    ("+CREG: 2,1,8BE3,2BAF", True, 1, "home", "8BE3", "2BAF", None),
    ("+CREG: 1,8BE3,2BAF", False, 1, "home", "8BE3", "2BAF", None),
    # MM: Novatel XU870, Iridium, leading zeros
    ("+CREG: 2,,", False, 2, "searching", None, None, None),
    ('+CREG:002,001,"18d8","ffff"', True, 1, "home", "18D8", "FFFF", None),
    ("+CREG: 1,0001,0010,0", False, 1, "home", "0001", "0010", 0),
    ('+CREG: 001,"0001","0010",000', False, 1, "home", "0001", "0010", 0),
    # MM: u-blox TOBY-L2 on LTE, SMS only
    ('+CREG: 2,6,"8B37","0A265185",7', True, 6, "home-sms-only", "8B37", "0A265185", 7),
    ('+CREG: 6,"8B37","0A265185",7', False, 6, "home-sms-only", "8B37", "0A265185", 7),
    # MM: Ericsson F3607gw, Sony Ericsson MD400 (<n> in an unsolicited line), Alcatel X220D
    ('+CGREG: 2,1,"8BE3","00002B5D",3', True, 1, "home", "8BE3", "00002B5D", 3),
    ('+CGREG: 1,"8BE3","00002B5D",3', False, 1, "home", "8BE3", "00002B5D", 3),
    ('+CREG: 2,5,"0502","0404736D"', False, 5, "roaming", "0502", "0404736D", None),
    ('+CGREG: 5,"0502","0404736D",2', False, 5, "roaming", "0502", "0404736D", 2),
    ("+CGREG: 2,1, 81ED, 1A9CEB", False, 1, "home", "81ED", "1A9CEB", None),
    # MM: CEREG, Altair LTE (<n> in an unsolicited line), Thuraya, CGREG with RAC, C5GREG
    ("+CEREG: 1,3", True, 3, "denied", None, None, None),
    ("+CEREG: 2,1, 1F00, 79D903 ,7", True, 1, "home", "1F00", "79D903", 7),
    ("+CEREG: 1, 1F00, 79D903 ,7", False, 1, "home", "1F00", "79D903", 7),
    ("+CEREG: 1, 2, 0001, 00000100, 7", False, 2, "searching", "0001", "00000100", 7),
    ("+CEREG: 2, 0001, 00000100, 7", False, 2, "searching", "0001", "00000100", 7),
    ('+CGREG: 2, 1, "0426", "F00F"', True, 1, "home", "0426", "F00F", None),
    ('+CGREG: 1, "0426", "F00F"', False, 1, "home", "0426", "F00F", None),
    ('+CGREG: 1,"1422","00000142",3,"00"', False, 1, "home", "1422", "00000142", 3),
    ("+C5GREG: 2,1,1F00,79D903,11,6,ABCDEF", True, 1, "home", "1F00", "79D903", 11),
    # Quectel EC25 log; roaming; emergency only
    ("+CREG: 0,1", True, 1, "home", None, None, None),
    ("+CREG: 0,5", True, 5, "roaming", None, None, None),
    ("+CEREG: 0,8", True, 8, "emergency-only", None, None, None),
]


@pytest.mark.parametrize(("line", "solicited", "stat", "status", "lac", "ci", "act"), CREG_LINES)
def test_parse_creg(
    line: str, solicited: bool, stat: int, status: str, lac: str | None, ci: str | None, act
) -> None:
    registration = parse_creg(line, solicited)
    assert (registration.stat, registration.status) == (stat, status)
    assert (registration.lac, registration.ci, registration.act) == (lac, ci, act)
    assert registration.registered == (status in ("home", "roaming", "home-sms-only"))
    assert registration.roaming == (status == "roaming")


@pytest.mark.parametrize("line", ["+CREG: ", "+CREG: x,1", "+CSQ: 1,2", '+CREG: 1,"8BE3'])
def test_parse_creg_refuses_broken_lines(line: str) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_creg(line, True)


@pytest.mark.parametrize(
    ("line", "operator"),
    [
        ('+COPS: 0,0,"Plus",0', Operator(0, 0, "Plus", 0)),  # E3131
        ('+COPS: 0,0,"IND airtel airtel",7', Operator(0, 0, "IND airtel airtel", 7)),  # EC25
        ('+COPS: 0,0,"CHINA MOBILE",7', Operator(0, 0, "CHINA MOBILE", 7)),  # Quectel manual
        ('+COPS: 0,0,"Orange F",7', Operator(0, 0, "Orange F", 7)),
        ('+COPS: 1,2,"46000",7', Operator(1, 2, "46000", 7)),  # MM cops query
        ('+COPS: 1,2,"46000"', Operator(1, 2, "46000", None)),  # MM cops query
        ("+COPS: 0", Operator(0, None, None, None)),  # Quectel manual, not registered
        ('+COPS: 0,0,"A, B",2', Operator(0, 0, "A, B", 2)),
    ],
)
def test_parse_cops(line: str, operator: Operator) -> None:
    assert parse_cops(line) == operator


def test_parse_cops_refuses_broken_lines() -> None:
    for line in ("+COPS: ", "+COPS: x", "+CREG: 0"):
        with pytest.raises(RemoteProtocolError):
            parse_cops(line)


# --- SIM ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("+CPIN: READY", "READY"),
        ("+CPIN: SIM PIN", "SIM PIN"),  # GARRONEJ, SIM800 boot
        ("+CPIN: SIM PUK", "SIM PUK"),
        ("+CPIN: PH-SIM PIN", "PH-SIM PIN"),
        ("+CPIN: NOT INSERTED", "NOT INSERTED"),  # SIM800 manual URC
        ("+CPIN: NOT READY", "NOT READY"),  # SIM800 manual URC
        ("+CPIN:READY", "READY"),
        ('+CPIN: "SIM  PIN"', "SIM PIN"),
    ],
)
def test_parse_cpin(line: str, code: str) -> None:
    assert parse_cpin(line) == code


def test_parse_cpin_refuses_an_empty_code() -> None:
    with pytest.raises(RemoteProtocolError):
        parse_cpin("+CPIN: ")


# --- identities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "imei"),
    [
        (["352215049114778"], "352215049114778"),  # Huawei E173 (Ubuntu Forums)
        (['+CGSN: "004400013805666"'], "004400013805666"),  # Motorola G24 AT manual
        (["356936001568843,NL2A62Z0N5"], "356936001568843"),  # MM parse_gsn (Option)
        (["IMEI: 352215049114778"], "352215049114778"),
        ("861976004215827", "861976004215827"),  # Huawei E173 (habr post), a bare string
    ],
)
def test_parse_imei(lines, imei: str) -> None:
    assert parse_imei(lines) == imei


@pytest.mark.parametrize("lines", [[], ["0x6744775"], ["35221504911477"], ["3522150491147781"]])
def test_parse_imei_refuses_what_is_no_imei(lines: list[str]) -> None:
    with pytest.raises(RemoteProtocolError, match="AT\\+CGSN"):
        parse_imei(lines)


@pytest.mark.parametrize(
    ("lines", "imsi"),
    [
        (["460015356123463"], "460015356123463"),  # a ZTE module driver's AT+CIMI comment
        (["+CIMI: 208150000000000"], "208150000000000"),
    ],
)
def test_parse_imsi(lines: list[str], imsi: str) -> None:
    assert parse_imsi(lines) == imsi


@pytest.mark.parametrize("lines", [[], ["12345"], ["4600153561234631"], ["46001535612346A"]])
def test_parse_imsi_refuses_what_is_no_imsi(lines: list[str]) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_imsi(lines)


@pytest.mark.parametrize(
    ("lines", "iccid"),
    [
        (["+CCID: 89324102234690160476"], "89324102234690160476"),
        (['+CCID: "89324102234690160476"'], "89324102234690160476"),
        (["89324102234690160476"], "89324102234690160476"),  # SIM800 form (bare)
        (["^ICCID: 98231420326409614067"], "89324102234690160476"),  # MM swap vector, Huawei
        (["^ICCID: 89860121802374570731"], "89860121802374570731"),  # ZTE prints it unswapped
        (['"984402003576012594F9"'], "8944200053671052499"),  # MM quoted, swapped, 19 digits
        (["8944200053671052499F"], "8944200053671052499"),  # MM unswapped with F
        (["+ICCID: 8901260487759545390F"], "8901260487759545390"),  # a Quectel RM5xx parser
        (["+QCCID: 89324102234690160476"], "89324102234690160476"),
        (['+CRSM: 144,0,"984402003576012594F9"'], "8944200053671052499"),  # EF_ICCID read
        (["+CRSM: 144, 0, 98231420326409614067"], "89324102234690160476"),
        (['"898602F9091830030220"'], "898602F9091830030220"),  # MM hex account (China)
        (["^RSSI:18", "89324102234690160476"], "89324102234690160476"),
    ],
)
def test_parse_iccid(lines: list[str], iccid: str) -> None:
    assert parse_iccid(lines) == iccid


@pytest.mark.parametrize(
    "lines",
    [
        [],
        ["982314203264096"],  # MM: too short
        ["98231420326pl9614067"],  # MM: invalid characters
        ['"0044200053671052499"'],  # MM: not an ICC of the telecom industry
        ['+CRSM: 106,130,""'],  # the SIM refused the read
        ["+CRSM: 144"],
    ],
)
def test_parse_iccid_refuses_what_is_no_iccid(lines: list[str]) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_iccid(lines)


def test_identification_lines() -> None:
    assert parse_cgmi(["huawei"]) == "huawei"  # MM devid E1550
    assert parse_cgmi(['"Motorola CE, Copyright 2000"']) == "Motorola CE, Copyright 2000"
    assert parse_cgmi(["+CGMI: Quectel"]) == "Quectel"
    assert parse_cgmm(["SIMCOM_SIM7600G-H"]) == "SIMCOM_SIM7600G-H"  # a SIM7600 test double
    assert parse_cgmm(["+CGMM: E173"]) == "E173"
    assert parse_cgmr(["+CGMR: LE20B04SIM7600G22"]) == "LE20B04SIM7600G22"
    assert parse_cgmr(["V 08.62", "24-07-09", "RM-520", "(c) Nokia"]) == (
        "V 08.62 24-07-09 RM-520 (c) Nokia"  # MM devid Nokia 2720a
    )
    with pytest.raises(RemoteProtocolError):
        parse_cgmr([])


def test_parse_ati() -> None:
    e173 = [  # Huawei E173, Ubuntu Forums
        "Manufacturer: huawei",
        "Model: E173",
        "Revision: 11.126.83.00.00",
        "IMEI: 352215049114778",
        "+GCAP: +CGSM,+DS,+ES",
    ]
    assert parse_ati(e173) == {
        "Manufacturer": "huawei",
        "Model": "E173",
        "Revision": "11.126.83.00.00",
        "IMEI": "352215049114778",
    }
    assert parse_ati(["SIM800 R14.18"]) == {}


# --- SMS ----------------------------------------------------------------------------------------


def test_parse_csca() -> None:
    assert parse_csca('+CSCA: "+33695000695",145') == ("+33695000695", 145)  # node-serialport-gsm
    # The same number as a modem prints it under AT+CSCS="UCS2" (TS 27.007 §5.5).
    ucs2 = "".join(f"{ord(char):04X}" for char in "+33695000695")
    assert parse_csca(f'+CSCA: "{ucs2}",145') == ("+33695000695", 145)
    assert parse_csca('+CSCA: "",129') == ("", 129)


@pytest.mark.parametrize(
    ("line", "reference"),
    [("+CMGS: 135", 135), ("+CMGS: 12", 12), ('+CMGS: 7,"0011AB"', 7)],  # GARRONEJ, TS 27.005
)
def test_parse_cmgs(line: str, reference: int) -> None:
    assert parse_cmgs(line) == reference


def test_parse_cmgs_refuses_broken_lines() -> None:
    for line in ("+CMGS: ", "+CMGS: x", "+CMTI: 1"):
        with pytest.raises(RemoteProtocolError, match="AT\\+CMGS"):
            parse_cmgs(line)


def test_parse_cmti_and_cdsi() -> None:
    assert parse_cmti('+CMTI: "SM",26') == ("SM", 26)  # GARRONEJ
    assert parse_cmti('+CMTI: "ME",3') == ("ME", 3)
    assert parse_cdsi('+CDSI: "SM",0') == ("SM", 0)  # GARRONEJ
    for line in ('+CMTI: "SM"', "+CMTI: SM,x", '+CDSI: "SM",1'):
        with pytest.raises(RemoteProtocolError):
            parse_cmti(line)


def test_parse_cmgl() -> None:
    lines = ["+CMGL: 1,1,,28", HELLO, "+CMGL: 26,0,,26", DELIVER.lower()]
    assert parse_cmgl(lines) == [
        StoredPdu(1, 1, 28, HELLO),
        StoredPdu(26, 0, 26, DELIVER),
    ]
    assert parse_cmgl([]) == []
    assert parse_cmgl(['+CMGL: 2,0,"Alice, B",26', DELIVER]) == [StoredPdu(2, 0, 26, DELIVER)]


@pytest.mark.parametrize(
    "lines",
    [
        ["+CMGL: 1,1,,28"],  # no PDU line
        ['+CMGL: 1,"REC READ","+33612345678",,"24/01/01,10:00:00+04"', "Bonjour"],  # text mode
        [HELLO, "+CMGL: 1,1,,28"],
    ],
)
def test_parse_cmgl_refuses_broken_listings(lines: list[str]) -> None:
    with pytest.raises(RemoteProtocolError, match="AT\\+CMGL"):
        parse_cmgl(lines)


@pytest.mark.parametrize(
    ("line", "length", "problem"),
    [
        ("not hex", 28, "AT+CMGL: the PDU is not hex: 'not hex'"),
        (HELLO, 99, f"AT+CMGL: length 99 exceeds the PDU: {HELLO!r}"),
        (HELLO + "0", 28, f"AT+CMGL: the PDU is not hex: {HELLO + '0'!r}"),
    ],
)
def test_a_broken_pdu_of_a_listing_is_kept_with_its_problem(line, length, problem) -> None:
    """One corrupt slot neither hides the others nor stays on the SIM (issue 14)."""
    lines = [f"+CMGL: 1,1,,{length}", line, "+CMGL: 26,0,,26", DELIVER]
    assert parse_cmgl(lines) == [
        StoredPdu(1, 1, length, line, problem),
        StoredPdu(26, 0, 26, DELIVER),
    ]


def test_parse_cmgr() -> None:
    assert parse_cmgr(["+CMGR: 0,,26", DELIVER]) == StoredPdu(None, 0, 26, DELIVER)  # GARRONEJ
    assert parse_cmgr(["+CMGR: 0,,26", "xyz"]).problem == "AT+CMGR: the PDU is not hex: 'xyz'"
    for lines in (["+CMGR: 0,,26"], ["+CMGR: x", DELIVER]):
        with pytest.raises(RemoteProtocolError, match="AT\\+CMGR"):
            parse_cmgr(lines)


def test_parse_cmt_and_cds() -> None:
    assert parse_cmt(Urc("+CMT", "+CMT: ,26", DELIVER)) == (26, DELIVER)
    assert parse_cmt(Urc("+CMT", '+CMT: "",26', DELIVER)) == (26, DELIVER)
    assert parse_cds(Urc("+CDS", "+CDS: 24", REPORT)) == (24, REPORT)  # MM test_parse_cds
    with pytest.raises(RemoteProtocolError, match="no PDU"):
        parse_cmt(Urc("+CMT", "+CMT: ,26"))
    with pytest.raises(RemoteProtocolError):
        parse_cds(Urc("+CMT", "+CMT: ,26", DELIVER))
    with pytest.raises(RemoteProtocolError):
        parse_cds(Urc("+CDS", "+CDS: 99", REPORT))


@pytest.mark.parametrize(
    ("line", "usage"),
    [
        (
            '+CPMS: "ME",1,100,"MT",5,100,"TA",1,100',  # MM cpms query
            (MemoryUsage("ME", 1, 100), MemoryUsage("MT", 5, 100), MemoryUsage("TA", 1, 100)),
        ),
        (
            '+CPMS: "SM",3,20,"SM",3,20,"SM",3,20',
            (MemoryUsage("SM", 3, 20),) * 3,
        ),
        (
            "+CPMS: 3,23,0,100,0,100",  # a SIM7600 test double, answer to AT+CPMS="ME"
            (MemoryUsage(None, 3, 23), MemoryUsage(None, 0, 100), MemoryUsage(None, 0, 100)),
        ),
    ],
)
def test_parse_cpms(line: str, usage: tuple[MemoryUsage, ...]) -> None:
    assert parse_cpms(line) == usage


@pytest.mark.parametrize("line", ["+CPMS: 1,2,3", '+CPMS: "SM",1', '+CPMS: "SM",x,20', "+CPMS: "])
def test_parse_cpms_refuses_broken_lines(line: str) -> None:
    with pytest.raises(RemoteProtocolError, match="AT\\+CPMS"):
        parse_cpms(line)


# --- USSD ---------------------------------------------------------------------------------------

E3131_USSD = (
    "C135BD1E66BBF3A0393DEC06ADDF6E7A1844668741EE7ABB2CAF8368B85C2E97CBE572B91C48078AB160301094"
    "E97481966F37FD0DBA87F5EE3288FC0691DDE93048866BC1722D192C9603C5623A1A4D378301"
)
# A Russian operator's reply in UCS-2, from a modem log kept in a published firmware's comments.
UCS2_USSD = (
    "0421043F0430044104380431043E0020043704300020043E04310440043004490435043D0438043500210020041C"
    "044B0020043D0430043F0440043004320438043C0020043E04420432043504420020043D04300020041204300448"
    "002004370430043F0440043E04410020043200200053004D0053"
)


@pytest.mark.parametrize(
    ("line", "ussd"),
    [
        (
            f'+CUSD: 0,"{E3131_USSD}",15',
            Ussd(
                0,
                "Aktualny stan konta dla numeru 48999999999 : 1,00 PLN. "
                "Konto wazne do dnia 28-09-2019 11:44:30",
                15,
            ),
        ),
        (
            f'+CUSD: 0,"{UCS2_USSD}",72',
            Ussd(0, "Спасибо за обращение! Мы направим ответ на Ваш запрос в SMS", 72),
        ),
        ('+CUSD: 0,"Solde: 5,00 EUR",15', Ussd(0, "Solde: 5,00 EUR", 15)),
        ('+CUSD: 1,"Menu:\n1. Solde\n2. Options",15', Ussd(1, "Menu:\n1. Solde\n2. Options", 15)),
        ('+CUSD: 0,"Balance: OK"', Ussd(0, "Balance: OK", None)),
        ("+CUSD: 2", Ussd(2, None, None)),
        ("+CUSD: 4", Ussd(4, None, None)),
        ('+CUSD: 0,"1000",15', Ussd(0, "1000", 15)),  # all decimal: never taken for hex
        ('+CUSD: 0,"12345678",15', Ussd(0, "12345678", 15)),
        ('+CUSD: 0,"CAFE",15', Ussd(0, "CAFE", 15)),  # too short to be taken for hex
        ('+CUSD: 0,"ABCDEF0123456789",15', Ussd(0, "ABCDEF0123456789", 15)),  # implausible
        ('+CUSD: 0,"0041",72', Ussd(0, "A", 72)),
        ('+CUSD: 0,"004",72', Ussd(0, "004", 72)),  # not UCS-2 hex: as given
        ('+CUSD: 0,"D800",72', Ussd(0, "D800", 72)),  # a lone surrogate: as given
        ('+CUSD: 0,"C8329BFD06",68', Ussd(0, "C8329BFD06", 68)),  # 8-bit data: as given
    ],
)
def test_parse_cusd(line: str, ussd: Ussd) -> None:
    assert parse_cusd(line) == ussd


def test_parse_cusd_refuses_broken_lines() -> None:
    for line in ("+CUSD: ", '+CUSD: x,"a",15', '+CUSD: 0,"unterminated'):
        with pytest.raises(RemoteProtocolError, match="AT\\+CUSD"):
            parse_cusd(line)


def test_the_gsm7_alphabet_matches_the_oracle() -> None:
    assert len(DEFAULT_ALPHABET) == 128
    # TS 23.038 §6.2.1 puts § at 0x5F; python-gsmmodem 0.13 has a backquote there (its bug).
    assert DEFAULT_ALPHABET[0x5F] == "§"
    for septet, char in enumerate(DEFAULT_ALPHABET):
        if septet not in (0x1B, 0x5F):
            assert oracle.decodeGsm7(bytearray([septet])) == char, hex(septet)


gsm7_text = st.text(
    alphabet=st.sampled_from(DEFAULT_ALPHABET.replace("\x1b", "").replace("§", "") + "€[]{}|~^\\"),
    max_size=90,
).filter(lambda text: not text.endswith(("@", "\r")))


@settings(max_examples=100, deadline=None)
@given(gsm7_text)
def test_unpacking_agrees_with_the_oracle(text: str) -> None:
    packed = bytes(oracle.packSeptets(oracle.encodeGsm7(text)))
    assert decode_septets(unpack_septets(packed)) == text


def test_padding_septets_are_dropped() -> None:
    # 7 characters in 7 octets leave 7 spare bits: CR (TS 23.038 §6.1.2.3.1) or 0 fills them.
    seven = oracle.encodeGsm7("ABCDEFG")
    for pad in (b"\r", b"\x00"):
        packed = bytes(oracle.packSeptets(bytearray(seven) + bytearray(pad)))
        assert decode_septets(unpack_septets(packed)) == "ABCDEFG"
    assert decode_septets(unpack_septets(bytes.fromhex("AA180C3602"))) == "*100#"  # E3131


# --- kinds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urc", "kind"),
    [
        (Urc("+QIND", "+QIND: SMS DONE"), "sms-ready"),  # Quectel EC25 log
        (Urc("+QIND", '+QIND: "SMS DONE"'), "sms-ready"),
        (Urc("+QIND", "+QIND: PB DONE"), "phonebook-ready"),
        (Urc("+QIND", '+QIND: "csq",20,99'), None),
        (Urc("SMS Ready", "SMS Ready"), "sms-ready"),  # SIM800
        (Urc("Call Ready", "Call Ready"), "call-ready"),
        (Urc("+CPIN", "+CPIN: READY"), "sim"),
        (Urc("+CPIN", "+CPIN: NOT INSERTED"), "sim"),
        (Urc("RDY", "RDY"), "boot"),
        (Urc("^BOOT", "^BOOT:20952548,0,0,0,72"), "boot"),
        (Urc("+CMTI", '+CMTI: "SM",26'), "new-message"),
        (Urc("+CMT", "+CMT: ,26", DELIVER), "message"),
        (Urc("+CDS", "+CDS: 24", REPORT), "status-report"),
        (Urc("+CEREG", "+CEREG: 1"), "registration"),
        (Urc("^RSSI", "^RSSI:18"), "signal"),
        (Urc("^MODE", "^MODE:5,4"), "mode"),
        (Urc("+CUSD", "+CUSD: 2"), "ussd"),
        (Urc("^DSFLOWRPT", "^DSFLOWRPT:1,2"), None),
        (Urc("whatever", "whatever"), None),
    ],
)
def test_urc_kind(urc: Urc, kind: str | None) -> None:
    assert urc_kind(urc) == kind


def test_split_fields() -> None:
    assert [f.text for f in split_fields('0,0,"A, B",2')] == ["0", "0", "A, B", "2"]
    assert [f.text for f in split_fields(' 1, "0426" , "F00F" ')] == ["1", "0426", "F00F"]
    assert [f.quoted for f in split_fields('"",,x')] == [True, False, False]
    with pytest.raises(RemoteProtocolError):
        split_fields('1,"abc')


# --- robustness ---------------------------------------------------------------------------------

LINE_PARSERS = [
    parse_csq,
    parse_huawei_rssi,
    parse_huawei_hcsq,
    lambda line: parse_creg(line, True),
    lambda line: parse_creg(line, False),
    parse_cops,
    parse_cpin,
    parse_csca,
    parse_cmgs,
    parse_cmti,
    parse_cdsi,
    parse_cpms,
    parse_cusd,
    parse_huawei_boot,
    parse_huawei_mode,
]
LINES_PARSERS = [
    parse_imei,
    parse_imsi,
    parse_iccid,
    parse_cgmi,
    parse_cgmm,
    parse_cgmr,
    parse_ati,
    parse_cmgl,
    parse_cmgr,
]
NAMES = ["+CSQ: ", "^RSSI:", "^HCSQ: ", "+CREG: ", "+CEREG: ", "+COPS: ", "+CPIN: ", "+CSCA: "]
NAMES += ["+CMGS: ", "+CMTI: ", "+CDSI: ", "+CPMS: ", "+CUSD: ", "^BOOT:", "^MODE:", "+CMGL: "]
NAMES += ["+CMGR: ", "+CCID: ", "^ICCID: ", "+CRSM: ", ""]
lines = st.builds(
    str.__add__,
    st.sampled_from(NAMES),
    st.text(alphabet=st.sampled_from('0123456789,"ABCF +-x\n'), max_size=40) | st.text(max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(lines, st.lists(lines, max_size=4))
def test_parsers_raise_only_remote_protocol_errors(line: str, many: list[str]) -> None:
    for parse in LINE_PARSERS:
        try:
            parse(line)
        except RemoteProtocolError:
            pass
    for parse in LINES_PARSERS:
        try:
            parse(many)
        except RemoteProtocolError:
            pass
    for parse in (parse_cmt, parse_cds):
        try:
            parse(Urc(line.partition(":")[0], line, many[0] if many else None))
        except RemoteProtocolError:
            pass


def test_a_number_too_long_for_int_is_a_protocol_error() -> None:
    with pytest.raises(RemoteProtocolError):
        parse_csq("+CSQ: " + "9" * 5000 + ",99")
