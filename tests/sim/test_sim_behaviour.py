"""How the simulated modem behaves around the commands: errors, SIM, framing, time, faults."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from modem.sim import FakeModem
from modem.sim.commands_ussd import pack_ussd, unpack_ussd
from modem.sim.handler import LINE_GAP

from .fake_dte import HELLOHELLO, Dte, ok, quiet


def test_cmee_modes_word_the_same_error_three_ways() -> None:
    dte = Dte(FakeModem(pin="1234"))
    dte.cmd("ATE0")
    assert dte.cmd("AT+CMEE=0;+CIMI") == b"\r\nERROR\r\n"
    assert dte.cmd("AT+CMEE=1;+CIMI") == b"\r\n+CME ERROR: 11\r\n"
    assert dte.cmd("AT+CMEE=2;+CIMI") == b"\r\n+CME ERROR: SIM PIN required\r\n"
    assert dte.cmd("AT+CMEE?") == ok("+CMEE: 2")
    assert dte.cmd("AT+CMGL=4") == b"\r\n+CMS ERROR: 311\r\n"  # SMS errors stay +CMS


def test_pin_then_puk() -> None:
    dte = quiet(pin="1234", puk="87654321")
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: SIM PIN")
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,0")
    for _ in range(2):
        assert dte.cmd('AT+CPIN="0000"') == b"\r\n+CME ERROR: 16\r\n"
        assert dte.cmd("AT+CPIN?") == ok("+CPIN: SIM PIN")
    assert dte.cmd('AT+CPIN="0000"') == b"\r\n+CME ERROR: 16\r\n"
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: SIM PUK")
    assert dte.cmd('AT+CPIN="1234"') == b"\r\n+CME ERROR: 12\r\n"  # the PIN no longer helps
    assert dte.cmd('AT+CPIN="11111111","4321"') == b"\r\n+CME ERROR: 16\r\n"
    assert dte.cmd('AT+CPIN="87654321","4321"') == ok()
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: READY")
    assert dte.cmd('AT+CPIN="4321"') == b"\r\n+CME ERROR: 3\r\n"
    dte.advance(dte.modem.profile.registration_time)
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,1")
    dte.modem.power_cycle(dte.t)  # the new PIN is asked again after a power cycle
    dte.advance(30)
    dte.cmd("ATE0;+CMEE=1")
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: SIM PIN")
    assert dte.cmd('AT+CPIN="4321"') == ok()


def test_no_sim() -> None:
    dte = quiet(sim=False)
    assert dte.cmd("AT+CPIN?") == b"\r\n+CME ERROR: 10\r\n"
    assert dte.cmd("AT+CIMI") == b"\r\n+CME ERROR: 10\r\n"
    assert dte.cmd("AT+CMGS=23", wait=0.1) == b"\r\n+CMS ERROR: 310\r\n"
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,0")
    boot = Dte(FakeModem("simcom-sim800", sim=False, booted=False)).advance(10)
    assert boot == b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: NOT INSERTED\r\n"


def test_sim_removed_then_put_back() -> None:
    """Out: "SIM not inserted" and no registration; back: read again, then registered."""
    dte = quiet()
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,1")
    dte.modem.remove_sim(dte.t)
    assert dte.cmd("AT+CPIN?") == b"\r\n+CME ERROR: 10\r\n"
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,0")
    dte.modem.insert_sim(dte.t)
    dte.advance(dte.modem.profile.sim_init_time)
    assert dte.cmd("AT+CPIN?") == ok("+CPIN: READY")
    dte.advance(dte.modem.profile.registration_time)
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,1")
    locked = quiet(pin="1234")
    assert locked.cmd('AT+CPIN="1234"') == ok()
    locked.modem.remove_sim(locked.t)
    locked.modem.insert_sim(locked.t)
    locked.advance(locked.modem.profile.sim_init_time)
    assert locked.cmd("AT+CPIN?") == ok("+CPIN: SIM PIN")  # a card put back asks again


def test_sim800_boot_urcs_in_order() -> None:
    boot = Dte(FakeModem("simcom-sim800", booted=False)).advance(15)
    lines = [line for line in boot.split(b"\r\n") if line]
    assert lines == [b"RDY", b"+CFUN: 1", b"+CPIN: READY", b"Call Ready", b"SMS Ready"]


def test_ec25_boot_with_pin_then_unlock() -> None:
    dte = Dte(FakeModem("quectel-ec25", pin="0000", booted=False))
    assert dte.cmd("AT", wait=5) == b""  # not answering while it boots
    boot = dte.advance(10)
    assert boot == b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: SIM PIN\r\n"
    out = dte.cmd('AT+CPIN="0000"', wait=10)
    lines = [line for line in out.split(b"\r\n") if line]
    assert lines == [
        b'AT+CPIN="0000"\r',
        b"+CPIN: READY",
        b"OK",
        b"+QUSIM: 1",
        b"+QIND: SMS DONE",
        b"+QIND: PB DONE",
    ]


def test_sim_busy_while_it_is_being_read() -> None:
    dte = Dte(FakeModem("simcom-sim800", booted=False))
    dte.advance(2.05)
    assert b"\r\n+CME ERROR: 14\r\n" in dte.cmd("AT+CMEE=1;+CPIN?", wait=0.1)


def test_hang_for_a_while() -> None:
    dte = quiet()
    dte.modem.hang(dte.t, duration=30)
    assert dte.cmd("AT") == b""
    assert dte.send(b"\x1bATZ\r", wait=30) == b""
    assert dte.cmd("AT", wait=10) == ok()  # 30 s are over


def test_hang_for_good_until_power_cycle() -> None:
    dte = quiet()
    dte.cmd("AT+CMGS=23", wait=0.1)
    dte.send(HELLOHELLO.encode() + b"\x1a", wait=0.5)
    dte.modem.hang(dte.t)  # the answer to this send will never come
    assert dte.advance(3600) == b""
    assert dte.cmd("AT") == b""
    assert dte.modem.air == []
    dte.modem.power_cycle(dte.t)
    dte.advance(5)
    assert dte.cmd("AT") == b"AT\r\r\nOK\r\n"  # rebooted: echo back on


def test_command_split_over_several_writes() -> None:
    dte = quiet()
    assert dte.send(b"AT+C", wait=0.5) == b""
    assert dte.send(b"GM", wait=0.5) == b""
    assert dte.send(b"M\r") == ok("Simulated 3GPP modem")
    echoing = Dte(FakeModem())
    assert echoing.send(b"A", 0.1) + echoing.send(b"T", 0.1) == b"AT"  # echo as characters come
    assert echoing.send(b"\r") == b"\r\r\nOK\r\n"


SESSION = b"ATE0\rAT+CMGF=0;+CNMI=2,1,0,0,0\rat+cgmm\rAT+CPIN?\rAT+CSCA?\rAT+NOPE\r"


def _replay(chunks: list[bytes]) -> bytes:
    dte = Dte(FakeModem())
    return b"".join(dte.send(chunk, wait=0.01) for chunk in chunks) + dte.advance(5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(SESSION) - 1), max_size=12))
def test_any_split_of_the_writes_gives_the_same_answers(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(SESSION)]
    chunks = [SESSION[a:b] for a, b in pairwise(bounds)]
    assert _replay(chunks) == _replay([SESSION])


def test_several_commands_in_one_write_answered_in_order() -> None:
    dte = quiet()
    out = dte.send(b"AT+CGMI\rAT+CGMM\r\nAT+CSQ\r")
    assert out == ok("smsrelay") + ok("Simulated 3GPP modem") + ok("+CSQ: 20,99")


def test_commands_sent_during_a_send_wait_their_turn() -> None:
    dte = Dte(FakeModem())
    dte.cmd("AT+CMGS=23", wait=0.1)
    out = dte.send(HELLOHELLO.encode() + b"\x1aAT+CSQ\r", wait=10)
    tail = out.split(HELLOHELLO.encode())[1]
    assert tail.startswith(b"\r\n+CMGS: ")
    assert tail.endswith(b"\r\nOK\r\nAT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n")


def test_urcs_land_between_lines_never_inside() -> None:
    dte = quiet()
    m = dte.modem
    assert dte.cmd("AT+CMGS=23", wait=0.1) == b"\r\n> "
    m.emit_urc('+CMTI: "SM",3', dte.t)  # between the prompt and the answer
    start = dte.t
    out = dte.send(HELLOHELLO.encode() + b"\x1a", wait=0)
    done = start + m.faults.send_delay
    m.emit_urc("+CREG: 1", done + 1.5 * LINE_GAP)  # between +CMGS and OK
    out += dte.advance(done + 1 - dte.t)
    reference = m.air[0].references[0]
    assert out == (
        b'\r\n+CMTI: "SM",3\r\n'
        + f"\r\n+CMGS: {reference}\r\n".encode()
        + b"\r\n+CREG: 1\r\n"
        + b"\r\nOK\r\n"
    )


def test_a_burst_of_a_thousand_indications() -> None:
    dte = quiet()
    dte.modem.burst([f'+CMTI: "SM",{i}' for i in range(1000)], dte.t, interval=0.001)
    out = dte.cmd("AT+CSQ", wait=2)
    assert out.count(b"+CMTI: ") == 1000
    assert b"\r\n+CSQ: 20,99\r\n" in out and out.count(b"\r\nOK\r\n") == 1


def test_garbage_before_replies_and_on_demand() -> None:
    dte = quiet(seed=1)
    dte.modem.faults.garbage_rate = 1.0
    out = dte.cmd("AT")
    assert out.endswith(b"\r\nOK\r\n") and out != b"\r\nOK\r\n"
    assert any(byte >= 0x80 or byte == 0 for byte in out[: -len(b"\r\nOK\r\n")])
    dte.modem.faults.garbage_rate = 0.0
    dte.modem.inject_garbage(b"\xff\xfe\x00", dte.t)
    assert dte.cmd("AT") == b"\xff\xfe\x00\r\nOK\r\n"


def test_a_slash_repeats_the_last_line_and_z_ends_it() -> None:
    dte = quiet()
    assert dte.cmd("AT+CGMM") == ok("Simulated 3GPP modem")
    assert dte.send(b"A/") == ok("Simulated 3GPP modem")
    assert dte.cmd("ATZ+CGMM") == ok()  # +CGMM is ignored after Z
    assert dte.cmd("AT") == b"AT\r\r\nOK\r\n"  # Z brought echo back on


def test_cfun_reset_reenumerates_a_usb_modem() -> None:
    dte = quiet("quectel-ec25")
    m = dte.modem
    assert dte.cmd("AT+CFUN=1,1", wait=1.5) == ok()
    assert m.take_bus_events(dte.t) == ["detach"]
    assert dte.cmd("AT", wait=5) == b""
    out = dte.advance(m.profile.reenumeration_time)
    assert m.take_bus_events(dte.t) == ["attach"]
    lines = [line for line in (out + dte.advance(20)).split(b"\r\n") if line]
    assert lines[:3] == [b"RDY", b"+CFUN: 1", b"+CPIN: READY"]
    assert dte.cmd("AT") == b"AT\r\r\nOK\r\n"


def test_cfun_reset_keeps_a_uart_module_on_its_port() -> None:
    dte = quiet("simcom-sim800")
    assert dte.cmd("AT+CFUN=1,1", wait=15).startswith(ok() + b"\r\nRDY\r\n")
    assert dte.modem.take_bus_events(dte.t) == []


def test_radio_off_and_on() -> None:
    dte = quiet()
    dte.cmd("AT+CREG=1")
    assert dte.cmd("AT+CFUN=4") == ok() + b"\r\n+CREG: 0\r\n"
    assert dte.cmd("AT+CSQ") == ok("+CSQ: 99,99")
    assert dte.cmd("AT+CFUN=1", wait=5) == ok() + b"\r\n+CREG: 2\r\n\r\n+CREG: 1\r\n"


def test_a_refused_cfun_1_leaves_the_radio_off() -> None:
    dte = quiet()
    assert dte.cmd("AT+CFUN=4") == ok()
    dte.modem.faults.radio_refused = True
    assert dte.cmd("AT+CFUN=1") == b"\r\nERROR\r\n"
    dte.modem.faults.radio_refused_code = 0  # a Quectel BG96 held in low-power mode
    assert dte.cmd("AT+CFUN=1") == b"\r\n+CME ERROR: 0\r\n"
    assert dte.cmd("AT+CFUN?") == ok("+CFUN: 4")
    assert dte.cmd("AT+CREG?") == ok("+CREG: 0,0")
    assert dte.cmd("AT+CFUN=1,1") == ok()  # a reset is not refused


def test_not_searching_is_creg_0_with_the_radio_on() -> None:
    dte = quiet()
    dte.cmd("AT+CREG=1")
    dte.modem.faults.not_searching = True
    assert dte.advance(0.1) == b"\r\n+CREG: 0\r\n"
    assert dte.cmd("AT+CREG?") == ok("+CREG: 1,0")
    assert dte.cmd("AT+CFUN?") == ok("+CFUN: 1")
    dte.modem.faults.not_searching = False
    assert dte.advance(0.1) == b"\r\n+CREG: 1\r\n"


def test_huawei_noise_until_curc_0() -> None:
    dte = Dte(FakeModem("huawei-e173", seed=4))
    noise = dte.advance(25)
    assert noise.count(b"\r\n^RSSI:17\r\n") == 2
    assert noise.count(b"\r\n^BOOT:") == 1 and b",0,0,0,72\r\n" in noise
    assert dte.cmd("AT^CURC=0") == b"AT^CURC=0\r\r\nOK\r\n"
    assert dte.advance(60) == b""
    dte.modem.faults.no_network = True
    assert dte.advance(1) == b"\r\n^MODE:0,0\r\n"  # a change of system mode is always told


def test_ussd_as_text() -> None:
    dte = quiet("quectel-ec25")
    assert dte.cmd('AT+CUSD=1,"*100#",15', wait=0.5) == ok()
    assert dte.advance(5) == b'\r\n+CUSD: 0,"Votre credit est de 5,00 EUR.",15\r\n'
    assert dte.cmd('AT+CUSD=1,"*999#",15', wait=5) == ok() + b"\r\n+CUSD: 4\r\n"


def test_ussd_packed_on_huawei() -> None:
    assert pack_ussd("*100#") == "AA180C3602"  # the example every Huawei USSD guide gives
    assert unpack_ussd("AA180C3602") == "*100#"
    dte = quiet("huawei-e173")
    out = dte.cmd('AT+CUSD=1,"AA180C3602",15', wait=5)
    packed = out.split(b'"')[1].decode()
    assert out.startswith(ok() + b'\r\n+CUSD: 0,"') and out.endswith(b'",15\r\n')
    assert unpack_ussd(packed) == "Votre credit est de 5,00 EUR."
    assert dte.cmd('AT+CUSD=1,"*100#",15') == b"\r\nERROR\r\n"  # not hex: refused
