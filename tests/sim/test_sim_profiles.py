"""Every command on every profile, answered in the format the real device prints.

Expected values are the published replies quoted in ``modem/sim/profiles/*.py`` (vendor manuals,
captures of real devices), written out here so a profile edit that drifts from them fails.
"""

from __future__ import annotations

import pytest

from modem.sim import PROFILES, FakeModem
from modem.sim.identity import luhn_valid, swap_nibbles

from .fake_dte import Dte, ok, quiet

ALL = sorted(PROFILES)

# What AT+CGMI, AT+CGMM, AT+CGMR print, line by line (None: ERROR)
IDENTITY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None]] = {
    "generic": (("smsrelay",), ("Simulated 3GPP modem",), ("sim-1.0",)),
    "huawei-e173": (("huawei",), ("E173",), ("11.126.83.00.00",)),
    "huawei-me909s": (
        ("Huawei Technologies Co., Ltd.",),
        ("ME909s-120",),
        ("11.617.15.00.00",),
    ),
    "zte-k3565z": (("ZTE INCORPORATED",), ("K3565-Z",), ("BD_P673A2V1.0.0B09",)),
    "qualcomm-m6280": (
        ("QUALCOMM INCORPORATED",),
        ("M6280",),
        ("M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]",),
    ),
    "wavecom-multiband": ((" WAVECOM MODEM",), (" MULTIBAND  900E  1800",), None),
    "nokia-n79": (
        ("Nokia",),
        ("Nokia N79",),
        ("V ICPR72_08w44.1", "24-11-08", "RM-348", "(c) Nokia", "11.049"),
    ),
    "simcom-sim800": (("SIMCOM_Ltd",), ("SIMCOM_SIM800L",), ("Revision:1418B05SIM800L24",)),
    "simcom-sim7600": (
        ("SIMCOM INCORPORATED",),
        ("SIMCOM_SIM7600G-H",),
        ("+CGMR: SIM7600M22_V2.0",),
    ),
    "quectel-ec25": (("Quectel",), ("EC25",), ("EC25EFAR06A06M4G",)),
    "cinterion-phs8": (("Cinterion",), ("PHS8-USA",), ("REVISION 03.001",)),
}
CNMI_TEST = {
    "generic": "(0-3),(0-3),(0,2),(0-2),(0,1)",
    "huawei-e173": "(0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)",
    "huawei-me909s": "(0-2),(0-3),(0,2),(0-2),(0,1)",
    "zte-k3565z": "(0-3),(0-3),(0,2),(0-2),(0,1)",
    "qualcomm-m6280": "(0-3),(0-3),(0,2),(0-2),(0,1)",
    "wavecom-multiband": "(0-3),(0-3),(0,2),(0-2),(0,1)",
    "simcom-sim800": "(0-3),(0-3),(0,2),(0,1),(0,1)",
    "simcom-sim7600": "(0-3),(0-3),(0,2),(0-2),(0,1)",
    "quectel-ec25": "(0-2),(0-3),(0,2),(0-2),(0,1)",
    "cinterion-phs8": "(0,1,2),(0,1),(0,2),(0),(1)",
}
_HUAWEI_CPMS = '("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")'
CPMS_TEST = {
    "generic": '("SM","ME","MT","SR"),("SM","ME","MT","SR"),("SM","ME","MT","SR")',
    "huawei-e173": _HUAWEI_CPMS,
    "huawei-me909s": _HUAWEI_CPMS,
    "zte-k3565z": _HUAWEI_CPMS,
    "qualcomm-m6280": _HUAWEI_CPMS,
    "wavecom-multiband": '(("SM","BM","SR"),("SM"))',
    "simcom-sim800": (
        '("SM","ME","SM_P","ME_P","MT"),("SM","ME","SM_P","ME_P","MT"),'
        '("SM","ME","SM_P","ME_P","MT")'
    ),
    "simcom-sim7600": _HUAWEI_CPMS,
    "quectel-ec25": '("SM","ME","MT","SR"),("SM","ME","MT","SR"),("SM","ME","MT","SR")',
    "cinterion-phs8": '("ME","MT"),("ME","SM","MT"),("SM","MT")',
}
RECEIVING = sorted(name for name in ALL if PROFILES[name].quirks.sms_access)


@pytest.mark.parametrize("name", ALL)
def test_identification(name: str) -> None:
    dte = quiet(name, seed=7)
    m = dte.modem
    manufacturer, model, revision = IDENTITY[name]
    assert dte.cmd("AT+CGMI") == ok(*manufacturer)
    assert dte.cmd("AT+CGMM") == ok(*model)
    assert dte.cmd("AT+CGMR") == (ok(*revision) if revision else b"\r\nERROR\r\n")
    assert dte.cmd("AT+CGSN") == ok(m.imei)
    assert dte.cmd("AT+GSN") == ok(m.imei)
    assert m.imei.startswith(m.profile.tac) and luhn_valid(m.imei)
    assert dte.cmd("AT+CIMI") == ok(m.imsi)
    assert dte.cmd("AT+GCAP") == ok(f"+GCAP: {m.profile.gcap}")


