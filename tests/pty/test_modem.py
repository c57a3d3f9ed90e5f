"""The driver against every simulator profile, through a real pty and real pyserial.

Nothing above the sans-IO core is mocked: bytes go through the kernel's pty like a USB dongle's tty.
The simulator's air log (what left for the network) is the truth for what was sent.
"""

from __future__ import annotations

import pytest

from modem import events, pdu
from modem.device import Modem, Timeouts
from modem.errors import (
    CmsError,
    CommandTimeout,
    EmptyText,
    IncorrectPin,
    InvalidNumber,
    PortBusy,
    PortGone,
    RemoteProtocolError,
    SimPinRequired,
    TextTooLong,
)
from tests.waiting import wait_until

PROFILES = ["generic", "huawei-e173", "simcom-sim800", "quectel-ec25"]
FAST = Timeouts(command=2.0, send=5.0, ussd=5.0, sync=0.5, sim_ready=5.0)

TEXTS = {
    "gsm7": "Collecte demain 8h-12h, salle des fêtes".replace("ê", "e"),
    "accented": "Don du sang: à demain, café et gâteaux offerts. Répondez OUI",
    "ucs2": "Привет, завтра сбор крови",
    "emoji": "Merci pour votre don 🩸❤️ à bientôt",
    "extension": "Prix: 5€ [salle] {A} ~ ^ | \\",
}


def collect(modem, kind, count: int, timeout: float = 5.0) -> list:
    """The next ``count`` events of type ``kind`` (other unsolicited events are skipped)."""
    found: list = []

    def more() -> bool:
        event = modem.next_event(0.2)
        if isinstance(event, kind):
            found.append(event)
        return len(found) >= count

    wait_until(more, timeout, f"{count} {getattr(kind, '__name__', kind)} events")
    return found


def air_texts(server) -> list[tuple[str, str, int]]:
    return server.call(lambda m, now: [(a.recipient, a.text, a.parts) for a in m.air])


@pytest.fixture(params=PROFILES)
def profile(request) -> str:
    return request.param


@pytest.fixture
def online(sim_factory, profile):
    """An initialised Modem on a fresh simulator of ``profile``; yields (server, modem)."""
    server = sim_factory(profile)
    modem = Modem(server.link, timeouts=FAST).open()
    modem.initialise()
    yield server, modem
    modem.close()


def test_initialise_and_status(online, profile):
    server, modem = online
    fake_imei, fake_iccid = server.call(lambda m, now: (m.imei, m.iccid))
    assert modem.identity.imei == fake_imei
    assert modem.identity.manufacturer
    assert modem.cnmi is not None and modem.cnmi[1] == 1  # stored, announced by +CMTI
    status = modem.status()
    assert status.sim == "READY"
    assert status.iccid == fake_iccid
    assert status.imsi and status.imsi.isdigit()
    assert status.signal is not None and status.signal.dbm is not None and status.signal.bars >= 1
    assert status.registration is not None and status.registration.registered
    assert status.operator


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_send_texts(online, kind):
    server, modem = online
    text = TEXTS[kind]
    result = modem.send("+33612345678", text)
    assert len(result.references) == result.parts == pdu.count(text).parts
    assert air_texts(server) == [("+33612345678", text, result.parts)]


def test_send_five_parts(online):
    server, modem = online
    text = " ".join(
        f"Rappel {i}: collecte de sang demain à la mairie de 8h à 12h." for i in range(12)
    )
    assert pdu.count(text).parts == 5
    result = modem.send("0612345678", text)
    assert result.parts == 5 and len(set(result.references)) == 5
    assert air_texts(server) == [("0612345678", text, 5)]


def test_bad_input_refused_before_writing(online):
    server, modem = online
    for number in ("", "abc", "+"):
        with pytest.raises(InvalidNumber):
            modem.send(number, "hello")
    with pytest.raises(EmptyText):
        modem.send("+33612345678", "")
    with pytest.raises(TextTooLong):
        modem.send("+33612345678", "x" * 161, max_parts=1)
    assert server.call(lambda m, now: len(m.submits)) == 0


def test_receive_single_and_multipart(online):
    server, modem = online
    long_text = "Réponse longue " * 20
    server.call(lambda m, now: m.deliver_sms("+33698765432", "OUI", now))
    server.call(lambda m, now: m.deliver_sms("+33698765432", long_text, now))
    expected_parts = 1 + pdu.count(long_text).parts
    stored = collect(modem, events.MessageStored, expected_parts)
    parts = []
    for event in stored:
        message = modem.read_message(event.index, event.storage)
        assert message is not None and isinstance(message.message, pdu.Deliver)
        parts.append(message.message)
        modem.delete_message(event.index)
    assert parts[0].text == "OUI" and parts[0].sender == "+33698765432"
    rest = sorted(parts[1:], key=lambda p: p.concat.seq)
    assert "".join(p.text for p in rest) == long_text
    assert modem.list_messages() == []


