"""Each ``Quirks`` switch makes the simulator answer as the cited device does, byte for byte.

The sources are next to each switch in ``modem.sim.quirks``; here a generic profile gets one
switch at a time, so that what a test shows is that switch and nothing else.
"""

from __future__ import annotations

from dataclasses import replace

from modem.sim import FakeModem, get_profile
from modem.sim.quirks import Quirks

from .fake_dte import HELLOHELLO, Dte, ok


def with_quirks(**switches: object) -> Dte:
    profile = replace(get_profile("generic"), quirks=Quirks(**switches))  # type: ignore[arg-type]
    dte = Dte(FakeModem(profile))
    dte.cmd("ATE0")
    dte.cmd("AT+CMEE=1")
    return dte


def test_the_default_quirks_are_plain_3gpp() -> None:
    dte = with_quirks()
    assert dte.cmd("AT+CFUN?") == ok("+CFUN: 1")
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: READY")
    assert dte.cmd("AT+CGMI") == ok("smsrelay")


def test_radio_off_at_start_until_cfun_1_then_registered_after_the_registration_time() -> None:
    dte = with_quirks(radio_at_start=0)
    assert dte.cmd("AT+CFUN?") == ok("+CFUN: 0")
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,0")  # not registered, not searching
    assert dte.cmd("AT+CSQ") == ok("+CSQ: 99,99")
    assert dte.cmd("AT+CFUN=1") == ok()
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,2")  # searching now
    dte.advance(2.0)  # the generic profile registers 2 s after the radio is on
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,1")


def test_a_radio_left_at_4_reads_4() -> None:
    assert with_quirks(radio_at_start=4).cmd("AT+CFUN?") == ok("+CFUN: 4")


def test_no_final_after_cpin_read_only() -> None:
    dte = with_quirks(no_final_after=("+CPIN?",))
    assert dte.cmd("AT+CPIN?", wait=5.0) == b"\r\n+CPIN: READY\r\n"  # and never OK
    assert dte.cmd("AT+CSQ") == ok("+CSQ: 20,99")  # the next command is answered as usual
    assert dte.cmd("AT+CPIN=?") == ok()  # the test form keeps its OK


def test_a_phone_refuses_indications_storages_and_listings_but_sends() -> None:
    dte = with_quirks(sms_access=False)
    assert dte.cmd("AT+CNMI=2,1,0,2,0") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CNMI=?") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CPMS=?") == ok("+CPMS: (),(),()")
    assert dte.cmd('AT+CPMS="SM","SM","SM"') == b"\r\nERROR\r\n"
    assert dte.cmd('AT+CPMS="ME"') == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CMGL=4") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CMGR=1") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CMGD=1") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CMGF=0") == ok()
    assert dte.sms(HELLOHELLO, 23).endswith(b"\r\nOK\r\n")
    assert [message.text for message in dte.modem.air] == ["hellohello"]


def test_sim_busy_for_a_while_after_it_is_ready() -> None:
    dte = with_quirks(sim_busy_after_ready=8.0)  # from the start: two commands took 2 s
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: READY")
    assert dte.cmd("AT+CIMI") == b"\r\n+CME ERROR: 14\r\n"
    assert dte.cmd("AT+CSCA?") == b"\r\n+CMS ERROR: 314\r\n"
    assert dte.cmd("AT+CRSM=176,12258,0,0,10") == b"\r\n+CME ERROR: 14\r\n"
    assert dte.cmd('AT+CPMS="SM","SM","SM"') == b"\r\n+CMS ERROR: 314\r\n"
    dte.advance(2.0)
    assert dte.cmd("AT+CIMI") == ok(dte.modem.imsi)
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "+33689004000",145')


def test_cpin_answers_wavecom_s_please_wait_while_the_sim_is_read() -> None:
    profile = replace(get_profile("generic"), quirks=Quirks(sim_reading_cme=515))
    dte = Dte(FakeModem(profile, booted=False))  # just powered on: the SIM is read after 1 s
    dte.advance(0.6)  # the port answers after 0.5 s
    dte.cmd("ATE0", wait=0.05)
    dte.cmd("AT+CMEE=1", wait=0.05)
    assert dte.cmd("AT+CPIN?", wait=0.05) == b"\r\n+CME ERROR: 515\r\n"
    dte.advance(0.5)
    assert dte.cmd("AT+CPIN?", wait=0.05) == ok("+CPIN: READY")
    plain = Dte(FakeModem("generic", booted=False))
    plain.advance(0.6)
    plain.cmd("AT+CMEE=1", wait=0.05)
    assert plain.cmd("AT+CPIN?", wait=0.05).endswith(b"\r\n+CME ERROR: 14\r\n")  # SIM busy


def test_reports_between_cmgs_and_the_prompt_and_between_the_pdu_and_cmgs() -> None:
    noise = ('+ZDONR: "Orange",234,33,"CS_PS","ROAM_OFF"', '+ZPASR: "UMTS"')
    dte = with_quirks(send_urcs=noise)
    before = dte.cmd("AT+CMGS=23", wait=0.1)
    assert before == b"".join(f"\r\n{line}\r\n".encode() for line in noise) + b"\r\n> "
    after = dte.send(HELLOHELLO.encode() + b"\x1a", wait=30.0)
    assert after.startswith(b"".join(f"\r\n{line}\r\n".encode() for line in noise) + b"\r\n+CMGS: ")
    assert after.endswith(b"\r\nOK\r\n")


def test_cpms_with_two_memories_only() -> None:
    dte = with_quirks(cpms_memories=2)
    assert dte.cmd("AT+CPMS=?") == ok('+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT","SR")')
    assert dte.cmd('AT+CPMS="SM","SM","SM"') == b"\r\nERROR\r\n"
    # two pairs, as the Wavecom prints them ('+CPMS: 14,50,14,50', python-gsmmodem's fake)
    assert dte.cmd('AT+CPMS="SM","SM"') == ok("+CPMS: 0,30,0,30")


def test_csmp_clears_the_smsc_and_a_send_without_one_is_refused_with_330() -> None:
    dte = with_quirks(csmp_clears_smsc=True)
    assert dte.cmd("AT+CSMP=17,167,0,0") == ok()
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "",129')
    assert dte.cmd("ATZ") == ok()
    dte.cmd("ATE0")  # ATZ turned the echo back on
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "",129')  # on the SIM: ATZ does not bring it back
    assert dte.sms(HELLOHELLO, 23).endswith(b"\r\n+CMS ERROR: 330\r\n")
    assert dte.cmd('AT+CSCA="+33689004000",145') == ok()
    assert dte.sms(HELLOHELLO, 23).endswith(b"\r\nOK\r\n")


def test_csmp_on_a_plain_modem_keeps_the_smsc() -> None:
    dte = with_quirks()
    assert dte.cmd("AT+CSMP=17,167,0,0") == ok()
    assert dte.cmd("AT+CSMP?") == ok("+CSMP: 17,167,0,0")
    assert dte.cmd("AT+CSCA?") == ok('+CSCA: "+33689004000",145')


def test_no_crsm() -> None:
    assert with_quirks(crsm=False).cmd("AT+CRSM=176,12258,0,0,10") == b"\r\nERROR\r\n"


def test_leading_space_on_identification() -> None:
    dte = with_quirks(leading_space=True)
    assert dte.cmd("AT+CGMI") == ok(" smsrelay")
    assert dte.cmd("AT+CGMM") == ok(" Simulated 3GPP modem")
    assert dte.cmd("AT+CGSN") == ok(dte.modem.imei)  # digits keep no space
