"""Incoming calls through a real pty and pyserial, on every simulator profile: the caller's
number after RING, hanging up with ATH or AT+CHUP, and a call ringing in the middle of a
multipart send, which must go on undisturbed."""

from __future__ import annotations

import threading

import pytest

from modem import events, pdu
from modem.device import Modem, Timeouts
from tests.waiting import wait_until

PROFILES = ["generic", "huawei-e173", "simcom-sim800", "quectel-ec25"]
FAST = Timeouts(command=2.0, send=5.0, ussd=5.0, sync=0.5, sim_ready=5.0)
LONG = "Collecte de sang samedi à la salle des fetes, de 8h à 12h. " * 7  # GSM-7: 3 parts


@pytest.fixture(params=PROFILES)
def online(request, sim_factory):
    server = sim_factory(request.param)
    modem = Modem(server.link, timeouts=FAST).open()
    modem.initialise()
    yield server, modem
    modem.close()


def next_of(modem: Modem, kind: type, timeout: float = 5.0):
    found: list = []

    def arrived() -> bool:
        event = modem.next_event(0.05)
        if isinstance(event, kind):
            found.append(event)
        return bool(found)

    wait_until(arrived, timeout, f"a {kind.__name__} event")
    return found[0]


@pytest.mark.parametrize("command", ["ATH", "AT+CHUP"])
def test_the_caller_is_named_and_the_call_hung_up(online, command):
    server, modem = online
    assert modem.enable_caller_id()
    call = server.call(lambda m, now: m.ring("+33612345678", now))
    assert next_of(modem, events.Ringing) == events.Ringing()
    assert next_of(modem, events.CallerIdentified).number == "+33612345678"
    assert modem.hang_up(command) == command
    assert server.call(lambda m, now: (call.ended, call.rings))[0] == "hung-up"


def test_a_call_during_a_multipart_send_leaves_the_send_whole(online):
    server, modem = online
    modem.enable_caller_id()
    server.call(lambda m, now: setattr(m.faults, "send_delay", 2.0))  # 20 ms a part here
    result: list = []
    sender = threading.Thread(target=lambda: result.append(modem.send("+33698765432", LONG)))
    sender.start()
    wait_until(lambda: server.call(lambda m, now: m.pdus_received) >= 1, 5, "the first part")
    call = server.call(lambda m, now: m.ring("+33612345678", now))
    sender.join(10)
    assert pdu.count(LONG).parts == 3
    assert result and len(result[0].references) == 3
    air = server.call(lambda m, now: [(a.recipient, a.text, a.parts) for a in m.air])
    assert air == [("+33698765432", LONG, 3)]
    assert next_of(modem, events.CallerIdentified).number == "+33612345678"
    assert server.call(lambda m, now: call.rings) >= 1
    modem.hang_up()
