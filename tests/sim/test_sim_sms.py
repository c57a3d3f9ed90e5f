"""Sending and receiving SMS through the pure simulator, checked on the air side."""

from __future__ import annotations

import pytest

from modem import pdu
from modem.sim import FakeModem

from .fake_dte import HELLOHELLO, Dte, ok, quiet


def test_send_published_pdu_reaches_the_air() -> None:
    dte = quiet()
    m = dte.modem
    out = dte.cmd("AT+CMGS=23", wait=0.1)
    assert out == b"\r\n> "  # the prompt has no line end (TS 27.005 §3.5.1)
    out = dte.send(HELLOHELLO.encode() + b"\x1a", wait=m.faults.send_delay - 0.5)
    assert out == b""  # the network has not answered yet
    out = dte.advance(1.0)
    reference = int(out.split(b"+CMGS: ")[1].split(b"\r\n")[0])
    assert out == ok(f"+CMGS: {reference}")
    (message,) = m.air
    assert (message.recipient, message.text, message.parts) == ("+46708251358", "hellohello", 1)
    assert message.references == (reference,) and not message.request_report
    assert [s.text for s in m.submits] == ["hellohello"]


def test_echo_shows_the_command_and_the_pdu_but_not_ctrl_z() -> None:
    dte = Dte(FakeModem("simcom-sim800"))
    out = dte.sms(HELLOHELLO, 23)
    assert out.startswith(b"AT+CMGS=23\r\r\n> " + HELLOHELLO.encode() + b"\r\n+CMGS: ")


def test_multipart_message_is_one_air_message() -> None:
    dte = quiet("quectel-ec25")
    m = dte.modem
    text = "Collecte demain 8h-12h, salle des fetes. " * 5
    parts = pdu.encode_submit("+33612345678", text, reference=77)
    assert len(parts) == 2
    answers = [dte.sms(part.hex, part.tpdu_length) for part in parts]
    assert all(b"+CMGS: " in a and a.endswith(b"\r\nOK\r\n") for a in answers)
    (message,) = m.air
    assert message.text == text and message.parts == 2
    assert len(m.submits) == 2 and message.references[1] == (message.references[0] + 1) % 256


def test_esc_cancels_the_prompt_nothing_is_sent() -> None:
    dte = quiet()
    assert dte.cmd("AT+CMGS=23", wait=0.1) == b"\r\n> "
    assert dte.send(HELLOHELLO[:20].encode() + b"\x1b", wait=10) == ok()
    assert dte.modem.air == [] and dte.modem.submits == []
    assert dte.cmd("AT") == ok()  # back in command state


@pytest.mark.parametrize(
    ("pdu_hex", "length"),
    [(HELLOHELLO, 22), (HELLOHELLO, 24), ("00ZZ", 1), (HELLOHELLO[:-2], 22), ("0011", 1)],
)
def test_bad_pdu_or_length_is_refused(pdu_hex: str, length: int) -> None:
    dte = quiet()
    out = dte.sms(pdu_hex, length, wait=1)
    assert out.endswith(b"\r\n+CMS ERROR: 304\r\n")
    assert dte.modem.air == []


def test_no_network() -> None:
    dte = quiet()
    dte.cmd("AT+CREG=1")
    dte.modem.faults.no_network = True
    assert dte.advance(0.1) == b"\r\n+CREG: 2\r\n"
    assert dte.sms(HELLOHELLO, 23, wait=1).endswith(b"\r\n+CMS ERROR: 331\r\n")
    assert dte.cmd("AT+COPS?") == ok("+COPS: 0")
    dte.modem.faults.no_network = False
    assert dte.advance(0.1) == b"\r\n+CREG: 1\r\n"
    assert b"+CMGS: " in dte.sms(HELLOHELLO, 23)


def test_text_mode_send_is_refused() -> None:
    dte = quiet()
    assert dte.cmd("AT+CMGF=1") == ok()
    assert dte.cmd('AT+CMGS="+33612345678"') == b"\r\n+CMS ERROR: 302\r\n"


def _outcomes(seed: int) -> list[bytes]:
    dte = quiet(seed=seed)
    dte.modem.faults.fail_rate = 0.5
    results = []
    for _ in range(12):
        out = dte.sms(HELLOHELLO, 23)
        results.append(out.split(b"\r\n")[-2])
    return results


def test_fail_rate_is_reproducible_with_a_seed() -> None:
    first = _outcomes(seed=3)
    assert first == _outcomes(seed=3)
    failures = [r for r in first if r.startswith(b"+CMS ERROR")]
    assert 0 < len(failures) < 12
    assert set(failures) <= {b"+CMS ERROR: 38", b"+CMS ERROR: 500"}
    assert _outcomes(seed=4) != first  # another seed, other faults