def test_ati_as_each_device_prints_it() -> None:
    assert quiet("simcom-sim800").cmd("ATI") == ok("SIM800 R14.18")
    assert quiet("quectel-ec25").cmd("ATI") == ok("Quectel", "EC25", "Revision: EC25EFAR06A06M4G")
    dte = quiet("huawei-e173")
    assert dte.cmd("ATI") == ok(
        "Manufacturer: huawei",
        "Model: E173",
        "Revision: 11.126.83.00.00",
        f"IMEI: {dte.modem.imei}",
        "+GCAP: +CGSM,+DS,+ES",
    )


@pytest.mark.parametrize("name", RECEIVING)
def test_sms_settings(name: str) -> None:
    dte = quiet(name)
    p = dte.modem.profile
    assert dte.cmd("AT+CNMI=?") == ok(f"+CNMI: {CNMI_TEST[name]}")
    assert dte.cmd("AT+CNMI?") == ok("+CNMI: " + ",".join(map(str, p.cnmi_default)))
    assert dte.cmd("AT+CPMS=?") == ok(f"+CPMS: {CPMS_TEST[name]}")
    memories = p.cpms_default[: p.quirks.cpms_memories]  # Wavecom: two
    defaults = [(mem, dte.modem.store(mem).capacity) for mem in memories]
    assert dte.cmd("AT+CPMS?") == ok("+CPMS: " + ",".join(f'"{m}",0,{n}' for m, n in defaults))
    sm = dte.modem.store("SM").capacity
    if name == "wavecom-multiband":  # two memories only
        assert dte.cmd('AT+CPMS="SM","SM","SM"') == b"\r\nERROR\r\n"
        assert dte.cmd('AT+CPMS="SM","SM"') == ok(f"+CPMS: 0,{sm},0,{sm}")
    elif name == "cinterion-phs8":  # no SM in mem1, MT in all three
        assert dte.cmd('AT+CPMS="SM","SM","SM"') == b"\r\n+CMS ERROR: 302\r\n"
        me = dte.modem.store("ME").capacity
        assert dte.cmd('AT+CPMS="MT","MT","MT"') == ok(f"+CPMS: 0,{me},0,{me},0,{me}")
    else:
        assert dte.cmd('AT+CPMS="SM","SM","SM"') == ok(f"+CPMS: 0,{sm},0,{sm},0,{sm}")
    assert dte.cmd('AT+CPMS="XX"') == b"\r\n+CMS ERROR: 302\r\n"
    assert dte.cmd("AT+CMGF?") == ok("+CMGF: 0")
    assert dte.cmd("AT+CMGF=?") == ok("+CMGF: (0,1)")
    assert dte.cmd("AT+CSMS?") == ok("+CSMS: 0,1,1,1")
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "+33689004000",145')
    assert dte.cmd('AT+CSCA="+33609001390",145') == ok()
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "+33609001390",145')
    assert dte.cmd("AT+CSDH?") == ok("+CSDH: 0")
    assert dte.cmd("AT+CSDH=1") == ok()


@pytest.mark.parametrize("name", ALL)
def test_network(name: str) -> None:
    dte = quiet(name)
    p = dte.modem.profile
    assert dte.cmd("AT+CSQ") == ok(f"+CSQ: {p.signal_default},{p.ber}")
    dte.modem.signal = 9
    assert dte.cmd("AT+CSQ") == ok(f"+CSQ: 9,{p.ber}")
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,1")
    assert dte.cmd("AT+CGREG?") == ok("+CGREG: 0,1")
    act = "" if p.cops_act is None else f",{p.cops_act}"
    assert dte.cmd("AT+COPS?") == ok(f'+COPS: 0,0,"Orange F"{act}')
    assert dte.cmd("AT+COPS=3,2;+COPS?") == ok(f'+COPS: 0,2,"20801"{act}')
    if p.quirks.cfun_read_prints_ranges:  # the ZTE K3565-Z
        assert dte.cmd("AT+CFUN?") == ok("+CFUN: (0-1,4-7),(0-1)")
    else:
        assert dte.cmd("AT+CFUN?") == ok("+CFUN: 1")
    assert dte.cmd("AT+CFUN=?") == ok(f"+CFUN: {p.cfun_test}")
    assert dte.cmd("AT+CSCS?") == ok(f'+CSCS: "{p.charset_default}"')
    assert dte.cmd("ATH") == ok()
    assert dte.cmd("AT+CEREG?") == (ok("+CEREG: 0,1") if p.has_cereg else b"\r\nERROR\r\n")