def test_delivery_report(online):
    _, modem = online
    result = modem.send("+33612345678", "Avec accusé", report=True)
    event = collect(modem, events.ReportStored | events.ReportReceived, 1)[0]
    if isinstance(event, events.ReportStored):
        stored = modem.read_message(event.index, event.storage)
        report = stored.message
    else:
        assert isinstance(event, events.ReportReceived)
        report = event.report
    assert isinstance(report, pdu.StatusReport)
    assert report.message_reference == result.references[0]
    assert report.delivered


def test_cms_error_is_typed(sim_factory, profile):
    server = sim_factory(profile, fail_rate=1.0, fail_codes=(38,))
    with Modem(server.link, timeouts=FAST) as modem:
        modem.initialise()
        with pytest.raises(CmsError) as info:
            modem.send("+33612345678", "hello")
    assert info.value.code == 38 and not info.value.permanent and info.value.reason
    assert not info.value.maybe_sent
    assert air_texts(server) == []


def test_hang_then_timeout_then_reset(sim_factory, profile):
    server = sim_factory(profile)
    with Modem(server.link, timeouts=FAST) as modem:
        modem.initialise()
        server.call(lambda m, now: m.hang(now, duration=150))  # 1.5 s real
        with pytest.raises(CommandTimeout):
            modem.signal()
        deadline_ok = False
        for _ in range(5):
            try:
                modem.reset()
                deadline_ok = True
                break
            except CommandTimeout:
                continue
        assert deadline_ok
        modem.send("+33612345678", "after the reset")
    assert air_texts(server) == [("+33612345678", "after the reset", 1)]


def test_timeout_after_pdu_is_maybe_sent(sim_factory):
    server = sim_factory("generic", send_delay=10_000)  # the network never answers in time
    with Modem(server.link, timeouts=Timeouts(command=2, send=0.5, sync=0.5)) as modem:
        modem.initialise()
        with pytest.raises(CommandTimeout) as info:
            modem.send("+33612345678", "lost in the air?")
    assert info.value.maybe_sent


def test_unplug_gives_port_gone(online):
    server, modem = online
    old = server.port
    server.unplug()
    wait_until(lambda: modem.gone, what="the reader to notice the unplug")
    with pytest.raises(PortGone):
        modem.signal()
    server.replug()
    assert server.port != old
    with Modem(server.link, timeouts=FAST) as again:
        assert again.initialise().imei == modem.identity.imei


def test_port_is_exclusive(online):
    server, _ = online
    with pytest.raises(PortBusy):
        Modem(server.link).open()


def test_sim_pin(sim_factory):
    server = sim_factory("generic", pin="4321")
    with Modem(server.link, timeouts=FAST) as modem:
        with pytest.raises(SimPinRequired):
            modem.initialise()
        with pytest.raises(IncorrectPin):
            modem.initialise(pin="1111")
        with pytest.raises(IncorrectPin):  # the refused PIN is never sent again
            modem.initialise(pin="1111")
        assert server.call(lambda m, now: m.sim.pin_attempts) == 2
        modem.initialise(pin="4321")
        assert modem.sim_state() == "READY"


def test_urc_burst_while_sending(sim_factory, profile):
    """1,000 +CMTI arrive while sends run: every one is seen, and no send is corrupted."""
    server = sim_factory(profile, send_delay=0.5)
    lines = [f'+CMTI: "SM",{i % 20}' for i in range(1000)]
    sent: list[str] = []
    with Modem(server.link, timeouts=FAST) as modem:
        modem.initialise()
        server.call(lambda m, now: m.burst(lines, now, interval=0.05))  # 0.5 ms apart, real
        count = 0
        while count < 1000 and len(sent) < 5000:
            text = f"message {len(sent)} {'é' if len(sent) % 2 else 'ж'}"
            modem.send("+33612345678", text)
            sent.append(text)
            while (event := modem.next_event()) is not None:
                count += isinstance(event, events.MessageStored)
    assert count == 1000
    assert [t for _, t, _ in air_texts(server)] == sent


def test_ussd_balance(online):
    _, modem = online
    assert modem.ussd("*100#") == "Votre credit est de 5,00 EUR."


def test_garbage_fails_one_command_only(online):
    server, modem = online
    server.call(lambda m, now: setattr(m.faults, "garbage_rate", 1.0))
    with pytest.raises(RemoteProtocolError):
        modem.signal()
    server.call(lambda m, now: setattr(m.faults, "garbage_rate", 0.0))
    modem.sync()
    assert modem.signal().dbm is not None