def test_failed_parts_never_reach_the_air() -> None:
    dte = quiet(seed=5)
    m = dte.modem
    m.faults.fail_rate, m.faults.fail_codes = 1.0, (42,)
    assert dte.sms(HELLOHELLO, 23).endswith(b"\r\n+CMS ERROR: 42\r\n")
    assert m.air == [] and m.submits == []


def test_an_unanswered_part_is_on_air_and_the_modem_says_nothing_for_a_while() -> None:
    dte = quiet(seed=5)
    m = dte.modem
    m.faults.unanswered_rate, m.faults.unanswered_for = 1.0, 30.0
    assert dte.sms(HELLOHELLO, 23, wait=m.faults.send_delay + 5) == b"\r\n> "  # no +CMGS, no OK
    assert [s.text for s in m.submits] == ["hellohello"] and not m.awaiting_network
    assert dte.cmd("AT", wait=10) == b""  # still wedged, 18 s after the answer was due
    dte.advance(20)
    assert dte.cmd("AT") == ok()  # 30 s over: it answers again
    m.faults.unanswered_rate = 0.0
    assert b"+CMGS: " in dte.sms(HELLOHELLO, 23) and len(m.submits) == 2


def test_no_unanswered_parts_unless_asked_and_the_seeded_draws_stay_the_same() -> None:
    """The unanswered draw is made only when its rate is set: seeded runs replay as before."""
    first = _outcomes(seed=3)
    dte = quiet(seed=3)
    dte.modem.faults.fail_rate = 0.5
    dte.modem.faults.unanswered_rate = 0.0
    assert [dte.sms(HELLOHELLO, 23).split(b"\r\n")[-2] for _ in range(12)] == first


def _send_with_report(dte: Dte) -> int:
    part = pdu.encode_submit("+33612345678", "rappel", request_report=True)[0]
    out = dte.sms(part.hex, part.tpdu_length, wait=dte.modem.faults.send_delay + 0.1)
    return int(out.split(b"+CMGS: ")[1].split(b"\r\n")[0])


def test_delivery_report_routed_directly_with_ds_1() -> None:
    dte = quiet()
    dte.cmd("AT+CNMI=2,1,0,1,0")
    reference = _send_with_report(dte)
    assert dte.advance(5.0) == b""
    out = dte.advance(dte.modem.faults.report_delay)
    header, pdu_line = out.split(b"\r\n")[1:3]
    report = pdu.decode(pdu_line.decode(), direction="deliver")
    assert header == f"+CDS: {(len(pdu_line) // 2) - 1 - int(pdu_line[:2], 16)}".encode()
    assert report.message_reference == reference and report.status == 0
    assert report.recipient == "+33612345678"


def test_delivery_report_stored_with_ds_2() -> None:
    dte = quiet("huawei-e173")
    dte.modem.faults.report_status = 70  # TS 23.040: validity period expired
    dte.cmd("AT+CNMI=2,1,0,2,0")
    reference = _send_with_report(dte)
    out = dte.advance(dte.modem.faults.report_delay)
    assert out == b'\r\n+CDSI: "SR",0\r\n'  # Huawei numbers slots from 0
    dte.cmd('AT+CPMS="SR"')
    listing = dte.cmd("AT+CMGR=0").split(b"\r\n")
    report = pdu.decode(listing[2].decode(), direction="deliver")
    assert (report.message_reference, report.status) == (reference, 70)


def test_no_report_with_ds_0_and_ds_2_refused_where_unsupported() -> None:
    dte = quiet("simcom-sim800")
    assert dte.cmd("AT+CNMI=2,1,0,2,0") == b"\r\n+CMS ERROR: 303\r\n"
    dte.cmd("AT+CNMI=2,1,0,0,0")
    _send_with_report(dte)
    assert dte.advance(60) == b""


@pytest.mark.parametrize(("name", "first"), [("simcom-sim800", 1), ("quectel-ec25", 0)])
def test_inbound_stored_and_announced(name: str, first: int) -> None:
    dte = quiet(name)
    m = dte.modem
    dte.cmd("AT+CNMI=2,1,0,0,0")
    m.deliver_sms("+33698765432", "OUI", dte.t)
    storage = m.profile.storage(m.settings.cpms[2])
    assert dte.advance(0.1) == f'\r\n+CMTI: "{storage}",{first}\r\n'.encode()
    lines = dte.cmd(f"AT+CMGR={first}").split(b"\r\n")
    assert lines[1].startswith(b"+CMGR: 0,,")
    message = pdu.decode(lines[2].decode())
    assert (message.sender, message.text) == ("+33698765432", "OUI")
    assert dte.cmd(f"AT+CMGR={first}").split(b"\r\n")[1].startswith(b"+CMGR: 1,,")  # now read
    assert dte.cmd(f"AT+CMGD={first}") == ok()
    empty = ok() if m.profile.cmgr_empty == "ok" else b"\r\n+CMS ERROR: 321\r\n"
    assert dte.cmd(f"AT+CMGR={first}") == empty
    assert dte.cmd("AT+CMGR=999") == b"\r\n+CMS ERROR: 321\r\n"