def test_creg_2_carries_location_and_access_technology() -> None:
    dte = quiet("quectel-ec25")
    m = dte.modem
    assert dte.cmd("AT+CREG=2;+CREG?") == ok(f'+CREG: 2,1,"{m.lac}","{m.cell}",7')
    assert len(m.cell) == 8
    dte = quiet("simcom-sim800")
    m = dte.modem
    assert dte.cmd("AT+CREG=2;+CREG?") == ok(f'+CREG: 2,1,"{m.lac}","{m.cell}"')


def test_iccid_each_vendor_its_way() -> None:
    for name, command, reply in [
        ("simcom-sim800", "AT+CCID", "{iccid}"),
        ("huawei-e173", "AT^ICCID?", "^ICCID: {swapped}"),
        ("quectel-ec25", "AT+QCCID", "+QCCID: {iccid}"),
        ("simcom-sim7600", "AT+CICCID", "+ICCID: {iccid}"),
        ("huawei-me909s", "AT^ICCID?", "^ICCID: {swapped}"),
    ]:
        dte = quiet(name)
        m = dte.modem
        assert dte.cmd(command) == ok(reply.format(iccid=m.iccid, swapped=swap_nibbles(m.iccid)))
    generic = quiet("generic")
    for command in ("AT+CCID", "AT^ICCID?", "AT+QCCID"):
        assert generic.cmd(command) == b"\r\nERROR\r\n"


@pytest.mark.parametrize("name", ALL)
def test_iccid_through_restricted_sim_access(name: str) -> None:
    dte = quiet(name, pin="1234")  # EF_ICCID is readable before the PIN
    dte.advance(dte.modem.profile.quirks.sim_busy_after_ready)  # the M6280's "SIM busy" spell
    if not dte.modem.profile.quirks.crsm:  # the Nokia N79: no way to the card's files
        assert dte.cmd("AT+CRSM=176,12258,0,0,10") == b"\r\nERROR\r\n"
        return
    swapped = swap_nibbles(dte.modem.iccid)
    assert swapped.startswith("9833")
    assert dte.cmd("AT+CRSM=176,12258,0,0,10") == ok(f'+CRSM: 144,0,"{swapped}"')
    assert dte.cmd("AT+CRSM=176,28542,0,0,9") == ok("+CRSM: 106,130")


@pytest.mark.parametrize("name", ALL)
def test_unknown_and_lower_case(name: str) -> None:
    dte = quiet(name)
    assert dte.cmd("AT+NOPE") == b"\r\nERROR\r\n"
    assert dte.cmd("at+cgmm") == ok(*IDENTITY[name][1])
    assert dte.cmd("AT") == ok()
    assert dte.cmd("") == b""  # an empty line is no command line: no answer


def test_vendor_commands_only_on_their_vendor() -> None:
    assert quiet("huawei-e173").cmd("AT^CURC=0") == ok()
    assert quiet("simcom-sim800").cmd("AT^CURC=0") == b"\r\nERROR\r\n"


def test_echo_at_start_then_off() -> None:
    dte = Dte(FakeModem("huawei-e173"))
    assert dte.cmd("AT") == b"AT\r\r\nOK\r\n"
    assert dte.cmd("ATE0") == b"ATE0\r\r\nOK\r\n"
    assert dte.cmd("AT") == b"\r\nOK\r\n"
    assert dte.cmd("ATE1") == b"\r\nOK\r\n"
    assert dte.cmd("ATZ") == b"ATZ\r\r\nOK\r\n"


def test_v0_numeric_result_codes() -> None:
    dte = quiet()
    assert dte.cmd("ATV0") == b"0\r"
    assert dte.cmd("AT+CGMM") == b"Simulated 3GPP modem\r\n0\r"
    assert dte.cmd("AT+NOPE") == b"4\r"
    assert dte.cmd("ATV1") == ok()


def test_a_phone_lists_no_storage_and_refuses_indications() -> None:
    dte = quiet("nokia-n79")
    assert dte.cmd("AT+CPMS=?") == ok("+CPMS: (),(),()")
    assert dte.cmd('AT+CPMS="SM","SM"') == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CNMI=2,1,0,2") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CNMI=?") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+GCAP") == ok("+GCAP: +CGSM,+DS,+W")


def test_every_profile_cites_its_sources() -> None:
    """Each vendor module says where its facts come from (its docstring), as the house asks."""
    import importlib

    for profile in PROFILES.values():
        module = next(
            importlib.import_module(f"modem.sim.profiles.{name}")
            for name in (
                "generic",
                "huawei",
                "zte",
                "qualcomm",
                "wavecom",
                "nokia",
                "simcom",
                "quectel",
                "cinterion",
            )
            if profile in importlib.import_module(f"modem.sim.profiles.{name}").PROFILES
        )
        assert "source" in (module.__doc__ or "").lower() or profile.name == "generic", profile.name
