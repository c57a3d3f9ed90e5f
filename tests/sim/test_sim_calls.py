"""Incoming calls on the simulated modem: RING and +CLIP as TS 27.007 §6.11/§7.6 word them,
repeated while the call rings, ended by ATH or AT+CHUP, or by the caller giving up."""

from __future__ import annotations

from modem.sim.calls import RING_INTERVAL

from .fake_dte import HELLOHELLO, ok, quiet


def registered():
    dte = quiet()
    dte.advance(dte.modem.profile.registration_time + 1)
    return dte


def test_ring_alone_until_caller_id_is_on_then_clip_after_every_ring() -> None:
    dte = registered()
    dte.modem.ring("+33612345678", dte.t)
    assert dte.advance(0.1) == b"\r\nRING\r\n"  # AT+CLIP=0 (the default): no number
    assert dte.cmd("AT+CLIP=1") == ok()
    assert dte.cmd("AT+CLIP?") == ok("+CLIP: 1,1")
    out = dte.advance(RING_INTERVAL)
    assert out == b'\r\nRING\r\n\r\n+CLIP: "+33612345678",145,,,,0\r\n'
    assert dte.modem.calls[-1].rings == 2


def test_crc_gives_cring_and_national_numbers_type_129() -> None:
    dte = registered()
    dte.cmd("AT+CLIP=1;+CRC=1")
    dte.modem.ring("0612345678", dte.t)
    assert dte.advance(0.1) == b'\r\n+CRING: VOICE\r\n\r\n+CLIP: "0612345678",129,,,,0\r\n'


def test_withheld_and_unavailable_numbers_are_empty_with_their_validity() -> None:
    dte = registered()
    dte.cmd("AT+CLIP=1")
    dte.modem.ring("+33612345678", dte.t, withheld=True)
    assert dte.advance(0.1) == b'\r\nRING\r\n\r\n+CLIP: "",128,,,,1\r\n'
    dte.cmd("ATH")
    dte.modem.ring(None, dte.t)
    assert dte.advance(0.1) == b'\r\nRING\r\n\r\n+CLIP: "",128,,,,2\r\n'


def test_ath_and_chup_end_the_call_and_the_ringing_stops() -> None:
    dte = registered()
    for command in ("ATH", "AT+CHUP"):
        call = dte.modem.ring("+33612345678", dte.t)
        dte.advance(0.1)
        assert dte.cmd(command) == ok()
        assert call.ended == "hung-up"
        assert dte.advance(3 * RING_INTERVAL) == b""  # no more RING
    assert dte.cmd("ATH") == ok()  # nothing to end is no error
    assert dte.cmd("AT+CHUP") == ok()


def test_a_caller_nobody_answers_gives_up_and_a_second_caller_meanwhile_gets_busy() -> None:
    dte = registered()
    first = dte.modem.ring("+33612345678", dte.t, rings_for=12)
    second = dte.modem.ring("+33698765432", dte.t + 1)
    assert second.ended == "busy"
    out = dte.advance(30)
    assert out.count(b"RING") == 3  # at 0, 5 and 10 s; the caller gave up at 12
    assert first.ended == "gave-up" and first.rings == 3


def test_a_modem_without_network_never_rings() -> None:
    dte = quiet(pin="1234")  # not registered before its PIN
    call = dte.modem.ring("+33612345678", dte.t)
    assert call.ended == "unreachable"
    assert dte.advance(1) == b""


def test_a_ring_can_land_between_the_pdu_and_the_cmgs_answer() -> None:
    dte = registered()
    dte.cmd("AT+CLIP=1")
    dte.modem.faults.send_delay = 2.0
    out = dte.cmd("AT+CMGS=23", wait=0.1)
    assert out.endswith(b"> ")
    dte.modem.receive(HELLOHELLO.encode() + b"\x1a", dte.t)
    dte.modem.ring("+33612345678", dte.t + 1.0)
    out = dte.advance(3)
    assert out.index(b"RING") < out.index(b"+CMGS:") < out.index(b"OK")
    assert len(dte.modem.air) == 1