def test_inbound_routed_directly_with_mt_2() -> None:
    dte = quiet()
    dte.cmd("AT+CNMI=2,2,0,0,0")
    dte.modem.deliver_sms("+33698765432", "ж" * 80, dte.t)  # UCS-2, two parts
    out = dte.advance(5.0)
    chunks = out.split(b"\r\n")
    headers = [c for c in chunks if c.startswith(b"+CMT: ,")]
    bodies = [pdu.decode(chunks[chunks.index(h) + 1].decode()) for h in headers]
    assert len(headers) == 2 and "".join(b.text for b in bodies) == "ж" * 80
    assert dte.cmd("AT+CPMS?").startswith(b'\r\n+CPMS: "SM",0,')


def test_stored_silently_with_mt_0_then_listed() -> None:
    dte = quiet()
    m = dte.modem
    for text in ("un", "deux"):
        m.deliver_sms("+33698765432", text, dte.t)
        assert dte.advance(1.0) == b""
    out = dte.cmd("AT+CMGL=4").split(b"\r\n")
    assert out[1].startswith(b"+CMGL: 1,0,,") and out[3].startswith(b"+CMGL: 2,0,,")
    assert [pdu.decode(out[i].decode()).text for i in (2, 4)] == ["un", "deux"]
    assert dte.cmd("AT+CMGL=0") == ok()  # listing unread ones marked them read
    assert dte.cmd("AT+CMGD=0,4") == ok()
    assert dte.cmd("AT+CMGL=4") == ok()


def test_storage_full_then_freed_the_network_delivers_again() -> None:
    dte = quiet("huawei-e173")
    m = dte.modem
    dte.cmd("AT+CNMI=2,1,0,0,0")
    capacity = m.store("SM").capacity
    for number in range(capacity + 2):
        m.deliver_sms("+33698765432", f"message {number}", dte.t)
    out = dte.advance(capacity * m.faults.inbound_interval + 5)
    assert out.count(b"+CMTI: ") == capacity
    assert out.endswith(b'\r\n^SMMEMFULL: "SM"\r\n')
    assert dte.advance(60) == b""  # the network holds the rest
    dte.cmd("AT+CMGD=0")
    out = dte.advance(m.faults.redelivery_delay + 1)
    assert out == b'\r\n+CMTI: "SM",0\r\n\r\n^SMMEMFULL: "SM"\r\n'  # full again at once
    dte.cmd("AT+CMGD=1")
    out = dte.advance(m.faults.redelivery_delay + 1)
    assert out == b'\r\n+CMTI: "SM",1\r\n'
    text = pdu.decode(dte.cmd("AT+CMGR=1").split(b"\r\n")[2].decode()).text
    assert text == f"message {capacity + 1}"


def test_cnmi_mode_0_buffers_indications_until_mode_2() -> None:
    dte = quiet()
    dte.cmd("AT+CNMI=0,1,0,0,0")
    dte.modem.deliver_sms("+33698765432", "tampon", dte.t)
    assert dte.advance(1.0) == b""
    assert dte.cmd("AT+CNMI=2,1,0,0,0") == ok() + b'\r\n+CMTI: "SM",1\r\n'


def test_cnmi_values_out_of_the_profile_ranges() -> None:
    dte = quiet("quectel-ec25")
    assert dte.cmd("AT+CNMI=3,1,0,0,0") == b"\r\n+CMS ERROR: 303\r\n"
    assert dte.cmd("AT+CNMI=2,1,0,2,0") == ok()
    assert dte.cmd("AT+CNMI?") == ok("+CNMI: 2,1,0,2,0")


def test_held_sms_counts_what_the_te_has_not_read_and_deleted() -> None:
    """``held_sms``: what the soak waits on before it counts the inbox (issue 14)."""
    dte = quiet("huawei-e173")
    m = dte.modem
    dte.cmd("AT+CNMI=2,1,0,2,0")  # reports stored too (+CDSI): they are not SMS held
    _send_with_report(dte)
    dte.advance(m.faults.report_delay)
    m.faults.no_network = True
    m.deliver_sms("+33698765432", "ж" * 80, dte.t)  # two parts, kept by the network
    assert b"+CMTI" not in dte.advance(5.0) and m.held_sms() == 2
    m.faults.no_network = False  # noticed at the next moment the modem is driven
    out = dte.advance(1.0) + dte.advance(5.0)
    assert out.count(b"+CMTI: ") == 2 and m.held_sms() == 2  # on the SIM now
    dte.cmd("AT+CMGR=0")
    assert m.held_sms() == 2  # read is not taken: the TE deletes once it has stored it
    dte.cmd("AT+CMGD=0")
    dte.cmd("AT+CMGD=1")
    assert m.held_sms() == 0 and m.store("SR").used == 1
